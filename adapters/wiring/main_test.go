package wiring_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// The whole service runs once per package against a fresh database and a fresh Temporal dev
// server; each test isolates itself by creating its own merchant.
var it struct {
	app      *wiring.App
	base     string
	temporal client.Client
	chain    *simChain
	cfg      wiring.Config // the shared service's configuration, for tests that start one of their own
}

func TestMain(m *testing.M) {
	if wiringtest.ServicesSkipped("adapters/wiring") {
		return
	}
	code, err := runTests(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration setup:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func runTests(m *testing.M) (int, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dbURL, drop, err := wiringtest.Database(ctx, "checkout_it")
	if err != nil {
		return 0, err
	}
	defer drop()
	srv, err := wiringtest.Temporal(ctx, nil, recordingServerArgs()...)
	if err != nil {
		return 0, err
	}
	defer srv.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	base := "http://" + ln.Addr().String()
	sim, err := newSimChain()
	if err != nil {
		return 0, err
	}
	defer sim.backend.Close()
	cfg := wiring.Config{DatabaseURL: dbURL, TemporalAddress: srv.FrontendHostPort(), TemporalNamespace: srv.Namespace(),
		Listen: ln.Addr().String(), PublicURL: base, Role: wiring.RoleAll, AutoMigrate: true,
		Chains: sim.config(), ChainClients: map[int64]ethereum.Client{simChainID: sim.flaky}, WebhookAllowPrivate: true, WebhookTimeout: 2 * time.Second, WebhookFirstRetry: 100 * time.Millisecond,
		SecretsKeys: "test:" + base64.StdEncoding.EncodeToString(make([]byte, 32))}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	app, err := wiring.New(ctx, cfg, log)
	if err != nil {
		return 0, err
	}
	defer app.Close()
	app.Scans.IdlePoll = 20 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, ln) }()
	if err := waitServing(base, done); err != nil {
		return 0, err
	}
	it.app, it.base, it.temporal, it.chain, it.cfg = app, base, srv.Client(), sim, cfg
	code := m.Run()
	cancel()
	if err := <-done; err != nil {
		return code, err
	}
	return code, nil
}

// waitServing waits until the HTTP server answers, which Run reaches only after starting the
// worker, scanner and dispatcher: a test that ends at once must not cancel Run mid-start.
func waitServing(base string, done <-chan error) error {
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			return fmt.Errorf("service stopped while starting: %w", err)
		default:
		}
		if res, err := http.Get(base + "/v1/crypto/assets"); err == nil {
			res.Body.Close()
			return nil
		}
	}
	return fmt.Errorf("service did not answer on %s", base)
}

// newMerchant registers a merchant with its own test key.
func newMerchant(t *testing.T, name string) (key, id string) {
	t.Helper()
	m, keys, err := it.app.Merchants.Create(context.Background(), name, ethereum.DemoXPub)
	if err != nil {
		t.Fatalf("create merchant: %v", err)
	}
	return keys.Of(false), m.ID
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    []byte
}

// errField returns error.<name> of a Stripe error body.
func (r response) errField(name string) string {
	e, _ := r.body["error"].(map[string]any)
	s, _ := e[name].(string)
	return s
}

func (r response) str(name string) string {
	s, _ := r.body[name].(string)
	return s
}

func call(t *testing.T, method, path, key string, body io.Reader, contentType string, headers map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, it.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := response{status: res.StatusCode, header: res.Header, raw: raw}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			t.Fatalf("%s %s: response is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return r
}

func postForm(t *testing.T, path, key string, form url.Values, headers map[string]string) response {
	return call(t, http.MethodPost, path, key, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", headers)
}

func postJSON(t *testing.T, path, key string, body any) response {
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return call(t, http.MethodPost, path, key, bytes.NewReader(b), "application/json", nil)
}

func get(t *testing.T, path, key string) response {
	return call(t, http.MethodGet, path, key, nil, "", nil)
}

// validForm is a minimal valid session: 2 × 19.99 USD.
func validForm() url.Values {
	return url.Values{
		"mode":                                          {"payment"},
		"line_items[0][price_data][currency]":           {"usd"},
		"line_items[0][price_data][unit_amount]":        {"1999"},
		"line_items[0][price_data][product_data][name]": {"T-shirt"},
		"line_items[0][quantity]":                       {"2"},
	}
}

func with(f url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = append([]string{}, v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

func without(f url.Values, keys ...string) url.Values {
	out := with(f)
	for _, k := range keys {
		out.Del(k)
	}
	return out
}

// eventually polls cond (visibility in Temporal is eventually consistent).
func eventually(t *testing.T, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (last error: %v)", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func listReq(query string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: query}
}

func jsonInto(raw []byte, v any) error { return json.Unmarshal(raw, v) }
