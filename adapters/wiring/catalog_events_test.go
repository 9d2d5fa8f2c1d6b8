package wiring_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// catalogEvent is an event with its object and previous attributes as raw JSON.
type catalogEvent struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created int64  `json:"created"`
	Data    struct {
		Object   json.RawMessage `json:"object"`
		Previous map[string]any  `json:"previous_attributes"`
	} `json:"data"`
	Request struct {
		ID *string `json:"id"`
	} `json:"request"`
}

// allEvents lists key's events, oldest first.
func allEvents(t *testing.T, key string) []catalogEvent {
	t.Helper()
	r := get(t, "/v1/events?limit=100", key)
	if r.status != http.StatusOK {
		t.Fatalf("list events: %d %s", r.status, r.raw)
	}
	var list struct{ Data []catalogEvent }
	if err := json.Unmarshal(r.raw, &list); err != nil {
		t.Fatal(err)
	}
	out := make([]catalogEvent, 0, len(list.Data))
	for i := len(list.Data) - 1; i >= 0; i-- {
		out = append(out, list.Data[i])
	}
	return out
}

// objectID is data.object.id.
func (e catalogEvent) objectID() string {
	var o struct{ ID string }
	_ = json.Unmarshal(e.Data.Object, &o)
	return o.ID
}

// sameJSON fails unless got and want are the same JSON value.
func sameJSON(t *testing.T, what string, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: %v in %s", what, err, want)
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		t.Errorf("%s:\n  %s\nwant the API's\n  %s", what, gb, wb)
	}
}

func mustOK(t *testing.T, what string, r response) response {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", what, r.status, r.raw)
	}
	return r
}

// Creating and changing the catalog and a payment link through the API records Stripe's
// events, each object exactly as the API answered, updates with what they changed.
func TestCatalogEventsRecordMerchantChanges(t *testing.T) {
	key, _ := newMerchant(t, "Catalog Events Store")
	rcv := newReceiver(t, func(int) int { return http.StatusOK })
	endpoint(t, key, rcv.URL, "product.updated")

	prod := mustOK(t, "create product", postForm(t, "/v1/products", key, url.Values{"name": {"Mug"},
		"metadata[sku]": {"MUG-1"}}, nil))
	price := mustOK(t, "create price", postForm(t, "/v1/prices", key, url.Values{"product": {prod.str("id")},
		"currency": {"usd"}, "unit_amount": {"1500"}}, nil))
	link := mustOK(t, "create link", postForm(t, "/v1/payment_links", key, url.Values{"line_items[0][price]": {price.str("id")},
		"line_items[0][quantity]": {"1"}}, nil))
	renamed := mustOK(t, "rename product", postForm(t, "/v1/products/"+prod.str("id"), key, url.Values{"name": {"Cup"},
		"metadata[sku]": {"CUP-1"}}, nil))
	repriced := mustOK(t, "deactivate price", postForm(t, "/v1/prices/"+price.str("id"), key, url.Values{"active": {"false"}}, nil))
	closed := mustOK(t, "deactivate link", postForm(t, "/v1/payment_links/"+link.str("id"), key, url.Values{"active": {"false"}}, nil))

	evs := allEvents(t, key)
	if len(evs) == 0 || evs[0].Type != "webhook_endpoint.created" {
		t.Fatalf("the first event is not the receiver's webhook_endpoint.created: %+v", evs)
	}
	evs = evs[1:] // the catalog's events follow
	want := []struct {
		typ  string
		resp response
	}{{"product.created", prod}, {"price.created", price}, {"payment_link.created", link},
		{"product.updated", renamed}, {"price.updated", repriced}, {"payment_link.updated", closed}}
	if len(evs) != len(want) {
		var types []string
		for _, e := range evs {
			types = append(types, e.Type)
		}
		t.Fatalf("events %v, want %d", types, len(want))
	}
	for i, w := range want {
		e := evs[i]
		if e.Type != w.typ || e.objectID() != w.resp.str("id") {
			t.Fatalf("event %d: %s of %s, want %s of %s", i, e.Type, e.objectID(), w.typ, w.resp.str("id"))
		}
		sameJSON(t, e.Type+" data.object", e.Data.Object, w.resp.raw)
		if e.Request.ID == nil || *e.Request.ID != w.resp.header.Get("Request-Id") {
			t.Errorf("%s: request.id %v, want the request's %q", e.Type, e.Request.ID, w.resp.header.Get("Request-Id"))
		}
	}
	if p := evs[3].Data.Previous; p["name"] != "Mug" || p["metadata"].(map[string]any)["sku"] != "MUG-1" {
		t.Errorf("product.updated previous_attributes = %v, want name Mug and metadata.sku MUG-1", p)
	}
	if p := evs[4].Data.Previous; p["active"] != true || len(p) != 1 {
		t.Errorf("price.updated previous_attributes = %v, want only active: true", p)
	}
	if p := evs[5].Data.Previous; p["active"] != true || len(p) != 1 {
		t.Errorf("payment_link.updated previous_attributes = %v, want only active: true", p)
	}

	// The catalog's types can be asked for, and an endpoint subscribed to one receives it.
	r := mustOK(t, "events of a type", get(t, "/v1/events?types[]=product.updated", key))
	var only struct{ Data []catalogEvent }
	if err := json.Unmarshal(r.raw, &only); err != nil || len(only.Data) != 1 || only.Data[0].ID != evs[3].ID {
		t.Fatalf("types[]=product.updated: %s %v", r.raw, err)
	}
	eventually(t, "product.updated delivered", func() (bool, error) {
		d := deliveries(t, key, evs[3].ID)
		return len(d.Data) == 1 && d.Data[0].Status == "succeeded", nil
	})
	if d := deliveries(t, key, evs[0].ID); len(d.Data) != 0 {
		t.Errorf("product.created went to an endpoint subscribed to product.updated only: %+v", d)
	}
}

