package wiring_test

import (
	"context"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84"

	"github.com/chaincheckout/checkout/core/chain"
)

// overpaidSession is a session of key's paid 5 tUSD more than its 39.98: complete, overpaid,
// 44.98 tUSD received. It returns the session's ID.
func overpaidSession(t *testing.T, key string) string {
	t.Helper()
	sel := openSession(t, key, "tusd@sim")
	it.chain.payToken(t, addressOf(sel), new(big.Int).Add(dueOf(t, sel), big.NewInt(5_000_000)))
	it.chain.mine(3)
	r := waitFor(t, key, sel.str("id"), "complete", func(r response) bool { return r.str("status") == "complete" })
	if cryptoState(r) != "overpaid" {
		t.Fatalf("the session is not overpaid: %s", r.raw)
	}
	return r.str("id")
}

// refundOf creates a refund of the session over the API (form extra: its other parameters).
func refundOf(t *testing.T, key, sessionID string, extra ...string) response {
	t.Helper()
	form := url.Values{"checkout_session": {sessionID}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	r := postForm(t, "/v1/refunds", key, form, nil)
	if r.status != http.StatusOK {
		t.Fatalf("create refund %v: %d %s", form, r.status, r.raw)
	}
	return r
}

func refundCrypto(r response) map[string]any {
	c, _ := r.body["crypto"].(map[string]any)
	return c
}

// freshAddress is an address no session pays, in lower case.
func freshAddress(t *testing.T) string {
	t.Helper()
	return strings.ToLower(freshPayout(t))
}

// The official client creates, retrieves, lists and cancels refunds; the session's own ID is
// passed as an extra parameter (Stripe refunds charges, we refund sessions).
func TestRefundsWithTheStripeClient(t *testing.T) {
	ctx := context.Background()
	key, _ := newMerchant(t, "Refund Client Store")
	sc := stripeClient(key)
	sessionID := overpaidSession(t, key)

	params := &stripe.RefundCreateParams{Amount: stripe.Int64(200), Reason: stripe.String(string(stripe.RefundReasonRequestedByCustomer))}
	params.AddMetadata("ticket", "T-17")
	params.AddExtra("checkout_session", sessionID)
	created, err := sc.V1Refunds.Create(ctx, params)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if !strings.HasPrefix(created.ID, "re_") || created.Object != "refund" || created.Amount != 200 || created.Currency != "usd" ||
		created.Status != stripe.RefundStatusRequiresAction || created.Reason != stripe.RefundReasonRequestedByCustomer ||
		created.Metadata["ticket"] != "T-17" || created.NextAction == nil || created.NextAction.Type != "claim" {
		t.Fatalf("created refund: %+v", created)
	}
	raw := get(t, "/v1/refunds/"+created.ID, key)
	c := refundCrypto(raw)
	claimURL, _ := c["claim_url"].(string)
	if raw.status != http.StatusOK || raw.str("checkout_session") != sessionID || c["asset"] != "tusd@sim" ||
		c["amount"] != "2000000" || c["amount_decimal"] != "2" || c["rounded_up"] != false || c["destination"] != nil ||
		!strings.HasPrefix(claimURL, it.base+"/refunds/claim/"+created.ID+"_claim_") || raw.body["charge"] != nil {
		t.Fatalf("the refund as JSON: %d %s", raw.status, raw.raw)
	}
	next, _ := raw.body["next_action"].(map[string]any)
	if claim, _ := next["claim"].(map[string]any); claim["url"] != claimURL {
		t.Fatalf("next_action: %v", next)
	}

	got, err := sc.V1Refunds.Retrieve(ctx, created.ID, nil)
	if err != nil || got.ID != created.ID || got.Amount != 200 || got.Status != stripe.RefundStatusRequiresAction {
		t.Fatalf("retrieve: %+v %v", got, err)
	}
	other := refundOf(t, key, sessionID, "crypto[amount]", "1000000", "crypto[destination]", freshAddress(t))
	if other.str("status") != "pending" || refundCrypto(other)["destination_source"] != "merchant" {
		t.Fatalf("a refund to the merchant's destination: %s", other.raw)
	}
	lp := &stripe.RefundListParams{}
	lp.Limit = stripe.Int64(1) // the iterator follows has_more with starting_after
	lp.Filters.AddFilter("checkout_session", "", sessionID)
	var ids []string
	for r, err := range sc.V1Refunds.List(ctx, lp) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		ids = append(ids, r.ID)
	}
	if len(ids) != 2 || ids[0] != other.str("id") || ids[1] != created.ID {
		t.Fatalf("listed %v, want [%s %s]", ids, other.str("id"), created.ID)
	}
	list := get(t, "/v1/refunds?status=pending&checkout_session="+sessionID, key)
	data, _ := list.body["data"].([]any)
	if list.status != http.StatusOK || list.str("url") != "/v1/refunds" || list.str("object") != "list" || len(data) != 1 {
		t.Fatalf("list of pending refunds: %d %s", list.status, list.raw)
	}

	// 44.98 received, 3.00 refunded or being refunded: 41.98 is left, 42.00 is too much.
	over := &stripe.RefundCreateParams{Amount: stripe.Int64(4200)}
	over.AddExtra("checkout_session", sessionID)
	_, err = sc.V1Refunds.Create(ctx, over)
	var serr *stripe.Error
	if !errors.As(err, &serr) || serr.HTTPStatusCode != http.StatusBadRequest || string(serr.Code) != "amount_too_large" || serr.Param != "amount" {
		t.Fatalf("over-refund: %v", err)
	}

	canceled, err := sc.V1Refunds.Cancel(ctx, created.ID, nil)
	if err != nil || canceled.Status != stripe.RefundStatusCanceled || canceled.NextAction != nil {
		t.Fatalf("cancel: %+v %v", canceled, err)
	}
	// Canceled, its 2.00 is refundable again: 43.98 is left.
	exact := refundOf(t, key, sessionID, "amount", "4398")
	if refundCrypto(exact)["amount"] != "43980000" {
		t.Fatalf("the rest of the session: %s", exact.raw)
	}
	sess := get(t, "/v1/checkout/sessions/"+sessionID, key)
	if sess.body["amount_refunded"] != float64(0) || sess.body["resolution"] != nil {
		t.Fatalf("session before any refund succeeded: amount_refunded %v resolution %v", sess.body["amount_refunded"], sess.body["resolution"])
	}
	types := eventTypes(sessionEvents(t, key, sessionID))
	if strings.Count(types, "refund.created") != 3 || !strings.Contains(types, "refund.updated") {
		t.Fatalf("the session's events: %s", types)
	}
}

