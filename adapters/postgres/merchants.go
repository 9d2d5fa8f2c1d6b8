package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
)

// Merchants implements merchant.Store and checkout.MerchantNames: merchants and their API keys.
type Merchants struct{ db *DB }

// NewMerchants returns the merchants repository of db.
func NewMerchants(db *DB) *Merchants { return &Merchants{db: db} }

// CreateMerchant writes a merchant and its first keys together.
func (r *Merchants) CreateMerchant(ctx context.Context, m merchant.Merchant, keys []merchant.APIKey) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO merchants (id, name, xpub, created_at) VALUES ($1, $2, $3, $4)`,
			m.ID, m.Name, m.XPub, m.CreatedAt); err != nil {
			return fmt.Errorf("insert merchant %s: %w", m.ID, err)
		}
		for _, k := range keys {
			if err := insertKey(ctx, tx, k); err != nil {
				return err
			}
		}
		return nil
	})
}

func insertKey(ctx context.Context, tx *sqlx.Tx, k merchant.APIKey) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, merchant_id, livemode, key_hash, hint, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, k.MerchantID, k.Livemode, k.Hash, k.Hint, k.CreatedAt, k.ExpiresAt)
	if err != nil {
		return fmt.Errorf("insert api key for %s: %w", k.MerchantID, err)
	}
	return nil
}

// keyRow is an api_keys row.
type keyRow struct {
	ID         string     `db:"id"`
	MerchantID string     `db:"merchant_id"`
	Livemode   bool       `db:"livemode"`
	Hash       string     `db:"key_hash"`
	Hint       string     `db:"hint"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  *time.Time `db:"expires_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
}

const keyColumns = `k.id, k.merchant_id, k.livemode, k.key_hash, k.hint, k.created_at, k.expires_at, k.revoked_at`

func (r keyRow) key() merchant.APIKey {
	return merchant.APIKey{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Hash: r.Hash, Hint: r.Hint,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, RevokedAt: r.RevokedAt}
}

// KeyByHash returns a key and its caller, whatever the key's state: core decides whether it works.
func (r *Merchants) KeyByHash(ctx context.Context, hash string) (merchant.Credential, error) {
	var row struct {
		keyRow
		Name string `db:"name"`
	}
	err := r.db.pool.GetContext(ctx, &row, `SELECT `+keyColumns+`, m.name
		FROM api_keys k JOIN merchants m ON m.id = k.merchant_id WHERE k.key_hash = $1`, hash)
	if isNoRows(err) {
		return merchant.Credential{}, apperr.NotFound("api_key", "")
	}
	if err != nil {
		return merchant.Credential{}, unavailable("look up api key", err)
	}
	return merchant.Credential{Key: row.key(), Caller: merchant.Caller{MerchantID: row.MerchantID,
		MerchantName: row.Name, Livemode: row.Livemode, KeyID: row.ID}}, nil
}

// ListKeys returns every key, oldest first.
func (r *Merchants) ListKeys(ctx context.Context) ([]merchant.APIKey, error) {
	var rows []keyRow
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT `+keyColumns+` FROM api_keys k ORDER BY k.created_at, k.id`); err != nil {
		return nil, unavailable("list api keys", err)
	}
	keys := make([]merchant.APIKey, len(rows))
	for i, row := range rows {
		keys[i] = row.key()
	}
	return keys, nil
}

