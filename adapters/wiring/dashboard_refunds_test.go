package wiring_test

import (
	"context"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/refund"
)

// dashRefundDestination is a fresh address for a refund to go to: a shopper's wallet.
func dashRefundDestination(t *testing.T) string {
	t.Helper()
	k, err := crypto.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return crypto.PubkeyToAddress(k.PublicKey).Hex()
}

// dashRefundCreated reads the refund ID from the redirect after a refund form.
func dashRefundCreated(t *testing.T, st int, loc string) string {
	t.Helper()
	const prefix, suffix = "/dashboard/refunds/", "?notice=refund_created"
	if st != http.StatusSeeOther || !strings.HasPrefix(loc, prefix+"re_") || !strings.HasSuffix(loc, suffix) {
		t.Fatalf("refund form: %d %q, want a redirect to the new refund's page", st, loc)
	}
	return strings.TrimSuffix(strings.TrimPrefix(loc, prefix), suffix)
}

// dashRefundOf reads a refund through the use case the dashboard calls, as the merchant's test mode.
func dashRefundOf(t *testing.T, merchantID, id string) refund.Refund {
	t.Helper()
	r, err := it.app.Refunds.Get(context.Background(), merchant.Caller{MerchantID: merchantID}, id)
	if err != nil {
		t.Fatalf("refund %s: %v", id, err)
	}
	return r
}

// dashRefundPaidSession opens a 39.98 tUSD session, pays it extra base units of tUSD beyond what is due,
// and waits until it is complete.
func dashRefundPaidSession(t *testing.T, key string, extra int64) (id string) {
	t.Helper()
	sel := openSession(t, key, "tusd@sim")
	it.chain.payToken(t, addressOf(sel), new(big.Int).Add(dueOf(t, sel), big.NewInt(extra)))
	it.chain.mine(3)
	waitFor(t, key, sel.str("id"), "complete", func(r response) bool { return r.str("status") == "complete" })
	return sel.str("id")
}

