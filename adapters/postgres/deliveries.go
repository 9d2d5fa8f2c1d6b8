package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/webhook"
)

// enqueueDeliveries writes the outbox rows for an event, in the event's transaction.
func enqueueDeliveries(ctx context.Context, tx *sqlx.Tx, e event.Event, redelivery bool) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, redelivery, created_at)
		SELECT 'whd_' || substr(md5(random()::text || clock_timestamp()::text || w.id), 1, 24), $1, w.id, $6, $2
		FROM webhook_endpoints w
		WHERE w.merchant_id = $3 AND w.livemode = $4 AND w.deleted_at IS NULL AND NOT w.disabled
		  AND ($5 = ANY(w.enabled_events) OR '*' = ANY(w.enabled_events))`,
		e.ID, e.Created, e.MerchantID, e.Livemode, e.Type, redelivery)
	if err != nil {
		return 0, unavailable("enqueue deliveries", err)
	}
	return res.RowsAffected()
}

type deliveryRow struct {
	ID         string    `db:"id"`
	EventID    string    `db:"event_id"`
	EventType  string    `db:"type"`
	EndpointID string    `db:"endpoint_id"`
	MerchantID string    `db:"merchant_id"`
	Livemode   bool      `db:"livemode"`
	Redelivery bool      `db:"redelivery"`
	Status     string    `db:"status"`
	Created    time.Time `db:"created_at"`
}

func (r deliveryRow) delivery() webhook.Delivery {
	return webhook.Delivery{ID: r.ID, EventID: r.EventID, EventType: r.EventType, EndpointID: r.EndpointID,
		MerchantID: r.MerchantID, Livemode: r.Livemode, Redelivery: r.Redelivery, Status: r.Status, Created: r.Created.UTC()}
}

const deliverySelect = `SELECT d.id, d.event_id, e.type, d.endpoint_id, e.merchant_id, e.livemode, d.redelivery, d.status, d.created_at
	FROM webhook_deliveries d JOIN events e ON e.id = d.event_id`

// ClaimUnstarted hands up to n unstarted deliveries to start and marks them started in the
// same transaction, so a failed start leaves them to the next claim.
func (s *Store) ClaimUnstarted(ctx context.Context, n int, start func(context.Context, []webhook.Delivery) error) (int, error) {
	var count int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []deliveryRow
		if err := tx.SelectContext(ctx, &rows, deliverySelect+` WHERE NOT d.started ORDER BY d.seq LIMIT $1
			FOR UPDATE OF d SKIP LOCKED`, n); err != nil {
			return unavailable("claim deliveries", err)
		}
		if len(rows) == 0 {
			return nil
		}
		ds := make([]webhook.Delivery, 0, len(rows))
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			ds = append(ds, r.delivery())
			ids = append(ids, r.ID)
		}
		if err := start(ctx, ds); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET started = true WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
			return unavailable("mark deliveries started", err)
		}
		count = len(rows)
		return nil
	})
	return count, err
}

// LoadDelivery returns a delivery with its endpoint (even if since deleted) and event.
func (s *Store) LoadDelivery(ctx context.Context, id string) (webhook.Delivery, webhook.Endpoint, event.Event, error) {
	var r deliveryRow
	if err := s.db.GetContext(ctx, &r, deliverySelect+` WHERE d.id = $1`, id); err != nil {
		if isNoRows(err) {
			return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, apperr.NotFound("delivery", id)
		}
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load delivery "+id, err)
	}
	var er endpointRow
	var deleted sql.NullTime
	if err := s.db.QueryRowxContext(ctx, `SELECT `+endpointColumns+`, deleted_at FROM webhook_endpoints WHERE id = $1`, r.EndpointID).
		Scan(&er.Seq, &er.ID, &er.MerchantID, &er.Livemode, &er.URL, &er.Description, &er.EnabledEvents, &er.Disabled,
			&er.Secret, &er.Metadata, &er.Created, &deleted); err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load endpoint "+r.EndpointID, err)
	}
	ep, err := er.endpoint()
	if err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, err
	}
	if deleted.Valid {
		ep.Disabled = true // a deleted endpoint receives nothing more
	}
	var ev eventRow
	if err := s.db.GetContext(ctx, &ev, `SELECT `+eventColumns+` FROM events WHERE id = $1`, r.EventID); err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load event "+r.EventID, err)
	}
	return r.delivery(), ep, ev.event(), nil
}

// RecordAttempt stores an attempt once (a retried activity does not add a second row).
func (s *Store) RecordAttempt(ctx context.Context, deliveryID string, a webhook.Attempt) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code,
		latency_ms, error, response_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		deliveryID, a.Number, a.At, sql.NullInt64{Int64: int64(a.StatusCode), Valid: a.StatusCode != 0},
		a.Latency.Milliseconds(), nullable(a.Error), nullable(a.Excerpt))
	if err != nil {
		return unavailable("record attempt", err)
	}
	return nil
}

// FinishDelivery records a delivery's end.
func (s *Store) FinishDelivery(ctx context.Context, deliveryID, status string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $2, finished_at = $3 WHERE id = $1`,
		deliveryID, status, at); err != nil {
		return unavailable("finish delivery", err)
	}
	return nil
}

