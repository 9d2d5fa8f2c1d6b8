package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Refunds implements refund.Store. A refund is created under its session's row lock, so the
// refunds of one session are decided one at a time and never exceed what it received.
type Refunds struct{ db *DB }

// NewRefunds returns the refunds repository of db.
func NewRefunds(db *DB) *Refunds { return &Refunds{db: db} }

// CreateRefund lets decide make a refund of the locked session from its payments and refunds,
// and saves it with the session's resolution and the events, in one transaction.
func (r *Refunds) CreateRefund(ctx context.Context, sessionID, refundID string,
	decide func(*checkout.Session, []chain.Payment, []refund.Refund) (refund.Refund, []event.Event, error)) (refund.Refund, error) {
	var out refund.Refund
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		sess, payments, err := lockSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		// Refunds are read without their row locks: an update never changes a refund's amount
		// and never makes one that stopped counting count again, so what is read here can only
		// overstate what is taken, never understate it.
		refunds, err := loadRefunds(ctx, tx, `session_id = $1 ORDER BY seq`, sessionID)
		if err != nil {
			return err
		}
		for _, existing := range refunds {
			if refundID != "" && existing.ID == refundID { // a retry, seen under the lock that made it
				out = existing
				return nil
			}
		}
		resolution := sess.Resolution
		made, events, err := decide(sess, payments, refunds)
		if err != nil {
			return err
		}
		if made.SessionID != sessionID || (refundID != "" && made.ID != refundID) {
			return fmt.Errorf("refund %s of session %s: decided as refund %s of session %s", refundID, sessionID, made.ID, made.SessionID)
		}
		if err := insertRefund(ctx, tx, made); err != nil {
			return err
		}
		if sess.Resolution != resolution {
			if _, err := tx.ExecContext(ctx, `UPDATE checkout_sessions SET resolution = $2 WHERE id = $1`,
				sessionID, nullable(string(sess.Resolution))); err != nil {
				return unavailable("save resolution of "+sessionID, err)
			}
		}
		out = made
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// UpdateRefund applies change to refund id under its row lock and saves the refund, change's
// events, its balance line and the amount it adds to the session's amount_refunded, in one
// transaction.
func (r *Refunds) UpdateRefund(ctx context.Context, id string, change func(*refund.Refund) (refund.Change, error)) (refund.Refund, error) {
	var out refund.Refund
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		rows, err := loadRefunds(ctx, tx, `id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return apperr.NotFound("refund", id)
		}
		after := rows[0]
		before := after
		before.CryptoAmount = new(big.Int).Set(orZero(after.CryptoAmount)) // nor may a change alter it in place
		ch, err := change(&after)
		if err != nil {
			return err
		}
		if err := keepsDecision(before, after); err != nil {
			return err
		}
		out = after
		return saveChange(ctx, tx, after, ch)
	})
	return out, err
}

// saveChange writes the changed refund and what its change brought: events with their outbox
// rows, the balance line, and the amount added to the session's amount_refunded.
func saveChange(ctx context.Context, tx *sqlx.Tx, r refund.Refund, ch refund.Change) error {
	if err := saveRefund(ctx, tx, r); err != nil {
		return err
	}
	if err := insertEvents(ctx, tx, ch.Events); err != nil {
		return err
	}
	if ch.Line != nil {
		if _, err := writeLines(ctx, tx, []settlement.BalanceTransaction{*ch.Line}, ""); err != nil {
			return err
		}
	}
	if ch.Refunded == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE checkout_sessions SET amount_refunded = amount_refunded + $2 WHERE id = $1`,
		r.SessionID, ch.Refunded)
	return unavailableIf("add to amount refunded of "+r.SessionID, err)
}

// keepsDecision refuses a change of what was decided under the session's lock: the refund's
// identity, its session and its amounts. Only CreateRefund may decide those.
func keepsDecision(before, after refund.Refund) error {
	if after.ID != before.ID || after.SessionID != before.SessionID || after.MerchantID != before.MerchantID ||
		after.Livemode != before.Livemode || after.Amount != before.Amount || after.AssetID != before.AssetID ||
		after.ChainID != before.ChainID || orZero(after.CryptoAmount).Cmp(orZero(before.CryptoAmount)) != 0 {
		return fmt.Errorf("refund %s: an update cannot change its identity, session or amounts", before.ID)
	}
	return nil
}

// GetRefund returns a refund of the merchant and mode.
func (r *Refunds) GetRefund(ctx context.Context, merchantID string, livemode bool, id string) (refund.Refund, error) {
	return loadRefund(ctx, r.db.pool, apperr.NotFound("refund", id), `id = $1 AND merchant_id = $2 AND livemode = $3`,
		id, merchantID, livemode)
}

// LoadRefund returns a refund by ID alone.
func (r *Refunds) LoadRefund(ctx context.Context, id string) (refund.Refund, error) {
	return loadRefund(ctx, r.db.pool, apperr.NotFound("refund", id), `id = $1`, id)
}

// RefundByClaim returns the refund whose claim secret is secret; an unknown secret names nothing.
func (r *Refunds) RefundByClaim(ctx context.Context, secret string) (refund.Refund, error) {
	return loadRefund(ctx, r.db.pool, apperr.NotFound("refund", ""), `claim_secret = $1`, secret)
}

// ListRefunds pages through a merchant's refunds, newest first.
func (r *Refunds) ListRefunds(ctx context.Context, q refund.Query) (paging.Page[refund.Refund], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.SessionID != "" {
		f.add("session_id = ?", q.SessionID)
	}
	if len(q.Statuses) > 0 {
		f.add("status = ANY(?)", pq.Array(statusTexts(q.Statuses...)))
	}
	spec := listSpec{table: "refunds", columns: refundColumns, object: "refund"}
	return listPage(ctx, r.db, spec, f, q.Page, refundRow.refund)
}

// TxHashUsed reports whether a refund other than exceptID that still counts names hash on chainID.
func (r *Refunds) TxHashUsed(ctx context.Context, chainID int64, hash, exceptID string) (bool, error) {
	var used bool
	err := r.db.pool.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM refunds
		WHERE chain_id = $1 AND tx_hash = $2 AND id <> $3 AND NOT (status = ANY($4)))`,
		chainID, hash, exceptID, pq.Array(statusTexts(refund.StatusFailed, refund.StatusCanceled)))
	if err != nil {
		return false, unavailable("look up refund transaction "+hash, err)
	}
	return used, nil
}

// Overdue lists refunds whose claim expired, or whose transaction was marked sent, before
// before: the ones a refund workflow should already have acted on. Oldest first.
func (r *Refunds) Overdue(ctx context.Context, before time.Time, limit int) ([]refund.Refund, error) {
	return loadRefunds(ctx, r.db.pool, `(status = $1 AND claim_expires_at < $3) OR (status = $2 AND sent_at < $3)
		ORDER BY seq LIMIT $4`, string(refund.StatusRequiresAction), string(refund.StatusPending), before, limit)
}

func statusTexts(statuses ...refund.Status) []string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = string(s)
	}
	return out
}

func loadRefund(ctx context.Context, q sqlx.QueryerContext, missing error, where string, args ...any) (refund.Refund, error) {
	rows, err := loadRefunds(ctx, q, where, args...)
	if err != nil {
		return refund.Refund{}, err
	}
	if len(rows) == 0 {
		return refund.Refund{}, missing
	}
	return rows[0], nil
}

// loadRefunds reads the refunds matching where (with args from $1).
func loadRefunds(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) ([]refund.Refund, error) {
	var rows []refundRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+refundColumns+` FROM refunds WHERE `+where, args...); err != nil {
		return nil, unavailable("load refunds", err)
	}
	out := make([]refund.Refund, 0, len(rows))
	for _, row := range rows {
		rf, err := row.refund()
		if err != nil {
			return nil, err
		}
		out = append(out, rf)
	}
	return out, nil
}

// refundTxIndex is the unique index that lets a transaction pay one refund only.
const refundTxIndex = "refunds_transaction"

// txHashTaken turns a second refund naming the same transaction into the API's 400.
func txHashTaken(err error, r refund.Refund) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == refundTxIndex {
		return apperr.Invalid("transaction_hash", "refund_transfer_mismatch", "Transaction %s already pays another refund.", r.TxHash)
	}
	return unavailableIf("save refund "+r.ID, err)
}

func insertRefund(ctx context.Context, tx *sqlx.Tx, r refund.Refund) error {
	args, err := refundArgs(r)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO refunds (id, merchant_id, livemode, session_id, status, reason, amount,
			currency, asset_id, chain_id, decimals, crypto_amount, rounded_up, destination, destination_by, claim_secret,
			claim_expires_at, tx_hash, tx_block, sent_at, last_tx_error, failure_reason, metadata, created_at, succeeded_at,
			canceled_at, balance_transaction)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::numeric, $13, $14, $15, $16, $17, $18, $19, $20, $21,
			$22, $23, $24, $25, $26, $27)
		ON CONFLICT (id) DO NOTHING`, args...)
	if err != nil {
		return txHashTaken(err, r)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("refund %s of session %s: the ID belongs to another session's refund", r.ID, r.SessionID)
	}
	return nil
}

