package wiring_test

import (
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/refund"
)

func policyOf(r response) map[string]any {
	p, _ := r.body["resolution_policy"].(map[string]any)
	return p
}

// The resolution policy is part of the settlement settings: defaults, a change with its
// settlement_settings.updated event, and bad input refused with its param, nothing written.
func TestSettlementResolutionPolicyOverHTTP(t *testing.T) {
	key, id := newMerchant(t, "Policy Settings Store")
	if r := get(t, "/v1/settlement_settings", key); r.status != 200 || policyOf(r)["underpayment_tolerance_percent"] != "0" ||
		policyOf(r)["late_payments"] != "manual" {
		t.Fatalf("defaults: %d %s", r.status, r.raw)
	}
	for _, tc := range []struct {
		form  url.Values
		param string
	}{
		{url.Values{"resolution_policy[underpayment_tolerance_percent]": {"11"}}, "resolution_policy[underpayment_tolerance_percent]"},
		{url.Values{"resolution_policy[underpayment_tolerance_percent]": {"-1"}}, "resolution_policy[underpayment_tolerance_percent]"},
		{url.Values{"resolution_policy[late_payments]": {"keep"}}, "resolution_policy[late_payments]"},
		{url.Values{"resolution_policy[late_payments]": {"refund"}, "resolution_policy[auto]": {"1"}}, "resolution_policy[auto]"},
	} {
		if r := setSettlement(t, key, tc.form); r.status != 400 || r.errField("param") != tc.param {
			t.Errorf("%v: %d %s", tc.form, r.status, r.raw)
		}
	}
	if r := get(t, "/v1/settlement_settings", key); policyOf(r)["late_payments"] != "manual" || r.body["updated"] != nil {
		t.Fatalf("a refused update wrote something: %s", r.raw)
	}
	r := setSettlement(t, key, url.Values{"resolution_policy[underpayment_tolerance_percent]": {"1.5"},
		"resolution_policy[late_payments]": {"refund"}})
	if r.status != 200 || policyOf(r)["underpayment_tolerance_percent"] != "1.5" || policyOf(r)["late_payments"] != "refund" {
		t.Fatalf("set: %d %s", r.status, r.raw)
	}
	// JSON bodies go through the same rules.
	r = call(t, http.MethodPost, "/v1/settlement_settings", key, strings.NewReader(`{"resolution_policy":{"late_payments":"accept"}}`),
		"application/json", nil)
	if r.status != 200 || policyOf(r)["late_payments"] != "accept" || policyOf(r)["underpayment_tolerance_percent"] != "1.5" {
		t.Fatalf("set over JSON: %d %s", r.status, r.raw)
	}
	var prev []json.RawMessage
	if err := it.app.DB().Select(&prev, `SELECT previous_attributes FROM events WHERE merchant_id = $1 AND type = $2 ORDER BY seq`,
		id, event.SettlementSettingsUpdated); err != nil {
		t.Fatal(err)
	}
	var first struct {
		Policy map[string]string `json:"resolution_policy"`
	}
	if len(prev) != 2 || json.Unmarshal(prev[0], &first) != nil || first.Policy["late_payments"] != "manual" ||
		first.Policy["underpayment_tolerance_percent"] != "0" {
		t.Fatalf("settlement_settings.updated previous_attributes: %s", prev)
	}
}

// setPolicy sets the test mode's resolution policy of key's merchant.
func setPolicy(t *testing.T, key string, kv ...string) {
	t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Set("resolution_policy["+kv[i]+"]", kv[i+1])
	}
	if r := setSettlement(t, key, form); r.status != 200 {
		t.Fatalf("set policy %v: %d %s", form, r.status, r.raw)
	}
}

// paidLate is a session of key's that expired and then received its price: it returns its ID.
func paidLate(t *testing.T, key string) string {
	t.Helper()
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	if r := expire(t, key, id); r.status != http.StatusOK {
		t.Fatalf("expire: %s", r.raw)
	}
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "paid_late", func(r response) bool { return cryptoState(r) == "paid_late" })
	return id
}

