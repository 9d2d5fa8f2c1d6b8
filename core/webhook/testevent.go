package webhook

import (
	"context"
	"encoding/json"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
)

// TestEventType is the event "Send a test event" sends (our addition): to the one endpoint
// asked, whatever its enabled events, and never otherwise. It goes through the same delivery
// path as every event (signed, retried, logged), so a receiver is tested as it will be used.
const TestEventType = "webhook_endpoint.test"

// TestEvent is the event that tests ep and its one delivery, counted as a redelivery (so the
// redelivery limits bound how often a merchant can send them).
func TestEvent(ep Endpoint, now time.Time, req event.Request) (event.Event, Delivery, error) {
	if ep.Disabled {
		return event.Event{}, Delivery{}, apperr.Invalid("", "endpoint_disabled", "Endpoint %s is disabled: enable it first.", ep.ID)
	}
	obj, err := json.Marshal(map[string]any{"object": "webhook_endpoint_test", "webhook_endpoint": ep.ID,
		"message": "A test event sent from the dashboard: your endpoint received and verified it."})
	if err != nil {
		return event.Event{}, Delivery{}, err
	}
	e := event.Event{ID: ident.New("evt"), Type: TestEventType, MerchantID: ep.MerchantID, Livemode: ep.Livemode,
		Created: now, Object: obj, PreviousAttributes: json.RawMessage("{}"), Request: req}
	d := Delivery{ID: ident.New("whd"), EventID: e.ID, EventType: e.Type, EndpointID: ep.ID, MerchantID: ep.MerchantID,
		Livemode: ep.Livemode, Redelivery: true, Status: DeliveryPending, Created: now}
	return e, d, nil
}

// SendTest sends a test event to one of the caller's endpoints, within the redelivery limits.
func (s *Deliveries) SendTest(ctx context.Context, c merchant.Caller, endpointID string) (event.Event, error) {
	var sent event.Event
	err := s.store.SendTest(ctx, c.MerchantID, c.Livemode, endpointID, s.now(), func(ep Endpoint, counts RedeliveryCounts) (event.Event, Delivery, error) {
		if counts.Merchant >= MaxRedeliveriesPerMerchant {
			return event.Event{}, Delivery{}, apperr.RateLimited(rateLimitMessage, "your events", MaxRedeliveriesPerMerchant)
		}
		e, d, err := TestEvent(ep, s.now(), event.RequestFrom(ctx))
		sent = e
		return e, d, err
	})
	return sent, err
}
