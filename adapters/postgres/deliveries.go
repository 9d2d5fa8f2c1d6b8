package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/webhook"
)

// insertDeliveries writes outbox rows that core chose (webhook.Subscribers), in the caller's
// transaction: the event's own, so both commit or neither does.
func insertDeliveries(ctx context.Context, tx *sqlx.Tx, ds []webhook.Delivery) error {
	if len(ds) == 0 {
		return nil
	}
	ids, events, endpoints := make([]string, len(ds)), make([]string, len(ds)), make([]string, len(ds))
	redeliveries, statuses, created := make([]bool, len(ds)), make([]string, len(ds)), make([]time.Time, len(ds))
	for i, d := range ds {
		ids[i], events[i], endpoints[i] = d.ID, d.EventID, d.EndpointID
		redeliveries[i], statuses[i], created[i] = d.Redelivery, string(d.Status), d.Created
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, redelivery, status, created_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::timestamptz[])`,
		pq.Array(ids), pq.Array(events), pq.Array(endpoints), pq.Array(redeliveries), pq.Array(statuses), pq.Array(created)); err != nil {
		return unavailable("enqueue deliveries", err)
	}
	return nil
}

type deliveryRow struct {
	Seq        int64     `db:"seq"`
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
		MerchantID: r.MerchantID, Livemode: r.Livemode, Redelivery: r.Redelivery, Status: webhook.DeliveryStatus(r.Status),
		Created: r.Created.UTC()}
}

// deliveryColumns are read from webhook_delivery_log (migration 0007), or from d joined to e.
const deliveryColumns = `seq, id, event_id, type, endpoint_id, merchant_id, livemode, redelivery, status, created_at`

// ClaimUnstarted hands up to n unstarted deliveries to start and marks them started in the
// same transaction, so a failed start leaves them to the next claim.
func (s *Store) ClaimUnstarted(ctx context.Context, n int, start func(context.Context, []webhook.Delivery) error) (int, error) {
	var count int
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []deliveryRow
		if err := tx.SelectContext(ctx, &rows, `SELECT d.seq, d.id, d.event_id, e.type, d.endpoint_id, e.merchant_id,
			e.livemode, d.redelivery, d.status, d.created_at
			FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
			WHERE NOT d.started ORDER BY d.seq LIMIT $1 FOR UPDATE OF d SKIP LOCKED`, n); err != nil {
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

// LoadDelivery returns a delivery with its attempts, its endpoint (even if since deleted, then
// Disabled) with the secret opened, and its event.
func (s *Store) LoadDelivery(ctx context.Context, id string) (webhook.Delivery, webhook.Endpoint, event.Event, error) {
	var r deliveryRow
	if err := s.db.GetContext(ctx, &r, `SELECT `+deliveryColumns+` FROM webhook_delivery_log WHERE id = $1`, id); err != nil {
		if isNoRows(err) {
			return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, apperr.NotFound("delivery", id)
		}
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load delivery "+id, err)
	}
	d := r.delivery()
	attempts, err := s.attempts(ctx, []string{id})
	if err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, err
	}
	d.Attempts = attempts[id]
	ep, err := s.deliveryEndpoint(ctx, r.EndpointID)
	if err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, err
	}
	var ev eventRow
	if err := s.db.GetContext(ctx, &ev, `SELECT `+eventColumns+` FROM events WHERE id = $1`, r.EventID); err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load event "+r.EventID, err)
	}
	return d, ep, ev.event(), nil
}

func (s *Store) deliveryEndpoint(ctx context.Context, id string) (webhook.Endpoint, error) {
	var er endpointRow
	var deleted sql.NullTime
	if err := s.db.QueryRowxContext(ctx, `SELECT `+endpointColumns+`, deleted_at FROM webhook_endpoints WHERE id = $1`, id).
		Scan(&er.Seq, &er.ID, &er.MerchantID, &er.Livemode, &er.URL, &er.Description, &er.EnabledEvents, &er.Disabled,
			&er.Secret, &er.Metadata, &er.Created, &deleted); err != nil {
		return webhook.Endpoint{}, unavailable("load endpoint "+id, err)
	}
	ep, err := er.endpoint()
	if err != nil {
		return webhook.Endpoint{}, err
	}
	if ep.Secret, err = s.open(ep.ID, er.Secret); err != nil {
		return webhook.Endpoint{}, err
	}
	if deleted.Valid {
		ep.Disabled = true // a deleted endpoint receives nothing more
	}
	return ep, nil
}

// attempts returns the recorded attempts of the given deliveries, in order, by delivery ID.
func (s *Store) attempts(ctx context.Context, deliveryIDs []string) (map[string][]webhook.Attempt, error) {
	var rows []struct {
		DeliveryID string         `db:"delivery_id"`
		Attempt    int            `db:"attempt"`
		At         time.Time      `db:"attempted_at"`
		Status     sql.NullInt64  `db:"status_code"`
		Latency    int64          `db:"latency_ms"`
		Error      sql.NullString `db:"error"`
		Excerpt    sql.NullString `db:"response_excerpt"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT delivery_id, attempt, attempted_at, status_code, latency_ms,
		error, response_excerpt FROM webhook_attempts WHERE delivery_id = ANY($1) ORDER BY delivery_id, attempt`,
		pq.Array(deliveryIDs)); err != nil {
		return nil, unavailable("load attempts", err)
	}
	out := map[string][]webhook.Attempt{}
	for _, a := range rows {
		out[a.DeliveryID] = append(out[a.DeliveryID], webhook.Attempt{Number: a.Attempt, At: a.At.UTC(),
			StatusCode: int(a.Status.Int64), Latency: time.Duration(a.Latency) * time.Millisecond,
			Error: a.Error.String, Excerpt: a.Excerpt.String})
	}
	return out, nil
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
func (s *Store) FinishDelivery(ctx context.Context, deliveryID string, status webhook.DeliveryStatus, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $2, finished_at = $3 WHERE id = $1`,
		deliveryID, string(status), at); err != nil {
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

// ListDeliveries pages through an event's deliveries, newest first, with their attempts.
func (s *Store) ListDeliveries(ctx context.Context, merchantID string, livemode bool, eventID string, p paging.Params) (paging.Page[webhook.Delivery], error) {
	var page paging.Page[webhook.Delivery]
	if _, err := s.GetEvent(ctx, merchantID, livemode, eventID); err != nil {
		return page, err
	}
	f := scoped(merchantID, livemode)
	f.add("event_id = ?", eventID)
	cursor, err := s.cursor(ctx, "webhook_delivery_log", "webhook_delivery", merchantID, livemode, p)
	if err != nil {
		return page, err
	}
	var rows []deliveryRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+deliveryColumns+` FROM webhook_delivery_log WHERE `+f.page(cursor, p.Limit),
		f.args...); err != nil {
		return page, unavailable("list deliveries", err)
	}
	rows, page.HasMore = pageOf(rows, p.Limit, cursor)
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	attempts, err := s.attempts(ctx, ids)
	if err != nil {
		return page, err
	}
	for _, r := range rows {
		d := r.delivery()
		d.Attempts = attempts[d.ID]
		page.Data = append(page.Data, d)
	}
	return page, nil
}

