// Package retention decides how long stored records are kept. Adapters only delete what lies
// below the cut-offs computed here.
package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/idempotency"
)

const (
	// MinEventDays is the shortest event window: the API promises events for 30 days.
	MinEventDays = 30
	// DefaultEventDays is the event window when none is configured.
	DefaultEventDays = 30
	// BatchSize bounds the rows one delete statement removes, so no prune holds a long transaction.
	BatchSize = 1000
)

// FinishedDeliveryStatuses are the delivery statuses a prune may remove; any other (pending)
// delivery is still being tried and keeps its event.
var FinishedDeliveryStatuses = []string{"succeeded", "failed"}

// EventWindow is how long events, their webhook deliveries and attempts are kept.
type EventWindow struct {
	days int
}

// NewEventWindow validates a window in days; 0 means the default.
func NewEventWindow(days int) (EventWindow, error) {
	if days == 0 {
		days = DefaultEventDays
	}
	if days < MinEventDays {
		return EventWindow{}, fmt.Errorf("event retention of %d days is shorter than the minimum of %d days", days, MinEventDays)
	}
	return EventWindow{days: days}, nil
}

// Days is the window's length in days.
func (w EventWindow) Days() int { return w.days }

// Cutoff is the creation time below which events may go.
func (w EventWindow) Cutoff(now time.Time) time.Time {
	return now.AddDate(0, 0, -w.days)
}

// IdempotencyCutoff is the creation time below which idempotency keys are never replayed again.
func IdempotencyCutoff(now time.Time) time.Time { return now.Add(-idempotency.TTL) }

// Counts are the rows a run deleted, per table.
type Counts struct {
	IdempotencyKeys   int64 `json:"idempotency_keys"`
	Events            int64 `json:"events"`
	WebhookDeliveries int64 `json:"webhook_deliveries"`
	WebhookAttempts   int64 `json:"webhook_attempts"`
}

// Plus adds two counts.
func (c Counts) Plus(o Counts) Counts {
	return Counts{IdempotencyKeys: c.IdempotencyKeys + o.IdempotencyKeys, Events: c.Events + o.Events,
		WebhookDeliveries: c.WebhookDeliveries + o.WebhookDeliveries, WebhookAttempts: c.WebhookAttempts + o.WebhookAttempts}
}

// Total is the number of rows across tables.
func (c Counts) Total() int64 {
	return c.IdempotencyKeys + c.Events + c.WebhookDeliveries + c.WebhookAttempts
}

// Store deletes old rows, at most limit per table and call; callers repeat until nothing is left.
type Store interface {
	// DeleteIdempotencyKeys deletes keys created before cutoff.
	DeleteIdempotencyKeys(ctx context.Context, cutoff time.Time, limit int) (Counts, error)
	// DeleteEvents deletes events created before cutoff whose deliveries all have one of the
	// finished statuses, with those deliveries and their attempts.
	DeleteEvents(ctx context.Context, cutoff time.Time, finished []string, limit int) (Counts, error)
}
