package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/idempotency"
)

// txKey carries a request's transaction: store methods called with that context join it.
type txKey struct{}

// keyWait bounds how long a request waits for another holding the same key.
const keyWait = "10s"

// Run claims the key, runs fn in the same transaction and stores its response with its writes.
// A second request with the key blocks on the claim's row lock until the first ends.
func (s *Store) Run(ctx context.Context, sc idempotency.Scope, key, fp string, now time.Time,
	fn func(context.Context) idempotency.Response) (idempotency.Outcome, idempotency.Response, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, idempotency.Response{}, unavailable("begin transaction", err)
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback()
		}
	}()
	if _, err := tx.ExecContext(ctx, `SET LOCAL lock_timeout = '`+keyWait+`'`); err != nil {
		return 0, idempotency.Response{}, unavailable("set lock timeout", err)
	}
	var claimed bool
	err = tx.QueryRowxContext(ctx, `
		INSERT INTO idempotency_keys AS k (merchant_id, livemode, key, fingerprint, created_at, locked_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (merchant_id, livemode, key) DO UPDATE
			SET fingerprint = EXCLUDED.fingerprint, status_code = NULL, response_body = NULL,
			    created_at = EXCLUDED.created_at, locked_at = EXCLUDED.locked_at
			WHERE k.created_at < $6
		RETURNING true`, sc.MerchantID, sc.Livemode, key, fp, now, now.Add(-idempotency.TTL)).Scan(&claimed)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "55P03" { // lock_not_available: the holder is slow
		return idempotency.InProgress, idempotency.Response{}, nil
	}
	if err != nil && !isNoRows(err) {
		return 0, idempotency.Response{}, unavailable("claim idempotency key", err)
	}
	if !claimed { // a committed, unexpired first response exists
		var storedFP string
		var status sql.NullInt64
		var body []byte
		if err := tx.QueryRowxContext(ctx, `SELECT fingerprint, status_code, response_body FROM idempotency_keys
			WHERE merchant_id = $1 AND livemode = $2 AND key = $3`, sc.MerchantID, sc.Livemode, key).
			Scan(&storedFP, &status, &body); err != nil {
			return 0, idempotency.Response{}, unavailable("read idempotency key", err)
		}
		if storedFP != fp {
			return idempotency.Mismatch, idempotency.Response{}, nil
		}
		return idempotency.Replay, idempotency.Response{StatusCode: int(status.Int64), Body: body}, nil
	}
	res := fn(context.WithValue(ctx, txKey{}, tx))
	if !res.Succeeded() {
		return idempotency.Executed, res, nil // rolled back by the deferred call: nothing stays
	}
	if _, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status_code = $4, response_body = $5
		WHERE merchant_id = $1 AND livemode = $2 AND key = $3`, sc.MerchantID, sc.Livemode, key, res.StatusCode, res.Body); err != nil {
		return 0, idempotency.Response{}, unavailable("store idempotent response", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, idempotency.Response{}, unavailable("commit", fmt.Errorf("idempotent request: %w", err))
	}
	committed = true
	return idempotency.Executed, res, nil
}

// requestTx is the request's transaction, if the caller runs under one.
func requestTx(ctx context.Context) (*sqlx.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(*sqlx.Tx)
	return tx, ok
}