// An overpaid session is resolved from its page by a refund of the excess to an address the
// owner types; the refund's page renders the token transfer a browser wallet sends; a transfer
// of too little is refused on the page with the hash kept, the right one is recorded, verified
// on chain, and the session then shows what was refunded. A read-only user sees the same pages
// without any form, and is refused (403) on every change; a form without the CSRF token too.
func TestDashboardRefundsResolveOverpaymentAndPay(t *testing.T) {
	key, merchantID := newMerchant(t, "Refund Store")
	id := dashRefundPaidSession(t, key, 5_000_000)
	owner := signInAs(t, merchantID, "owner@refunds.example", account.RoleOwner)
	viewer := signInAs(t, merchantID, "viewer@refunds.example", account.RoleReadOnly)
	page, resolve := "/dashboard/payments/"+id, "/dashboard/payments/"+id+"/resolve"

	st, _, body := owner.do(http.MethodGet, page, nil)
	if st != http.StatusOK {
		t.Fatalf("session page: %d", st)
	}
	for _, want := range []string{`id="refunds"`, "Overpaid: 5 tUSD arrived beyond the amount due.", `action="` + resolve + `"`,
		`name="action" value="refund"`, "No refund of this payment."} {
		if !strings.Contains(body, want) {
			t.Errorf("the overpaid session's page lacks %q", want)
		}
	}
	if strings.Contains(body, `value="accept"`) {
		t.Error("an overpaid (complete) session is offered Accept")
	}
	if _, _, body := viewer.do(http.MethodGet, page, nil); !strings.Contains(body, "Overpaid: 5 tUSD") || strings.Contains(body, `action="`+resolve+`"`) {
		t.Error("the read-only user's session page: the facts must show, the resolve form must not")
	}
	if st, _, _ := viewer.do(http.MethodPost, resolve, url.Values{"csrf": {viewer.csrf}, "action": {"refund"}}); st != http.StatusForbidden {
		t.Fatalf("read-only resolve: %d", st)
	}
	if st, _, _ := owner.do(http.MethodPost, resolve, url.Values{"action": {"refund"}}); st != http.StatusForbidden {
		t.Fatalf("resolve without the CSRF token: %d", st)
	}
	st, _, body = owner.do(http.MethodPost, resolve, url.Values{"csrf": {owner.csrf}, "action": {"refund"}, "amount": {"5,00"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "Invalid amount") || !strings.Contains(body, `value="5,00"`) {
		t.Fatalf("a bad amount: %d, want 400 with the error and the typed amount\n%s", st, body)
	}
	st, _, body = owner.do(http.MethodPost, resolve, url.Values{"csrf": {owner.csrf}, "action": {"refund"}, "destination": {"0x1234"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "is not an address") {
		t.Fatalf("a bad destination: %d\n%s", st, body)
	}
	if list := dashRefundsOfSession(t, merchantID, id); len(list) != 0 {
		t.Fatalf("refused forms created refunds: %v", list)
	}

	dest := dashRefundDestination(t)
	st, loc, _ := owner.do(http.MethodPost, resolve, url.Values{"csrf": {owner.csrf}, "action": {"refund"}, "destination": {dest}})
	rid := dashRefundCreated(t, st, loc)
	refundPage := "/dashboard/refunds/" + rid
	st, _, body = owner.do(http.MethodGet, refundPage+"?notice=refund_created", nil)
	if st != http.StatusOK {
		t.Fatalf("refund page: %d", st)
	}
	token := chain.Checksum(it.chain.tokenAt.Hex())
	for _, want := range []string{"Refund created.", `<span class="status pending">pending</span>`, "$5.00", "5 tUSD", dest,
		`id="refund-wallet"`, `data-chain="0x539"`, `data-to="` + token + `"`, `data-value="0x0"`,
		`data-data="0xa9059cbb000000000000000000000000` + strings.ToLower(dest[2:]), `src="/static/dashboard_refund.js"`,
		`action="` + refundPage + `/mark_sent"`, `action="` + refundPage + `/cancel"`, "overpayment"} {
		if !strings.Contains(body, want) {
			t.Errorf("the refund's page lacks %q", want)
		}
	}
	if st, _, _ := owner.do(http.MethodGet, "/static/dashboard_refund.js", nil); st != http.StatusOK {
		t.Fatalf("the wallet script: %d", st)
	}
	st, _, body = viewer.do(http.MethodGet, refundPage, nil)
	if st != http.StatusOK || !strings.Contains(body, dest) || strings.Contains(body, "mark_sent") || strings.Contains(body, "refund-wallet") {
		t.Fatalf("the read-only user's refund page: %d", st)
	}
	for _, action := range []string{"/mark_sent", "/cancel"} {
		if st, _, _ := viewer.do(http.MethodPost, refundPage+action, url.Values{"csrf": {viewer.csrf}, "transaction_hash": {"0x" + strings.Repeat("ab", 32)}}); st != http.StatusForbidden {
			t.Fatalf("read-only %s: %d", action, st)
		}
	}
	if _, _, body := owner.do(http.MethodGet, "/dashboard/refunds", nil); !strings.Contains(body, "Refunds to pay") ||
		strings.Count(body, `href="/dashboard/refunds/`+rid+`"`) != 2 || !strings.Contains(body, `aria-current="page">Refunds<`) {
		t.Fatalf("the refunds list does not show %s to pay and among all refunds:\n%s", rid, body)
	}

	st, _, body = owner.do(http.MethodPost, refundPage+"/mark_sent", url.Values{"csrf": {owner.csrf}, "transaction_hash": {"0x12"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "transaction_hash must be a 0x transaction hash") {
		t.Fatalf("a malformed hash: %d", st)
	}
	short := strings.ToLower(it.chain.payToken(t, dest, big.NewInt(1_000_000)).Hex())
	it.chain.mine(1)
	st, _, body = owner.do(http.MethodPost, refundPage+"/mark_sent", url.Values{"csrf": {owner.csrf}, "transaction_hash": {short}})
	if st != http.StatusBadRequest || !strings.Contains(body, "The transaction cannot be this refund&#39;s transfer") ||
		!strings.Contains(body, `value="`+short+`"`) {
		t.Fatalf("a transfer of too little: %d, want 400 with the reason and the hash kept\n%s", st, body)
	}
	if r := dashRefundOf(t, merchantID, rid); r.TxHash != "" || r.Status != refund.StatusPending {
		t.Fatalf("a refused transfer was recorded: %+v", r)
	}

	paid := strings.ToLower(it.chain.payToken(t, dest, big.NewInt(5_000_000)).Hex())
	it.chain.mine(1)
	st, loc, _ = owner.do(http.MethodPost, refundPage+"/mark_sent", url.Values{"csrf": {owner.csrf}, "transaction_hash": {paid}})
	if st != http.StatusSeeOther || loc != refundPage+"?notice=refund_sent" {
		t.Fatalf("mark sent: %d %q", st, loc)
	}
	if _, _, body := owner.do(http.MethodGet, refundPage, nil); !strings.Contains(body, "Verifying the transaction") ||
		!strings.Contains(body, `href="`+simExplorer+`/tx/`+paid+`"`) || strings.Contains(body, `id="refund-wallet"`) || strings.Contains(body, "/cancel") {
		t.Fatalf("the page of a refund being verified:\n%s", body)
	}
	it.chain.mine(3)
	eventually(t, "the refund verified on chain", func() (bool, error) {
		return dashRefundOf(t, merchantID, rid).Status == refund.StatusSucceeded, nil
	})
	st, _, body = owner.do(http.MethodGet, page, nil)
	if st != http.StatusOK || !strings.Contains(body, "<dt>Refunded</dt><dd>$5.00</dd>") || !strings.Contains(body, "Resolved by a refund.") ||
		!strings.Contains(body, `href="/dashboard/refunds/`+rid+`"`) || strings.Contains(body, `action="`+resolve+`"`) {
		t.Fatalf("the session page after the refund succeeded:\n%s", body)
	}
}

// dashRefundsOfSession lists the session's refunds through the use case, as the merchant's test mode.
func dashRefundsOfSession(t *testing.T, merchantID, sessionID string) []refund.Refund {
	t.Helper()
	page, err := it.app.Refunds.List(context.Background(), merchant.Caller{MerchantID: merchantID},
		refund.Query{SessionID: sessionID})
	if err != nil {
		t.Fatal(err)
	}
	return page.Data
}

// A paid order is refunded from its page with an amount and no destination: the owner gets
// the claim link to copy (a read-only user does not see it), and cancels the refund; an amount
// beyond what was received is refused on the page; another merchant's refund is not found.
func TestDashboardRefundsClaimLinkAndCancel(t *testing.T) {
	key, merchantID := newMerchant(t, "Claim Store")
	id := dashRefundPaidSession(t, key, 0)
	owner := signInAs(t, merchantID, "owner@claim.example", account.RoleOwner)
	viewer := signInAs(t, merchantID, "viewer@claim.example", account.RoleReadOnly)
	create := "/dashboard/payments/" + id + "/refunds"

	st, _, body := owner.do(http.MethodGet, "/dashboard/payments/"+id, nil)
	if st != http.StatusOK || !strings.Contains(body, `action="`+create+`"`) || strings.Contains(body, "/resolve\"") ||
		!strings.Contains(body, "Left to refund</dt><dd>39.98 tUSD") {
		t.Fatalf("a paid session's page must offer a plain refund, not a resolution: %d\n%s", st, body)
	}
	st, _, body = owner.do(http.MethodPost, create, url.Values{"csrf": {owner.csrf}, "amount": {"100.00"}, "reason": {"requested_by_customer"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "more than the 39.98 left to refund") || !strings.Contains(body, `value="100.00"`) {
		t.Fatalf("too much: %d\n%s", st, body)
	}
	if st, _, _ := viewer.do(http.MethodPost, create, url.Values{"csrf": {viewer.csrf}, "amount": {"1.00"}}); st != http.StatusForbidden {
		t.Fatalf("read-only refund: %d", st)
	}
	formKey := regexp.MustCompile(`name="form_key" value="([^"]+)"`).FindStringSubmatch(body)
	if formKey == nil {
		t.Fatalf("the refund form has no one-time key:\n%s", body)
	}
	send := url.Values{"csrf": {owner.csrf}, "amount": {"10.00"}, "reason": {"requested_by_customer"}, "form_key": {formKey[1]}}
	st, loc, _ := owner.do(http.MethodPost, create, send)
	rid := dashRefundCreated(t, st, loc)
	if st, again, _ := owner.do(http.MethodPost, create, send); dashRefundCreated(t, st, again) != rid { // a double click
		t.Fatalf("the same form sent twice made two refunds: %s and %s", loc, again)
	}
	r := dashRefundOf(t, merchantID, rid)
	if r.Status != refund.StatusRequiresAction || r.Amount != 1000 || r.CryptoAmount.Int64() != 10_000_000 || r.Reason != refund.ReasonRequestedByCustomer {
		t.Fatalf("the refund: %+v", r)
	}
	refundPage := "/dashboard/refunds/" + rid
	claim := it.base + "/refunds/claim/" + r.ClaimSecret
	st, _, body = owner.do(http.MethodGet, refundPage, nil)
	if st != http.StatusOK || !strings.Contains(body, claim) || !strings.Contains(body, `data-copy="refund-claim-url"`) ||
		strings.Contains(body, `id="refund-wallet"`) || strings.Contains(body, "mark_sent") || !strings.Contains(body, "/cancel") {
		t.Fatalf("the owner's page of a refund awaiting its claim: %d\n%s", st, body)
	}
	if _, _, body := owner.do(http.MethodGet, "/dashboard/refunds", nil); !strings.Contains(body, claim) || !strings.Contains(body, "waiting for the shopper's claim") {
		t.Fatal("the refunds list lacks the claim link")
	}
	for _, path := range []string{refundPage, "/dashboard/refunds"} {
		if _, _, body := viewer.do(http.MethodGet, path, nil); strings.Contains(body, r.ClaimSecret) || !strings.Contains(body, rid) {
			t.Fatalf("the read-only user's %s shows the claim link, or not the refund", path)
		}
	}
	st, _, body = owner.do(http.MethodPost, refundPage+"/mark_sent", url.Values{"csrf": {owner.csrf}, "transaction_hash": {"0x" + strings.Repeat("cd", 32)}})
	if st != http.StatusConflict || !strings.Contains(body, "has no destination yet") {
		t.Fatalf("mark sent before the claim: %d", st)
	}
	st, loc, _ = owner.do(http.MethodPost, refundPage+"/cancel", url.Values{"csrf": {owner.csrf}})
	if st != http.StatusSeeOther || loc != refundPage+"?notice=refund_canceled" {
		t.Fatalf("cancel: %d %q", st, loc)
	}
	st, _, body = owner.do(http.MethodGet, refundPage+"?notice=refund_canceled", nil)
	if st != http.StatusOK || !strings.Contains(body, "Refund canceled") || !strings.Contains(body, `<span class="status canceled">canceled</span>`) ||
		strings.Contains(body, r.ClaimSecret) || strings.Contains(body, `/cancel"`) {
		t.Fatalf("the canceled refund's page: %d\n%s", st, body)
	}
	if _, _, body := owner.do(http.MethodGet, "/dashboard/payments/"+id, nil); !strings.Contains(body, "Left to refund</dt><dd>39.98 tUSD") {
		t.Fatal("a canceled refund still counts against what is left")
	}

	_, otherID := newMerchant(t, "Other Claim Store")
	other := signInAs(t, otherID, "owner@other-claim.example", account.RoleOwner)
	if st, _, body := other.do(http.MethodGet, refundPage, nil); st != http.StatusNotFound || strings.Contains(body, rid+"</span>") {
		t.Fatalf("another merchant's refund page: %d", st)
	}
	for _, action := range []string{"/mark_sent", "/cancel"} {
		if st, _, _ := other.do(http.MethodPost, refundPage+action, url.Values{"csrf": {other.csrf}, "transaction_hash": {"0x" + strings.Repeat("cd", 32)}}); st != http.StatusNotFound {
			t.Fatalf("another merchant's %s: %d", action, st)
		}
	}
	if st, _, _ := other.do(http.MethodPost, create, url.Values{"csrf": {other.csrf}}); st != http.StatusNotFound {
		t.Fatalf("a refund of another merchant's session: %d", st)
	}
}

// A session paid after it expired is accepted as paid from its page: it completes with the
// resolution accepted_late, and the page no longer offers to resolve it; accepting it again
// (a second click) changes nothing and records no second checkout.session.completed.
func TestDashboardRefundsAcceptLatePayment(t *testing.T) {
	key, merchantID := newMerchant(t, "Late Accept Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	if r := expire(t, key, id); r.status != http.StatusOK {
		t.Fatalf("expire: %s", r.raw)
	}
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "paid_late", func(r response) bool { return cryptoState(r) == "paid_late" })
	owner := signInAs(t, merchantID, "owner@late.example", account.RoleOwner)
	page, resolve := "/dashboard/payments/"+id, "/dashboard/payments/"+id+"/resolve"

	st, _, body := owner.do(http.MethodGet, page, nil)
	if st != http.StatusOK || !strings.Contains(body, "Paid late: 39.98 tUSD arrived in all") || !strings.Contains(body, `name="action" value="accept"`) {
		t.Fatalf("the late session's page: %d\n%s", st, body)
	}
	st, loc, _ := owner.do(http.MethodPost, resolve, url.Values{"csrf": {owner.csrf}, "action": {"accept"}})
	if st != http.StatusSeeOther || loc != page+"?notice=session_accepted#refunds" {
		t.Fatalf("accept: %d %q", st, loc)
	}
	r := waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	if r.str("payment_status") != "paid" {
		t.Fatalf("accepted session: %s", r.raw)
	}
	st, _, body = owner.do(http.MethodGet, page+"?notice=session_accepted", nil)
	if st != http.StatusOK || !strings.Contains(body, "Accepted: the session is complete") || !strings.Contains(body, "accepted_late") ||
		!strings.Contains(body, "The late payment was accepted as the payment.") || strings.Contains(body, `action="`+resolve+`"`) {
		t.Fatalf("the accepted session's page: %d\n%s", st, body)
	}
	st, _, _ = owner.do(http.MethodPost, resolve, url.Values{"csrf": {owner.csrf}, "action": {"accept"}})
	if st != http.StatusSeeOther { // a second click is the same decision again, not an error
		t.Fatalf("accept twice: %d, want the same 303 as the first", st)
	}
	var completed int
	if err := it.app.DB().Get(&completed, `SELECT count(*) FROM events WHERE session_id = $1 AND type = $2`, id, event.SessionCompleted); err != nil || completed != 1 {
		t.Fatalf("checkout.session.completed recorded %d times (%v), want once", completed, err)
	}
	st, _, body = owner.do(http.MethodPost, resolve, url.Values{"csrf": {owner.csrf}, "action": {"forgive"}})
	if st != http.StatusBadRequest || !strings.Contains(body, "action must be accept or refund") {
		t.Fatalf("an unknown action: %d", st)
	}
}