// With late_payments=refund, the session's workflow refunds a late payment at once: one refund
// of it all, awaiting the shopper's claim, which the hosted page links to.
func TestSettlementPolicyRefundsLatePayments(t *testing.T) {
	key, _ := newMerchant(t, "Late Refund Policy Store")
	setPolicy(t, key, "late_payments", "refund")
	id := paidLate(t, key)
	var list response
	eventually(t, "the policy's refund", func() (bool, error) {
		list = get(t, "/v1/refunds?checkout_session="+id, key)
		data, _ := list.body["data"].([]any)
		return len(data) > 0, nil
	})
	data, _ := list.body["data"].([]any)
	r, _ := data[0].(map[string]any)
	c, _ := r["crypto"].(map[string]any)
	claimURL, _ := c["claim_url"].(string)
	if len(data) != 1 || r["id"] != refund.LatePolicyRefundID(id) || r["status"] != "requires_action" || r["reason"] != "late_payment" ||
		r["amount"] != float64(3998) || c["amount"] != "39980000" || claimURL == "" {
		t.Fatalf("the policy's refund: %s", list.raw)
	}
	sess := get(t, "/v1/checkout/sessions/"+id, key)
	if sess.str("status") != "expired" || sess.body["resolution"] != "refunded" {
		t.Fatalf("the refunded session: %s", sess.raw)
	}
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(page, "A refund of 39.98 tUSD ($39.98) is waiting for your address.") || !strings.Contains(page, `href="`+claimURL+`"`) {
		t.Fatalf("the hosted page does not offer the claim:\n%s", page)
	}
	// Another late transfer changes nothing: the policy had its one go.
	sel := get(t, "/v1/checkout/sessions/"+id, key)
	it.chain.payToken(t, addressOf(sel), big.NewInt(1_000_000))
	it.chain.mine(3)
	waitFor(t, key, id, "the second late transfer", func(r response) bool {
		return len(paymentsOf(r)) == 2 && paymentsOf(r)[0]["status"] == "confirmed" && paymentsOf(r)[1]["status"] == "confirmed"
	})
	time.Sleep(300 * time.Millisecond)
	if l := get(t, "/v1/refunds?checkout_session="+id, key); len(l.body["data"].([]any)) != 1 {
		t.Fatalf("a second refund: %s", l.raw)
	}
	// The claimed refund is shown on the page as on its way, without the claim link.
	if st, _, _ := claimPost(t, strings.TrimPrefix(claimURL, it.base), url.Values{"address": {freshAddress(t)}}, it.base); st != http.StatusSeeOther {
		t.Fatalf("claim: %d", st)
	}
	page = string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if strings.Contains(page, claimURL) || !strings.Contains(page, "your address is recorded") {
		t.Fatalf("the hosted page after the claim:\n%s", page)
	}
}

// With late_payments=accept, a late payment that covers the price completes the session as
// accepted_late, with one checkout.session.completed.
func TestSettlementPolicyAcceptsLatePayments(t *testing.T) {
	key, _ := newMerchant(t, "Late Accept Policy Store")
	setPolicy(t, key, "late_payments", "accept")
	id := paidLate(t, key)
	r := waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	if r.str("payment_status") != "paid" || r.body["resolution"] != "accepted_late" {
		t.Fatalf("the accepted session: %s", r.raw)
	}
	var completed int
	if err := it.app.DB().Get(&completed, `SELECT count(*) FROM events WHERE session_id = $1 AND type = $2`, id, event.SessionCompleted); err != nil || completed != 1 {
		t.Fatalf("checkout.session.completed recorded %d times (%v), want once", completed, err)
	}
	if l := get(t, "/v1/refunds?checkout_session="+id, key); len(l.body["data"].([]any)) != 0 {
		t.Fatalf("an accepted session got a refund: %s", l.raw)
	}
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(page, "Payment received") || strings.Contains(page, "refund-box") {
		t.Fatalf("the accepted session's page:\n%s", page)
	}
}

// With the default policy a late payment waits for the merchant: no refund, still expired.
func TestSettlementPolicyManualLeavesLatePayments(t *testing.T) {
	key, _ := newMerchant(t, "Late Manual Policy Store")
	id := paidLate(t, key)
	time.Sleep(500 * time.Millisecond)
	if r := get(t, "/v1/checkout/sessions/"+id, key); r.str("status") != "expired" || r.body["resolution"] != nil {
		t.Fatalf("a manual policy resolved the session: %s", r.raw)
	}
	if l := get(t, "/v1/refunds?checkout_session="+id, key); len(l.body["data"].([]any)) != 0 {
		t.Fatalf("a manual policy refunded: %s", l.raw)
	}
	if page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw); strings.Contains(page, "refund-box") {
		t.Fatalf("the page shows a refund:\n%s", page)
	}
}

// underpayment_tolerance_percent is the tolerance of new sessions whose request names none:
// 98.5 % of the price completes one of 2 %; a request's own tolerance wins.
func TestSettlementPolicyDefaultTolerance(t *testing.T) {
	key, _ := newMerchant(t, "Tolerance Policy Store")
	setPolicy(t, key, "underpayment_tolerance_percent", "2")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	if tol := cryptoOf(sel)["payment_tolerance_percent"]; tol != "2" {
		t.Fatalf("tolerance of a new session: %v", tol)
	}
	due := dueOf(t, sel)
	it.chain.payToken(t, addressOf(sel), new(big.Int).Div(new(big.Int).Mul(due, big.NewInt(985)), big.NewInt(1000)))
	it.chain.mine(3)
	if r := waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" }); r.str("payment_status") != "paid" {
		t.Fatalf("the session paid 98.5%%: %s", r.raw)
	}
	own := openSession(t, key, "tusd@sim", "crypto[payment_tolerance_percent]", "0")
	if tol := cryptoOf(own)["payment_tolerance_percent"]; tol != "0" {
		t.Fatalf("a request's own tolerance: %v", tol)
	}
}