// DisableEndpoint turns an endpoint off (it answered 410 Gone).
func (s *Store) DisableEndpoint(ctx context.Context, endpointID string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE webhook_endpoints SET disabled = true WHERE id = $1`, endpointID); err != nil {
		return unavailable("disable endpoint", err)
	}
	return nil
}

// ListDeliveries returns an event's deliveries with their attempts, oldest first.
func (s *Store) ListDeliveries(ctx context.Context, merchantID string, livemode bool, eventID string) ([]webhook.Delivery, error) {
	if _, err := s.GetEvent(ctx, merchantID, livemode, eventID); err != nil {
		return nil, err
	}
	var rows []deliveryRow
	if err := s.db.SelectContext(ctx, &rows, deliverySelect+` WHERE d.event_id = $1 ORDER BY d.seq`, eventID); err != nil {
		return nil, unavailable("list deliveries", err)
	}
	var attempts []struct {
		DeliveryID string         `db:"delivery_id"`
		Attempt    int            `db:"attempt"`
		At         time.Time      `db:"attempted_at"`
		Status     sql.NullInt64  `db:"status_code"`
		Latency    int64          `db:"latency_ms"`
		Error      sql.NullString `db:"error"`
		Excerpt    sql.NullString `db:"response_excerpt"`
	}
	if err := s.db.SelectContext(ctx, &attempts, `SELECT a.delivery_id, a.attempt, a.attempted_at, a.status_code, a.latency_ms,
		a.error, a.response_excerpt FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
		WHERE d.event_id = $1 ORDER BY a.delivery_id, a.attempt`, eventID); err != nil {
		return nil, unavailable("list attempts", err)
	}
	out := make([]webhook.Delivery, 0, len(rows))
	for _, r := range rows {
		d := r.delivery()
		for _, a := range attempts {
			if a.DeliveryID == d.ID {
				d.Attempts = append(d.Attempts, webhook.Attempt{Number: a.Attempt, At: a.At.UTC(), StatusCode: int(a.Status.Int64),
					Latency: time.Duration(a.Latency) * time.Millisecond, Error: a.Error.String, Excerpt: a.Excerpt.String})
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// Redeliver queues the event again for every endpoint that wants it now.
func (s *Store) Redeliver(ctx context.Context, merchantID string, livemode bool, eventID string, at time.Time) (int, error) {
	e, err := s.GetEvent(ctx, merchantID, livemode, eventID)
	if err != nil {
		return 0, err
	}
	e.Created = at
	var n int64
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		n, err = enqueueDeliveries(ctx, tx, e, true)
		return err
	})
	return int(n), err
}
