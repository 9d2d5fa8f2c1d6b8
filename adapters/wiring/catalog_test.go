package wiring_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v84"
)

// stripeErr fails unless err is Stripe's error object with the status and param.
func stripeErr(t *testing.T, what string, err error, status int, param string) *stripe.Error {
	t.Helper()
	var serr *stripe.Error
	if !errors.As(err, &serr) || serr.HTTPStatusCode != status || serr.Param != param {
		t.Fatalf("%s: err = %v, want %d on %q", what, err, status, param)
	}
	return serr
}

// The official client drives the Product Library and sessions sold from it.
func TestStripeClientCatalog(t *testing.T) {
	ctx := context.Background()
	key, _ := newMerchant(t, "Catalog Store")
	sc := stripeClient(key)

	mug, err := sc.V1Products.Create(ctx, &stripe.ProductCreateParams{Name: stripe.String("Mug"),
		Description: stripe.String("Blue, 350 ml"), Images: []*string{stripe.String("https://img.example/mug.png")},
		Metadata:         map[string]string{"sku": "MUG-1"},
		DefaultPriceData: &stripe.ProductCreateDefaultPriceDataParams{Currency: stripe.String("usd"), UnitAmount: stripe.Int64(1500)}})
	if err != nil {
		t.Fatalf("create product: %v", err)
	}
	if mug.Object != "product" || !mug.Active || mug.DefaultPrice == nil || mug.DefaultPrice.ID == "" || mug.Livemode ||
		len(mug.Images) != 1 || mug.Metadata["sku"] != "MUG-1" {
		t.Fatalf("product = %+v", mug)
	}
	mugPrice, err := sc.V1Prices.Retrieve(ctx, mug.DefaultPrice.ID, nil)
	if err != nil || mugPrice.UnitAmount != 1500 || mugPrice.Product.ID != mug.ID || mugPrice.Type != stripe.PriceTypeOneTime {
		t.Fatalf("default price = %+v, %v", mugPrice, err)
	}
	// A price with a new product, and a recurring one (stored; sold by subscriptions later).
	ticket, err := sc.V1Prices.Create(ctx, &stripe.PriceCreateParams{Currency: stripe.String("usd"), UnitAmount: stripe.Int64(700),
		ProductData: &stripe.PriceCreateProductDataParams{Name: stripe.String("Ticket")}, LookupKey: stripe.String("ticket_std")})
	if err != nil || ticket.LookupKey != "ticket_std" {
		t.Fatalf("price with product_data = %+v, %v", ticket, err)
	}
	monthly, err := sc.V1Prices.Create(ctx, &stripe.PriceCreateParams{Currency: stripe.String("usd"), UnitAmount: stripe.Int64(300),
		Product: stripe.String(mug.ID), Recurring: &stripe.PriceCreateRecurringParams{Interval: stripe.String("month")}})
	if err != nil || monthly.Recurring == nil || monthly.Recurring.Interval != "month" || monthly.Recurring.IntervalCount != 1 {
		t.Fatalf("recurring price = %+v, %v", monthly, err)
	}
	_, err = sc.V1Prices.Create(ctx, &stripe.PriceCreateParams{Currency: stripe.String("usd"), UnitAmount: stripe.Int64(800),
		Product: stripe.String(mug.ID), LookupKey: stripe.String("ticket_std")})
	stripeErr(t, "lookup key taken", err, 400, "lookup_key")

	// Lists and their filters.
	var keys []string
	for p, err := range sc.V1Prices.List(ctx, &stripe.PriceListParams{LookupKeys: []*string{stripe.String("ticket_std")}}) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, p.ID)
	}
	if len(keys) != 1 || keys[0] != ticket.ID {
		t.Fatalf("prices by lookup key = %v", keys)
	}
	n := 0
	for p, err := range sc.V1Prices.List(ctx, &stripe.PriceListParams{Product: stripe.String(mug.ID), Type: stripe.String("recurring")}) {
		if err != nil || p.ID != monthly.ID {
			t.Fatalf("recurring prices of mug: %v %v", p, err)
		}
		n++
	}
	if n != 1 {
		t.Fatalf("%d recurring prices of mug, want 1", n)
	}

	// A session mixing a library price, a product (its default price) and an ad-hoc item.
	sess, err := sc.V1CheckoutSessions.Create(ctx, &stripe.CheckoutSessionCreateParams{Mode: stripe.String("payment"),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{
			{Price: stripe.String(mugPrice.ID), Quantity: stripe.Int64(2)},
			{Price: stripe.String(ticket.ID), Quantity: stripe.Int64(1),
				AdjustableQuantity: &stripe.CheckoutSessionCreateLineItemAdjustableQuantityParams{Enabled: stripe.Bool(true), Maximum: stripe.Int64(4)}},
			{Quantity: stripe.Int64(1), PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{Currency: stripe.String("usd"),
				UnitAmount: stripe.Int64(250), ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String("Gift wrap")}}},
		}})
	if err != nil {
		t.Fatalf("create session with prices: %v", err)
	}
	if sess.AmountTotal != 2*1500+700+250 {
		t.Fatalf("amount_total = %d, want 3950", sess.AmountTotal)
	}

	// Catalog edits after creation never change the session: its items are a snapshot.
	if _, err := sc.V1Products.Update(ctx, mug.ID, &stripe.ProductUpdateParams{Name: stripe.String("Mug (new look)")}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if _, err := sc.V1Prices.Update(ctx, ticket.ID, &stripe.PriceUpdateParams{Active: stripe.Bool(false)}); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	var items []*stripe.LineItem
	for li, err := range sc.V1CheckoutSessions.ListLineItems(ctx, &stripe.CheckoutSessionListLineItemsParams{Session: stripe.String(sess.ID)}) {
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, li)
	}
	if len(items) != 3 || items[0].Description != "Mug" || items[0].Price.ID != mugPrice.ID || items[0].Price.Product.ID != mug.ID ||
		items[0].AmountTotal != 3000 || !items[0].Price.Active || items[2].Price.Active || items[2].Description != "Gift wrap" {
		t.Fatalf("line items = %+v / %+v", items[0], items[0].Price)
	}
	got, err := sc.V1CheckoutSessions.Retrieve(ctx, sess.ID, &stripe.CheckoutSessionRetrieveParams{Expand: []*string{stripe.String("line_items")}})
	if err != nil || got.AmountTotal != 3950 || got.LineItems.Data[0].Description != "Mug" {
		t.Fatalf("session after the rename = %+v, %v", got, err)
	}
	eventually(t, "the session's workflow", func() (bool, error) { // started right after the create's answer
		st, err := it.app.Orch.QueryState(ctx, sess.ID)
		return err == nil && st.Status == "open", nil
	})

	// What cannot be sold is refused, the line item named.
	adhoc := &stripe.CheckoutSessionCreateLineItemParams{Quantity: stripe.Int64(1), PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
		Currency: stripe.String("usd"), UnitAmount: stripe.Int64(100), ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String("x")}}}
	_, err = sc.V1CheckoutSessions.Create(ctx, &stripe.CheckoutSessionCreateParams{Mode: stripe.String("payment"),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{adhoc, {Price: stripe.String(ticket.ID), Quantity: stripe.Int64(1)}}})
	stripeErr(t, "inactive price", err, 400, "line_items[1][price]")
	_, err = sc.V1CheckoutSessions.Create(ctx, &stripe.CheckoutSessionCreateParams{Mode: stripe.String("payment"),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{Price: stripe.String(monthly.ID), Quantity: stripe.Int64(1)}}})
	if serr := stripeErr(t, "recurring in payment mode", err, 400, "line_items[0][price]"); serr.Msg == "" {
		t.Fatal("no message")
	}

	// A sold product cannot be deleted (deactivate it); a never-sold one can, with its prices.
	_, err = sc.V1Products.Delete(ctx, mug.ID, nil)
	if serr := stripeErr(t, "delete a sold product", err, 400, ""); serr.Code != "product_in_use" {
		t.Fatalf("code = %s", serr.Code)
	}
	spare, err := sc.V1Products.Create(ctx, &stripe.ProductCreateParams{Name: stripe.String("Spare"),
		DefaultPriceData: &stripe.ProductCreateDefaultPriceDataParams{Currency: stripe.String("usd"), UnitAmount: stripe.Int64(100)}})
	if err != nil {
		t.Fatal(err)
	}
	if del, err := sc.V1Products.Delete(ctx, spare.ID, nil); err != nil || !del.Deleted {
		t.Fatalf("delete unsold: %+v, %v", del, err)
	}
	_, err = sc.V1Prices.Retrieve(ctx, spare.DefaultPrice.ID, nil)
	stripeErr(t, "price of a deleted product", err, 404, "id")
}

