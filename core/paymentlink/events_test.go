package paymentlink

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

func TestEventType(t *testing.T) {
	base := &Link{ID: "plink_1", Active: true, Currency: "usd", Metadata: map[string]string{"a": "1"},
		AfterCompletion: HostedConfirmation, LineItems: []Item{{ID: "li_1", PriceID: "price_a", Quantity: 1}},
		AcceptedAssets: []string{"eth@dev"}, CompletedLimit: 5}
	with := func(f func(*Link)) *Link { c := base.snapshot(); f(c); return c }
	cases := []struct {
		name          string
		before, after *Link
		want          string
	}{
		{"created", nil, base, event.PaymentLinkCreated},
		{"unchanged", base, base.snapshot(), ""},
		{"a session completed (a sale, not the merchant's change)", base, with(func(l *Link) { l.CompletedSessions++ }), ""},
		{"deactivated", base, with(func(l *Link) { l.Active = false }), event.PaymentLinkUpdated},
		{"metadata", base, with(func(l *Link) { l.Metadata["b"] = "2" }), event.PaymentLinkUpdated},
		{"redirect", base, with(func(l *Link) { l.AfterCompletion, l.RedirectURL = Redirect, "https://x" }), event.PaymentLinkUpdated},
		{"confirmation message", base, with(func(l *Link) { l.ConfirmationMessage = "Thanks" }), event.PaymentLinkUpdated},
		{"limit", base, with(func(l *Link) { l.CompletedLimit = 0 }), event.PaymentLinkUpdated},
		{"assets", base, with(func(l *Link) { l.AcceptedAssets = nil }), event.PaymentLinkUpdated},
		{"expiry", base, with(func(l *Link) { l.ExpiresAfter = time.Hour }), event.PaymentLinkUpdated},
		{"items", base, with(func(l *Link) { l.LineItems[0].Quantity = 2 }), event.PaymentLinkUpdated},
	}
	for _, c := range cases {
		if got := EventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

type fakeEncoder struct{}

func (fakeEncoder) EncodeLink(_ context.Context, l Link) ([]byte, error) {
	return json.Marshal(map[string]any{"id": l.ID, "active": l.Active, "metadata": l.Metadata,
		"restrictions": map[string]any{"completed_sessions": map[string]any{"count": l.CompletedSessions, "limit": l.CompletedLimit}}})
}

// An update's events: none when Apply changed nothing, else the old values of what changed.
func TestUpdateEvents(t *testing.T) {
	l, err := New(CreateParams{LineItems: []ItemParams{{Price: ptr("price_a"), Quantity: ptr(int64(1))}}}, caller, now, listing(), assets)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		update   UpdateParams
		wantPrev string // "": no event
	}{
		{"nothing", UpdateParams{}, ""},
		{"active as it was", UpdateParams{Active: ptr(true)}, ""},
		{"deactivated", UpdateParams{Active: ptr(false)}, `{"active":true}`},
		{"metadata", UpdateParams{Metadata: map[string]string{"k": "v"}}, `{"metadata":{"k":null}}`},
	}
	for _, c := range cases {
		after := *l.snapshot()
		if err := after.Apply(c.update, assets); err != nil {
			t.Fatal(err)
		}
		events, err := eventsOf(context.Background(), fakeEncoder{}, now, l.snapshot(), &after)
		if err != nil {
			t.Fatal(err)
		}
		if c.wantPrev == "" {
			if len(events) != 0 {
				t.Errorf("%s: %d events, want none", c.name, len(events))
			}
			continue
		}
		if len(events) != 1 || events[0].Type != event.PaymentLinkUpdated {
			t.Fatalf("%s: events %+v, want one payment_link.updated", c.name, events)
		}
		if got := string(events[0].PreviousAttributes); got != c.wantPrev {
			t.Errorf("%s: previous_attributes %s, want %s", c.name, got, c.wantPrev)
		}
	}
}