// Bad refund requests are refused with the parameter they concern, and change nothing.
func TestRefundBadInput(t *testing.T) {
	key, _ := newMerchant(t, "Refund Input Store")
	sessionID := overpaidSession(t, key)
	pending := refundOf(t, key, sessionID, "crypto[amount]", "1000000", "crypto[destination]", freshAddress(t))
	for _, tc := range []struct {
		name, path string
		form       url.Values
		status     int
		code       string
		param      string
	}{
		{"no session", "/v1/refunds", url.Values{"amount": {"100"}}, 400, "parameter_missing", "checkout_session"},
		{"another merchant's or no session", "/v1/refunds", url.Values{"checkout_session": {"cs_test_nope"}}, 404, "resource_missing", "id"},
		{"a fractional crypto amount", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "crypto[amount]": {"1.5"}}, 400, "parameter_invalid_integer", "crypto[amount]"},
		{"a negative crypto amount", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "crypto[amount]": {"-1"}}, 400, "parameter_invalid_integer", "crypto[amount]"},
		{"both amounts", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "amount": {"100"}, "crypto[amount]": {"1000000"}}, 400, "parameter_invalid", "amount"},
		{"more crypto than received", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "crypto[amount]": {"44980000"}}, 400, "amount_too_large", "crypto[amount]"},
		{"a mistyped checksum", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "crypto[destination]": {"0x52908400098527886E0F7030069857D2E4169Ee7"}}, 400, "parameter_invalid", "crypto[destination]"},
		{"a claim link too short", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "crypto[claim_expires_in]": {"60"}}, 400, "parameter_invalid", "crypto[claim_expires_in]"},
		{"an unknown reason", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "reason": {"because"}}, 400, "parameter_invalid", "reason"},
		{"an unknown parameter", "/v1/refunds", url.Values{"checkout_session": {sessionID}, "charge": {"ch_1"}}, 400, "parameter_unknown", "charge"},
		{"a malformed transaction hash", "/v1/refunds/" + pending.str("id") + "/mark_sent", url.Values{"transaction_hash": {"0x1234"}}, 400, "parameter_invalid", "transaction_hash"},
		{"no transaction hash", "/v1/refunds/" + pending.str("id") + "/mark_sent", url.Values{}, 400, "parameter_missing", "transaction_hash"},
		{"a bad status filter", "/v1/refunds?status=done", nil, 400, "parameter_invalid", "status"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.form == nil {
				r = get(t, tc.path, key)
			} else {
				r = postForm(t, tc.path, key, tc.form, nil)
			}
			if r.status != tc.status || r.errField("code") != tc.code || r.errField("param") != tc.param {
				t.Fatalf("%d %s; want %d %s on %s", r.status, r.raw, tc.status, tc.code, tc.param)
			}
		})
	}
	l := get(t, "/v1/refunds?checkout_session="+sessionID, key)
	if data, _ := l.body["data"].([]any); len(data) != 1 {
		t.Fatalf("refused requests wrote refunds: %s", l.raw)
	}
	if r := get(t, "/v1/refunds/"+pending.str("id"), key); refundCrypto(r)["transaction_hash"] != nil || r.str("status") != "pending" {
		t.Fatalf("a refused mark_sent changed the refund: %s", r.raw)
	}
	// A canceled refund cannot be marked sent.
	if r := postForm(t, "/v1/refunds/"+pending.str("id")+"/cancel", key, nil, nil); r.status != http.StatusOK || r.str("status") != "canceled" {
		t.Fatalf("cancel: %d %s", r.status, r.raw)
	}
	r := postForm(t, "/v1/refunds/"+pending.str("id")+"/mark_sent", key, url.Values{"transaction_hash": {"0x" + strings.Repeat("ab", 32)}}, nil)
	if r.status != http.StatusConflict || r.errField("code") != "refund_not_pending" {
		t.Fatalf("mark_sent on a canceled refund: %d %s", r.status, r.raw)
	}
}