// Prices are immutable in amount; products and prices are scoped by merchant and mode.
func TestCatalogRulesOverHTTP(t *testing.T) {
	key, _ := newMerchant(t, "Catalog Rules")
	other, _ := newMerchant(t, "Other Catalog")
	prod := postForm(t, "/v1/products", key, url.Values{"name": {"Poster"}, "images[]": {"ftp://x.example/p.png"}}, nil)
	if prod.status != 400 || prod.errField("param") != "images[0]" {
		t.Fatalf("ftp image: %d %s", prod.status, prod.raw)
	}
	prod = postJSON(t, "/v1/products", key, map[string]any{"name": "Poster",
		"default_price_data": map[string]any{"currency": "eur", "unit_amount_decimal": "999.5"}})
	if prod.status != 200 {
		t.Fatalf("create: %d %s", prod.status, prod.raw)
	}
	priceID := prod.str("default_price")
	up := postForm(t, "/v1/prices/"+priceID, key, url.Values{"unit_amount": {"5"}}, nil)
	if up.status != 400 || up.errField("param") != "unit_amount" {
		t.Fatalf("amount update: %d %s", up.status, up.raw)
	}
	up = postForm(t, "/v1/prices/"+priceID, key, url.Values{"metadata[tier]": {"a"}, "lookup_key": {"poster"}}, nil)
	if up.status != 200 || up.str("lookup_key") != "poster" || up.str("unit_amount_decimal") != "999.5" {
		t.Fatalf("update: %d %s", up.status, up.raw)
	}
	for _, path := range []string{"/v1/products/" + prod.str("id"), "/v1/prices/" + priceID} {
		if r := get(t, path, other); r.status != http.StatusNotFound {
			t.Fatalf("another merchant's %s: %d", path, r.status)
		}
		if r := postForm(t, path, other, url.Values{"active": {"false"}}, nil); r.status != http.StatusNotFound {
			t.Fatalf("another merchant updates %s: %d", path, r.status)
		}
	}
	if r := call(t, http.MethodDelete, "/v1/products/"+prod.str("id"), other, nil, "", nil); r.status != http.StatusNotFound {
		t.Fatalf("another merchant deletes: %d", r.status)
	}
	// Another merchant cannot sell it either.
	r := postForm(t, "/v1/checkout/sessions", other, url.Values{"mode": {"payment"},
		"line_items[0][price]": {priceID}, "line_items[0][quantity]": {"1"}}, nil)
	if r.status != 400 || r.errField("param") != "line_items[0][price]" || r.errField("code") != "resource_missing" {
		t.Fatalf("another merchant's price in a session: %d %s", r.status, r.raw)
	}
	// Lists: active filter and ids[].
	list := get(t, "/v1/products?active=true&ids[]="+prod.str("id"), key)
	if data, _ := list.body["data"].([]any); list.status != 200 || len(data) != 1 {
		t.Fatalf("list: %d %s", list.status, list.raw)
	}
	// A sub-minor unit price totals once per line, rounded half up: 999.5 × 3 = 2998.5 → 2999.
	s := postForm(t, "/v1/checkout/sessions", key, url.Values{"mode": {"payment"},
		"line_items[0][product]": {prod.str("id")}, "line_items[0][quantity]": {"3"}}, nil)
	if s.status != 200 || s.body["amount_total"].(float64) != 2999 || s.str("currency") != "eur" {
		t.Fatalf("session by product: %d %s", s.status, s.raw)
	}
}

