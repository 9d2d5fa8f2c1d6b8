package paymentlink

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// Encoder renders links as the API shows them, for events.
type Encoder interface {
	EncodeLink(ctx context.Context, l Link) ([]byte, error)
}

// EventType names the event a merchant's change of a link from before (nil: just created) to
// after stands for, "" if none. Its count of completed sessions is not the merchant's change:
// sales never make an event of the link.
func EventType(before, after *Link) string {
	switch {
	case before == nil:
		return event.PaymentLinkCreated
	case before.Active != after.Active || !maps.Equal(before.Metadata, after.Metadata) ||
		before.AfterCompletion != after.AfterCompletion || before.RedirectURL != after.RedirectURL ||
		before.ConfirmationMessage != after.ConfirmationMessage || before.CompletedLimit != after.CompletedLimit ||
		!slices.Equal(before.AcceptedAssets, after.AcceptedAssets) || before.ExpiresAfter != after.ExpiresAfter ||
		before.Currency != after.Currency || !reflect.DeepEqual(before.LineItems, after.LineItems):
		return event.PaymentLinkUpdated
	}
	return ""
}

// snapshot copies a link deeply enough to compare before and after an update.
func (l Link) snapshot() *Link {
	l.Metadata, l.AcceptedAssets, l.LineItems = maps.Clone(l.Metadata), slices.Clone(l.AcceptedAssets), slices.Clone(l.LineItems)
	return &l
}

// eventsOf builds the event of a link's change, if any, with the link as the API shows it.
func eventsOf(ctx context.Context, enc Encoder, now time.Time, before, after *Link) ([]event.Event, error) {
	typ := EventType(before, after)
	if typ == "" {
		return nil, nil
	}
	obj, err := enc.EncodeLink(ctx, *after)
	if err != nil {
		return nil, fmt.Errorf("encode payment link %s: %w", after.ID, err)
	}
	var old []byte
	if before != nil {
		if old, err = enc.EncodeLink(ctx, *before); err != nil {
			return nil, fmt.Errorf("encode payment link %s: %w", before.ID, err)
		}
	}
	e, err := event.OfChange(ctx, typ, after.MerchantID, after.Livemode, now, obj, old)
	return []event.Event{e}, err
}