// Redeliver queues the event again for the endpoints core chooses, if allow accepts the recent
// redelivery counts. The merchant's row lock makes count-then-insert atomic per merchant.
func (s *Store) Redeliver(ctx context.Context, merchantID string, livemode bool, eventID string, at time.Time,
	allow func(webhook.RedeliveryCounts) error) (int, error) {
	e, err := s.GetEvent(ctx, merchantID, livemode, eventID)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM merchants WHERE id = $1 FOR UPDATE`, merchantID); err != nil {
			return unavailable("lock merchant", err)
		}
		// One redelivery call writes its rows with one created_at: distinct instants count calls.
		var c webhook.RedeliveryCounts
		if err := tx.QueryRowxContext(ctx, `SELECT count(DISTINCT created_at) FILTER (WHERE event_id = $3),
			count(DISTINCT (event_id, created_at)) FROM webhook_delivery_log
			WHERE merchant_id = $1 AND livemode = $2 AND redelivery AND created_at > $4`,
			merchantID, livemode, eventID, at.Add(-webhook.RedeliveryWindow)).Scan(&c.Event, &c.Merchant); err != nil {
			return unavailable("count redeliveries", err)
		}
		if err := allow(c); err != nil {
			return err
		}
		endpoints, err := liveEndpoints(ctx, tx, merchantID, livemode)
		if err != nil {
			return err
		}
		ds := webhook.Subscribers(endpoints, e, true, at)
		n = len(ds)
		return insertDeliveries(ctx, tx, ds)
	})
	return n, err
}