// A resolution needs a closed session whose payments did not match its price: an open
// session is refused through its workflow, whatever the action.
func TestResolveRefusedOnAnOpenSession(t *testing.T) {
	key, _ := newMerchant(t, "Resolve Open Store")
	stranger, _ := newMerchant(t, "Resolve Stranger")
	id := openSession(t, key, "tusd@sim").str("id")
	for _, tc := range []struct {
		name   string
		key    string
		form   url.Values
		status int
		code   string
	}{
		{"refund", key, url.Values{"action": {"refund"}}, 409, "session_not_resolvable"},
		{"accept", key, url.Values{"action": {"accept"}}, 409, "session_not_resolvable"},
		{"no action", key, url.Values{}, 400, "parameter_missing"},
		{"an unknown action", key, url.Values{"action": {"keep"}}, 400, "parameter_invalid"},
		{"refund parameters with accept", key, url.Values{"action": {"accept"}, "amount": {"100"}}, 400, "parameter_invalid"},
		{"another merchant", stranger, url.Values{"action": {"refund"}}, 404, "resource_missing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postForm(t, "/v1/checkout/sessions/"+id+"/resolve", tc.key, tc.form, nil)
			if r.status != tc.status || r.errField("code") != tc.code {
				t.Fatalf("%d %s; want %d %s", r.status, r.raw, tc.status, tc.code)
			}
		})
	}
	if s := get(t, "/v1/checkout/sessions/"+id, key); s.str("status") != "open" || s.body["resolution"] != nil {
		t.Fatalf("the open session changed: %s", s.raw)
	}
}

