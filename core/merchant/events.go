package merchant

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// Encoder renders API keys for the events of their changes: never the secret (which is not
// stored) nor its hash (which it is given cleared).
type Encoder interface {
	EncodeAPIKey(ctx context.Context, k APIKey) ([]byte, error)
}

// KeyEventType names the event a change of a key from before (nil: just issued) to after
// stands for, "" if none: a key is created, or updated when a roll sets (or brings forward)
// its expiry or it is revoked. A roll that leaves an earlier expiry as it was emits nothing.
func KeyEventType(before, after *APIKey) string {
	switch {
	case before == nil:
		return event.APIKeyCreated
	case !sameTime(before.ExpiresAt, after.ExpiresAt) || !sameTime(before.RevokedAt, after.RevokedAt):
		return event.APIKeyUpdated
	}
	return ""
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// keyEvents builds the event of a key's change, if any, with the key as its events show it
// and the old values of what changed.
func keyEvents(ctx context.Context, enc Encoder, now time.Time, before, after *APIKey) ([]event.Event, error) {
	typ := KeyEventType(before, after)
	if typ == "" {
		return nil, nil
	}
	obj, err := encodeKey(ctx, enc, *after)
	if err != nil {
		return nil, err
	}
	var old json.RawMessage
	if before != nil {
		if old, err = encodeKey(ctx, enc, *before); err != nil {
			return nil, err
		}
	}
	e, err := event.OfChange(ctx, typ, after.MerchantID, after.Livemode, now, obj, old)
	return []event.Event{e}, err
}

// encodeKey renders k without its hash, whatever the encoder does with one.
func encodeKey(ctx context.Context, enc Encoder, k APIKey) (json.RawMessage, error) {
	k.Hash = ""
	obj, err := enc.EncodeAPIKey(ctx, k)
	if err != nil {
		return nil, fmt.Errorf("encode api key %s: %w", k.ID, err)
	}
	return obj, nil
}

// retireEvents retires the usable keys among keys at deadline (see Retire) and builds the
// events of those whose expiry changed.
func retireEvents(ctx context.Context, enc Encoder, keys []APIKey, now, deadline time.Time) ([]APIKey, []event.Event, error) {
	retired := Retire(keys, now, deadline)
	byID := map[string]APIKey{}
	for _, k := range keys {
		byID[k.ID] = k
	}
	var events []event.Event
	for _, k := range retired {
		before := byID[k.ID]
		evs, err := keyEvents(ctx, enc, now, &before, &k)
		if err != nil {
			return nil, nil, err
		}
		events = append(events, evs...)
	}
	return retired, events, nil
}
