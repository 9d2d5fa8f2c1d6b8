package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
)

const priceColumns = `seq, id, merchant_id, livemode, product_id, currency, unit_amount, unit_amount_decimal, type,
	recurring_interval, recurring_interval_count, active, lookup_key, metadata, created_at`

type priceRow struct {
	Seq           int64           `db:"seq"`
	ID            string          `db:"id"`
	MerchantID    string          `db:"merchant_id"`
	Livemode      bool            `db:"livemode"`
	ProductID     string          `db:"product_id"`
	Currency      string          `db:"currency"`
	UnitAmount    sql.NullInt64   `db:"unit_amount"`
	UnitDecimal   decimal.Decimal `db:"unit_amount_decimal"`
	Type          string          `db:"type"`
	Interval      sql.NullString  `db:"recurring_interval"`
	IntervalCount sql.NullInt64   `db:"recurring_interval_count"`
	Active        bool            `db:"active"`
	LookupKey     sql.NullString  `db:"lookup_key"`
	Metadata      []byte          `db:"metadata"`
	Created       time.Time       `db:"created_at"`
}

func (r priceRow) price() (catalog.Price, error) {
	p := catalog.Price{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, ProductID: r.ProductID, Currency: r.Currency,
		UnitAmountDecimal: r.UnitDecimal, Type: catalog.PriceType(r.Type), Active: r.Active, LookupKey: r.LookupKey.String,
		Created: r.Created.UTC()}
	if r.UnitAmount.Valid {
		v := r.UnitAmount.Int64
		p.UnitAmount = &v
	}
	if r.Interval.Valid {
		p.Recurring = &catalog.RecurringTerms{Interval: catalog.Interval(r.Interval.String), IntervalCount: r.IntervalCount.Int64}
	}
	if err := json.Unmarshal(r.Metadata, &p.Metadata); err != nil {
		return p, fmt.Errorf("decode metadata of %s: %w", r.ID, err)
	}
	return p, nil
}

// Prices implements catalog.Prices and checkout.Library.
type Prices struct{ db *DB }

// NewPrices returns the prices repository of db.
func NewPrices(db *DB) *Prices { return &Prices{db: db} }

func insertPrice(ctx context.Context, tx *sqlx.Tx, p catalog.Price) error {
	md, err := jsonArg(p.Metadata)
	if err != nil {
		return err
	}
	var unit any
	if p.UnitAmount != nil {
		unit = *p.UnitAmount
	}
	var interval sql.NullString
	var count sql.NullInt64
	if p.Recurring != nil {
		interval = sql.NullString{String: string(p.Recurring.Interval), Valid: true}
		count = sql.NullInt64{Int64: p.Recurring.IntervalCount, Valid: true}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO prices (id, merchant_id, livemode, product_id, currency, unit_amount,
		unit_amount_decimal, type, recurring_interval, recurring_interval_count, active, lookup_key, metadata, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		p.ID, p.MerchantID, p.Livemode, p.ProductID, p.Currency, unit, p.UnitAmountDecimal, string(p.Type), interval, count,
		p.Active, nullable(p.LookupKey), md, p.Created)
	return lookupKeyTaken(err, "insert price "+p.ID)
}

// lookupKeyTaken turns the lookup-key index's violation into Stripe's 400.
func lookupKeyTaken(err error, what string) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == "prices_lookup_key" {
		return apperr.Invalid("lookup_key", "lookup_key_in_use",
			"A price with this lookup_key already exists; pass transfer_lookup_key=true to move it to this price.")
	}
	return unavailableIf(what, err)
}

