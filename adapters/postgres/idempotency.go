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

// requestTx is an idempotent request's transaction: store methods called with its context
// join it, and hooks run once it has committed.
type requestTx struct {
	tx    *sqlx.Tx
	hooks []func(context.Context)
}

type txKey struct{}

func requestTxOf(ctx context.Context) (*requestTx, bool) {
	rt, ok := ctx.Value(txKey{}).(*requestTx)
	return rt, ok
}

// keyWait bounds how long a request waits for another holding the same key.
const keyWait = 10 * time.Second

// claimSQL takes the key: a new key, one whose record expired, or (takeover) an AroundCall
// claim whose holder did not finish within the lease. It returns no row when the key is held.
// Its source row sets the transaction's lock_timeout ($8) before the insert can wait on the
// holder's lock: one round trip instead of a SET LOCAL and then the INSERT.
const claimSQL = `
	INSERT INTO idempotency_keys AS k (merchant_id, livemode, key, fingerprint, created_at, locked_at)
	SELECT $1::text, $2::boolean, $3::text, $4::text, $5::timestamptz, $5::timestamptz
	FROM (SELECT set_config('lock_timeout', $8::text, true)) AS wait
	WHERE true
	ON CONFLICT (merchant_id, livemode, key) DO UPDATE
		SET fingerprint = EXCLUDED.fingerprint, status_code = NULL, response_body = NULL,
		    created_at = EXCLUDED.created_at, locked_at = EXCLUDED.locked_at
		WHERE k.created_at < $6
		   OR (k.status_code IS NULL AND k.locked_at < $7 AND k.fingerprint = EXCLUDED.fingerprint)
	RETURNING true`

// Idempotency implements idempotency.Store. In InTransaction mode the request's transaction
// travels in the context: the other repositories' writes join it (DB.inTx) and their
// after-commit hooks wait for it (DB.afterCommit).
type Idempotency struct {
	db   *DB
	wait time.Duration // how long a claim waits for the key's holder (keyWait; tests shorten it)
}

// NewIdempotency returns the idempotency keys repository of db.
func NewIdempotency(db *DB) *Idempotency { return &Idempotency{db: db, wait: keyWait} }

// Run executes fn under the key in the given mode (see idempotency.Mode).
func (r *Idempotency) Run(ctx context.Context, sc idempotency.Scope, key, fp string, now time.Time, mode idempotency.Mode,
	fn func(context.Context) idempotency.Response) (idempotency.Outcome, idempotency.Response, error) {
	if mode == idempotency.AroundCall {
		return r.runAroundCall(ctx, sc, key, fp, now, fn)
	}
	return r.runInTransaction(ctx, sc, key, fp, now, fn)
}

// runInTransaction claims the key, runs fn in the same transaction and stores its response
// with its writes; a second request with the key blocks on the claim's row lock.
func (r *Idempotency) runInTransaction(ctx context.Context, sc idempotency.Scope, key, fp string, now time.Time,
	fn func(context.Context) idempotency.Response) (idempotency.Outcome, idempotency.Response, error) {
	r.db.stmts.warm(ctx) // before this request holds a connection
	tx, err := r.db.pool.BeginTxx(ctx, nil)
	if err != nil {
		return 0, idempotency.Response{}, unavailable("begin transaction", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	outcome, stored, err := r.claim(ctx, tx, sc, key, fp, now)
	if err != nil || outcome != idempotency.Executed {
		return outcome, stored, err
	}
	rt := &requestTx{tx: tx}
	res := fn(context.WithValue(ctx, txKey{}, rt))
	if !res.Succeeded() {
		_ = tx.Rollback() // none of a failed request's writes stay
		if res.Kept() {
			r.keepFailure(ctx, sc, key, fp, now, res)
		}
		return idempotency.Executed, res, nil
	}
	if err := r.storeResponse(ctx, tx, sc, key, res); err != nil {
		return 0, idempotency.Response{}, err
	}
	if err := tx.Commit(); err != nil {
		return 0, idempotency.Response{}, unavailable("commit", fmt.Errorf("idempotent request: %w", err))
	}
	for _, hook := range rt.hooks {
		hook(ctx)
	}
	return idempotency.Executed, res, nil
}

// runAroundCall commits the claim, runs fn outside any transaction, then keeps its response
// (or frees the key if it failed). No transaction is open while fn waits on a workflow.
func (r *Idempotency) runAroundCall(ctx context.Context, sc idempotency.Scope, key, fp string, now time.Time,
	fn func(context.Context) idempotency.Response) (idempotency.Outcome, idempotency.Response, error) {
	var outcome idempotency.Outcome
	var stored idempotency.Response
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		outcome, stored, err = r.claim(ctx, tx, sc, key, fp, now)
		return err
	})
	if err != nil || outcome != idempotency.Executed {
		return outcome, stored, err
	}
	res := fn(idempotency.WithKey(ctx, idempotency.Key{Scope: sc, Value: key}))
	done := context.WithoutCancel(ctx) // a client that hung up must not leave the key claimed
	err = r.db.inTx(done, func(tx *sqlx.Tx) error {
		if res.Kept() {
			return r.storeResponse(done, tx, sc, key, res)
		}
		_, err := tx.ExecContext(done, `DELETE FROM idempotency_keys WHERE merchant_id = $1 AND livemode = $2 AND key = $3
			AND status_code IS NULL`, sc.MerchantID, sc.Livemode, key)
		return unavailableIf("release idempotency key", err)
	})
	if err != nil {
		return 0, idempotency.Response{}, err
	}
	return idempotency.Executed, res, nil
}

