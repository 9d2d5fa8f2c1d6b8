package webhook

import (
	"context"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// Delivery is one (event, endpoint) pair to deliver, with its attempts.
type Delivery struct {
	ID         string
	EventID    string
	EventType  string
	EndpointID string
	MerchantID string
	Livemode   bool
	Redelivery bool
	Status     string // pending, succeeded, failed
	Created    time.Time
	Attempts   []Attempt
}

// Attempt is one POST to the endpoint.
type Attempt struct {
	Number     int
	At         time.Time
	StatusCode int // 0 when no response came
	Latency    time.Duration
	Error      string
	Excerpt    string // the first bytes of the response body
}

// Outcome is what an attempt means for the delivery.
type Outcome int

const (
	Delivered Outcome = iota // 2xx
	Retry                    // anything else: try again later
	Gone                     // 410: the endpoint is disabled and delivery stops
	Stop                     // the endpoint was deleted or disabled: nothing to do
)

// Classify maps an HTTP status (0: no response) to an outcome.
func Classify(status int) Outcome {
	switch {
	case status >= 200 && status < 300:
		return Delivered
	case status == 410:
		return Gone
	}
	return Retry
}

// RetryWindow is how long a delivery keeps trying.
const RetryWindow = 72 * time.Hour

// FirstRetry is the default wait after a first failed attempt.
const FirstRetry = 5 * time.Second

// Backoff is the wait after attempt n (1-based): first, then three times longer each time,
// at most an hour.
func Backoff(n int, first time.Duration) time.Duration {
	d := first
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 3
	}
	return min(d, time.Hour)
}

// DeliveryStore keeps deliveries and attempts.
type DeliveryStore interface {
	// ClaimUnstarted marks up to n deliveries started and returns them (the dispatcher starts
	// their workflows; a start that fails is retried because the claim rolls back with it).
	ClaimUnstarted(ctx context.Context, n int, start func(context.Context, []Delivery) error) (int, error)
	LoadDelivery(ctx context.Context, id string) (Delivery, Endpoint, event.Event, error)
	RecordAttempt(ctx context.Context, deliveryID string, a Attempt) error
	FinishDelivery(ctx context.Context, deliveryID, status string, at time.Time) error
	DisableEndpoint(ctx context.Context, endpointID string) error
	ListDeliveries(ctx context.Context, merchantID string, livemode bool, eventID string) ([]Delivery, error)
	Redeliver(ctx context.Context, merchantID string, livemode bool, eventID string, at time.Time) (int, error)
}