// saveRefund writes every column a refund's change may touch: all but its identity, scope,
// session, amounts and creation ($2-$4, $7-$13, $24).
func saveRefund(ctx context.Context, tx *sqlx.Tx, r refund.Refund) error {
	a, err := refundArgs(r)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE refunds SET status = $2, reason = $3, destination = $4, destination_by = $5,
		claim_secret = $6, claim_expires_at = $7, tx_hash = $8, tx_block = $9, sent_at = $10, last_tx_error = $11,
		failure_reason = $12, metadata = $13, succeeded_at = $14, canceled_at = $15, balance_transaction = $16 WHERE id = $1`,
		a[0], a[4], a[5], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21], a[22], a[24], a[25], a[26])
	return txHashTaken(err, r)
}

// refundArgs are a refund's columns in the order of the INSERT ($1-$27).
func refundArgs(r refund.Refund) ([]any, error) {
	md := r.Metadata
	if md == nil {
		md = map[string]string{}
	}
	meta, err := jsonArg(md)
	if err != nil {
		return nil, fmt.Errorf("encode metadata of refund %s: %w", r.ID, err)
	}
	return []any{r.ID, r.MerchantID, r.Livemode, r.SessionID, string(r.Status), nullable(r.Reason), r.Amount,
		r.Currency, r.AssetID, r.ChainID, r.Decimals, orZero(r.CryptoAmount).String(), r.RoundedUp, nullable(r.Destination),
		nullable(r.DestinationBy), nullable(r.ClaimSecret), nullTime(r.ClaimExpiresAt), nullable(r.TxHash),
		sql.NullInt64{Int64: int64(r.TxBlock), Valid: r.TxBlock != 0}, nullTimePtr(r.SentAt), nullable(r.LastTxError),
		nullable(r.FailureReason), meta, r.Created, nullTimePtr(r.SucceededAt), nullTimePtr(r.CanceledAt),
		nullable(r.BalanceTransaction)}, nil
}

const refundColumns = `seq, id, merchant_id, livemode, session_id, status, reason, amount, currency, asset_id, chain_id,
	decimals, crypto_amount::text AS crypto_amount, rounded_up, destination, destination_by, claim_secret,
	claim_expires_at, tx_hash, tx_block, sent_at, last_tx_error, failure_reason, metadata, created_at, succeeded_at,
	canceled_at, balance_transaction`

type refundRow struct {
	Seq            int64          `db:"seq"`
	ID             string         `db:"id"`
	MerchantID     string         `db:"merchant_id"`
	Livemode       bool           `db:"livemode"`
	SessionID      string         `db:"session_id"`
	Status         string         `db:"status"`
	Reason         sql.NullString `db:"reason"`
	Amount         int64          `db:"amount"`
	Currency       string         `db:"currency"`
	AssetID        string         `db:"asset_id"`
	ChainID        int64          `db:"chain_id"`
	Decimals       int32          `db:"decimals"`
	CryptoAmount   string         `db:"crypto_amount"`
	RoundedUp      bool           `db:"rounded_up"`
	Destination    sql.NullString `db:"destination"`
	DestinationBy  sql.NullString `db:"destination_by"`
	ClaimSecret    sql.NullString `db:"claim_secret"`
	ClaimExpiresAt sql.NullTime   `db:"claim_expires_at"`
	TxHash         sql.NullString `db:"tx_hash"`
	TxBlock        sql.NullInt64  `db:"tx_block"`
	SentAt         sql.NullTime   `db:"sent_at"`
	LastTxError    sql.NullString `db:"last_tx_error"`
	FailureReason  sql.NullString `db:"failure_reason"`
	Metadata       []byte         `db:"metadata"`
	CreatedAt      time.Time      `db:"created_at"`
	SucceededAt    sql.NullTime   `db:"succeeded_at"`
	CanceledAt     sql.NullTime   `db:"canceled_at"`
	BalanceTx      sql.NullString `db:"balance_transaction"`
}

func (r refundRow) refund() (refund.Refund, error) {
	out := refund.Refund{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, SessionID: r.SessionID,
		Status: refund.Status(r.Status), Reason: r.Reason.String, Amount: r.Amount, Currency: r.Currency, AssetID: r.AssetID,
		ChainID: r.ChainID, Decimals: r.Decimals, CryptoAmount: bigOf(r.CryptoAmount), RoundedUp: r.RoundedUp,
		Destination: r.Destination.String, DestinationBy: r.DestinationBy.String, ClaimSecret: r.ClaimSecret.String,
		ClaimExpiresAt: timeOf(r.ClaimExpiresAt), TxHash: r.TxHash.String, TxBlock: uint64(r.TxBlock.Int64),
		SentAt: timeOrNil(r.SentAt), LastTxError: r.LastTxError.String, FailureReason: r.FailureReason.String,
		Created: r.CreatedAt.UTC(), SucceededAt: timeOrNil(r.SucceededAt), CanceledAt: timeOrNil(r.CanceledAt),
		BalanceTransaction: r.BalanceTx.String}
	if err := json.Unmarshal(r.Metadata, &out.Metadata); err != nil {
		return out, fmt.Errorf("decode metadata of refund %s: %w", r.ID, err)
	}
	return out, nil
}

// AfterCommit runs hook once the request's writes are committed (DB.afterCommit).
func (r *Refunds) AfterCommit(ctx context.Context, hook func(context.Context)) {
	r.db.afterCommit(ctx, hook)
}