// keepFailure stores a failed request's response for replay once its writes have rolled
// back: the key is claimed again in a transaction of its own. Should another request have
// taken the key meanwhile, or the database refuse, the key is simply left as it is: the
// client still gets this response, and a retry executes again, which a rolled-back request
// makes harmless.
func (r *Idempotency) keepFailure(ctx context.Context, sc idempotency.Scope, key, fp string, now time.Time, res idempotency.Response) {
	done := context.WithoutCancel(ctx) // the response stands even if the client hung up
	_ = r.db.inTx(done, func(tx *sqlx.Tx) error {
		outcome, _, err := r.claim(done, tx, sc, key, fp, now)
		if err != nil || outcome != idempotency.Executed {
			return errKeyTaken
		}
		return r.storeResponse(done, tx, sc, key, res)
	})
}

var errKeyTaken = errors.New("idempotency key taken meanwhile")

// claim takes the key inside tx (Executed), or says why not: a stored response to replay, a
// mismatch, or another request holding it.
func (r *Idempotency) claim(ctx context.Context, tx *sqlx.Tx, sc idempotency.Scope, key, fp string, now time.Time) (idempotency.Outcome, idempotency.Response, error) {
	none := idempotency.Response{}
	var claimed bool
	err := r.db.stmts.queryRow(ctx, tx, claimSQL, sc.MerchantID, sc.Livemode, key, fp, now,
		now.Add(-idempotency.TTL), now.Add(-idempotency.Lease), fmt.Sprintf("%dms", r.wait.Milliseconds())).Scan(&claimed)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "55P03" { // lock_not_available: the holder is slow
		return idempotency.InProgress, none, nil
	}
	if err != nil && !isNoRows(err) {
		return 0, none, unavailable("claim idempotency key", err)
	}
	if claimed {
		return idempotency.Executed, none, nil
	}
	var storedFP string
	var status sql.NullInt64
	var body []byte
	if err := tx.QueryRowxContext(ctx, `SELECT fingerprint, status_code, response_body FROM idempotency_keys
		WHERE merchant_id = $1 AND livemode = $2 AND key = $3`, sc.MerchantID, sc.Livemode, key).
		Scan(&storedFP, &status, &body); err != nil {
		return 0, none, unavailable("read idempotency key", err)
	}
	switch {
	case storedFP != fp:
		return idempotency.Mismatch, none, nil
	case !status.Valid: // claimed by a request that calls a workflow, still within its lease
		return idempotency.InProgress, none, nil
	}
	return idempotency.Replay, idempotency.Response{StatusCode: int(status.Int64), Body: body}, nil
}

const storeResponseSQL = `UPDATE idempotency_keys SET status_code = $4, response_body = $5
	WHERE merchant_id = $1 AND livemode = $2 AND key = $3`

// storeResponse keeps a response for replay, without the secrets it showed.
func (r *Idempotency) storeResponse(ctx context.Context, tx *sqlx.Tx, sc idempotency.Scope, key string, res idempotency.Response) error {
	err := r.db.stmts.exec(ctx, tx, storeResponseSQL, sc.MerchantID, sc.Livemode, key, res.StatusCode, idempotency.Redact(res.Body))
	return unavailableIf("store idempotent response", err)
}
