package webhook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

func TestEndpointEventType(t *testing.T) {
	base := &Endpoint{ID: "we_1", URL: "https://shop.example/hook", Description: "orders",
		EnabledEvents: []string{event.SessionCompleted}, Secret: "whsec_old", Metadata: map[string]string{"a": "1"}}
	with := func(f func(*Endpoint)) *Endpoint { c := base.snapshot(); f(c); return c }
	cases := []struct {
		name          string
		before, after *Endpoint
		want          string
	}{
		{"created", nil, base, event.WebhookEndpointCreated},
		{"deleted", base, nil, event.WebhookEndpointDeleted},
		{"unchanged", base, base.snapshot(), ""},
		{"metadata emptied to nil", with(func(e *Endpoint) { e.Metadata = map[string]string{} }),
			with(func(e *Endpoint) { e.Metadata = nil }), ""},
		{"url", base, with(func(e *Endpoint) { e.URL = "https://shop.example/v2" }), event.WebhookEndpointUpdated},
		{"description", base, with(func(e *Endpoint) { e.Description = "" }), event.WebhookEndpointUpdated},
		{"disabled", base, with(func(e *Endpoint) { e.Disabled = true }), event.WebhookEndpointUpdated},
		{"events", base, with(func(e *Endpoint) { e.EnabledEvents = []string{"*"} }), event.WebhookEndpointUpdated},
		{"metadata", base, with(func(e *Endpoint) { e.Metadata["a"] = "2" }), event.WebhookEndpointUpdated},
		{"secret rolled", base, with(func(e *Endpoint) { e.Secret = "whsec_new" }), event.WebhookEndpointUpdated},
	}
	for _, c := range cases {
		if got := EndpointEventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// leakyEncoder renders whatever secret it is given, as a careless renderer would.
type leakyEncoder struct{}

func (leakyEncoder) EncodeEndpoint(_ context.Context, e Endpoint) ([]byte, error) {
	return json.Marshal(map[string]any{"id": e.ID, "url": e.URL, "disabled": e.Disabled, "secret": e.Secret,
		"metadata": e.Metadata, "enabled_events": e.EnabledEvents})
}

// The events of an endpoint's changes: the old values of what changed, none for a no-op, and
// never its secret, whatever the encoder would show.
func TestEndpointEvents(t *testing.T) {
	ctx, now := context.Background(), time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ep := &Endpoint{ID: "we_1", MerchantID: "acct_1", URL: "https://shop.example/hook", EnabledEvents: []string{"*"},
		Secret: "whsec_old", Metadata: map[string]string{}}
	roll := func(e *Endpoint) { e.Secret = "whsec_new" }
	cases := []struct {
		name     string
		after    func(*Endpoint) // nil: deleted
		created  bool
		wantType string
		wantPrev string
	}{
		{"created", func(*Endpoint) {}, true, event.WebhookEndpointCreated, `{}`},
		{"nothing", func(*Endpoint) {}, false, "", ""},
		{"disabled", func(e *Endpoint) { e.Disabled = true }, false, event.WebhookEndpointUpdated, `{"disabled":false}`},
		{"secret rolled (the object shows no secret, so nothing it shows changed)", roll, false, event.WebhookEndpointUpdated, `{}`},
		{"deleted", nil, false, event.WebhookEndpointDeleted, `{}`},
	}
	for _, c := range cases {
		var before, after *Endpoint
		if !c.created {
			before = ep.snapshot()
		}
		if c.after != nil {
			after = ep.snapshot()
			c.after(after)
		}
		events, err := endpointEvents(ctx, leakyEncoder{}, now, before, after)
		if err != nil {
			t.Fatal(err)
		}
		if c.wantType == "" {
			if len(events) != 0 {
				t.Errorf("%s: %d events, want none", c.name, len(events))
			}
			continue
		}
		if len(events) != 1 || events[0].Type != c.wantType {
			t.Fatalf("%s: events %+v, want one %s", c.name, events, c.wantType)
		}
		e := events[0]
		if got := string(e.PreviousAttributes); got != c.wantPrev {
			t.Errorf("%s: previous_attributes %s, want %s", c.name, got, c.wantPrev)
		}
		if strings.Contains(string(e.Object), "whsec_") || strings.Contains(string(e.PreviousAttributes), "whsec_") {
			t.Errorf("%s: the event shows the secret: %s %s", c.name, e.Object, e.PreviousAttributes)
		}
		if e.MerchantID != "acct_1" || !e.Created.Equal(now) || !strings.Contains(string(e.Object), `"we_1"`) {
			t.Errorf("%s: event %+v", c.name, e)
		}
	}
}
