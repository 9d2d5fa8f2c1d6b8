package billing

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
)

// SubscriptionEventType names the event a change of a subscription from before (nil: it was
// just created) to after stands for, "" if none: a retried change (before == after) emits nothing.
func SubscriptionEventType(before, after *Subscription) string {
	switch {
	case before == nil:
		return event.SubscriptionCreated
	case after.Status == StatusCanceled && before.Status != StatusCanceled:
		return event.SubscriptionDeleted
	case before.Status != after.Status || before.CancelAtPeriodEnd != after.CancelAtPeriodEnd ||
		before.Period != after.Period || before.LatestInvoice != after.LatestInvoice ||
		before.Description != after.Description || !maps.Equal(before.Metadata, after.Metadata):
		return event.SubscriptionUpdated
	}
	return ""
}

// InvoiceEventTypes names the events a change of an invoice from before (nil: just created)
// to after stands for: one invoice.payment_failed per failed try.
func InvoiceEventTypes(before, after *Invoice) []string {
	var types []string
	prev := Invoice{Status: InvoiceOpen}
	if before == nil {
		types = append(types, event.InvoiceCreated)
	} else {
		prev = *before
	}
	for range after.Attempts - prev.Attempts {
		types = append(types, event.InvoicePaymentFailed)
	}
	if collectionSettled(prev, *after) && after.Status != InvoicePaid {
		// failed: the shopper is sent the invoice; succeeded on a voided invoice: taken, not owed
		types = append(types, event.InvoiceUpdated)
	}
	if prev.Status != after.Status {
		switch after.Status {
		case InvoicePaid:
			types = append(types, event.InvoicePaid)
		case InvoiceVoid:
			types = append(types, event.InvoiceVoided)
		case InvoiceUncollectible:
			types = append(types, event.InvoiceMarkedUncollectible)
		}
	}
	return types
}

// eventsOf builds the events of a change: the invoices' first (new ones after changed ones),
// then the subscription's, each with its object as the API shows it now.
func eventsOf(ctx context.Context, enc Encoder, now time.Time, before, after *Subscription, invs ...invoiceChange) ([]event.Event, error) {
	var out []event.Event
	mk := func(typ, merchantID string, livemode bool, obj []byte, prev map[string]any) error {
		p, err := json.Marshal(prev)
		if err != nil {
			return err
		}
		out = append(out, event.Event{ID: ident.New("evt"), Type: typ, MerchantID: merchantID, Livemode: livemode,
			Created: now, Object: obj, PreviousAttributes: p, Request: event.RequestFrom(ctx)})
		return nil
	}
	for _, c := range invs {
		types := InvoiceEventTypes(c.before, c.after)
		if len(types) == 0 {
			continue
		}
		obj, err := enc.EncodeInvoice(ctx, c.after)
		if err != nil {
			return nil, fmt.Errorf("encode invoice %s: %w", c.after.ID, err)
		}
		prev := map[string]any{}
		if c.before != nil && c.before.Status != c.after.Status {
			prev["status"] = c.before.Status
		}
		if c.before != nil && c.before.CollectionMethod() != c.after.CollectionMethod() {
			prev["collection_method"] = c.before.CollectionMethod()
		}
		for _, t := range types {
			if err := mk(t, c.after.MerchantID, c.after.Livemode, obj, prev); err != nil {
				return nil, err
			}
		}
	}
	if typ := SubscriptionEventType(before, after); typ != "" {
		obj, err := enc.EncodeSubscription(ctx, after)
		if err != nil {
			return nil, fmt.Errorf("encode subscription %s: %w", after.ID, err)
		}
		prev := map[string]any{}
		if before != nil {
			if before.Status != after.Status {
				prev["status"] = before.Status
			}
			if before.CancelAtPeriodEnd != after.CancelAtPeriodEnd {
				prev["cancel_at_period_end"] = before.CancelAtPeriodEnd
			}
			if before.Period != after.Period {
				prev["current_period_start"], prev["current_period_end"] = before.CurrentPeriodStart.Unix(), before.CurrentPeriodEnd.Unix()
			}
		}
		if err := mk(typ, after.MerchantID, after.Livemode, obj, prev); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type invoiceChange struct{ before, after *Invoice }

// collectionSettled reports whether after's automatic collection settled since before.
func collectionSettled(before, after Invoice) bool {
	settled := func(a *AutoCollection) CollectionStatus {
		if a == nil || a.Status == CollectionPending {
			return ""
		}
		return a.Status
	}
	return settled(after.AutoCollection) != "" && settled(before.AutoCollection) != settled(after.AutoCollection)
}

// snapshot copies a subscription deeply enough to compare before and after a rule.
func (s *Subscription) snapshot() *Subscription {
	c := *s
	c.Metadata = maps.Clone(s.Metadata)
	c.Items = slices.Clone(s.Items)
	return &c
}
