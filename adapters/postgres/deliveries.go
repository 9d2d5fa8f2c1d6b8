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

// Deliveries implements webhook.DeliveryStore: the outbox's rows once written (see
// insertDeliveries), their attempts, and redeliveries.
type Deliveries struct {
	db     *DB
	outbox *OutboxListener // wakes AwaitOutbox; nil: it polls
}

// NewDeliveries returns the webhook deliveries repository of db.
func NewDeliveries(db *DB) *Deliveries { return &Deliveries{db: db} }

// Listening returns the repository with AwaitOutbox woken by l's notifications.
func (r *Deliveries) Listening(l *OutboxListener) *Deliveries {
	c := *r
	c.outbox = l
	return &c
}

// AwaitOutbox returns when a transaction that queued deliveries has committed after since,
// or after atMost (rows a notification missed are still found then). Without a listener it
// returns within unlistenedPoll.
func (r *Deliveries) AwaitOutbox(ctx context.Context, since time.Time, atMost time.Duration) error {
	if r.outbox != nil {
		return r.outbox.await(ctx, since, atMost)
	}
	t := time.NewTimer(min(atMost, unlistenedPoll))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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

// ClaimUnstarted locks up to n unstarted deliveries and hands them, with their attempts,
// endpoints and events, to handle while the lock is held (FOR NO KEY UPDATE: recording an
// attempt, whose foreign key takes a key-share lock, does not wait for this claim). Then it
// marks them started and ends the ones handle ended, in the same transaction.
func (r *Deliveries) ClaimUnstarted(ctx context.Context, n int,
	handle func(context.Context, []webhook.Claimed) (map[string]webhook.End, error)) (int, error) {
	var count int
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var rows []deliveryRow
		if err := tx.SelectContext(ctx, &rows, `SELECT d.seq, d.id, d.event_id, e.type, d.endpoint_id, e.merchant_id,
			e.livemode, d.redelivery, d.status, d.created_at
			FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
			WHERE NOT d.started ORDER BY d.seq LIMIT $1 FOR NO KEY UPDATE OF d SKIP LOCKED`, n); err != nil {
			return unavailable("claim deliveries", err)
		}
		if len(rows) == 0 {
			return nil
		}
		claimed, err := r.claimed(ctx, rows)
		if err != nil {
			return err
		}
		ends, err := handle(ctx, claimed)
		if err != nil {
			return err
		}
		count = len(rows)
		return r.markClaimed(ctx, tx, rows, ends)
	})
	return count, err
}

// claimed loads what the first attempts of rows need, a query per kind of thing.
func (r *Deliveries) claimed(ctx context.Context, rows []deliveryRow) ([]webhook.Claimed, error) {
	ids := make([]string, 0, len(rows))
	eventIDs := make([]string, 0, len(rows))
	for _, row := range rows {
		ids = append(ids, row.ID)
		eventIDs = append(eventIDs, row.EventID)
	}
	attempts, err := r.attempts(ctx, ids)
	if err != nil {
		return nil, err
	}
	var evs []eventRow
	if err := r.db.pool.SelectContext(ctx, &evs, `SELECT `+eventColumns+` FROM events WHERE id = ANY($1)`,
		pq.Array(eventIDs)); err != nil {
		return nil, unavailable("load claimed events", err)
	}
	list := make([]event.Event, len(evs))
	for i, ev := range evs {
		list[i] = ev.event()
	}
	if err := withPending(ctx, r.db.pool, list); err != nil {
		return nil, err
	}
	events := make(map[string]event.Event, len(list))
	for _, e := range list {
		events[e.ID] = e
	}
	endpoints := map[string]webhook.Endpoint{}
	out := make([]webhook.Claimed, 0, len(rows))
	for _, row := range rows {
		ep, ok := endpoints[row.EndpointID]
		if !ok {
			if ep, err = r.deliveryEndpoint(ctx, row.EndpointID); err != nil {
				return nil, err
			}
			endpoints[row.EndpointID] = ep
		}
		d := row.delivery()
		d.Attempts = attempts[row.ID]
		out = append(out, webhook.Claimed{Delivery: d, Endpoint: ep, Event: events[row.EventID]})
	}
	return out, nil
}

