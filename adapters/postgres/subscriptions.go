package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
)

// Subscriptions stores subscriptions and their invoices (one aggregate: a subscription
// changes with its invoices under its row lock).
type Subscriptions struct{ db *DB }

// NewSubscriptions returns the subscription repository.
func NewSubscriptions(db *DB) *Subscriptions { return &Subscriptions{db: db} }

var _ billing.Store = (*Subscriptions)(nil)

const subscriptionColumns = `seq, id, merchant_id, livemode, status, currency, items, interval, interval_count, anchor,
	anchor_period, period, current_period_start, current_period_end, cancel_at_period_end, canceled_at, ended_at,
	collection_method, days_until_due, latest_invoice, session_id, accepted_assets, description, metadata,
	clock_offset_ms, created_at, mandate`

type subscriptionRow struct {
	Seq                int64          `db:"seq"`
	ID                 string         `db:"id"`
	MerchantID         string         `db:"merchant_id"`
	Livemode           bool           `db:"livemode"`
	Status             string         `db:"status"`
	Currency           string         `db:"currency"`
	Items              []byte         `db:"items"`
	Interval           string         `db:"interval"`
	IntervalCount      int64          `db:"interval_count"`
	Anchor             time.Time      `db:"anchor"`
	AnchorPeriod       int            `db:"anchor_period"`
	Period             int            `db:"period"`
	CurrentPeriodStart time.Time      `db:"current_period_start"`
	CurrentPeriodEnd   time.Time      `db:"current_period_end"`
	CancelAtPeriodEnd  bool           `db:"cancel_at_period_end"`
	CanceledAt         sql.NullTime   `db:"canceled_at"`
	EndedAt            sql.NullTime   `db:"ended_at"`
	CollectionMethod   string         `db:"collection_method"`
	DaysUntilDue       int            `db:"days_until_due"`
	LatestInvoice      string         `db:"latest_invoice"`
	SessionID          string         `db:"session_id"`
	AcceptedAssets     pq.StringArray `db:"accepted_assets"`
	Description        string         `db:"description"`
	Metadata           []byte         `db:"metadata"`
	ClockOffsetMS      int64          `db:"clock_offset_ms"`
	CreatedAt          time.Time      `db:"created_at"`
	Mandate            []byte         `db:"mandate"`
}

