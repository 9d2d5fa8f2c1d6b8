package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
)

func bigOf(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return new(big.Int)
	}
	return v
}

// AssignDeposit locks the quote and gives the session its address, allocating an index once.
func (s *Store) AssignDeposit(ctx context.Context, sessionID string, q chain.Quote, derive checkout.DeriveFunc, watchUntil time.Time) (*checkout.Session, error) {
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		var xpub string
		var address sql.NullString
		err := tx.QueryRowxContext(ctx, `SELECT m.xpub, s.deposit_address FROM checkout_sessions s
			JOIN merchants m ON m.id = s.merchant_id WHERE s.id = $1 FOR UPDATE OF s`, sessionID).Scan(&xpub, &address)
		if isNoRows(err) {
			return apperr.NotFound("checkout.session", sessionID)
		}
		if err != nil {
			return unavailable("lock session "+sessionID, err)
		}
		if !address.Valid {
			var index int64
			// The row lock on hd_accounts serialises allocations per xpub; indexes are never reused.
			err := tx.QueryRowxContext(ctx, `INSERT INTO hd_accounts AS a (xpub, next_index) VALUES ($1, 1)
				ON CONFLICT (xpub) DO UPDATE SET next_index = a.next_index + 1
				RETURNING next_index - 1`, xpub).Scan(&index)
			if err != nil {
				return unavailable("allocate address index", err)
			}
			addr, err := derive(xpub, uint32(index))
			if err != nil {
				return fmt.Errorf("derive address %d: %w", index, err)
			}
			address = sql.NullString{String: strings.ToLower(addr), Valid: true}
			if _, err := tx.ExecContext(ctx, `INSERT INTO deposit_addresses (address, session_id, xpub, address_index, watch_until, created_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, address.String, sessionID, xpub, index, watchUntil, q.QuotedAt); err != nil {
				return unavailable("record deposit address", err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE checkout_sessions SET asset_id = $2, chain_id = $3, asset_decimals = $4,
			deposit_address = $5, rate = $6, amount_due = $7::numeric, quoted_at = $8,
			crypto_state = CASE WHEN crypto_state = 'awaiting_asset' THEN 'awaiting_payment' ELSE crypto_state END
			WHERE id = $1`, sessionID, q.Asset.ID, q.Asset.ChainID, q.Asset.Decimals, address.String, q.Rate,
			q.AmountDue.String(), q.QuotedAt)
		if err != nil {
			return unavailable("store quote", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.LoadSession(ctx, sessionID)
}

type paymentRow struct {
	ID           string    `db:"id"`
	SessionID    string    `db:"session_id"`
	ChainID      int64     `db:"chain_id"`
	AssetID      string    `db:"asset_id"`
	TxHash       string    `db:"tx_hash"`
	LogIndex     int64     `db:"log_index"`
	BlockNumber  int64     `db:"block_number"`
	BlockHash    string    `db:"block_hash"`
	BlockTime    time.Time `db:"block_time"`
	From         string    `db:"from_address"`
	To           string    `db:"to_address"`
	Amount       string    `db:"amount"`
	Status       string    `db:"status"`
	WasConfirmed bool      `db:"was_confirmed"`
	DetectedAt   time.Time `db:"detected_at"`

	Dust        bool         `db:"dust"`
	ConfirmedAt sql.NullTime `db:"confirmed_at"`
	RevertedAt  sql.NullTime `db:"reverted_at"`
}

const paymentColumns = `id, session_id, chain_id, asset_id, tx_hash, log_index, block_number, block_hash, block_time,
	from_address, to_address, amount::text AS amount, status, was_confirmed, dust, detected_at, confirmed_at, reverted_at`

func (r paymentRow) payment() chain.Payment {
	return chain.Payment{ID: r.ID, SessionID: r.SessionID, ChainID: r.ChainID, AssetID: r.AssetID, TxHash: r.TxHash,
		LogIndex: r.LogIndex, BlockNumber: uint64(r.BlockNumber), BlockHash: r.BlockHash, BlockTime: r.BlockTime.UTC(),
		From: r.From, To: r.To, Amount: bigOf(r.Amount), Status: chain.PaymentStatus(r.Status),
		WasConfirmed: r.WasConfirmed, Dust: r.Dust, DetectedAt: r.DetectedAt.UTC(),
		ConfirmedAt: timeOf(r.ConfirmedAt), RevertedAt: timeOf(r.RevertedAt)}
}

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// ListPayments returns a session's payments in the order they were detected.
func (s *Store) ListPayments(ctx context.Context, sessionID string) ([]chain.Payment, error) {
	var rows []paymentRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+paymentColumns+` FROM payments WHERE session_id = $1
		ORDER BY detected_at, block_number, log_index`, sessionID); err != nil {
		return nil, unavailable("list payments of "+sessionID, err)
	}
	out := make([]chain.Payment, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.payment())
	}
	return out, nil
}

// ApplyLedger stores the crypto state and its events; a covered ledger completes an open
// session exactly once.
func (s *Store) ApplyLedger(ctx context.Context, sessionID string, l chain.Ledger, at time.Time, emit checkout.TransitionFunc) (*checkout.Session, error) {
	return s.transition(ctx, sessionID, emit, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE checkout_sessions SET crypto_state = $2, amount_received = $3::numeric,
				status = CASE WHEN $4 AND status = 'open' THEN 'complete' ELSE status END,
				payment_status = CASE WHEN $4 AND status = 'open' THEN 'paid' ELSE payment_status END,
				completed_at = CASE WHEN $4 AND status = 'open' THEN $5 ELSE completed_at END,
				payments_seen = GREATEST(payments_seen, $6)
			WHERE id = $1`, sessionID, string(l.State), l.Received.String(), l.Covered, at, l.Seen)
		return err
	})
}

// ScannedHeights returns how far each chain's scanner has read.
func (s *Store) ScannedHeights(ctx context.Context) (map[int64]uint64, error) {
	var rows []struct {
		ChainID int64 `db:"chain_id"`
		Number  int64 `db:"block_number"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT chain_id, block_number FROM chain_cursors`); err != nil {
		return nil, unavailable("read scanner heights", err)
	}
	out := make(map[int64]uint64, len(rows))
	for _, r := range rows {
		out[r.ChainID] = uint64(r.Number)
	}
	return out, nil
}

// RecordPayment stores a payment once; it reports whether this call stored it.
func (s *Store) RecordPayment(ctx context.Context, p chain.Payment) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO payments (id, chain_id, tx_hash, log_index, session_id, asset_id,
			from_address, to_address, amount, block_number, block_hash, block_time, status, detected_at, dust)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::numeric, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING`,
		p.ID, p.ChainID, p.TxHash, p.LogIndex, p.SessionID, p.AssetID, p.From, p.To, p.Amount.String(),
		int64(p.BlockNumber), p.BlockHash, p.BlockTime, string(p.Status), p.DetectedAt, p.Dust)
	if err != nil {
		return false, unavailable("record payment", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