// RollKey locks the merchant and its keys of fresh's mode, saves the expiry of the keys retire
// returns, inserts fresh and records retire's events, in one transaction.
func (r *Merchants) RollKey(ctx context.Context, fresh merchant.APIKey,
	retire func([]merchant.APIKey) ([]merchant.APIKey, []event.Event, error)) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var id string
		err := tx.QueryRowxContext(ctx, `SELECT id FROM merchants WHERE id = $1 FOR UPDATE`, fresh.MerchantID).Scan(&id)
		if isNoRows(err) {
			return apperr.NotFound("account", fresh.MerchantID)
		}
		if err != nil {
			return unavailable("lock merchant "+fresh.MerchantID, err)
		}
		var rows []keyRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+keyColumns+` FROM api_keys k
			WHERE k.merchant_id = $1 AND k.livemode = $2 ORDER BY k.created_at, k.id FOR UPDATE`,
			fresh.MerchantID, fresh.Livemode); err != nil {
			return unavailable("lock api keys of "+fresh.MerchantID, err)
		}
		keys := make([]merchant.APIKey, len(rows))
		for i, row := range rows {
			keys[i] = row.key()
		}
		retired, events, err := retire(keys)
		if err != nil {
			return err
		}
		for _, k := range retired {
			if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET expires_at = $2 WHERE id = $1`, k.ID, k.ExpiresAt); err != nil {
				return fmt.Errorf("expire api key %s: %w", k.ID, err)
			}
		}
		if err := insertKey(ctx, tx, fresh); err != nil {
			return err
		}
		return insertEvents(ctx, tx, events)
	})
}

// MerchantKeys returns the merchant's keys of a mode, whatever their state, oldest first.
func (r *Merchants) MerchantKeys(ctx context.Context, merchantID string, livemode bool) ([]merchant.APIKey, error) {
	var rows []keyRow
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT `+keyColumns+` FROM api_keys k
		WHERE k.merchant_id = $1 AND k.livemode = $2 ORDER BY k.created_at, k.id`, merchantID, livemode); err != nil {
		return nil, unavailable("list api keys of "+merchantID, err)
	}
	keys := make([]merchant.APIKey, len(rows))
	for i, row := range rows {
		keys[i] = row.key()
	}
	return keys, nil
}

// RevokeKey locks the merchant's keys of the mode (as RollKey does, so a roll and a revocation
// never both count the same key as the one left), lets revoke choose, and saves its revocation
// with revoke's events.
func (r *Merchants) RevokeKey(ctx context.Context, merchantID string, livemode bool,
	revoke func([]merchant.APIKey) (merchant.APIKey, []event.Event, error)) error {
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var id string
		err := tx.QueryRowxContext(ctx, `SELECT id FROM merchants WHERE id = $1 FOR UPDATE`, merchantID).Scan(&id)
		if isNoRows(err) {
			return apperr.NotFound("account", merchantID)
		}
		if err != nil {
			return unavailable("lock merchant "+merchantID, err)
		}
		var rows []keyRow
		if err := tx.SelectContext(ctx, &rows, `SELECT `+keyColumns+` FROM api_keys k
			WHERE k.merchant_id = $1 AND k.livemode = $2 ORDER BY k.created_at, k.id FOR UPDATE`, merchantID, livemode); err != nil {
			return unavailable("lock api keys of "+merchantID, err)
		}
		keys := make([]merchant.APIKey, len(rows))
		for i, row := range rows {
			keys[i] = row.key()
		}
		k, events, err := revoke(keys)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $2 WHERE id = $1`, k.ID, k.RevokedAt); err != nil {
			return fmt.Errorf("revoke api key %s: %w", k.ID, err)
		}
		return insertEvents(ctx, tx, events)
	})
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

// ListMerchants returns every merchant, oldest first.
func (r *Merchants) ListMerchants(ctx context.Context) ([]merchant.Merchant, error) {
	var rows []struct {
		ID        string    `db:"id"`
		Name      string    `db:"name"`
		XPub      string    `db:"xpub"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT id, name, xpub, created_at FROM merchants ORDER BY created_at, id`); err != nil {
		return nil, unavailable("list merchants", err)
	}
	ms := make([]merchant.Merchant, len(rows))
	for i, row := range rows {
		ms[i] = merchant.Merchant{ID: row.ID, Name: row.Name, XPub: row.XPub, CreatedAt: row.CreatedAt}
	}
	return ms, nil
}

// MerchantName implements checkout.MerchantNames.
func (r *Merchants) MerchantName(ctx context.Context, id string) (string, error) {
	m, err := r.GetMerchant(ctx, id)
	return m.Name, err
}
