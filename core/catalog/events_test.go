package catalog

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

func TestProductEventType(t *testing.T) {
	base := &Product{ID: "prod_1", Name: "Mug", Description: "Blue", Active: true, Images: []string{"https://x/1.png"},
		Metadata: map[string]string{"a": "1"}, DefaultPrice: "price_1", Updated: now}
	with := func(f func(*Product)) *Product { c := base.snapshot(); f(c); return c }
	cases := []struct {
		name          string
		before, after *Product
		want          string
	}{
		{"created", nil, base, event.ProductCreated},
		{"unchanged", base, base.snapshot(), ""},
		{"only its updated time (an update that changed nothing)", base, with(func(p *Product) { p.Updated = now.Add(time.Hour) }), ""},
		{"metadata emptied to nil", with(func(p *Product) { p.Metadata = map[string]string{} }),
			with(func(p *Product) { p.Metadata = nil }), ""},
		{"name", base, with(func(p *Product) { p.Name = "Cup" }), event.ProductUpdated},
		{"description", base, with(func(p *Product) { p.Description = "" }), event.ProductUpdated},
		{"deactivated", base, with(func(p *Product) { p.Active = false }), event.ProductUpdated},
		{"images", base, with(func(p *Product) { p.Images = nil }), event.ProductUpdated},
		{"metadata", base, with(func(p *Product) { p.Metadata["a"] = "2" }), event.ProductUpdated},
		{"default price", base, with(func(p *Product) { p.DefaultPrice = "" }), event.ProductUpdated},
	}
	for _, c := range cases {
		if got := ProductEventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestPriceEventType(t *testing.T) {
	base := &Price{ID: "price_1", Active: true, LookupKey: "std", Metadata: map[string]string{"a": "1"}}
	with := func(f func(*Price)) *Price { c := base.snapshot(); f(c); return c }
	cases := []struct {
		name          string
		before, after *Price
		want          string
	}{
		{"created", nil, base, event.PriceCreated},
		{"unchanged", base, base.snapshot(), ""},
		{"deactivated", base, with(func(p *Price) { p.Active = false }), event.PriceUpdated},
		{"lookup key", base, with(func(p *Price) { p.LookupKey = "" }), event.PriceUpdated},
		{"metadata", base, with(func(p *Price) { delete(p.Metadata, "a") }), event.PriceUpdated},
	}
	for _, c := range cases {
		if got := PriceEventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// fakeEncoder renders the fields the tests look at.
type fakeEncoder struct{}

func (fakeEncoder) EncodeProduct(_ context.Context, p Product) ([]byte, error) {
	return json.Marshal(map[string]any{"id": p.ID, "name": p.Name, "active": p.Active, "metadata": p.Metadata,
		"updated": p.Updated.Unix()})
}

func (fakeEncoder) EncodePrice(_ context.Context, p Price) ([]byte, error) {
	return json.Marshal(map[string]any{"id": p.ID, "active": p.Active, "metadata": p.Metadata})
}

func TestUpdateEvents(t *testing.T) {
	ctx := event.WithRequest(context.Background(), event.Request{ID: "req_1"})
	before := Product{ID: "prod_1", MerchantID: "acct_1", Name: "Mug", Active: true, Metadata: map[string]string{"a": "1"}, Updated: now}
	cases := []struct {
		name     string
		change   func(*Product)
		wantPrev string // "": no event
	}{
		{"nothing", func(p *Product) { p.Updated = now.Add(time.Minute) }, ""},
		{"renamed", func(p *Product) { p.Name, p.Updated = "Cup", now.Add(time.Minute) },
			`{"name":"Mug","updated":` + jsonInt(now.Unix()) + `}`},
		{"metadata key added", func(p *Product) { p.Metadata["b"] = "2" }, `{"metadata":{"b":null}}`},
	}
	for _, c := range cases {
		ev := &events{ctx: ctx, enc: fakeEncoder{}, now: now}
		after := *before.snapshot()
		c.change(&after)
		if err := ev.product(before.snapshot(), &after); err != nil {
			t.Fatal(err)
		}
		if c.wantPrev == "" {
			if len(ev.out) != 0 {
				t.Errorf("%s: events %v, want none", c.name, ev.out)
			}
			continue
		}
		if len(ev.out) != 1 {
			t.Fatalf("%s: %d events, want 1", c.name, len(ev.out))
		}
		e := ev.out[0]
		if e.Type != event.ProductUpdated || e.MerchantID != "acct_1" || e.Request.ID != "req_1" || !e.Created.Equal(now) {
			t.Errorf("%s: event %+v", c.name, e)
		}
		if string(e.PreviousAttributes) != c.wantPrev {
			t.Errorf("%s: previous_attributes %s, want %s", c.name, e.PreviousAttributes, c.wantPrev)
		}
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