// action=refund on an overpaid session refunds the excess by default and answers the refund;
// the session records its resolution.
func TestResolveOverpaymentWithARefund(t *testing.T) {
	key, _ := newMerchant(t, "Resolve Refund Store")
	sessionID := overpaidSession(t, key)
	// The row is complete as soon as the completion commits; the workflow, which judges the
	// resolve Update, learns it when that activity returns: wait for it to know too.
	eventually(t, "the session's workflow knows it is complete", func() (bool, error) {
		st, err := it.app.Orch.QueryState(context.Background(), sessionID)
		return err == nil && st.Status == "complete", err
	})
	r := postForm(t, "/v1/checkout/sessions/"+sessionID+"/resolve", key, url.Values{"action": {"refund"}}, map[string]string{"Idempotency-Key": "resolve-1"})
	if r.status != http.StatusOK || r.str("object") != "refund" || r.str("reason") != "overpayment" ||
		refundCrypto(r)["amount"] != "5000000" || r.str("status") != "requires_action" || r.str("checkout_session") != sessionID {
		t.Fatalf("resolve with a refund: %d %s", r.status, r.raw)
	}
	again := postForm(t, "/v1/checkout/sessions/"+sessionID+"/resolve", key, url.Values{"action": {"refund"}}, map[string]string{"Idempotency-Key": "resolve-1"})
	if again.status != http.StatusOK || again.str("id") != r.str("id") {
		t.Fatalf("the same request again made another refund: %d %s", again.status, again.raw)
	}
	if s := get(t, "/v1/checkout/sessions/"+sessionID, key); s.body["resolution"] != "refunded" {
		t.Fatalf("session after the resolution: %s", s.raw)
	}
}

// claimPost posts the claim form as a browser on the service's own site would.
func claimPost(t *testing.T, path string, form url.Values, origin string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, it.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, res.Body)
	return res.StatusCode, res.Header.Get("Location"), b.String()
}

