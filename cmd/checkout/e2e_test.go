package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// e2e is the whole product on a real geth --dev node with the test stablecoin deployed.
type e2e struct {
	app               *wiring.App
	api               apiClient
	rpcURL, chainsCfg string
	dbURL             string
	proxy             *wiringtest.TCPProxy // between the service and geth, when asked for (rpcURL is geth's own)
}

func startE2E(ctx context.Context, t *testing.T, options ...func(*wiring.Config)) *e2e {
	t.Helper()
	return startE2EWith(ctx, t, e2eChain{}, options...)
}

// e2eChain changes how the service reaches and judges the chain.
type e2eChain struct {
	proxy      bool  // the service reads geth through a proxy the test can cut
	staleAfter int64 // the chain's stale_after_seconds (0: the default)
}

func startE2EWith(ctx context.Context, t *testing.T, ec e2eChain, options ...func(*wiring.Config)) *e2e {
	t.Helper()
	wiringtest.NeedsServices(t)
	dir := t.TempDir()
	rpcURL, stopGeth, err := wiringtest.Geth(ctx, filepath.Join(dir, "geth"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopGeth)
	serviceRPC, proxy := rpcURL, (*wiringtest.TCPProxy)(nil)
	if ec.proxy {
		proxy = newTCPProxy(t, strings.TrimPrefix(rpcURL, "http://"))
		serviceRPC = "http://" + proxy.Addr()
	}
	dbURL := testDatabase(ctx, t, "checkout_e2e")
	temporal := testTemporal(ctx, t)
	chainsFile := filepath.Join(dir, "chains.json")
	if err := devDeploy(ctx, []string{"--rpc", serviceRPC, "--out", chainsFile}, io.Discard); err != nil {
		t.Fatalf("dev deploy: %v", err)
	}
	if ec.staleAfter > 0 {
		setStaleAfter(t, chainsFile, ec.staleAfter)
	}
	password, err := os.ReadFile(filepath.Join(dir, "gas-wallet.password")) // as scripts/dev.sh loads it
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(devGasWalletPasswordEnv, strings.TrimSpace(string(password)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := wiring.Config{DatabaseURL: dbURL, TemporalAddress: temporal.FrontendHostPort(),
		TemporalNamespace: temporal.Namespace(), Listen: ln.Addr().String(), PublicURL: base, Role: wiring.RoleAll,
		AutoMigrate: true, ChainsFile: chainsFile,
		SecretsKeys: "test:" + base64.StdEncoding.EncodeToString(make([]byte, 32))}
	for _, o := range options {
		o(&cfg)
	}
	app, err := wiring.New(ctx, cfg, slog.New(slog.NewTextHandler(e2eLog(), nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	go func() { _ = app.Run(ctx, ln) }()
	_, keys, err := app.Merchants.Create(ctx, "E2E Store", ethereum.DemoXPub)
	key := keys.Of(false)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHECKOUT_API_URL", base)
	t.Setenv("CHECKOUT_API_KEY", key)
	return &e2e{app: app, api: apiClient{base: base, key: key}, rpcURL: rpcURL, chainsCfg: chainsFile, dbURL: dbURL, proxy: proxy}
}

// The README's walkthrough against a real geth --dev node: deploy the test stablecoin,
// create a session over HTTP, `dev pay` it, and watch it complete after 3 confirmations.
func TestEndToEndOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	api, rpcURL, chainsFile := env.api, env.rpcURL, env.chainsCfg
	var out bytes.Buffer

	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"T-shirt"},
		"line_items[0][quantity]": {"2"}}
	var sess struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Crypto struct {
			State    string `json:"state"`
			Payments []struct {
				Status        string `json:"status"`
				Confirmations int64  `json:"confirmations"`
				Required      int64  `json:"confirmations_required"`
			} `json:"payments"`
		} `json:"crypto"`
	}
	if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}
	if err := devPay(ctx, []string{sess.ID, "--asset", "tusd@dev", "--rpc", rpcURL, "--chains", chainsFile}, &out); err != nil {
		t.Fatalf("dev pay: %v", err)
	}
	if !strings.Contains(out.String(), "sent 39.98 tUSD") {
		t.Fatalf("dev pay said %q", out.String())
	}
	seen := map[string]bool{}
	for deadline := time.Now().Add(60 * time.Second); ; {
		if err := api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
			t.Fatal(err)
		}
		seen[sess.Crypto.State] = true
		if sess.Status == "complete" {
			break
		}
		if time.Now().After(deadline) {
			raw, _ := json.Marshal(sess)
			t.Fatalf("not complete after 60 s: %s", raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
	p := sess.Crypto.Payments
	if sess.Crypto.State != "paid" || len(p) != 1 || p[0].Status != "confirmed" || p[0].Required != 3 || p[0].Confirmations < 3 {
		t.Fatalf("completed session: %+v", sess)
	}
	if !seen["confirming"] {
		t.Errorf("never saw the payment detected before confirmation: %v", seen)
	}
	// Nothing more is due: a second `dev pay` refuses rather than overpaying.
	if err := devPay(ctx, []string{sess.ID, "--rpc", rpcURL, "--chains", chainsFile}, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "nothing is due") {
		t.Fatalf("second dev pay: %v", err)
	}
}

// A payment mined before the merchant's expire request is a sale even when the scanner has
// not read its block yet (here: the worker is down when the request comes). Before the
// deadline rule, the request expired the session and the payment later showed as paid_late.
func TestExpireRequestWhileTheScannerIsBehindKeepsTheSale(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"500"}, "line_items[0][price_data][product_data][name]": {"Mug"},
		"line_items[0][quantity]": {"1"}, "crypto[asset]": {"tusd@dev"}}
	var sess struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Crypto struct {
			State string `json:"state"`
		} `json:"crypto"`
	}
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}
	for sess.Crypto.State != "awaiting_payment" { // the preselected asset is quoted by the workflow
		if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	env.app.StopWorker() // no scanner, no session workflow: nobody reads the chain for now
	if err := devPay(ctx, []string{sess.ID, "--rpc", env.rpcURL, "--chains", env.chainsCfg}, io.Discard); err != nil {
		t.Fatalf("dev pay: %v", err)
	}
	expired := make(chan error, 1)
	go func() { // the request waits for the workflow, which waits for the scan past its moment
		expired <- env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+sess.ID+"/expire", url.Values{}, &sess)
	}()
	if err := env.app.RestartWorker(); err != nil {
		t.Fatal(err)
	}
	err := <-expired
	if err == nil || !strings.Contains(err.Error(), " 409 ") {
		t.Fatalf("expire while a payment mined before it was unseen: %v (session %s)", err, sess.Status)
	}
	for deadline := time.Now().Add(60 * time.Second); sess.Status != "complete"; time.Sleep(100 * time.Millisecond) {
		if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
			t.Fatal(err)
		}
		if sess.Status == "expired" || time.Now().After(deadline) {
			t.Fatalf("the sale was lost: status %s, crypto state %s", sess.Status, sess.Crypto.State)
		}
	}
	if sess.Crypto.State != "paid" {
		t.Fatalf("completed as %s, want paid", sess.Crypto.State)
	}
}

// e2eLog is where the service under test logs: nowhere, unless E2E_LOG names a file.
func e2eLog() io.Writer {
	if p := os.Getenv("E2E_LOG"); p != "" {
		if f, err := os.Create(p); err == nil {
			return f
		}
	}
	return io.Discard
}