func (r subscriptionRow) subscription() (*billing.Subscription, error) {
	s := &billing.Subscription{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Status: billing.Status(r.Status),
		Currency: r.Currency, Plan: billing.Plan{Interval: catalog.Interval(r.Interval), IntervalCount: r.IntervalCount},
		Anchor: r.Anchor.UTC(), AnchorPeriod: r.AnchorPeriod, Period: r.Period, CurrentPeriodStart: r.CurrentPeriodStart.UTC(),
		CurrentPeriodEnd: r.CurrentPeriodEnd.UTC(), CancelAtPeriodEnd: r.CancelAtPeriodEnd, CanceledAt: timeOrNil(r.CanceledAt),
		EndedAt: timeOrNil(r.EndedAt), CollectionMethod: billing.CollectionMethod(r.CollectionMethod),
		DaysUntilDue: r.DaysUntilDue, LatestInvoice: r.LatestInvoice, Session: r.SessionID,
		AcceptedAssets: []string(r.AcceptedAssets), Description: r.Description,
		ClockOffset: time.Duration(r.ClockOffsetMS) * time.Millisecond, Created: r.CreatedAt.UTC()}
	if err := json.Unmarshal(r.Items, &s.Items); err != nil {
		return nil, fmt.Errorf("decode items of %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Metadata, &s.Metadata); err != nil {
		return nil, fmt.Errorf("decode metadata of %s: %w", r.ID, err)
	}
	if len(r.Mandate) > 0 {
		if err := json.Unmarshal(r.Mandate, &s.Mandate); err != nil {
			return nil, fmt.Errorf("decode mandate of %s: %w", r.ID, err)
		}
	}
	return s, nil
}

// subscriptionArgs are the columns $1-$26 in subscriptionColumns' order (without seq).
func subscriptionArgs(s *billing.Subscription) ([]any, error) {
	items, err := jsonArg(s.Items)
	if err != nil {
		return nil, err
	}
	md, err := jsonArg(s.Metadata)
	if err != nil {
		return nil, err
	}
	mandate, err := jsonOrNull(s.Mandate)
	if err != nil {
		return nil, err
	}
	return []any{s.ID, s.MerchantID, s.Livemode, string(s.Status), s.Currency, items, string(s.Plan.Interval),
		s.Plan.IntervalCount, s.Anchor, s.AnchorPeriod, s.Period, s.CurrentPeriodStart, s.CurrentPeriodEnd,
		s.CancelAtPeriodEnd, nullTimePtr(s.CanceledAt), nullTimePtr(s.EndedAt), string(s.CollectionMethod),
		s.DaysUntilDue, s.LatestInvoice, s.Session, pq.Array(s.AcceptedAssets), s.Description, md,
		s.ClockOffset.Milliseconds(), s.Created, mandate}, nil
}

const invoiceColumns = `seq, id, merchant_id, livemode, subscription_id, period, status, billing_reason, currency,
	amount_due, amount_paid, period_start, period_end, due_date, attempts, session_id, sessions, paid_at, created_at,
	auto_collection`

type invoiceRow struct {
	Seq            int64          `db:"seq"`
	ID             string         `db:"id"`
	MerchantID     string         `db:"merchant_id"`
	Livemode       bool           `db:"livemode"`
	SubscriptionID string         `db:"subscription_id"`
	Period         int            `db:"period"`
	Status         string         `db:"status"`
	BillingReason  string         `db:"billing_reason"`
	Currency       string         `db:"currency"`
	AmountDue      int64          `db:"amount_due"`
	AmountPaid     int64          `db:"amount_paid"`
	PeriodStart    time.Time      `db:"period_start"`
	PeriodEnd      time.Time      `db:"period_end"`
	DueDate        time.Time      `db:"due_date"`
	Attempts       int            `db:"attempts"`
	SessionID      sql.NullString `db:"session_id"`
	Sessions       int            `db:"sessions"`
	PaidAt         sql.NullTime   `db:"paid_at"`
	CreatedAt      time.Time      `db:"created_at"`
	AutoCollection []byte         `db:"auto_collection"`
}

func (r invoiceRow) invoice() (*billing.Invoice, error) {
	inv := &billing.Invoice{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, SubscriptionID: r.SubscriptionID,
		Period: r.Period, Status: billing.InvoiceStatus(r.Status), BillingReason: r.BillingReason, Currency: r.Currency,
		AmountDue: r.AmountDue, AmountPaid: r.AmountPaid, PeriodStart: r.PeriodStart.UTC(), PeriodEnd: r.PeriodEnd.UTC(),
		DueDate: r.DueDate.UTC(), Attempts: r.Attempts, Session: r.SessionID.String, Sessions: r.Sessions,
		PaidAt: timeOrNil(r.PaidAt), Created: r.CreatedAt.UTC()}
	if len(r.AutoCollection) > 0 {
		if err := json.Unmarshal(r.AutoCollection, &inv.AutoCollection); err != nil {
			return nil, fmt.Errorf("decode auto_collection of %s: %w", r.ID, err)
		}
	}
	return inv, nil
}

func invoiceArgs(i *billing.Invoice) ([]any, error) {
	ac, err := jsonOrNull(i.AutoCollection)
	return []any{i.ID, i.MerchantID, i.Livemode, i.SubscriptionID, i.Period, string(i.Status), i.BillingReason, i.Currency,
		i.AmountDue, i.AmountPaid, i.PeriodStart, i.PeriodEnd, i.DueDate, i.Attempts, nullable(i.Session), i.Sessions,
		nullTimePtr(i.PaidAt), i.Created, ac}, err
}

const insertInvoiceSQL = `INSERT INTO invoices (id, merchant_id, livemode, subscription_id, period, status, billing_reason,
	currency, amount_due, amount_paid, period_start, period_end, due_date, attempts, session_id, sessions, paid_at, created_at,
	auto_collection)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::jsonb)
	ON CONFLICT (id) DO NOTHING`

// jsonOrNull is v as a jsonb argument, or SQL NULL for a nil pointer.
func jsonOrNull[T any](v *T) (any, error) {
	if v == nil {
		return nil, nil
	}
	return jsonArg(v)
}

// Create saves a new subscription with its first invoice and events once.
func (r *Subscriptions) Create(ctx context.Context, s *billing.Subscription, inv *billing.Invoice, events []event.Event) (*billing.Subscription, error) {
	args, err := subscriptionArgs(s)
	if err != nil {
		return nil, err
	}
	var out *billing.Subscription
	err = r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (id, merchant_id, livemode, status, currency, items,
			interval, interval_count, anchor, anchor_period, period, current_period_start, current_period_end,
			cancel_at_period_end, canceled_at, ended_at, collection_method, days_until_due, latest_invoice, session_id,
			accepted_assets, description, metadata, clock_offset_ms, created_at, mandate)
			VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
				$22, $23::jsonb, $24, $25, $26::jsonb) ON CONFLICT (id) DO NOTHING`, args...)
		if err != nil {
			return unavailable("create subscription "+s.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			out, err = loadSubscription(ctx, tx, `id = $1`, s.ID)
			return err
		}
		invArgs, err := invoiceArgs(inv)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, insertInvoiceSQL, invArgs...); err != nil {
			return unavailable("create invoice "+inv.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkout_sessions SET subscription_id = $2 WHERE id = $1`, s.Session, s.ID); err != nil {
			return unavailable("link session "+s.Session, err)
		}
		out = s
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// Update applies change to the subscription and one of its invoices under the row lock.
func (r *Subscriptions) Update(ctx context.Context, id, invoiceID string, change billing.Change) (*billing.Subscription, *billing.Invoice, error) {
	var sub *billing.Subscription
	var inv *billing.Invoice
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if sub, err = loadSubscription(ctx, tx, `id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		if invoiceID == "" {
			invoiceID = sub.LatestInvoice
		}
		if inv, err = loadInvoice(ctx, tx, `id = $1 AND subscription_id = $2 FOR UPDATE`, invoiceID, id); err != nil {
			return err
		}
		created, events, err := change(sub, inv)
		if err != nil {
			return err
		}
		if sub.ID != id || inv.ID != invoiceID {
			return fmt.Errorf("subscription %s: a change cannot rename it or its invoice", id)
		}
		if err := saveSubscription(ctx, tx, sub); err != nil {
			return err
		}
		ac, err := jsonOrNull(inv.AutoCollection)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET status = $2, amount_paid = $3, attempts = $4, paid_at = $5,
			period_start = $6, period_end = $7, auto_collection = $8::jsonb, session_id = $9, sessions = GREATEST(sessions, $10)
			WHERE id = $1`, inv.ID, string(inv.Status), inv.AmountPaid, inv.Attempts, nullTimePtr(inv.PaidAt), inv.PeriodStart,
			inv.PeriodEnd, ac, nullable(inv.Session), inv.Sessions); err != nil {
			return unavailable("save invoice "+inv.ID, err)
		}
		if created != nil {
			createdArgs, err := invoiceArgs(created)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, insertInvoiceSQL, createdArgs...); err != nil {
				return unavailable("create invoice "+created.ID, err)
			}
		}
		return insertEvents(ctx, tx, events)
	})
	return sub, inv, err
}

