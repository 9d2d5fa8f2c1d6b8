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

// Events implements event.Store. Events are written by the repository of the object they
// describe, with insertEvents, in the transaction of the change.
type Events struct{ db *DB }

// NewEvents returns the events repository of db.
func NewEvents(db *DB) *Events { return &Events{db: db} }

// insertEvents records events and, in the same transaction, their outbox rows: one delivery
// per endpoint that webhook.Subscribers chooses among the merchant's live endpoints.
func insertEvents(ctx context.Context, tx *sqlx.Tx, events []event.Event) error {
	type scope struct {
		merchantID string
		livemode   bool
	}
	endpoints := map[scope][]webhook.Endpoint{} // loaded once per merchant and mode
	if err := insertEventRows(ctx, tx, events); err != nil {
		return err
	}
	for _, e := range events {
		sc := scope{e.MerchantID, e.Livemode}
		eps, loaded := endpoints[sc]
		if !loaded {
			var err error
			if eps, err = liveEndpoints(ctx, tx, e.MerchantID, e.Livemode); err != nil {
				return err
			}
			endpoints[sc] = eps
		}
		if err := insertDeliveries(ctx, tx, webhook.Subscribers(eps, e, false, e.Created)); err != nil {
			return err
		}
	}
	return nil
}

// insertEventRows records events without queueing their deliveries.
func insertEventRows(ctx context.Context, tx *sqlx.Tx, events []event.Event) error {
	for _, e := range events {
		if _, err := tx.ExecContext(ctx, `INSERT INTO events (id, merchant_id, livemode, type, session_id, api_version,
				created_at, object, previous_attributes, request_id, request_idempotency_key)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			e.ID, e.MerchantID, e.Livemode, e.Type, nullable(e.SessionID), event.APIVersion, e.Created,
			string(e.Object), string(e.PreviousAttributes), nullable(e.Request.ID), nullable(e.Request.IdempotencyKey)); err != nil {
			return unavailable("record event "+e.Type, err)
		}
	}
	return nil
}

type eventRow struct {
	Seq       int64          `db:"seq"`
	ID        string         `db:"id"`
	Merchant  string         `db:"merchant_id"`
	Livemode  bool           `db:"livemode"`
	Type      string         `db:"type"`
	SessionID sql.NullString `db:"session_id"`
	Created   time.Time      `db:"created_at"`
	Object    []byte         `db:"object"`
	Previous  []byte         `db:"previous_attributes"`
	ReqID     sql.NullString `db:"request_id"`
	ReqKey    sql.NullString `db:"request_idempotency_key"`
}

const eventColumns = `seq, id, merchant_id, livemode, type, session_id, created_at, object, previous_attributes,
	request_id, request_idempotency_key`

func (r eventRow) event() event.Event {
	return event.Event{ID: r.ID, Type: r.Type, MerchantID: r.Merchant, Livemode: r.Livemode, SessionID: r.SessionID.String,
		Created: r.Created.UTC(), Object: r.Object, PreviousAttributes: r.Previous,
		Request: event.Request{ID: r.ReqID.String, IdempotencyKey: r.ReqKey.String}}
}

// withPending sets each event's PendingWebhooks from its deliveries as they stand now (core
// counts: webhook.PendingWebhooks).
func withPending(ctx context.Context, q sqlx.QueryerContext, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	var rows []struct {
		EventID    string `db:"event_id"`
		EndpointID string `db:"endpoint_id"`
		Status     string `db:"status"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT event_id, endpoint_id, status FROM webhook_deliveries
		WHERE event_id = ANY($1)`, pq.Array(ids)); err != nil {
		return unavailable("count pending webhooks", err)
	}
	byEvent := map[string][]webhook.Delivery{}
	for _, r := range rows {
		byEvent[r.EventID] = append(byEvent[r.EventID], webhook.Delivery{EndpointID: r.EndpointID, Status: webhook.DeliveryStatus(r.Status)})
	}
	for i := range events {
		events[i].PendingWebhooks = webhook.PendingWebhooks(byEvent[events[i].ID])
	}
	return nil
}

// GetEvent returns one of the caller's events, with its pending webhooks counted.
func (r *Events) GetEvent(ctx context.Context, merchantID string, livemode bool, id string) (event.Event, error) {
	e, err := getEvent(ctx, r.db.pool, merchantID, livemode, id)
	if err != nil {
		return e, err
	}
	one := []event.Event{e}
	err = withPending(ctx, r.db.pool, one)
	return one[0], err
}

func getEvent(ctx context.Context, q sqlx.QueryerContext, merchantID string, livemode bool, id string) (event.Event, error) {
	var row eventRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+eventColumns+` FROM events WHERE id = $1 AND merchant_id = $2 AND livemode = $3`,
		id, merchantID, livemode)
	if isNoRows(err) {
		return event.Event{}, apperr.NotFound("event", id)
	}
	if err != nil {
		return event.Event{}, unavailable("load event "+id, err)
	}
	return row.event(), nil
}

// ListEvents pages through the caller's events, newest first.
func (r *Events) ListEvents(ctx context.Context, q event.ListQuery) (paging.Page[event.Event], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if len(q.Types) > 0 {
		f.add("type = ANY(?)", pq.Array(q.Types))
	}
	if q.SessionID != "" {
		f.add("session_id = ?", q.SessionID)
	}
	f.created(q.Created)
	spec := listSpec{table: "events", columns: eventColumns, object: "event"}
	page, err := listPage(ctx, r.db, spec, f, q.Page, func(row eventRow) (event.Event, error) { return row.event(), nil })
	if err != nil {
		return page, err
	}
	return page, withPending(ctx, r.db.pool, page.Data)
}

// insertDeliveries writes outbox rows that core chose (webhook.Subscribers), in the caller's
// transaction: the event's own, so both commit or neither does. The same statement notifies
// outboxChannel, which Postgres delivers to the dispatcher's listener at that commit.
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
	if _, err := tx.ExecContext(ctx, `WITH queued AS (
		INSERT INTO webhook_deliveries (id, event_id, endpoint_id, redelivery, status, created_at)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::timestamptz[]))
		SELECT pg_notify('`+outboxChannel+`', '')`,
		pq.Array(ids), pq.Array(events), pq.Array(endpoints), pq.Array(redeliveries), pq.Array(statuses), pq.Array(created)); err != nil {
		return unavailable("enqueue deliveries", err)
	}
	return nil
}