// The shopper claims a refund on its public page: the page states the amount, the chain and
// the asset, refuses a bad address with the reason, refuses another site's post, and once
// claimed says where the merchant will send it.
func TestRefundClaimPage(t *testing.T) {
	key, _ := newMerchant(t, "Claim Page Store")
	sessionID := overpaidSession(t, key)
	re := refundOf(t, key, sessionID, "amount", "250")
	claimURL, _ := refundCrypto(re)["claim_url"].(string)
	path := strings.TrimPrefix(claimURL, it.base)
	if !strings.HasPrefix(path, "/refunds/claim/") {
		t.Fatalf("claim_url %q", claimURL)
	}
	page := call(t, http.MethodGet, path, "", nil, "", nil)
	for _, want := range []string{"Refund from Claim Page Store", "2.5 tUSD", "Simulated chain", "$2.50", `name="address"`,
		"The address must be on Simulated chain and able to receive tUSD", "exchange deposit address",
		`<script src="/static/refund_claim.js" defer></script>`} {
		if !strings.Contains(string(page.raw), want) {
			t.Errorf("claim page lacks %q", want)
		}
	}
	if page.status != http.StatusOK || !strings.Contains(page.header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Fatalf("claim page: %d, CSP %q", page.status, page.header.Get("Content-Security-Policy"))
	}
	if js := call(t, http.MethodGet, "/static/refund_claim.js", "", nil, "", nil); js.status != http.StatusOK || !strings.Contains(string(js.raw), "eth_requestAccounts") {
		t.Fatalf("the page's script: %d", js.status)
	}

	status, _, body := claimPost(t, path, url.Values{"address": {"0x1234"}}, "")
	if status != http.StatusBadRequest || !strings.Contains(body, "is not an address") || !strings.Contains(body, `value="0x1234"`) {
		t.Fatalf("a bad address: %d\n%s", status, body)
	}
	dest := freshAddress(t)
	if status, _, _ := claimPost(t, path, url.Values{"address": {dest}}, "https://evil.example"); status != http.StatusForbidden {
		t.Fatalf("a claim posted from another site: %d", status)
	}
	if r := get(t, "/v1/refunds/"+re.str("id"), key); r.str("status") != "requires_action" {
		t.Fatalf("refused claims changed the refund: %s", r.raw)
	}
	status, loc, _ := claimPost(t, path, url.Values{"address": {dest}}, it.base)
	if status != http.StatusSeeOther || loc != path {
		t.Fatalf("a good address: %d → %q", status, loc)
	}
	r := get(t, "/v1/refunds/"+re.str("id"), key)
	if r.str("status") != "pending" || refundCrypto(r)["destination"] != chain.Checksum(dest) ||
		refundCrypto(r)["destination_source"] != "customer" || refundCrypto(r)["claim_url"] != nil || r.body["next_action"] != nil {
		t.Fatalf("claimed refund: %s", r.raw)
	}
	after := string(call(t, http.MethodGet, path, "", nil, "", nil).raw)
	if !strings.Contains(after, "Claimed: the merchant will send <strong>2.5 tUSD</strong> to") || !strings.Contains(after, chain.Checksum(dest)) ||
		strings.Contains(after, `name="address"`) {
		t.Fatalf("the page once claimed:\n%s", after)
	}
	if status, _, body := claimPost(t, path, url.Values{"address": {freshAddress(t)}}, ""); status != http.StatusConflict || !strings.Contains(body, "already has a destination") {
		t.Fatalf("a second claim: %d\n%s", status, body)
	}

	unknown := call(t, http.MethodGet, "/refunds/claim/"+re.str("id")+"_claim_nope", "", nil, "", nil)
	if unknown.status != http.StatusNotFound || !strings.Contains(string(unknown.raw), "Refund link not found") {
		t.Fatalf("an unknown claim link: %d", unknown.status)
	}
	if status, _, _ := claimPost(t, "/refunds/claim/garbage", url.Values{"address": {dest}}, ""); status != http.StatusNotFound {
		t.Fatalf("a claim on an unknown link: %d", status)
	}
}

// The merchant pays a refund from its own wallet and names the transaction: the refund's
// workflow sees it confirmed, the refund succeeds and the session shows what was refunded.
func TestRefundPaidAndVerifiedOnChain(t *testing.T) {
	key, _ := newMerchant(t, "Refund Paid Store")
	sessionID := overpaidSession(t, key)
	dest := freshAddress(t)
	re := refundOf(t, key, sessionID, "amount", "300", "crypto[destination]", dest)
	tx := it.chain.payToken(t, dest, big.NewInt(3_000_000))
	it.chain.mine(1)
	hash := strings.ToLower(tx.Hex())
	sent := postForm(t, "/v1/refunds/"+re.str("id")+"/mark_sent", key, url.Values{"transaction_hash": {hash}}, nil)
	if sent.status != http.StatusOK || refundCrypto(sent)["transaction_hash"] != hash {
		t.Fatalf("mark_sent: %d %s", sent.status, sent.raw)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := get(t, "/v1/refunds/"+re.str("id"), key)
		if r.str("status") == "succeeded" {
			if refundCrypto(r)["block_number"] == nil {
				t.Fatalf("succeeded without its block: %s", r.raw)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refund did not succeed: %s", r.raw)
		}
		it.chain.mine(1)
		time.Sleep(200 * time.Millisecond)
	}
	if s := get(t, "/v1/checkout/sessions/"+sessionID, key); s.body["amount_refunded"] != float64(300) {
		t.Fatalf("amount_refunded: %s", s.raw)
	}
}
