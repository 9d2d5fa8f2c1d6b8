package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// lockedBuffer is what a command prints while its handlers run on other goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitPrinted polls (with a deadline) until out holds want.
func waitPrinted(t *testing.T, out *lockedBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), want); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never printed %q; printed:\n%s", want, out.String())
		}
	}
}

// startService runs the whole service (API and worker) on the test's database (DATABASE_URL)
// and a Temporal dev server; the chain's node is a closed port: no payment is involved.
func startService(ctx context.Context, t *testing.T) string {
	t.Helper()
	cliDatabase(t)
	temporal := testTemporal(ctx, t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	chains := chainconfig.Default()
	chains.Chains[0].RPCURL = "http://127.0.0.1:1"
	app, err := wiring.New(ctx, wiring.Config{DatabaseURL: wiring.FromEnv().DatabaseURL, TemporalAddress: temporal.FrontendHostPort(),
		TemporalNamespace: temporal.Namespace(), Listen: ln.Addr().String(), PublicURL: base, Role: wiring.RoleAll, AutoMigrate: true,
		Chains: &chains, WebhookAllowPrivate: true, WebhookTimeout: 5 * time.Second,
		SecretsKeys: "test:" + base64.StdEncoding.EncodeToString(make([]byte, 32))}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Close)
	go func() { _ = app.Run(ctx, ln) }()
	t.Setenv("CHECKOUT_PUBLIC_URL", base)
	return base
}

// freeAddr is a loopback address nothing listens on (dev listen must know its URL up front).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// listen runs `dev listen` until the returned stop is called.
func listen(t *testing.T, args []string) (out *lockedBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, append([]string{"dev", "listen"}, args...), out) }()
	waitPrinted(t, out, "Ctrl-C stops")
	return out, func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dev listen: %v", err)
		}
	}
}

// dev seed, then dev listen: the listener registers its endpoint once (a restart reuses it),
// prints each event whose signature verifies, and refuses one that does not.
func TestDevListenRegistersOnceAndVerifiesEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	startService(ctx, t)
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	if err := run(ctx, []string{"dev", "seed", "--env-file", envFile}, io.Discard); err != nil {
		t.Fatalf("dev seed: %v", err)
	}
	api, err := devAPI(envFile)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	args := []string{"--addr", addr, "--env-file", envFile, "--state", filepath.Join(dir, "listen.json"), "--events", "checkout.session.expired"}
	out, stop := listen(t, args)
	endpointID := registeredEndpoint(ctx, t, api)
	if !strings.Contains(out.String(), "(endpoint "+endpointID+")") {
		t.Fatalf("dev listen said %q, want its endpoint %s", out.String(), endpointID)
	}

	var sess struct{ ID string }
	if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions", url.Values{"mode": {"payment"},
		"line_items[0][price_data][currency]": {"usd"}, "line_items[0][price_data][unit_amount]": {"500"},
		"line_items[0][price_data][product_data][name]": {"Mug"}, "line_items[0][quantity]": {"1"}}, &sess); err != nil {
		t.Fatal(err)
	}
	if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions/"+sess.ID+"/expire", url.Values{}, &sess); err != nil {
		t.Fatal(err)
	}
	waitPrinted(t, out, "signature ok  checkout.session.expired")
	if line := lineWith(out.String(), "signature ok"); !strings.Contains(line, " evt_") || !strings.Contains(line, sess.ID+" (expired, crypto ") {
		t.Fatalf("printed event line %q", line)
	}

	forged, err := http.Post("http://"+addr+"/webhooks", "application/json", strings.NewReader(`{"id":"evt_forged","type":"checkout.session.completed"}`))
	if err != nil {
		t.Fatal(err)
	}
	forged.Body.Close()
	if forged.StatusCode != http.StatusBadRequest || !strings.Contains(out.String(), "REFUSED") || strings.Contains(out.String(), "evt_forged") {
		t.Fatalf("an unsigned event: %d; printed\n%s", forged.StatusCode, out.String())
	}
	stop()

	again, stopAgain := listen(t, args)
	defer stopAgain()
	if id := registeredEndpoint(ctx, t, api); id != endpointID || !strings.Contains(again.String(), "(endpoint "+endpointID+")") {
		t.Fatalf("a restarted dev listen uses endpoint %s (said %q), want the first, %s", id, again.String(), endpointID)
	}
}

// registeredEndpoint is the merchant's only webhook endpoint.
func registeredEndpoint(ctx context.Context, t *testing.T, api apiClient) string {
	t.Helper()
	var list struct{ Data []struct{ ID, URL string } }
	if err := api.do(ctx, http.MethodGet, "/v1/webhook_endpoints", nil, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Data) != 1 {
		t.Fatalf("%d webhook endpoints registered, want 1: %+v", len(list.Data), list.Data)
	}
	return list.Data[0].ID
}

func lineWith(text, substr string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return fmt.Sprintf("(no line with %q)", substr)
}

// testTemporal starts a Temporal dev server for the test, stopped at its end.
func testTemporal(ctx context.Context, t *testing.T) wiringtest.TemporalServer {
	t.Helper()
	temporal, err := wiringtest.Temporal(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = temporal.Stop() })
	return temporal
}

// testDatabase creates a database named after prefix for the test, dropped at its end.
func testDatabase(ctx context.Context, t *testing.T, prefix string) string {
	t.Helper()
	dbURL, drop, err := wiringtest.Database(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return dbURL
}
