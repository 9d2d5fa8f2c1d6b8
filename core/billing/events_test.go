package billing

import (
	"slices"
	"testing"

	"github.com/chaincheckout/checkout/core/event"
)

func TestEventTypes(t *testing.T) {
	base := &Subscription{Status: StatusActive, Metadata: map[string]string{"a": "1"}}
	with := func(f func(*Subscription)) *Subscription { c := base.snapshot(); f(c); return c }
	subs := []struct {
		name          string
		before, after *Subscription
		want          string
	}{
		{"created", nil, base, event.SubscriptionCreated},
		{"unchanged (a retried change)", base, base.snapshot(), ""},
		{"canceled", base, with(func(s *Subscription) { s.Status = StatusCanceled }), event.SubscriptionDeleted},
		{"past due", base, with(func(s *Subscription) { s.Status = StatusPastDue }), event.SubscriptionUpdated},
		{"renewed", base, with(func(s *Subscription) { s.Period = 1 }), event.SubscriptionUpdated},
		{"metadata", base, with(func(s *Subscription) { s.Metadata["a"] = "2" }), event.SubscriptionUpdated},
		{"cancel at period end", base, with(func(s *Subscription) { s.CancelAtPeriodEnd = true }), event.SubscriptionUpdated},
	}
	for _, c := range subs {
		if got := SubscriptionEventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	open := &Invoice{Status: InvoiceOpen}
	invs := []struct {
		name          string
		before, after *Invoice
		want          []string
	}{
		{"renewal opens one", nil, open, []string{event.InvoiceCreated}},
		{"first invoice, paid by its session", nil, &Invoice{Status: InvoicePaid}, []string{event.InvoiceCreated, event.InvoicePaid}},
		{"two tries failed at once", open, &Invoice{Status: InvoiceOpen, Attempts: 2}, []string{event.InvoicePaymentFailed, event.InvoicePaymentFailed}},
		{"last try: written off", &Invoice{Status: InvoiceOpen, Attempts: 2}, &Invoice{Status: InvoiceUncollectible, Attempts: 3},
			[]string{event.InvoicePaymentFailed, event.InvoiceMarkedUncollectible}},
		{"paid", open, &Invoice{Status: InvoicePaid}, []string{event.InvoicePaid}},
		{"voided", open, &Invoice{Status: InvoiceVoid}, []string{event.InvoiceVoided}},
		{"unchanged", open, &Invoice{Status: InvoiceOpen}, nil},
		{"collection started", open, collecting(InvoiceOpen, CollectionPending), nil},
		{"collected", collecting(InvoiceOpen, CollectionPending), collecting(InvoicePaid, CollectionSucceeded), []string{event.InvoicePaid}},
		{"collection refused: sent instead", open, collecting(InvoiceOpen, CollectionFailed), []string{event.InvoiceUpdated}},
		{"collection reverted", collecting(InvoiceOpen, CollectionPending), collecting(InvoiceOpen, CollectionFailed), []string{event.InvoiceUpdated}},
		{"collected after the invoice was voided", collecting(InvoiceVoid, CollectionPending), collecting(InvoiceVoid, CollectionSucceeded),
			[]string{event.InvoiceUpdated}},
		{"a failed collection retried", collecting(InvoiceOpen, CollectionFailed), collecting(InvoiceOpen, CollectionFailed), nil},
	}
	for _, c := range invs {
		if got := InvoiceEventTypes(c.before, c.after); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func collecting(st InvoiceStatus, c CollectionStatus) *Invoice {
	return &Invoice{Status: st, AutoCollection: &AutoCollection{Status: c}}
}
