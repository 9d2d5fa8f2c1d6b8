package main

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// serve started while its Postgres is unreachable (recovering, or started after it) keeps
// trying for CHECKOUT_STARTUP_WAIT and comes up once the database answers; with no wait it
// gives up at the first failure, naming it.
func TestServeWaitsForItsDatabase(t *testing.T) {
	wiringtest.NeedsServices(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dbURL := testDatabase(ctx, t, "checkout_startup")
	temporal := testTemporal(ctx, t)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	proxy.Down() // the database is away when serve starts
	u.Host = proxy.Addr()
	chains := chainconfig.Default()
	chains.Chains[0].RPCURL = "http://127.0.0.1:1"
	listen := freeAddr(t)
	cfg := wiring.Config{DatabaseURL: u.String(), TemporalAddress: temporal.FrontendHostPort(),
		TemporalNamespace: temporal.Namespace(), Listen: listen, PublicURL: "http://" + listen, Role: wiring.RoleAPI,
		AutoMigrate: true, Chains: &chains, SecretsKeys: "test:" + base64.StdEncoding.EncodeToString(make([]byte, 32))}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	impatient := cfg
	impatient.StartupWait = 0
	if err := serve(ctx, impatient, quiet); err == nil {
		t.Fatal("serve with no start-up wait started without its database")
	}

	cfg.StartupWait = time.Minute
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- serve(sctx, cfg, quiet) }()
	time.Sleep(4 * time.Second) // a few failed tries
	select {
	case err := <-done:
		t.Fatalf("serve gave up while the database was away: %v", err)
	default:
	}
	proxy.Up()
	poll(ctx, t, "serve to answer once the database is back", func() bool {
		resp, err := http.Get("http://" + listen + "/healthz") // it listens only once started
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve after SIGTERM-like stop: %v", err)
	}
}
