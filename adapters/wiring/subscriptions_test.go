package wiring_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v84"

	"github.com/chaincheckout/checkout/workflows"
)

// paySession picks tusd on a session, pays its amount due on the simulated chain and waits
// for it to complete.
func paySession(t *testing.T, key, sid string) response {
	t.Helper()
	sel := postForm(t, "/v1/checkout/sessions/"+sid+"/select_asset", key, url.Values{"asset": {"tusd@sim"}}, nil)
	if sel.status != 200 {
		t.Fatalf("select on %s: %d %s", sid, sel.status, sel.raw)
	}
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	return waitFor(t, key, sid, "complete", func(r response) bool { return r.str("status") == "complete" })
}

// subscriptionOf pays a monthly subscription session of key and returns its subscription.
func subscriptionOf(t *testing.T, key string) response {
	t.Helper()
	s := postForm(t, "/v1/checkout/sessions", key, url.Values{"mode": {"subscription"}, "line_items[0][quantity]": {"1"},
		"line_items[0][price_data][currency]": {"usd"}, "line_items[0][price_data][unit_amount]": {"900"},
		"line_items[0][price_data][recurring][interval]": {"month"}, "line_items[0][price_data][product_data][name]": {"Basic"},
		"crypto[accepted_assets][]": {"tusd@sim"}}, nil)
	if s.status != 200 {
		t.Fatalf("subscription session: %d %s", s.status, s.raw)
	}
	paySession(t, key, s.str("id"))
	var sub response
	eventually(t, "subscription of "+s.str("id"), func() (bool, error) {
		sub = get(t, "/v1/checkout/sessions/"+s.str("id"), key)
		return sub.str("subscription") != "", nil
	})
	return get(t, "/v1/subscriptions/"+sub.str("subscription"), key)
}

func listData(r response) []map[string]any {
	var out []map[string]any
	data, _ := r.body["data"].([]any)
	for _, d := range data {
		out = append(out, d.(map[string]any))
	}
	return out
}

// A monthly plan sold through a payment link: the paid session creates the subscription and
// its paid first invoice; the test clock moves a month at a time, each renewal opens an
// invoice whose hosted page is a fresh session, paying it marks the invoice paid; stripe-go
// retrieves and cancels the subscription.
func TestSubscriptionRenewedThreeTimesWithATestClock(t *testing.T) {
	key, _ := newMerchant(t, "Plan Store")
	price := postForm(t, "/v1/prices", key, url.Values{"currency": {"usd"}, "unit_amount": {"1500"},
		"recurring[interval]": {"month"}, "product_data[name]": {"Pro plan"}}, nil)
	if price.status != 200 {
		t.Fatalf("price: %d %s", price.status, price.raw)
	}
	link := postForm(t, "/v1/payment_links", key, url.Values{"line_items[0][price]": {price.str("id")},
		"line_items[0][quantity]": {"1"}, "crypto[accepted_assets][]": {"tusd@sim"}}, nil)
	if link.status != 200 {
		t.Fatalf("link: %d %s", link.status, link.raw)
	}
	_, sid := visit(t, "/l/"+link.str("id"))
	if s := get(t, "/v1/checkout/sessions/"+sid, key); s.str("mode") != "subscription" {
		t.Fatalf("link session: %s", s.raw)
	}
	page, err := http.Get(it.base + "/c/" + sid)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(body), "1 × $15.00 / month") || !strings.Contains(string(body), "Then $15.00 every month.") {
		t.Fatalf("the hosted page does not tell the shopper what renews: %s", body)
	}
	paySession(t, key, sid)

	var sub response
	eventually(t, "subscription created", func() (bool, error) {
		sub = get(t, "/v1/subscriptions?limit=1", key)
		return len(listData(sub)) == 1, nil
	})
	subID := listData(sub)[0]["id"].(string)
	sub = get(t, "/v1/subscriptions/"+subID, key)
	if sub.str("status") != "active" || sub.str("checkout_session") != sid || sub.str("test_clock") == "" {
		t.Fatalf("subscription: %s", sub.raw)
	}
	if s := get(t, "/v1/checkout/sessions/"+sid, key); s.str("subscription") != subID {
		t.Fatalf("the session does not name its subscription: %s", s.raw)
	}
	clock := sub.str("test_clock")
	for period := 1; period <= 3; period++ {
		end := int64(get(t, "/v1/subscriptions/"+subID, key).body["current_period_end"].(float64))
		adv := postForm(t, "/v1/test_helpers/test_clocks/"+clock+"/advance", key,
			url.Values{"frozen_time": {strconv.FormatInt(end+60, 10)}}, nil)
		if adv.status != 200 {
			t.Fatalf("advance %d: %d %s", period, adv.status, adv.raw)
		}
		var inv map[string]any
		eventually(t, fmt.Sprintf("invoice %d opened", period), func() (bool, error) {
			invs := listData(get(t, "/v1/invoices?subscription="+subID, key))
			if len(invs) != period+1 {
				return false, nil
			}
			inv = invs[0]
			return inv["status"] == "open" && inv["hosted_invoice_url"] != nil, nil
		})
		if inv["amount_due"].(float64) != 1500 || inv["billing_reason"] != "subscription_cycle" {
			t.Fatalf("renewal invoice: %v", inv)
		}
		status, invSession := visit(t, "/i/"+inv["id"].(string))
		if status != 303 || invSession == "" {
			t.Fatalf("hosted invoice page: %d %q", status, invSession)
		}
		paySession(t, key, invSession)
		eventually(t, fmt.Sprintf("invoice %d paid", period), func() (bool, error) {
			got := get(t, "/v1/invoices/"+inv["id"].(string), key)
			return got.str("status") == "paid", nil
		})
	}
	invs := listData(get(t, "/v1/invoices?subscription="+subID+"&status=paid", key))
	if len(invs) != 4 {
		t.Fatalf("paid invoices: %d, want the first and three renewals", len(invs))
	}
	for _, typ := range []string{"customer.subscription.created", "invoice.created", "invoice.paid", "customer.subscription.updated"} {
		if n := len(listData(get(t, "/v1/events?type="+typ, key))); n == 0 {
			t.Errorf("no %s event", typ)
		}
	}

	sc := stripeClient(key)
	ctx := context.Background()
	got, err := sc.V1Subscriptions.Retrieve(ctx, subID, nil)
	if err != nil || got.Status != stripe.SubscriptionStatusActive || got.LatestInvoice == nil {
		t.Fatalf("stripe-go retrieve: %v %+v", err, got)
	}
	canceled, err := sc.V1Subscriptions.Cancel(ctx, subID, nil)
	if err != nil || canceled.Status != stripe.SubscriptionStatusCanceled {
		t.Fatalf("stripe-go cancel: %v %+v", err, canceled)
	}
	if _, err := sc.V1Subscriptions.Cancel(ctx, subID, nil); err == nil {
		t.Fatal("a canceled subscription was canceled again")
	}
	eventually(t, "customer.subscription.deleted", func() (bool, error) {
		return len(listData(get(t, "/v1/events?type=customer.subscription.deleted", key))) == 1, nil
	})
	if dir := recordDir(); dir != "" { // RECORD_HISTORIES: keep these runs for workflows/replay_test.go
		rec := recorder{dir: dir}
		subWF := workflows.SubscriptionWorkflowID(subID)
		rec.save(ctx, t, "subscription_renewed_by_test_clock.json", subWF, firstRunOf(t, subWF))
		rec.save(ctx, t, "subscription_canceled.json", subWF, "")
		rec.save(ctx, t, "session_paid_creates_subscription.json", workflows.SessionWorkflowID(sid), "")
	}
}