func saveSubscription(ctx context.Context, tx *sqlx.Tx, s *billing.Subscription) error {
	md, err := jsonArg(s.Metadata)
	if err != nil {
		return err
	}
	// Every column a rule may change: not identity, scope, currency, items, plan, first session or creation.
	_, err = tx.ExecContext(ctx, `UPDATE subscriptions SET status = $2, anchor = $3, anchor_period = $4, period = $5,
		current_period_start = $6, current_period_end = $7, cancel_at_period_end = $8, canceled_at = $9,
		ended_at = $10, latest_invoice = $11, description = $12, metadata = $13::jsonb, clock_offset_ms = $14
		WHERE id = $1`, s.ID, string(s.Status), s.Anchor, s.AnchorPeriod, s.Period, s.CurrentPeriodStart,
		s.CurrentPeriodEnd, s.CancelAtPeriodEnd, nullTimePtr(s.CanceledAt), nullTimePtr(s.EndedAt), s.LatestInvoice,
		s.Description, md, s.ClockOffset.Milliseconds())
	return unavailableIf("save subscription "+s.ID, err)
}

// SetInvoiceSession records an invoice's current session.
func (r *Subscriptions) SetInvoiceSession(ctx context.Context, invoiceID, sessionID string, k int) error {
	_, err := r.db.pool.ExecContext(ctx, `UPDATE invoices SET session_id = $2, sessions = GREATEST(sessions, $3) WHERE id = $1`,
		invoiceID, sessionID, k)
	return unavailableIf("set session of invoice "+invoiceID, err)
}

