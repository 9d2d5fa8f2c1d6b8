package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A monthly subscription on a real geth --dev node, as the README walks it: the first session
// and one renewal's invoice are paid with `dev pay`; the test clock moves past the period's end
// in between, and the invoice's hosted page leads to the session that collects it.
func TestSubscriptionOnGeth(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := startE2E(ctx, t)
	api := env.api
	pay := func(sessionID string) {
		t.Helper()
		if err := devPay(ctx, []string{sessionID, "--asset", "tusd@dev", "--rpc", env.rpcURL, "--chains", env.chainsCfg}, io.Discard); err != nil {
			t.Fatalf("dev pay %s: %v", sessionID, err)
		}
	}
	type session struct {
		ID, Status, Subscription string
	}
	var sess session
	form := url.Values{"mode": {"subscription"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1500"}, "line_items[0][price_data][recurring][interval]": {"month"},
		"line_items[0][price_data][product_data][name]": {"Pro plan"}, "line_items[0][quantity]": {"1"}}
	if err := api.do(ctx, http.MethodPost, "/v1/checkout/sessions", form, &sess); err != nil {
		t.Fatal(err)
	}
	pay(sess.ID)
	poll(ctx, t, "the subscription of "+sess.ID, func() bool {
		return api.do(ctx, http.MethodGet, "/v1/checkout/sessions/"+sess.ID, nil, &sess) == nil && sess.Subscription != ""
	})
	var sub struct {
		Status           string `json:"status"`
		TestClock        string `json:"test_clock"`
		CurrentPeriodEnd int64  `json:"current_period_end"`
		LatestInvoice    string `json:"latest_invoice"`
	}
	if err := api.do(ctx, http.MethodGet, "/v1/subscriptions/"+sess.Subscription, nil, &sub); err != nil || sub.Status != "active" {
		t.Fatalf("subscription: %v %+v", err, sub)
	}
	first := sub.LatestInvoice
	advance := url.Values{"frozen_time": {strconv.FormatInt(sub.CurrentPeriodEnd+60, 10)}}
	if err := api.do(ctx, http.MethodPost, "/v1/test_helpers/test_clocks/"+sub.TestClock+"/advance", advance, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	type invoice struct {
		ID, Status       string
		HostedInvoiceURL string `json:"hosted_invoice_url"`
		AmountPaid       int64  `json:"amount_paid"`
	}
	var inv invoice
	poll(ctx, t, "the renewal's invoice", func() bool {
		err := api.do(ctx, http.MethodGet, "/v1/subscriptions/"+sess.Subscription, nil, &sub)
		return err == nil && sub.LatestInvoice != first &&
			api.do(ctx, http.MethodGet, "/v1/invoices/"+sub.LatestInvoice, nil, &inv) == nil && inv.HostedInvoiceURL != ""
	})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(inv.HostedInvoiceURL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, renewal, ok := strings.Cut(res.Header.Get("Location"), "/c/")
	if res.StatusCode != http.StatusSeeOther || !ok {
		t.Fatalf("hosted invoice page: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	pay(renewal)
	poll(ctx, t, "the renewal's invoice paid", func() bool {
		return api.do(ctx, http.MethodGet, "/v1/invoices/"+inv.ID, nil, &inv) == nil && inv.Status == "paid"
	})
	if inv.AmountPaid != 1500 {
		t.Fatalf("invoice paid %d, want 1500", inv.AmountPaid)
	}
}

// poll checks cond every 100 ms until it holds, failing the test after a minute.
func poll(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