// markClaimed marks rows started and records the ends handle returned.
func (r *Deliveries) markClaimed(ctx context.Context, tx *sqlx.Tx, rows []deliveryRow, ends map[string]webhook.End) error {
	ids := make([]string, 0, len(rows))
	for _, row := range rows {
		ids = append(ids, row.ID)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET started = true WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
		return unavailable("mark deliveries started", err)
	}
	for _, row := range rows { // in claim order, so two claims lock rows in the same order
		if end, ok := ends[row.ID]; ok {
			if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $2, finished_at = $3 WHERE id = $1`,
				row.ID, string(end.Status), end.At); err != nil {
				return unavailable("finish claimed delivery "+row.ID, err)
			}
		}
	}
	return nil
}

// LoadDelivery returns a delivery with its attempts, its endpoint (even if since deleted, then
// Disabled) with the secret opened, and its event.
func (r *Deliveries) LoadDelivery(ctx context.Context, id string) (webhook.Delivery, webhook.Endpoint, event.Event, error) {
	var row deliveryRow
	if err := r.db.pool.GetContext(ctx, &row, `SELECT `+deliveryColumns+` FROM webhook_delivery_log WHERE id = $1`, id); err != nil {
		if isNoRows(err) {
			return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, apperr.NotFound("delivery", id)
		}
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load delivery "+id, err)
	}
	d := row.delivery()
	attempts, err := r.attempts(ctx, []string{id})
	if err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, err
	}
	d.Attempts = attempts[id]
	ep, err := r.deliveryEndpoint(ctx, row.EndpointID)
	if err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, err
	}
	var ev eventRow
	if err := r.db.pool.GetContext(ctx, &ev, `SELECT `+eventColumns+` FROM events WHERE id = $1`, row.EventID); err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, unavailable("load event "+row.EventID, err)
	}
	e := []event.Event{ev.event()}
	if err := withPending(ctx, r.db.pool, e); err != nil {
		return webhook.Delivery{}, webhook.Endpoint{}, event.Event{}, err
	}
	return d, ep, e[0], nil
}

func (r *Deliveries) deliveryEndpoint(ctx context.Context, id string) (webhook.Endpoint, error) {
	var er endpointRow
	var deleted sql.NullTime
	if err := r.db.pool.QueryRowxContext(ctx, `SELECT `+endpointColumns+`, deleted_at FROM webhook_endpoints WHERE id = $1`, id).
		Scan(&er.Seq, &er.ID, &er.MerchantID, &er.Livemode, &er.URL, &er.Description, &er.EnabledEvents, &er.Disabled,
			&er.Secret, &er.Metadata, &er.Created, &deleted); err != nil {
		return webhook.Endpoint{}, unavailable("load endpoint "+id, err)
	}
	ep, err := er.endpoint()
	if err != nil {
		return webhook.Endpoint{}, err
	}
	if ep.Secret, err = r.db.open(ep.ID, er.Secret); err != nil {
		return webhook.Endpoint{}, err
	}
	if deleted.Valid {
		ep.Disabled = true // a deleted endpoint receives nothing more
	}
	return ep, nil
}

// attempts returns the recorded attempts of the given deliveries, in order, by delivery ID.
func (r *Deliveries) attempts(ctx context.Context, deliveryIDs []string) (map[string][]webhook.Attempt, error) {
	var rows []struct {
		DeliveryID string         `db:"delivery_id"`
		Attempt    int            `db:"attempt"`
		At         time.Time      `db:"attempted_at"`
		Status     sql.NullInt64  `db:"status_code"`
		Latency    int64          `db:"latency_ms"`
		Error      sql.NullString `db:"error"`
		Excerpt    sql.NullString `db:"response_excerpt"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT delivery_id, attempt, attempted_at, status_code, latency_ms,
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
func (r *Deliveries) RecordAttempt(ctx context.Context, deliveryID string, a webhook.Attempt) error {
	_, err := r.db.pool.ExecContext(ctx, `INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code,
		latency_ms, error, response_excerpt) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		deliveryID, a.Number, a.At, sql.NullInt64{Int64: int64(a.StatusCode), Valid: a.StatusCode != 0},
		a.Latency.Milliseconds(), nullable(a.Error), nullable(a.Excerpt))
	if err != nil {
		return unavailable("record attempt", err)
	}
	return nil
}

// FinishDelivery records a delivery's end.
func (r *Deliveries) FinishDelivery(ctx context.Context, deliveryID string, status webhook.DeliveryStatus, at time.Time) error {
	if _, err := r.db.pool.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $2, finished_at = $3 WHERE id = $1`,
		deliveryID, string(status), at); err != nil {
		return unavailable("finish delivery", err)
	}
	return nil
}

// DisableEndpoint turns an endpoint off (it answered 410 Gone).
func (r *Deliveries) DisableEndpoint(ctx context.Context, endpointID string) error {
	if _, err := r.db.pool.ExecContext(ctx, `UPDATE webhook_endpoints SET disabled = true WHERE id = $1`, endpointID); err != nil {
		return unavailable("disable endpoint", err)
	}
	return nil
}

// ListDeliveries pages through an event's deliveries, newest first, with their attempts.
func (r *Deliveries) ListDeliveries(ctx context.Context, merchantID string, livemode bool, eventID string, p paging.Params) (paging.Page[webhook.Delivery], error) {
	if _, err := getEvent(ctx, r.db.pool, merchantID, livemode, eventID); err != nil {
		return paging.Page[webhook.Delivery]{}, err
	}
	f := scoped(merchantID, livemode)
	f.add("event_id = ?", eventID)
	return r.listWithAttempts(ctx, f, p)
}

// listWithAttempts reads a page of the delivery log matching f, with each delivery's attempts.
func (r *Deliveries) listWithAttempts(ctx context.Context, f *filter, p paging.Params) (paging.Page[webhook.Delivery], error) {
	spec := listSpec{table: "webhook_delivery_log", columns: deliveryColumns, object: "webhook_delivery"}
	page, err := listPage(ctx, r.db, spec, f, p, func(row deliveryRow) (webhook.Delivery, error) { return row.delivery(), nil })
	if err != nil {
		return page, err
	}
	ids := make([]string, 0, len(page.Data))
	for _, d := range page.Data {
		ids = append(ids, d.ID)
	}
	attempts, err := r.attempts(ctx, ids)
	if err != nil {
		return page, err
	}
	for i := range page.Data {
		page.Data[i].Attempts = attempts[page.Data[i].ID]
	}
	return page, nil
}

// ListEndpointDeliveries pages through the deliveries to one of the merchant's endpoints (not
// deleted), newest first, with their attempts.
func (r *Deliveries) ListEndpointDeliveries(ctx context.Context, merchantID string, livemode bool, endpointID string, p paging.Params) (paging.Page[webhook.Delivery], error) {
	if _, err := NewEndpoints(r.db).GetEndpoint(ctx, merchantID, livemode, endpointID); err != nil {
		return paging.Page[webhook.Delivery]{}, err
	}
	f := scoped(merchantID, livemode)
	f.add("endpoint_id = ?", endpointID)
	return r.listWithAttempts(ctx, f, p)
}

// SendTest records a test event and its one delivery to an endpoint, counted with the
// redeliveries under the merchant's row lock.
func (r *Deliveries) SendTest(ctx context.Context, merchantID string, livemode bool, endpointID string, at time.Time,
	make func(webhook.Endpoint, webhook.RedeliveryCounts) (event.Event, webhook.Delivery, error)) error {
	ep, err := NewEndpoints(r.db).GetEndpoint(ctx, merchantID, livemode, endpointID)
	if err != nil {
		return err
	}
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM merchants WHERE id = $1 FOR UPDATE`, merchantID); err != nil {
			return unavailable("lock merchant", err)
		}
		var c webhook.RedeliveryCounts
		if err := tx.QueryRowxContext(ctx, `SELECT count(DISTINCT (event_id, created_at)) FROM webhook_delivery_log
			WHERE merchant_id = $1 AND livemode = $2 AND redelivery AND created_at > $3`,
			merchantID, livemode, at.Add(-webhook.RedeliveryWindow)).Scan(&c.Merchant); err != nil {
			return unavailable("count redeliveries", err)
		}
		e, d, err := make(ep, c)
		if err != nil {
			return err
		}
		if err := insertEventRows(ctx, tx, []event.Event{e}); err != nil {
			return err
		}
		return insertDeliveries(ctx, tx, []webhook.Delivery{d})
	})
}

// Redeliver queues the event again for the endpoints core chooses, if allow accepts the recent
// redelivery counts. The merchant's row lock makes count-then-insert atomic per merchant.
func (r *Deliveries) Redeliver(ctx context.Context, merchantID string, livemode bool, eventID string, at time.Time,
	allow func(webhook.RedeliveryCounts) error) (int, error) {
	e, err := getEvent(ctx, r.db.pool, merchantID, livemode, eventID)
	if err != nil {
		return 0, err
	}
	var n int
	err = r.db.inTx(ctx, func(tx *sqlx.Tx) error {
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
