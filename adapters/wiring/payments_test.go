package wiring_test

import (
	"context"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/workflows"
)

// openSession creates a 39.98 USD session and selects asset on it.
func openSession(t *testing.T, key, asset string, extra ...string) response {
	t.Helper()
	created := postForm(t, "/v1/checkout/sessions", key, with(validForm(), extra...), nil)
	if created.status != 200 {
		t.Fatalf("create: %d %s", created.status, created.raw)
	}
	sel := postForm(t, "/v1/checkout/sessions/"+created.str("id")+"/select_asset", key, url.Values{"asset": {asset}}, nil)
	if sel.status != 200 {
		t.Fatalf("select %s: %d %s", asset, sel.status, sel.raw)
	}
	return sel
}

func addressOf(r response) string { return cryptoOf(r)["deposit_address"].(string) }

func TestAssetsQuotesAndAddresses(t *testing.T) {
	key, _ := newMerchant(t, "Asset Store")
	assets := get(t, "/v1/crypto/assets", key)
	var ids []string
	for _, a := range assets.body["data"].([]any) {
		ids = append(ids, a.(map[string]any)["id"].(string))
	}
	if strings.Join(ids, ",") != "eth@sim,tusd@sim" {
		t.Fatalf("assets = %v", ids)
	}

	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	c := cryptoOf(sel)
	if c["state"] != "awaiting_payment" || c["amount_due"] != "39980000" || c["amount_due_decimal"] != "39.98" || c["rate"] != "1" {
		t.Fatalf("tUSD quote: %v", c)
	}
	// The address is the merchant xpub's test-branch address for the index allocated to the session.
	var index uint32
	if err := it.app.DB().Get(&index, `SELECT address_index FROM deposit_addresses WHERE session_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	want, _ := ethereum.HD{}.DeriveAddress(ethereum.DemoXPub, checkout.TestAddressBranch, index)
	want = chain.Checksum(want) // the API shows addresses in their EIP-55 form
	if addressOf(sel) != want {
		t.Fatalf("address %s, want %s (index %d)", addressOf(sel), want, index)
	}
	// Switching asset before paying re-quotes and keeps the address.
	eth := postForm(t, "/v1/checkout/sessions/"+id+"/select_asset", key, url.Values{"asset": {"eth@sim"}}, nil)
	if cryptoOf(eth)["amount_due"] != "13326666666666667" || addressOf(eth) != want { // 39.98/3000 ETH, rounded up
		t.Fatalf("ETH quote: %v", cryptoOf(eth))
	}
	// Another session gets another address.
	if other := openSession(t, key, "tusd@sim"); addressOf(other) == want {
		t.Fatal("two sessions share a deposit address")
	}

	limited := postForm(t, "/v1/checkout/sessions", key, with(validForm(), "crypto[accepted_assets][0]", "tusd@sim"), nil)
	for _, tc := range []struct {
		name, session, asset string
		status               int
		param                string
	}{
		{"unknown asset", id, "doge@sim", 400, "asset"},
		{"not accepted", limited.str("id"), "eth@sim", 400, "asset"},
		{"missing", id, "", 400, "asset"},
	} {
		r := postForm(t, "/v1/checkout/sessions/"+tc.session+"/select_asset", key, url.Values{"asset": {tc.asset}}, nil)
		if r.status != tc.status || r.errField("param") != tc.param {
			t.Fatalf("%s: %d %s", tc.name, r.status, r.raw)
		}
	}
	expire(t, key, id)
	if r := postForm(t, "/v1/checkout/sessions/"+id+"/select_asset", key, url.Values{"asset": {"tusd@sim"}}, nil); r.status != 409 {
		t.Fatalf("select on an expired session: %d %s", r.status, r.raw)
	}
}

func TestShopperPicksAssetOnThePage(t *testing.T) {
	key, _ := newMerchant(t, "Page Pay Store")
	id := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm(it.base+"/c/"+id+"/select", url.Values{"asset": {"tusd@sim"}})
	if err != nil || res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/c/"+id {
		t.Fatalf("form post: %v %v", res.Status, err)
	}
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	sess := get(t, "/v1/checkout/sessions/"+id, key)
	for _, want := range []string{"Send exactly", "39.98", "tUSD", addressOf(sess), "data:image/png;base64,",
		"<title>Pay Page Pay Store (test mode)</title>", `href="` + simExplorer + `/address/` + addressOf(sess) + `"`,
		"ethereum:" + it.chain.tokenAt.Hex() + "@1337/transfer?address=" + addressOf(sess) + "&amp;uint256=39980000"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	res, _ = noRedirect.PostForm(it.base+"/c/"+id+"/select", url.Values{"asset": {"doge@sim"}})
	if loc := res.Header.Get("Location"); !strings.Contains(loc, "error=") {
		t.Fatalf("refused choice redirects to %q", loc)
	}
}

func TestExactTokenPaymentCompletesAfterConfirmations(t *testing.T) {
	key, _ := newMerchant(t, "Token Store")
	sel := openSession(t, key, "tusd@sim")
	id, addr := sel.str("id"), addressOf(sel)
	tx := it.chain.payToken(t, addr, dueOf(t, sel))
	it.chain.mine(1)

	r := waitFor(t, key, id, "payment detected", func(r response) bool { return cryptoState(r) == "confirming" })
	p := paymentsOf(r)
	if len(p) != 1 || p[0]["tx_hash"] != strings.ToLower(tx.Hex()) || p[0]["status"] != "detected" ||
		p[0]["confirmations"] != float64(1) || p[0]["confirmations_required"] != float64(3) || r.str("status") != "open" {
		t.Fatalf("after 1 block: %s", r.raw)
	}
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(page, "Payment detected") || !strings.Contains(page, "1 of 3 confirmations") ||
		!strings.Contains(page, `href="`+simExplorer+`/tx/`+strings.ToLower(tx.Hex())+`"`) {
		t.Fatalf("page while confirming (with the transaction on the explorer):\n%s", page)
	}
	it.chain.mine(2)
	r = waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	if r.str("payment_status") != "paid" || cryptoState(r) != "paid" || cryptoOf(r)["amount_received"] != "39980000" {
		t.Fatalf("completed session: %s", r.raw)
	}
	// The state query and the workflow history carry the payment.
	st, err := it.app.Orch.QueryState(context.Background(), id)
	if err != nil || st.Status != "complete" || len(st.Payments) != 1 || st.Payments[0].Status != "confirmed" {
		t.Fatalf("state query: %+v %v", st, err)
	}
	if n := countSignals(t, id); n < 2 {
		t.Fatalf("%d payment signals in the history, want detected and confirmed", n)
	}
}

func countSignals(t *testing.T, sessionID string) int {
	t.Helper()
	iter := it.temporal.GetWorkflowHistory(context.Background(), workflows.SessionWorkflowID(sessionID), "", false, 0)
	n := 0
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetWorkflowExecutionSignaledEventAttributes(); a != nil && a.GetSignalName() == workflows.SignalPayments {
			n++
		}
	}
	return n
}

func TestPartialPaymentsUnderpaidThenCovered(t *testing.T) {
	key, _ := newMerchant(t, "Partial Store")
	sel := openSession(t, key, "tusd@sim")
	id, addr, due := sel.str("id"), addressOf(sel), dueOf(t, sel)
	first := big.NewInt(10_000_000) // 10 of 39.98
	it.chain.payToken(t, addr, first)
	it.chain.mine(3)
	r := waitFor(t, key, id, "underpaid", func(r response) bool { return cryptoState(r) == "underpaid" })
	if r.str("status") != "open" || cryptoOf(r)["amount_received"] != "10000000" {
		t.Fatalf("underpaid: %s", r.raw)
	}
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(page, "Send the remaining <strong>29.98 tUSD</strong> to the same address") {
		t.Fatalf("page does not ask for the remainder:\n%s", page)
	}
	it.chain.payToken(t, addr, new(big.Int).Sub(due, first))
	it.chain.mine(3)
	r = waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	if cryptoState(r) != "paid" || len(paymentsOf(r)) != 2 {
		t.Fatalf("after the rest: %s", r.raw)
	}
}

func TestOverpaymentCompletesAsOverpaid(t *testing.T) {
	key, _ := newMerchant(t, "Overpaid Store")
	sel := openSession(t, key, "tusd@sim")
	it.chain.payToken(t, addressOf(sel), new(big.Int).Add(dueOf(t, sel), big.NewInt(5_000_000)))
	it.chain.mine(3)
	r := waitFor(t, key, sel.str("id"), "complete", func(r response) bool { return r.str("status") == "complete" })
	if cryptoState(r) != "overpaid" || cryptoOf(r)["amount_received"] != "44980000" {
		t.Fatalf("overpaid: %s", r.raw)
	}
}
