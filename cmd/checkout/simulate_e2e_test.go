package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The hosted page's "Simulate payment" on a real geth --dev node: an underpayment first (the
// page then asks for the rest), then the remainder, and the session completes.
func TestSimulatedPaymentsOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"500"}, "line_items[0][price_data][product_data][name]": {"Mug"},
		"line_items[0][quantity]": {"1"}, "crypto[asset]": {"tusd@dev"}}
	var sess struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		URL    string `json:"url"`
		Crypto struct {
			State    string `json:"state"`
			Received string `json:"amount_received"`
		} `json:"crypto"`
	}
	if err := env.api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}
	await := func(what string, done func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !done(); time.Sleep(100 * time.Millisecond) {
			if err := env.api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess); err != nil {
				t.Fatal(err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: not after 60 s (%+v)", what, sess)
			}
		}
	}
	await("quoted", func() bool { return sess.Crypto.State == "awaiting_payment" })
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	simulate := func(amount string) {
		t.Helper()
		res, err := noRedirect.PostForm(sess.URL+"/simulate", url.Values{"amount": {amount}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasSuffix(loc, "?notice=simulated") {
			t.Fatalf("simulate %q: %d → %q", amount, res.StatusCode, loc)
		}
	}
	simulate("2")
	await("underpaid", func() bool { return sess.Crypto.Received == "2000000" })
	page, err := http.Get(sess.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(body), "Send the remaining <strong>3 tUSD</strong>") {
		t.Fatalf("the page after an underpayment:\n%s", body)
	}
	simulate("")
	await("complete", func() bool { return sess.Status == "complete" })
	if sess.Crypto.State != "paid" || sess.Crypto.Received != "5000000" {
		t.Fatalf("completed as %+v", sess)
	}
}
