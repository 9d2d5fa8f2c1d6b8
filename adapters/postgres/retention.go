package postgres

import (
	"context"
	"time"

	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/retention"
)

// Retention implements retention.Store: it deletes old rows in small batches.
type Retention struct{ db *DB }

// NewRetention returns the retention repository of db.
func NewRetention(db *DB) *Retention { return &Retention{db: db} }

// DeleteIdempotencyKeys deletes up to limit keys created before cutoff; a key whose request
// holds it right now is skipped.
func (r *Retention) DeleteIdempotencyKeys(ctx context.Context, cutoff time.Time, limit int) (retention.Counts, error) {
	n, err := r.deleteRows(ctx, "delete idempotency keys", `DELETE FROM idempotency_keys
		WHERE (merchant_id, livemode, key) IN (SELECT merchant_id, livemode, key FROM idempotency_keys
			WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`, cutoff, limit)
	return retention.Counts{IdempotencyKeys: n}, err
}

// prunableEvent holds for an event e created before $1 none of whose deliveries has a status
// outside the finished ones ($2).
const prunableEvent = `e.created_at < $1 AND NOT EXISTS (
	SELECT 1 FROM webhook_deliveries p WHERE p.event_id = e.id AND NOT (p.status = ANY($2)))`

// DeleteEvents removes one batch of prunable events' rows, children first: up to limit
// attempts; once none are left, up to limit deliveries; once none are left, up to limit
// events. Each statement commits alone, so a backlog never holds a long transaction.
func (r *Retention) DeleteEvents(ctx context.Context, cutoff time.Time, finished []string, limit int) (retention.Counts, error) {
	var c retention.Counts
	var err error
	statuses := pq.Array(finished)
	if c.WebhookAttempts, err = r.deleteRows(ctx, "delete webhook attempts", `DELETE FROM webhook_attempts
		WHERE (delivery_id, attempt) IN (SELECT a.delivery_id, a.attempt FROM webhook_attempts a
			JOIN webhook_deliveries d ON d.id = a.delivery_id JOIN events e ON e.id = d.event_id
			WHERE `+prunableEvent+` LIMIT $3 FOR UPDATE OF a SKIP LOCKED)`, cutoff, statuses, limit); err != nil || c.WebhookAttempts == int64(limit) {
		return c, err
	}
	if c.WebhookDeliveries, err = r.deleteRows(ctx, "delete webhook deliveries", `DELETE FROM webhook_deliveries
		WHERE id IN (SELECT d.id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
			WHERE `+prunableEvent+` AND NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id)
			LIMIT $3 FOR UPDATE OF d SKIP LOCKED)`, cutoff, statuses, limit); err != nil || c.WebhookDeliveries == int64(limit) {
		return c, err
	}
	c.Events, err = r.deleteRows(ctx, "delete events", `DELETE FROM events
		WHERE id IN (SELECT e.id FROM events e WHERE `+prunableEvent+`
			AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
			LIMIT $3 FOR UPDATE OF e SKIP LOCKED)`, cutoff, statuses, limit)
	return c, err
}

func (r *Retention) deleteRows(ctx context.Context, what, query string, args ...any) (int64, error) {
	res, err := r.db.pool.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, unavailable(what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, unavailable(what, err)
	}
	return n, nil
}