// The shopper changes an adjustable quantity on the page until an asset is chosen; the totals follow.
func TestShopperAdjustsQuantityOnThePage(t *testing.T) {
	key, _ := newMerchant(t, "Adjustable Store")
	s := postForm(t, "/v1/checkout/sessions", key, with(validForm(), "line_items[0][adjustable_quantity][enabled]", "true",
		"line_items[0][adjustable_quantity][maximum]", "5"), nil)
	if s.status != 200 {
		t.Fatalf("create: %d %s", s.status, s.raw)
	}
	id := s.str("id")
	items := get(t, "/v1/checkout/sessions/"+id+"/line_items", key)
	itemID := items.body["data"].([]any)[0].(map[string]any)["id"].(string)
	page := string(call(t, http.MethodGet, "/c/"+id, "", nil, "", nil).raw)
	if !strings.Contains(page, `action="/c/`+id+`/quantity"`) || !strings.Contains(page, `max="5"`) {
		t.Fatal("the page offers no quantity form")
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	setQty := func(qty string) string {
		res, err := noRedirect.PostForm(it.base+"/c/"+id+"/quantity", url.Values{"item": {itemID}, "quantity": {qty}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("quantity %s: %s", qty, res.Status)
		}
		return res.Header.Get("Location")
	}
	if loc := setQty("4"); strings.Contains(loc, "error=") {
		t.Fatalf("quantity 4 refused: %s", loc)
	}
	if got := get(t, "/v1/checkout/sessions/"+id, key); got.body["amount_total"].(float64) != 4*1999 {
		t.Fatalf("total after the change = %v", got.body["amount_total"])
	}
	if loc := setQty("6"); !strings.Contains(loc, "error=quantity_invalid") {
		t.Fatalf("quantity above the maximum: %s", loc)
	}
	if sel := postForm(t, "/v1/checkout/sessions/"+id+"/select_asset", key, url.Values{"asset": {"tusd@sim"}}, nil); sel.status != 200 ||
		cryptoOf(sel)["amount_due"] != "79960000" {
		t.Fatalf("quote after the change: %d %s", sel.status, sel.raw)
	}
	if loc := setQty("1"); !strings.Contains(loc, "error=quantity_locked") {
		t.Fatalf("quantity after the quote: %s", loc)
	}
}