// freeLookupKey takes key from any other price of the scope (transfer_lookup_key).
func freeLookupKey(ctx context.Context, tx *sqlx.Tx, p catalog.Price) error {
	if p.LookupKey == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE prices SET lookup_key = NULL
		WHERE merchant_id = $1 AND livemode = $2 AND lookup_key = $3 AND id <> $4`, p.MerchantID, p.Livemode, p.LookupKey, p.ID)
	return unavailableIf("transfer lookup key", err)
}

// CreatePrice writes the price (and its new product first) and their events in one transaction.
func (r *Prices) CreatePrice(ctx context.Context, p catalog.Price, newProduct *catalog.Product, transfer bool, events []event.Event) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if newProduct != nil {
			if err := insertProduct(ctx, tx, *newProduct); err != nil {
				return err
			}
		}
		if transfer {
			if err := freeLookupKey(ctx, tx, p); err != nil {
				return err
			}
		}
		if err := insertPrice(ctx, tx, p); err != nil {
			return err
		}
		return insertEvents(ctx, tx, events)
	})
}

// GetPrice returns one of the caller's prices.
func (r *Prices) GetPrice(ctx context.Context, merchantID string, livemode bool, id string) (catalog.Price, error) {
	return loadPrice(ctx, r.db.pool, merchantID, livemode, id, "")
}

func loadPrice(ctx context.Context, q sqlx.QueryerContext, merchantID string, livemode bool, id, lock string) (catalog.Price, error) {
	var row priceRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+priceColumns+` FROM prices
		WHERE id = $1 AND merchant_id = $2 AND livemode = $3 `+lock, id, merchantID, livemode)
	if isNoRows(err) {
		return catalog.Price{}, apperr.NotFound("price", id)
	}
	if err != nil {
		return catalog.Price{}, unavailable("load price "+id, err)
	}
	return row.price()
}

// UpdatePrice applies change under the row lock and saves what a price may change, with the
// events change returns.
func (r *Prices) UpdatePrice(ctx context.Context, merchantID string, livemode bool, id string,
	change func(*catalog.Price) ([]event.Event, error), transfer bool) (catalog.Price, error) {
	var out catalog.Price
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		p, err := loadPrice(ctx, tx, merchantID, livemode, id, "FOR NO KEY UPDATE")
		if err != nil {
			return err
		}
		events, err := change(&p)
		if err != nil {
			return err
		}
		if transfer {
			if err := freeLookupKey(ctx, tx, p); err != nil {
				return err
			}
		}
		md, err := jsonArg(p.Metadata)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE prices SET active = $2, lookup_key = $3, metadata = $4 WHERE id = $1`,
			p.ID, p.Active, nullable(p.LookupKey), md)
		if err := lookupKeyTaken(err, "update price "+id); err != nil {
			return err
		}
		out = p
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// ListPrices pages through the caller's prices, newest first.
func (r *Prices) ListPrices(ctx context.Context, q catalog.PriceQuery) (paging.Page[catalog.Price], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.Product != "" {
		f.add("product_id = ?", q.Product)
	}
	if q.Active != nil {
		f.add("active = ?", *q.Active)
	}
	if q.Type != "" {
		f.add("type = ?", string(q.Type))
	}
	if q.Currency != "" {
		f.add("currency = ?", q.Currency)
	}
	if len(q.LookupKeys) > 0 {
		f.add("lookup_key = ANY(?)", pq.Array(q.LookupKeys))
	}
	spec := listSpec{table: "prices", columns: priceColumns, object: "price"}
	return listPage(ctx, r.db, spec, f, q.Page, priceRow.price)
}

// ForSale loads the named prices and products of the scope, each price's product and each
// product's default price.
func (r *Prices) ForSale(ctx context.Context, merchantID string, livemode bool, priceIDs, productIDs []string) (catalog.Listing, error) {
	lib := catalog.Listing{Prices: map[string]catalog.Price{}, Products: map[string]catalog.Product{}}
	var prows []priceRow
	if err := r.db.pool.SelectContext(ctx, &prows, `SELECT `+priceColumns+` FROM prices
		WHERE merchant_id = $1 AND livemode = $2 AND (id = ANY($3) OR id IN (SELECT default_price FROM products
			WHERE merchant_id = $1 AND livemode = $2 AND id = ANY($4)))`,
		merchantID, livemode, pq.Array(priceIDs), pq.Array(productIDs)); err != nil {
		return lib, unavailable("load prices for sale", err)
	}
	for _, row := range prows {
		p, err := row.price()
		if err != nil {
			return lib, err
		}
		lib.Prices[p.ID] = p
		productIDs = append(productIDs, p.ProductID)
	}
	var rows []productRow
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT `+productColumns+` FROM products
		WHERE merchant_id = $1 AND livemode = $2 AND id = ANY($3)`, merchantID, livemode, pq.Array(productIDs)); err != nil {
		return lib, unavailable("load products for sale", err)
	}
	for _, row := range rows {
		p, err := row.product()
		if err != nil {
			return lib, err
		}
		lib.Products[p.ID] = p
	}
	return lib, nil
}