// An update that changes nothing, and sessions a payment link makes, record no event.
func TestCatalogEventsNoOpUpdatesAndVisitsEmitNothing(t *testing.T) {
	key, _ := newMerchant(t, "Catalog Quiet Store")
	prod := mustOK(t, "create product", postForm(t, "/v1/products", key, url.Values{"name": {"Poster"},
		"default_price_data[currency]": {"usd"}, "default_price_data[unit_amount]": {"900"}, "metadata[a]": {"1"}}, nil))
	link := mustOK(t, "create link", postForm(t, "/v1/payment_links", key, url.Values{
		"line_items[0][price]": {prod.str("default_price")}, "line_items[0][quantity]": {"1"}}, nil))
	before := allEvents(t, key)
	if len(before) != 3 || before[0].Type != "product.created" || before[1].Type != "price.created" ||
		before[2].Type != "payment_link.created" {
		t.Fatalf("events of a product with its default price and a link: %+v", before)
	}

	mustOK(t, "same name", postForm(t, "/v1/products/"+prod.str("id"), key, url.Values{"name": {"Poster"},
		"active": {"true"}, "metadata[a]": {"1"}}, nil))
	mustOK(t, "empty product update", postForm(t, "/v1/products/"+prod.str("id"), key, url.Values{}, nil))
	mustOK(t, "price active again", postForm(t, "/v1/prices/"+prod.str("default_price"), key, url.Values{"active": {"true"}}, nil))
	mustOK(t, "link active again", postForm(t, "/v1/payment_links/"+link.str("id"), key, url.Values{"active": {"true"}}, nil))
	if status, sess := visit(t, "/l/"+link.str("id")); status != http.StatusSeeOther || sess == "" {
		t.Fatalf("visit: %d %q", status, sess)
	}
	if after := allEvents(t, key); len(after) != len(before) {
		t.Fatalf("no-op updates and a visit recorded %+v", after[len(before):])
	}
}

// Deleting a product nothing refers to records price.deleted for each of its prices, deleted
// with it, and product.deleted, each with the object as it was.
func TestCatalogEventsProductDeleted(t *testing.T) {
	key, _ := newMerchant(t, "Catalog Delete Store")
	prod := mustOK(t, "create product", postForm(t, "/v1/products", key, url.Values{"name": {"Sample"}}, nil))
	price := mustOK(t, "create price", postForm(t, "/v1/prices", key, url.Values{"product": {prod.str("id")},
		"currency": {"usd"}, "unit_amount": {"500"}}, nil))
	mustOK(t, "delete product", call(t, http.MethodDelete, "/v1/products/"+prod.str("id"), key, nil, "", nil))
	evs := allEvents(t, key)
	if len(evs) != 4 || evs[2].Type != "price.deleted" || evs[2].objectID() != price.str("id") ||
		evs[3].Type != "product.deleted" || evs[3].objectID() != prod.str("id") {
		t.Fatalf("events: %+v", evs)
	}
	sameJSON(t, "price.deleted data.object", evs[2].Data.Object, price.raw)
	sameJSON(t, "product.deleted data.object", evs[3].Data.Object, prod.raw)
}