func loadSubscription(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) (*billing.Subscription, error) {
	var row subscriptionRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+subscriptionColumns+` FROM subscriptions WHERE `+where, args...)
	if isNoRows(err) {
		return nil, apperr.NotFound("subscription", fmt.Sprint(args[0]))
	}
	if err != nil {
		return nil, unavailable("load subscription", err)
	}
	return row.subscription()
}

func loadInvoice(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) (*billing.Invoice, error) {
	var row invoiceRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+invoiceColumns+` FROM invoices WHERE `+where, args...)
	if isNoRows(err) {
		return nil, apperr.NotFound("invoice", fmt.Sprint(args[0]))
	}
	if err != nil {
		return nil, unavailable("load invoice", err)
	}
	return row.invoice()
}

func (r *Subscriptions) Subscription(ctx context.Context, merchantID string, livemode bool, id string) (*billing.Subscription, error) {
	return loadSubscription(ctx, r.db.pool, `id = $1 AND merchant_id = $2 AND livemode = $3`, id, merchantID, livemode)
}

func (r *Subscriptions) LoadSubscription(ctx context.Context, id string) (*billing.Subscription, error) {
	return loadSubscription(ctx, r.db.pool, `id = $1`, id)
}

func (r *Subscriptions) Invoice(ctx context.Context, merchantID string, livemode bool, id string) (*billing.Invoice, error) {
	return loadInvoice(ctx, r.db.pool, `id = $1 AND merchant_id = $2 AND livemode = $3`, id, merchantID, livemode)
}

func (r *Subscriptions) LoadInvoice(ctx context.Context, id string) (*billing.Invoice, error) {
	return loadInvoice(ctx, r.db.pool, `id = $1`, id)
}

func (r *Subscriptions) ListSubscriptions(ctx context.Context, q billing.ListQuery) (paging.Page[*billing.Subscription], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.Status != "" {
		f.add("status = ?", string(q.Status))
	}
	if q.Exclude != "" {
		f.add("status <> ?", string(q.Exclude))
	}
	if q.Price != "" {
		f.add(`items @> jsonb_build_array(jsonb_build_object('PriceID', ?::text))`, q.Price)
	}
	f.created(q.Created)
	spec := listSpec{table: "subscriptions", columns: subscriptionColumns, object: "subscription"}
	return listPage(ctx, r.db, spec, f, q.Page, subscriptionRow.subscription)
}

func (r *Subscriptions) ListInvoices(ctx context.Context, q billing.InvoiceQuery) (paging.Page[*billing.Invoice], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.Status != "" {
		f.add("status = ?", string(q.Status))
	}
	if q.Subscription != "" {
		f.add("subscription_id = ?", q.Subscription)
	}
	spec := listSpec{table: "invoices", columns: invoiceColumns, object: "invoice"}
	return listPage(ctx, r.db, spec, f, q.Page, invoiceRow.invoice)
}
