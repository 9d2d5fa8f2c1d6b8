package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/lib/pq"
	"go.temporal.io/sdk/client"

	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/workflows"
)

// An RPC outage on geth: the service's node is cut off for about forty seconds. Meanwhile the
// page says payments are still watched, /metrics shows the chain stale, a session due during
// the outage stays open, and a payment sent in the outage is found when the node is back. The
// session then gets the outage's length added to its life, and expires only after that.
func TestRPCOutageOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := startE2EWith(ctx, t, e2eChain{proxy: true, staleAfter: 5})
	due, paid := openTUSDSession(ctx, t, env), openTUSDSession(ctx, t, env)
	expiresAt := time.Now().Add(25 * time.Second).UTC().Truncate(time.Second)
	shortenExpiry(ctx, t, env, due, expiresAt)

	env.proxy.Down()
	cutAt := time.Now()
	if err := devPay(ctx, []string{paid, "--rpc", env.rpcURL, "--chains", env.chainsCfg}, io.Discard); err != nil {
		t.Fatalf("dev pay straight to geth during the outage: %v", err)
	}
	var status struct {
		Status       string `json:"status"`
		ChainDelayed bool   `json:"chain_delayed"`
	}
	poll(ctx, t, "the page to say the chain is delayed", func() bool {
		return env.api.do(ctx, http.MethodGet, "/c/"+due+"/status", nil, &status) == nil && status.ChainDelayed
	})
	page := getText(ctx, t, env.api.base+"/c/"+due)
	if !strings.Contains(page, "Payments to this address are still being watched") {
		t.Fatalf("the page during the outage does not say payments are still watched")
	}
	poll(ctx, t, "the stale gauge", func() bool {
		return strings.Contains(getText(ctx, t, env.api.base+"/metrics"), `checkout_chain_view_stale{chain="dev"} 1`)
	})
	for time.Now().Before(expiresAt.Add(15 * time.Second)) { // well past expires_at: still open
		if s := sessionOf(ctx, t, env, due); s.Status != "open" {
			t.Fatalf("session %s is %s during the outage", due, s.Status)
		}
		time.Sleep(time.Second)
	}
	env.proxy.Up()
	restoredAt := time.Now()

	poll(ctx, t, "the payment sent during the outage", func() bool { return sessionOf(ctx, t, env, paid).Status == "complete" })
	var extended int64
	poll(ctx, t, "the due time to move", func() bool {
		s := sessionOf(ctx, t, env, due)
		extended = s.Crypto.DeadlineExtendedTo
		return extended > 0 || s.Status != "open"
	})
	// The outage began when the newest block got 5 s old and ended once the scanner caught up.
	if given := time.Unix(extended, 0).Sub(expiresAt); given < restoredAt.Sub(cutAt)-10*time.Second {
		t.Fatalf("given back %s for an outage of about %s", given, restoredAt.Sub(cutAt))
	}
	poll(ctx, t, "the session to expire at its new due time", func() bool { return sessionOf(ctx, t, env, due).Status == "expired" })
	if now := time.Now().Unix(); now < extended {
		t.Fatalf("expired at %d, before its due time %d", now, extended)
	}
	db, err := sql.Open("postgres", env.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var outages, open int
	if err := db.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE ended_at IS NULL) FROM chain_outages`).Scan(&outages, &open); err != nil || outages != 1 || open != 0 {
		t.Fatalf("chain_outages: %d recorded, %d open (%v), want one, ended", outages, open, err)
	}
	if !strings.Contains(getText(ctx, t, env.api.base+"/metrics"), `checkout_chain_view_stale{chain="dev"} 0`) {
		t.Fatal("the stale gauge did not go back to 0")
	}
}

type outageSession struct {
	Status string `json:"status"`
	Crypto struct {
		State              string `json:"state"`
		DeadlineExtendedTo int64  `json:"deadline_extended_to"`
	} `json:"crypto"`
}

func sessionOf(ctx context.Context, t *testing.T, env *e2e, id string) outageSession {
	t.Helper()
	var s outageSession
	if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+id, nil, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// openTUSDSession creates a $5 session paid in tUSD and waits for its deposit address.
func openTUSDSession(ctx context.Context, t *testing.T, env *e2e) string {
	t.Helper()
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"500"}, "line_items[0][price_data][product_data][name]": {"Mug"},
		"line_items[0][quantity]": {"1"}, "crypto[asset]": {"tusd@dev"}}
	var s struct{ ID string }
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &s); err != nil {
		t.Fatal(err)
	}
	poll(ctx, t, "the address of "+s.ID, func() bool { return sessionOf(ctx, t, env, s.ID).Crypto.State == "awaiting_payment" })
	return s.ID
}

// shortenExpiry moves an open session's expiry seconds away: the API allows none under 30
// minutes. The row and the workflow's input say the same (the workflow is started again).
func shortenExpiry(ctx context.Context, t *testing.T, env *e2e, id string, at time.Time) {
	t.Helper()
	db, err := sql.Open("postgres", env.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var merchant string
	if err := db.QueryRowContext(ctx, `UPDATE checkout_sessions SET expires_at = $2 WHERE id = $1 RETURNING merchant_id`,
		id, at).Scan(&merchant); err != nil {
		t.Fatal(err)
	}
	wid := workflows.SessionWorkflowID(id)
	if err := env.app.Temporal.TerminateWorkflow(ctx, wid, "", "test: restart with a nearer expiry"); err != nil {
		t.Fatal(err)
	}
	_, err = env.app.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue},
		workflows.CheckoutSessionWorkflow, workflows.SessionInput{SessionID: id, MerchantID: merchant, ExpiresAt: at})
	if err != nil {
		t.Fatal(err)
	}
}

func getText(ctx context.Context, t *testing.T, u string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// setStaleAfter sets stale_after_seconds on every chain of a chains file.
func setStaleAfter(t *testing.T, path string, seconds int64) {
	t.Helper()
	var file map[string]any
	readJSONFile(t, path, &file)
	for _, ch := range file["chains"].([]any) {
		ch.(map[string]any)["stale_after_seconds"] = seconds
	}
	raw, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// newTCPProxy is a proxy to target the test can take down, stopped when the test ends.
func newTCPProxy(t *testing.T, target string) *wiringtest.TCPProxy {
	t.Helper()
	p, err := wiringtest.StartTCPProxy("127.0.0.1:0", target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}
