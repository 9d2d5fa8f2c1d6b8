package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
)

// Merchants implements merchant.Store and checkout.MerchantNames: merchants and their API keys.
type Merchants struct{ db *DB }

// NewMerchants returns the merchants repository of db.
func NewMerchants(db *DB) *Merchants { return &Merchants{db: db} }

// CreateMerchant writes a merchant and its first key together.
func (r *Merchants) CreateMerchant(ctx context.Context, m merchant.Merchant, key merchant.APIKey) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO merchants (id, name, xpub, created_at) VALUES ($1, $2, $3, $4)`,
			m.ID, m.Name, m.XPub, m.CreatedAt); err != nil {
			return fmt.Errorf("insert merchant %s: %w", m.ID, err)
		}
		return insertKey(ctx, tx, key)
	})
}

// AddKey stores another key for an existing merchant.
func (r *Merchants) AddKey(ctx context.Context, key merchant.APIKey) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error { return insertKey(ctx, tx, key) })
}

func insertKey(ctx context.Context, tx *sqlx.Tx, k merchant.APIKey) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO api_keys (id, merchant_id, livemode, key_hash, hint, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.MerchantID, k.Livemode, k.Hash, k.Hint, k.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert api key for %s: %w", k.MerchantID, err)
	}
	return nil
}

// CallerByKeyHash resolves an active key.
func (r *Merchants) CallerByKeyHash(ctx context.Context, hash string) (merchant.Caller, error) {
	var c merchant.Caller
	err := r.db.pool.QueryRowxContext(ctx, `
		SELECT k.merchant_id, m.name, k.livemode, k.id
		FROM api_keys k JOIN merchants m ON m.id = k.merchant_id
		WHERE k.key_hash = $1 AND k.revoked_at IS NULL`, hash).
		Scan(&c.MerchantID, &c.MerchantName, &c.Livemode, &c.KeyID)
	if isNoRows(err) {
		return merchant.Caller{}, apperr.NotFound("api_key", "")
	}
	if err != nil {
		return merchant.Caller{}, unavailable("look up api key", err)
	}
	return c, nil
}

// GetMerchant returns a merchant by ID.
func (r *Merchants) GetMerchant(ctx context.Context, id string) (merchant.Merchant, error) {
	var m merchant.Merchant
	err := r.db.pool.QueryRowxContext(ctx, `SELECT id, name, xpub, created_at FROM merchants WHERE id = $1`, id).
		Scan(&m.ID, &m.Name, &m.XPub, &m.CreatedAt)
	if isNoRows(err) {
		return m, apperr.NotFound("account", id)
	}
	if err != nil {
		return m, unavailable("load merchant "+id, err)
	}
	return m, nil
}

// MerchantName implements checkout.MerchantNames.
func (r *Merchants) MerchantName(ctx context.Context, id string) (string, error) {
	m, err := r.GetMerchant(ctx, id)
	return m.Name, err
}
