package webhook

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Redelivery limits: each redelivery POSTs to every subscribed endpoint, so a loop calling
// the API must not turn us into a flood against a merchant's receivers.
const (
	RedeliveryWindow           = time.Minute
	MaxRedeliveriesPerEvent    = 5
	MaxRedeliveriesPerMerchant = 30
)

const rateLimitMessage = "Too many redeliveries of %s in the last minute (at most %d); retry in a minute."

// RedeliveryCounts are the redeliveries queued within RedeliveryWindow before a new one.
type RedeliveryCounts struct {
	Event    int // of this event
	Merchant int // of any event of the merchant, in the same mode
}

// Allow refuses a redelivery past either limit with Stripe's rate_limit error.
func (c RedeliveryCounts) Allow() error {
	if c.Event >= MaxRedeliveriesPerEvent {
		return apperr.RateLimited(rateLimitMessage, "this event", MaxRedeliveriesPerEvent)
	}
	if c.Merchant >= MaxRedeliveriesPerMerchant {
		return apperr.RateLimited(rateLimitMessage, "your events", MaxRedeliveriesPerMerchant)
	}
	return nil
}

// Deliveries holds the delivery log use cases.
type Deliveries struct {
	store DeliveryStore
	now   func() time.Time
}

// NewDeliveries wires the use cases.
func NewDeliveries(store DeliveryStore, now func() time.Time) (*Deliveries, error) {
	if store == nil || now == nil {
		return nil, fmt.Errorf("webhook.NewDeliveries: nil dependency")
	}
	return &Deliveries{store: store, now: now}, nil
}

// List pages through an event's deliveries, newest first.
func (s *Deliveries) List(ctx context.Context, c merchant.Caller, eventID string, p paging.Params) (paging.Page[Delivery], error) {
	if err := p.Normalize(); err != nil {
		return paging.Page[Delivery]{}, err
	}
	return s.store.ListDeliveries(ctx, c.MerchantID, c.Livemode, eventID, p)
}

// ListForEndpoint pages through the deliveries to one of the caller's endpoints, newest first.
func (s *Deliveries) ListForEndpoint(ctx context.Context, c merchant.Caller, endpointID string, p paging.Params) (paging.Page[Delivery], error) {
	if err := p.Normalize(); err != nil {
		return paging.Page[Delivery]{}, err
	}
	return s.store.ListEndpointDeliveries(ctx, c.MerchantID, c.Livemode, endpointID, p)
}

// Redeliver queues the event again for every endpoint that wants it now, within the limits.
func (s *Deliveries) Redeliver(ctx context.Context, c merchant.Caller, eventID string) (int, error) {
	return s.store.Redeliver(ctx, c.MerchantID, c.Livemode, eventID, s.now(), RedeliveryCounts.Allow)
}
