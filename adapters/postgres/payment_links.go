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
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/paymentlink"
)

const linkColumns = `seq, id, merchant_id, livemode, active, line_items, currency, metadata, after_completion,
	redirect_url, confirmation_message, completed_limit, completed_sessions, accepted_assets, expires_after_seconds, created_at`

type linkRow struct {
	Seq                 int64          `db:"seq"`
	ID                  string         `db:"id"`
	MerchantID          string         `db:"merchant_id"`
	Livemode            bool           `db:"livemode"`
	Active              bool           `db:"active"`
	LineItems           []byte         `db:"line_items"`
	Currency            string         `db:"currency"`
	Metadata            []byte         `db:"metadata"`
	AfterCompletion     string         `db:"after_completion"`
	RedirectURL         sql.NullString `db:"redirect_url"`
	ConfirmationMessage sql.NullString `db:"confirmation_message"`
	CompletedLimit      sql.NullInt64  `db:"completed_limit"`
	CompletedSessions   int64          `db:"completed_sessions"`
	AcceptedAssets      pq.StringArray `db:"accepted_assets"`
	ExpiresAfter        sql.NullInt64  `db:"expires_after_seconds"`
	Created             time.Time      `db:"created_at"`
}

func (r linkRow) link() (paymentlink.Link, error) {
	l := paymentlink.Link{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Active: r.Active, Currency: r.Currency,
		AfterCompletion: r.AfterCompletion, RedirectURL: r.RedirectURL.String, ConfirmationMessage: r.ConfirmationMessage.String,
		CompletedLimit: r.CompletedLimit.Int64, CompletedSessions: r.CompletedSessions,
		ExpiresAfter: time.Duration(r.ExpiresAfter.Int64) * time.Second, Created: r.Created.UTC()}
	if r.AcceptedAssets != nil {
		l.AcceptedAssets = []string(r.AcceptedAssets)
	}
	if err := json.Unmarshal(r.LineItems, &l.LineItems); err != nil {
		return l, fmt.Errorf("decode line items of %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Metadata, &l.Metadata); err != nil {
		return l, fmt.Errorf("decode metadata of %s: %w", r.ID, err)
	}
	return l, nil
}

// linkArgs are the columns a write stores, from $2 on (id is $1).
func linkArgs(l paymentlink.Link) ([]any, error) {
	items, err := jsonArg(l.LineItems)
	if err != nil {
		return nil, err
	}
	md, err := jsonArg(l.Metadata)
	if err != nil {
		return nil, err
	}
	var assets any
	if l.AcceptedAssets != nil {
		assets = pq.Array(l.AcceptedAssets)
	}
	return []any{l.ID, l.Active, items, pq.Array(l.PriceIDs()), l.Currency, md, l.AfterCompletion, nullable(l.RedirectURL),
		nullable(l.ConfirmationMessage), sql.NullInt64{Int64: l.CompletedLimit, Valid: l.CompletedLimit > 0}, assets,
		sql.NullInt64{Int64: int64(l.ExpiresAfter / time.Second), Valid: l.ExpiresAfter > 0}}, nil
}

// PaymentLinks implements paymentlink.Store.
type PaymentLinks struct{ db *DB }

// NewPaymentLinks returns the payment links repository of db.
func NewPaymentLinks(db *DB) *PaymentLinks { return &PaymentLinks{db: db} }

// CreateLink stores a link and its events.
func (r *PaymentLinks) CreateLink(ctx context.Context, l paymentlink.Link, events []event.Event) error {
	args, err := linkArgs(l)
	if err != nil {
		return err
	}
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO payment_links (id, active, line_items, price_ids, currency, metadata,
			after_completion, redirect_url, confirmation_message, completed_limit, accepted_assets, expires_after_seconds,
			merchant_id, livemode, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			append(args, l.MerchantID, l.Livemode, l.Created)...)
		if err != nil {
			return unavailable("insert payment link "+l.ID, err)
		}
		return insertEvents(ctx, tx, events)
	})
}

// GetLink returns one of the caller's links.
func (r *PaymentLinks) GetLink(ctx context.Context, merchantID string, livemode bool, id string) (paymentlink.Link, error) {
	return loadLink(ctx, r.db.pool, id, ` AND merchant_id = $2 AND livemode = $3`, merchantID, livemode)
}

// LoadLink returns a link by ID alone (its public URL).
func (r *PaymentLinks) LoadLink(ctx context.Context, id string) (paymentlink.Link, error) {
	return loadLink(ctx, r.db.pool, id, "")
}

func loadLink(ctx context.Context, q sqlx.QueryerContext, id, where string, args ...any) (paymentlink.Link, error) {
	var row linkRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+linkColumns+` FROM payment_links WHERE id = $1`+where, append([]any{id}, args...)...)
	if isNoRows(err) {
		return paymentlink.Link{}, apperr.NotFound("payment_link", id)
	}
	if err != nil {
		return paymentlink.Link{}, unavailable("load payment link "+id, err)
	}
	return row.link()
}

// UpdateLink applies change under the row lock and records the events it returns;
// completed_sessions is never written here (completions raise it themselves, see
// countLinkCompletion).
func (r *PaymentLinks) UpdateLink(ctx context.Context, merchantID string, livemode bool, id string,
	change func(*paymentlink.Link) ([]event.Event, error)) (paymentlink.Link, error) {
	var out paymentlink.Link
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		l, err := loadLink(ctx, tx, id, ` AND merchant_id = $2 AND livemode = $3 FOR UPDATE`, merchantID, livemode)
		if err != nil {
			return err
		}
		events, err := change(&l)
		if err != nil {
			return err
		}
		args, err := linkArgs(l)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_links SET active = $2, line_items = $3, price_ids = $4, currency = $5,
			metadata = $6, after_completion = $7, redirect_url = $8, confirmation_message = $9, completed_limit = $10,
			accepted_assets = $11, expires_after_seconds = $12 WHERE id = $1`, args...); err != nil {
			return unavailable("update payment link "+id, err)
		}
		out = l
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// ListLinks pages through the caller's links, newest first.
func (r *PaymentLinks) ListLinks(ctx context.Context, q paymentlink.Query) (paging.Page[paymentlink.Link], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.Active != nil {
		f.add("active = ?", *q.Active)
	}
	spec := listSpec{table: "payment_links", columns: linkColumns, object: "payment_link"}
	return listPage(ctx, r.db, spec, f, q.Page, linkRow.link)
}

// countLinkCompletion raises the link's count of completed sessions in the completing
// transaction: an atomic increment, so concurrent completions are all counted.
func countLinkCompletion(ctx context.Context, tx *sqlx.Tx, linkID string) error {
	_, err := tx.ExecContext(ctx, `UPDATE payment_links SET completed_sessions = completed_sessions + 1 WHERE id = $1`, linkID)
	return unavailableIf("count completion of "+linkID, err)
}
