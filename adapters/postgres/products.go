package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
)

const productColumns = `seq, id, merchant_id, livemode, name, description, images, active, metadata,
	default_price, created_at, updated_at`

type productRow struct {
	Seq          int64     `db:"seq"`
	ID           string    `db:"id"`
	MerchantID   string    `db:"merchant_id"`
	Livemode     bool      `db:"livemode"`
	Name         string    `db:"name"`
	Description  string    `db:"description"`
	Images       []byte    `db:"images"`
	Active       bool      `db:"active"`
	Metadata     []byte    `db:"metadata"`
	DefaultPrice *string   `db:"default_price"`
	Created      time.Time `db:"created_at"`
	Updated      time.Time `db:"updated_at"`
}

func (r productRow) product() (catalog.Product, error) {
	p := catalog.Product{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Name: r.Name, Description: r.Description,
		Active: r.Active, Created: r.Created.UTC(), Updated: r.Updated.UTC()}
	if r.DefaultPrice != nil {
		p.DefaultPrice = *r.DefaultPrice
	}
	if err := json.Unmarshal(r.Images, &p.Images); err != nil {
		return p, fmt.Errorf("decode images of %s: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Metadata, &p.Metadata); err != nil {
		return p, fmt.Errorf("decode metadata of %s: %w", r.ID, err)
	}
	return p, nil
}

// Products implements catalog.Products.
type Products struct{ db *DB }

// NewProducts returns the products repository of db.
func NewProducts(db *DB) *Products { return &Products{db: db} }

// CreateProduct writes the product, then its default price, and their events in one transaction.
func (r *Products) CreateProduct(ctx context.Context, p catalog.Product, defaultPrice *catalog.Price, events []event.Event) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := insertProduct(ctx, tx, p); err != nil {
			return err
		}
		if defaultPrice != nil {
			if err := insertPrice(ctx, tx, *defaultPrice); err != nil {
				return err
			}
		}
		return insertEvents(ctx, tx, events)
	})
}

func insertProduct(ctx context.Context, tx *sqlx.Tx, p catalog.Product) error {
	images, md, err := productJSON(p)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO products (id, merchant_id, livemode, name, description, images, active,
		metadata, default_price, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, p.MerchantID, p.Livemode, p.Name, p.Description, images, p.Active, md, nullable(p.DefaultPrice), p.Created, p.Updated)
	return unavailableIf("insert product "+p.ID, err)
}

func productJSON(p catalog.Product) (images, md string, err error) {
	if images, err = jsonArg(append([]string{}, p.Images...)); err != nil {
		return "", "", err
	}
	md, err = jsonArg(p.Metadata)
	return images, md, err
}

// GetProduct returns one of the caller's products.
func (r *Products) GetProduct(ctx context.Context, merchantID string, livemode bool, id string) (catalog.Product, error) {
	return loadProduct(ctx, r.db.pool, merchantID, livemode, id, "")
}

// loadProduct reads a product of the scope; lock is "" or a locking clause.
func loadProduct(ctx context.Context, q sqlx.QueryerContext, merchantID string, livemode bool, id, lock string) (catalog.Product, error) {
	var row productRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+productColumns+` FROM products
		WHERE id = $1 AND merchant_id = $2 AND livemode = $3 `+lock, id, merchantID, livemode)
	if isNoRows(err) {
		return catalog.Product{}, apperr.NotFound("product", id)
	}
	if err != nil {
		return catalog.Product{}, unavailable("load product "+id, err)
	}
	return row.product()
}

// UpdateProduct applies change under the row lock (NO KEY: sessions being created with the
// product hold a KEY SHARE lock on it and need not wait).
func (r *Products) UpdateProduct(ctx context.Context, merchantID string, livemode bool, id string,
	change func(*catalog.Product) ([]event.Event, error)) (catalog.Product, error) {
	var out catalog.Product
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		p, err := loadProduct(ctx, tx, merchantID, livemode, id, "FOR NO KEY UPDATE")
		if err != nil {
			return err
		}
		events, err := change(&p)
		if err != nil {
			return err
		}
		images, md, err := productJSON(p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE products SET name = $2, description = $3, images = $4, active = $5,
			metadata = $6, default_price = $7, updated_at = $8 WHERE id = $1`,
			p.ID, p.Name, p.Description, images, p.Active, md, nullable(p.DefaultPrice), p.Updated); err != nil {
			return unavailable("update product "+id, err)
		}
		out = p
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// DeleteProduct takes the row lock that sessions' KEY SHARE locks conflict with, so no session
// can be selling it while its usage is counted, then deletes it with its prices and records
// the events check returns.
func (r *Products) DeleteProduct(ctx context.Context, merchantID string, livemode bool, id string,
	check func(catalog.Product, catalog.Usage) ([]event.Event, error)) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		p, err := loadProduct(ctx, tx, merchantID, livemode, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		var u catalog.Usage
		if err := tx.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM checkout_line_items WHERE product_id = $1)`,
			id).Scan(&u.Sold); err != nil {
			return unavailable("count sales of "+id, err)
		}
		if u.Links, err = linksSelling(ctx, tx, id); err != nil {
			return err
		}
		var rows []priceRow
		if err := sqlx.SelectContext(ctx, tx, &rows, `SELECT `+priceColumns+` FROM prices WHERE product_id = $1 ORDER BY seq`, id); err != nil {
			return unavailable("load prices of "+id, err)
		}
		for _, row := range rows {
			pr, err := row.price()
			if err != nil {
				return err
			}
			u.Prices = append(u.Prices, pr)
		}
		events, err := check(p, u)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM products WHERE id = $1`, id); err != nil {
			return unavailable("delete product "+id, err)
		}
		return insertEvents(ctx, tx, events)
	})
}

// ListProducts pages through the caller's products, newest first.
func (r *Products) ListProducts(ctx context.Context, q catalog.ProductQuery) (paging.Page[catalog.Product], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.Active != nil {
		f.add("active = ?", *q.Active)
	}
	if len(q.IDs) > 0 {
		f.add("id = ANY(?)", pq.Array(q.IDs))
	}
	spec := listSpec{table: "products", columns: productColumns, object: "product"}
	return listPage(ctx, r.db, spec, f, q.Page, productRow.product)
}

// linksSelling counts the payment links that sell one of the product's prices.
func linksSelling(ctx context.Context, tx *sqlx.Tx, productID string) (int, error) {
	var n int
	err := tx.QueryRowxContext(ctx, `SELECT count(*) FROM payment_links
		WHERE price_ids && ARRAY(SELECT id FROM prices WHERE product_id = $1)`, productID).Scan(&n)
	return n, unavailableIf("count links selling "+productID, err)
}
