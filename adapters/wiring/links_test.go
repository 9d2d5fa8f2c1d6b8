package wiring_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v84"

	"github.com/chaincheckout/checkout/workflows"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// visit opens a link's public URL and returns the status and the session ID it redirected to.
func visit(t *testing.T, path string) (int, string) {
	t.Helper()
	res, err := noRedirect.Get(it.base + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, id, _ := strings.Cut(res.Header.Get("Location"), "/c/")
	return res.StatusCode, id
}

// newLink makes a product with a price and a payment link selling two of it.
func newLink(t *testing.T, key string, extra url.Values) response {
	t.Helper()
	prod := postForm(t, "/v1/products", key, url.Values{"name": {"Concert ticket"},
		"default_price_data[currency]": {"usd"}, "default_price_data[unit_amount]": {"1250"}}, nil)
	if prod.status != 200 {
		t.Fatalf("product: %d %s", prod.status, prod.raw)
	}
	form := url.Values{"line_items[0][price]": {prod.str("default_price")}, "line_items[0][quantity]": {"2"},
		"metadata[campaign]": {"spring"}}
	for k, v := range extra {
		form[k] = v
	}
	link := postForm(t, "/v1/payment_links", key, form, nil)
	if link.status != 200 {
		t.Fatalf("link: %d %s", link.status, link.raw)
	}
	return link
}

// Every visit makes its own session and workflow; the link's metadata and the visit's
// client_reference_id and prefilled_email pass through.
func TestPaymentLinkOpensASessionPerVisit(t *testing.T) {
	ctx := context.Background()
	key, merchantID := newMerchant(t, "Link Store")
	link := newLink(t, key, url.Values{"after_completion[type]": {"redirect"},
		"after_completion[redirect][url]": {"https://shop.example/thanks"}})
	id := link.str("id")
	if !strings.HasPrefix(id, "plink_") || link.str("url") != it.base+"/l/"+id || link.str("currency") != "usd" {
		t.Fatalf("link = %s", link.raw)
	}
	status1, s1 := visit(t, "/l/"+id+"?client_reference_id=order-7&prefilled_email=shopper%40example.com")
	status2, s2 := visit(t, "/l/"+id)
	if status1 != http.StatusSeeOther || status2 != http.StatusSeeOther || s1 == "" || s1 == s2 {
		t.Fatalf("visits: %d %q, %d %q", status1, s1, status2, s2)
	}
	first := get(t, "/v1/checkout/sessions/"+s1, key)
	md, _ := first.body["metadata"].(map[string]any)
	if first.str("payment_link") != id || first.str("client_reference_id") != "order-7" || first.str("customer_email") != "shopper@example.com" ||
		md["campaign"] != "spring" || first.str("success_url") != "https://shop.example/thanks" || first.body["amount_total"].(float64) != 2500 {
		t.Fatalf("session of the link: %s", first.raw)
	}
	// No deposit address until the shopper picks an asset.
	if cryptoOf(first)["deposit_address"] != nil {
		t.Fatalf("a link's session allocated an address before an asset was chosen: %s", first.raw)
	}
	for _, s := range []string{s1, s2} { // each started right after its visit's answer
		eventually(t, "the workflow of "+s, func() (bool, error) {
			st, err := it.app.Orch.QueryState(ctx, s)
			return err == nil && st.SessionID == s, nil
		})
	}
	eventually(t, "two workflows of the merchant", func() (bool, error) {
		res, err := it.temporal.ListWorkflow(ctx, listReq(`MerchantID="`+merchantID+`"`))
		return err == nil && len(res.Executions) == 2, err
	})
	list := get(t, "/v1/checkout/sessions?payment_link="+id, key)
	if data, _ := list.body["data"].([]any); len(data) != 2 {
		t.Fatalf("sessions of the link: %s", list.raw)
	}
	items := get(t, "/v1/payment_links/"+id+"/line_items", key)
	if data, _ := items.body["data"].([]any); len(data) != 1 || data[0].(map[string]any)["amount_total"].(float64) != 2500 ||
		data[0].(map[string]any)["description"] != "Concert ticket" {
		t.Fatalf("link line items: %s", items.raw)
	}

	// The merchant's backend may make a session of the link too, its own fields on top.
	sc := stripeClient(key)
	params := &stripe.CheckoutSessionCreateParams{ClientReferenceID: stripe.String("backend-1"),
		Metadata: map[string]string{"order": "9"}, SuccessURL: stripe.String("https://shop.example/done")}
	params.AddExtra("payment_link", id)
	s3, err := sc.V1CheckoutSessions.Create(ctx, params)
	if err != nil || s3.PaymentLink == nil || s3.PaymentLink.ID != id || s3.Metadata["campaign"] != "spring" || s3.Metadata["order"] != "9" ||
		s3.SuccessURL != "https://shop.example/done" || s3.AmountTotal != 2500 {
		t.Fatalf("session from the link over the API: %+v, %v", s3, err)
	}

	// Deactivated: a clear page, 410; the other merchant sees nothing.
	other, _ := newMerchant(t, "Other Link Store")
	if r := get(t, "/v1/payment_links/"+id, other); r.status != http.StatusNotFound {
		t.Fatalf("another merchant's link: %d", r.status)
	}
	if r := postForm(t, "/v1/payment_links/"+id, key, url.Values{"active": {"false"}}, nil); r.status != 200 || r.body["active"] != false {
		t.Fatalf("deactivate: %d %s", r.status, r.raw)
	}
	res, err := http.Get(it.base + "/l/" + id)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusGone || !strings.Contains(res.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("inactive link: %s %q", res.Status, res.Header.Get("Content-Security-Policy"))
	}
	// Its product is in use: it cannot be deleted.
	price := get(t, "/v1/prices/"+items.body["data"].([]any)[0].(map[string]any)["price"].(map[string]any)["id"].(string), key)
	if r := call(t, http.MethodDelete, "/v1/products/"+price.str("product"), key, nil, "", nil); r.status != 400 {
		t.Fatalf("delete a product a link sells: %d %s", r.status, r.raw)
	}
}

// A link limited to one completed session is sold out after one payment; payment_link is on
// the session and in its checkout.session.completed event.
func TestPaymentLinkSoldOutAfterLimit(t *testing.T) {
	key, _ := newMerchant(t, "Limited Store")
	link := newLink(t, key, url.Values{"restrictions[completed_sessions][limit]": {"1"}, "crypto[accepted_assets][]": {"tusd@sim"}})
	id := link.str("id")
	_, sid := visit(t, "/l/"+id)
	sel := postForm(t, "/v1/checkout/sessions/"+sid+"/select_asset", key, url.Values{"asset": {"tusd@sim"}}, nil)
	if sel.status != 200 {
		t.Fatalf("select: %d %s", sel.status, sel.raw)
	}
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	done := waitFor(t, key, sid, "complete", func(r response) bool { return r.str("status") == "complete" })
	if done.str("payment_link") != id {
		t.Fatalf("completed session: %s", done.raw)
	}
	var completed response
	eventually(t, "checkout.session.completed event", func() (bool, error) {
		completed = get(t, "/v1/events?type=checkout.session.completed&checkout_session="+sid, key)
		data, _ := completed.body["data"].([]any)
		return len(data) == 1, nil
	})
	obj := completed.body["data"].([]any)[0].(map[string]any)["data"].(map[string]any)["object"].(map[string]any)
	if obj["payment_link"] != id {
		t.Fatalf("event object payment_link = %v", obj["payment_link"])
	}
	got := get(t, "/v1/payment_links/"+id, key)
	cs := got.body["restrictions"].(map[string]any)["completed_sessions"].(map[string]any)
	if cs["count"].(float64) != 1 || cs["limit"].(float64) != 1 {
		t.Fatalf("restrictions after the sale: %s", got.raw)
	}
	if status, _ := visit(t, "/l/"+id); status != http.StatusGone {
		t.Fatalf("visit after selling out: %d, want 410", status)
	}
	r := postForm(t, "/v1/checkout/sessions", key, url.Values{"payment_link": {id}}, nil)
	if r.status != 400 || r.errField("code") != "payment_link_sold_out" {
		t.Fatalf("API session of a sold-out link: %d %s", r.status, r.raw)
	}
	// The scanner signals after its commit: the session may have completed first, through the
	// reconcile its asset selection's signal started, which read the confirmed payment.
	eventually(t, "the scanner's payments signal in "+workflows.SessionWorkflowID(sid), func() (bool, error) {
		return countSignals(t, sid) >= 1, nil
	})
}
