package wiring_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/account"
)

// search runs a dashboard search and returns its status, Location and page.
func (u *dashUser) search(q string) (int, string, string) {
	u.t.Helper()
	return u.do(http.MethodGet, "/dashboard/payments?"+url.Values{"q": {q}}.Encode(), nil)
}

// Search finds a session by its ID, by its deposit address in any case and by the hash of a
// transaction that paid it, and opens its page; another merchant's session and a word match
// nothing, said in words. The paid session's page then shows its payment with confirmations
// and explorer link, and the timeline from creation to completion.
func TestDashboardPaymentsSearch(t *testing.T) {
	key, merchantID := newMerchant(t, "Search Store")
	otherKey, _ := newMerchant(t, "Other Search Store")
	u := signInAs(t, merchantID, "owner@search.example", account.RoleOwner)

	sel := openSession(t, key, "tusd@sim")
	id, addr := sel.str("id"), addressOf(sel)
	theirs := openSession(t, otherKey, "tusd@sim")
	page := "/dashboard/payments/" + id

	for name, q := range map[string]string{
		"ID": id, "checksummed address": addr, "lower-case address": strings.ToLower(addr),
		"upper-case address": "0X" + strings.ToUpper(addr[2:]), "ID with spaces": "  " + id + " "} {
		if st, loc, _ := u.search(q); st != http.StatusSeeOther || loc != page {
			t.Fatalf("search by %s: %d %q, want %s", name, st, loc, page)
		}
	}
	for name, q := range map[string]string{"another merchant's ID": theirs.str("id"),
		"another merchant's address": addressOf(theirs), "a word": "coffee",
		"an unknown hash": "0x" + strings.Repeat("ab", 32)} {
		st, _, body := u.search(q)
		if st != http.StatusOK || !strings.Contains(body, "No payment matches") || strings.Contains(body, theirs.str("id")+"</a>") {
			t.Fatalf("search by %s: %d\n%s", name, st, body)
		}
	}

	tx := it.chain.payToken(t, addr, dueOf(t, sel))
	it.chain.mine(1)
	waitFor(t, key, id, "payment detected", func(r response) bool { return cryptoState(r) == "confirming" })
	hash := strings.ToLower(tx.Hex())
	if st, loc, _ := u.search(hash[2:]); st != http.StatusOK || loc != "" {
		t.Fatalf("a hash without its 0x is no hash: %d %q", st, loc)
	}
	if st, loc, _ := u.search(hash); st != http.StatusSeeOther || loc != page {
		t.Fatalf("search by transaction hash: %d %q", st, loc)
	}
	it.chain.mine(2)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	st, _, body := u.do(http.MethodGet, page, nil)
	if st != http.StatusOK {
		t.Fatalf("page: %d", st)
	}
	for _, want := range []string{hash, `href="` + simExplorer + `/tx/` + hash + `"`, "3/3", "39.98 tUSD", addr,
		"Created", "Asset chosen and quoted: tUSD on Simulated chain", "Payment detected", "Payment confirmed", "Completed: paid",
		"1 tUSD = 1 USD", "checkout.session.completed"} {
		if !strings.Contains(body, want) {
			t.Errorf("the paid session's page lacks %q", want)
		}
	}
	if strings.Index(body, "Payment detected") > strings.Index(body, "Completed: paid") {
		t.Error("the timeline is not oldest first")
	}
}

