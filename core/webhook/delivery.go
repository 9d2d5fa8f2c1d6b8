package webhook

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/text"
)

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryFailed    DeliveryStatus = "failed"
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
	Status     DeliveryStatus
	Created    time.Time
	Attempts   []Attempt
}

// Subscribers returns a new pending delivery of e for each endpoint that wants it: same
// merchant and mode, enabled, subscribed to e's type (or "*"), and not the endpoint e is about.
func Subscribers(endpoints []Endpoint, e event.Event, redelivery bool, at time.Time) []Delivery {
	var out []Delivery
	self := endpointOf(e)
	for _, ep := range endpoints {
		if ep.MerchantID != e.MerchantID || ep.Livemode != e.Livemode || !ep.Wants(e.Type) || ep.ID == self {
			continue
		}
		out = append(out, Delivery{ID: ident.New("whd"), EventID: e.ID, EventType: e.Type, EndpointID: ep.ID,
			MerchantID: e.MerchantID, Livemode: e.Livemode, Redelivery: redelivery, Status: DeliveryPending, Created: at})
	}
	return out
}

// endpointOf is the endpoint an event about an endpoint's own change is about ("" for other
// events): that endpoint is not sent it, so a new "*" endpoint is not pinged by its creation,
// nor sent its secret's roll signed with a secret it may not hold yet.
func endpointOf(e event.Event) string {
	if !strings.HasPrefix(e.Type, "webhook_endpoint.") || e.Type == TestEventType {
		return ""
	}
	var obj struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(e.Object, &obj) != nil {
		return ""
	}
	return obj.ID
}

// PendingWebhooks counts the endpoints that have not yet received an event successfully
// (Stripe's event.pending_webhooks), given the event's deliveries: each endpoint with a
// delivery of it and none succeeded, whether still retrying or given up.
func PendingWebhooks(deliveries []Delivery) int {
	done := map[string]bool{}
	for _, d := range deliveries {
		done[d.EndpointID] = done[d.EndpointID] || d.Status == DeliverySucceeded
	}
	n := 0
	for _, ok := range done {
		if !ok {
			n++
		}
	}
	return n
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

// MaxExcerpt bounds the recorded response excerpt and error text, in bytes.
const MaxExcerpt = 500

// Storable returns the attempt with its remote text made storable: whatever a receiver
// answers (invalid UTF-8, NUL, a split character) must never stop the attempt being recorded.
func (a Attempt) Storable() Attempt {
	a.Excerpt = text.Sanitize(a.Excerpt, MaxExcerpt)
	a.Error = text.Sanitize(a.Error, MaxExcerpt)
	return a
}

// Outcome returns what the recorded attempt meant for the delivery.
func (a Attempt) Outcome() Outcome {
	if a.Error != "" {
		return Retry
	}
	return Classify(a.StatusCode)
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

// Actions are what an outcome makes the delivery do before any further attempt.
type Actions struct {
	DisableEndpoint bool           // the receiver said 410 Gone
	Finish          bool           // the delivery is over
	Status          DeliveryStatus // its final status when Finish
}

// Actions maps the outcome to its effects: 2xx succeeds, 410 disables the endpoint and fails,
// a stopped endpoint fails, anything else waits for another attempt.
func (o Outcome) Actions() Actions {
	switch o {
	case Delivered:
		return Actions{Finish: true, Status: DeliverySucceeded}
	case Gone:
		return Actions{DisableEndpoint: true, Finish: true, Status: DeliveryFailed}
	case Stop:
		return Actions{Finish: true, Status: DeliveryFailed}
	}
	return Actions{}
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

// NextAttempt says how long to wait after failed attempt n of a delivery started at started,
// or that the delivery gives up because the next attempt would fall past the retry window.
func NextAttempt(n int, first time.Duration, started, now time.Time) (wait time.Duration, giveUp bool) {
	if first <= 0 {
		first = FirstRetry
	}
	wait = Backoff(n, first)
	return wait, now.Add(wait).Sub(started) > RetryWindow
}

// Claimed is an outbox row with what its first attempt needs.
type Claimed struct {
	Delivery Delivery    // with its recorded attempts (a claim retried after a crash may have some)
	Endpoint Endpoint    // Disabled when since deleted; its secret opened
	Event    event.Event // the event to send
}

// End is how and when a delivery ended.
type End struct {
	Status DeliveryStatus
	At     time.Time
}

// DeliveryStore keeps deliveries and attempts.
type DeliveryStore interface {
	// ClaimUnstarted locks up to n unstarted deliveries (skipping rows another claimer holds),
	// hands them to handle (which makes their first attempts), then, in the same transaction,
	// marks them started and ends those handle returns an end for. An error from handle rolls
	// the claim back: the rows are claimed again later.
	ClaimUnstarted(ctx context.Context, n int, handle func(context.Context, []Claimed) (map[string]End, error)) (int, error)
	// AwaitOutbox waits until deliveries may have been queued after since (a time taken before
	// the caller's last claim began): it returns at once if one was committed since, when one
	// is, or after atMost at the latest. It may return sooner (a store that cannot tell
	// polls), so a caller claims again and finds nothing; only ctx's end is an error.
	AwaitOutbox(ctx context.Context, since time.Time, atMost time.Duration) error
	// LoadDelivery returns the delivery with its recorded attempts, its endpoint (Disabled
	// when since deleted) and its event.
	LoadDelivery(ctx context.Context, id string) (Delivery, Endpoint, event.Event, error)
	RecordAttempt(ctx context.Context, deliveryID string, a Attempt) error // once per number
	FinishDelivery(ctx context.Context, deliveryID string, status DeliveryStatus, at time.Time) error
	DisableEndpoint(ctx context.Context, endpointID string) error
	// ListDeliveries pages through an event's deliveries, newest first, with their attempts.
	ListDeliveries(ctx context.Context, merchantID string, livemode bool, eventID string, p paging.Params) (paging.Page[Delivery], error)
	// ListEndpointDeliveries pages through the deliveries to one of the merchant's endpoints of
	// the mode (apperr NotFound for another's), newest first, with their attempts.
	ListEndpointDeliveries(ctx context.Context, merchantID string, livemode bool, endpointID string, p paging.Params) (paging.Page[Delivery], error)
	// Redeliver reads the recent redelivery counts, lets allow refuse, and queues the
	// deliveries that Subscribers makes of the merchant's live endpoints, in one transaction.
	Redeliver(ctx context.Context, merchantID string, livemode bool, eventID string, at time.Time,
		allow func(RedeliveryCounts) error) (int, error)
	// SendTest loads one of the merchant's endpoints of the mode (apperr NotFound otherwise)
	// and the recent redelivery counts, lets make build the event and its delivery, and
	// records both, in one transaction.
	SendTest(ctx context.Context, merchantID string, livemode bool, endpointID string, at time.Time,
		make func(Endpoint, RedeliveryCounts) (event.Event, Delivery, error)) error
}
