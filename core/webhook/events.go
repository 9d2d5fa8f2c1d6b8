package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// Encoder renders endpoints as the API shows them, for the events of their changes. It is
// never given a secret: events are stored and delivered, and a signing secret is shown only
// in the response that made it.
type Encoder interface {
	EncodeEndpoint(ctx context.Context, e Endpoint) ([]byte, error)
}

// EndpointEventType names the event a merchant's change of an endpoint from before (nil: just
// created) to after (nil: deleted) stands for, "" if none. Rolling the signing secret is an
// update, though the object shows no secret; an update that changes nothing emits nothing.
func EndpointEventType(before, after *Endpoint) string {
	switch {
	case before == nil:
		return event.WebhookEndpointCreated
	case after == nil:
		return event.WebhookEndpointDeleted
	case before.URL != after.URL || before.Description != after.Description || before.Disabled != after.Disabled ||
		!slices.Equal(before.EnabledEvents, after.EnabledEvents) || !maps.Equal(before.Metadata, after.Metadata) ||
		before.Secret != after.Secret:
		return event.WebhookEndpointUpdated
	}
	return ""
}

// snapshot copies an endpoint deeply enough to compare before and after an update.
func (e Endpoint) snapshot() *Endpoint {
	e.EnabledEvents, e.Metadata = slices.Clone(e.EnabledEvents), maps.Clone(e.Metadata)
	return &e
}

// encode renders e without its secret, whatever the encoder does with one.
func encode(ctx context.Context, enc Encoder, e Endpoint) (json.RawMessage, error) {
	e.Secret = ""
	obj, err := enc.EncodeEndpoint(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("encode webhook endpoint %s: %w", e.ID, err)
	}
	return obj, nil
}

// endpointEvents builds the event of an endpoint's change, if any: the endpoint as the API
// shows it after the change (as it was, when deleted), with the old values of what changed.
func endpointEvents(ctx context.Context, enc Encoder, now time.Time, before, after *Endpoint) ([]event.Event, error) {
	typ := EndpointEventType(before, after)
	if typ == "" {
		return nil, nil
	}
	subject := after
	if subject == nil {
		subject = before
	}
	obj, err := encode(ctx, enc, *subject)
	if err != nil {
		return nil, err
	}
	var old json.RawMessage
	if typ == event.WebhookEndpointUpdated {
		if old, err = encode(ctx, enc, *before); err != nil {
			return nil, err
		}
	}
	e, err := event.OfChange(ctx, typ, subject.MerchantID, subject.Livemode, now, obj, old)
	return []event.Event{e}, err
}
