package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/chaincheckout/checkout/core/idempotency"
)

// Begin claims a key or reports what the key already holds, atomically.
func (s *Store) Begin(ctx context.Context, sc idempotency.Scope, key, fp string, now time.Time) (idempotency.Outcome, idempotency.Response, error) {
	// Claim the key when new, expired, or abandoned by a crashed execution; else read it.
	var (
		claimed  bool
		storedFP string
		status   sql.NullInt64
		body     []byte
	)
	err := s.db.QueryRowxContext(ctx, `
		INSERT INTO idempotency_keys AS k (merchant_id, livemode, key, fingerprint, created_at, locked_at)
		VALUES ($1, $2, $3, $4, $5, $5)
		ON CONFLICT (merchant_id, livemode, key) DO UPDATE
			SET fingerprint = EXCLUDED.fingerprint, status_code = NULL, response_body = NULL,
			    created_at = EXCLUDED.created_at, locked_at = EXCLUDED.locked_at
			WHERE k.created_at < $6 OR (k.status_code IS NULL AND k.locked_at < $7 AND k.fingerprint = EXCLUDED.fingerprint)
		RETURNING true, fingerprint, status_code, response_body`,
		sc.MerchantID, sc.Livemode, key, fp, now, now.Add(-idempotency.TTL), now.Add(-idempotency.StaleLock)).
		Scan(&claimed, &storedFP, &status, &body)
	if err == nil {
		return idempotency.Proceed, idempotency.Response{}, nil
	}
	if !isNoRows(err) {
		return 0, idempotency.Response{}, unavailable("claim idempotency key", err)
	}
	err = s.db.QueryRowxContext(ctx, `SELECT fingerprint, status_code, response_body FROM idempotency_keys
		WHERE merchant_id = $1 AND livemode = $2 AND key = $3`, sc.MerchantID, sc.Livemode, key).
		Scan(&storedFP, &status, &body)
	if isNoRows(err) { // released between our two statements: a fresh claim is the caller's retry
		return idempotency.InProgress, idempotency.Response{}, nil
	}
	if err != nil {
		return 0, idempotency.Response{}, unavailable("read idempotency key", err)
	}
	switch {
	case storedFP != fp:
		return idempotency.Mismatch, idempotency.Response{}, nil
	case !status.Valid:
		return idempotency.InProgress, idempotency.Response{}, nil
	default:
		return idempotency.Replay, idempotency.Response{StatusCode: int(status.Int64), Body: body}, nil
	}
}

// Complete stores the first response.
func (s *Store) Complete(ctx context.Context, sc idempotency.Scope, key string, r idempotency.Response) error {
	_, err := s.db.ExecContext(ctx, `UPDATE idempotency_keys SET status_code = $4, response_body = $5
		WHERE merchant_id = $1 AND livemode = $2 AND key = $3`, sc.MerchantID, sc.Livemode, key, r.StatusCode, r.Body)
	if err != nil {
		return unavailable("store idempotent response", err)
	}
	return nil
}

// Release forgets an unfinished key.
func (s *Store) Release(ctx context.Context, sc idempotency.Scope, key string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM idempotency_keys
		WHERE merchant_id = $1 AND livemode = $2 AND key = $3 AND status_code IS NULL`, sc.MerchantID, sc.Livemode, key)
	if err != nil {
		return unavailable("release idempotency key", err)
	}
	return nil
}