// A session's page shows what it sells, its facts and its timeline; another merchant's session
// is not found.
func TestDashboardPaymentsSessionPage(t *testing.T) {
	key, merchantID := newMerchant(t, "Page Store")
	otherKey, _ := newMerchant(t, "Other Page Store")
	u := signInAs(t, merchantID, "viewer@page.example", account.RoleReadOnly)
	id := postForm(t, "/v1/checkout/sessions", key, with(validForm(), "customer_email", "buyer@shop.example",
		"client_reference_id", "order-77", "metadata[order]", "A-77"), nil).str("id")
	expire(t, key, id)
	theirs := postForm(t, "/v1/checkout/sessions", otherKey, validForm(), nil).str("id")

	st, _, body := u.do(http.MethodGet, "/dashboard/payments/"+id, nil)
	if st != http.StatusOK {
		t.Fatalf("page: %d", st)
	}
	for _, want := range []string{"T-shirt", `<td class="num">2</td>`, "$19.99", "$39.98", "buyer@shop.example", "order-77",
		"/dashboard/payments?client_reference_id=order-77", "A-77", "Timeline", "Created", "Expired",
		"checkout.session.expired", "awaiting_asset", "No payment has arrived."} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, ">Redeliver<") {
		t.Error("a read-only user is offered Redeliver")
	}
	if strings.Index(body, "<strong>Created") > strings.Index(body, "<strong>Expired") {
		t.Error("the timeline is not oldest first")
	}
	if st, _, body := u.do(http.MethodGet, "/dashboard/payments/"+theirs, nil); st != http.StatusNotFound || strings.Contains(body, "T-shirt") {
		t.Fatalf("another merchant's session: %d", st)
	}
	if st, _, _ := u.do(http.MethodGet, "/dashboard/payments/cs_test_nothing", nil); st != http.StatusNotFound {
		t.Fatalf("an unknown session: %d", st)
	}
}

// Redeliver is an owner's POST with the CSRF token: a read-only user gets 403 and no new
// delivery, a forged form too; the owner's queues a new delivery the API lists, attempted.
func TestDashboardPaymentsRedeliver(t *testing.T) {
	key, merchantID := newMerchant(t, "Redeliver Store")
	endpoint(t, key, newReceiver(t, func(int) int { return http.StatusOK }).URL, "*")
	evt := expiredEvent(t, key)
	id := get(t, "/v1/events/"+evt, key).str("checkout_session")
	eventually(t, "the first delivery", func() (bool, error) {
		d := deliveries(t, key, evt).Data
		return len(d) == 1 && len(d[0].Attempts) > 0, nil
	})
	path := "/dashboard/payments/" + id + "/events/" + evt + "/redeliver"

	viewer := signInAs(t, merchantID, "viewer@redeliver.example", account.RoleReadOnly)
	viewer.do(http.MethodGet, "/dashboard/payments/"+id, nil)
	if st, _, body := viewer.do(http.MethodPost, path, url.Values{"csrf": {viewer.csrf}}); st != http.StatusForbidden || !strings.Contains(body, "read-only") {
		t.Fatalf("read-only redeliver: %d", st)
	}
	owner := signInAs(t, merchantID, "owner@redeliver.example", account.RoleOwner)
	if st, _, body := owner.do(http.MethodGet, "/dashboard/payments/"+id, nil); st != http.StatusOK || !strings.Contains(body, `action="`+path+`"`) {
		t.Fatalf("the owner's page lacks the Redeliver form: %d", st)
	}
	if st, _, _ := owner.do(http.MethodPost, path, url.Values{}); st != http.StatusForbidden {
		t.Fatalf("redeliver without the CSRF token: %d", st)
	}
	if n := len(deliveries(t, key, evt).Data); n != 1 {
		t.Fatalf("refused redeliveries queued something: %d deliveries", n)
	}
	otherKey, _ := newMerchant(t, "Other Redeliver Store")
	otherID := postForm(t, "/v1/checkout/sessions", otherKey, validForm(), nil).str("id")
	if st, _, _ := owner.do(http.MethodPost, "/dashboard/payments/"+otherID+"/events/"+evt+"/redeliver",
		url.Values{"csrf": {owner.csrf}}); st != http.StatusNotFound {
		t.Fatalf("redeliver under another session: %d", st)
	}
	st, loc, _ := owner.do(http.MethodPost, path, url.Values{"csrf": {owner.csrf}})
	if st != http.StatusSeeOther || loc != "/dashboard/payments/"+id+"?notice=redelivered#events" {
		t.Fatalf("redeliver: %d %q", st, loc)
	}
	eventually(t, "the redelivery attempted", func() (bool, error) {
		d := deliveries(t, key, evt).Data
		return len(d) == 2 && d[0].Redelivery && len(d[0].Attempts) > 0 && d[0].Status == "succeeded", nil
	})
	if _, _, body := owner.do(http.MethodGet, "/dashboard/payments/"+id+"?notice=redelivered", nil); !strings.Contains(body, "Redelivery queued") ||
		!strings.Contains(body, "(redelivery)") || !strings.Contains(body, "HTTP 200") {
		t.Fatalf("the page after redelivery:\n%s", body)
	}
}
