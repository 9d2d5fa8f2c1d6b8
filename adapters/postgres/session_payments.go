package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/settlement"
)

// This file holds what Sessions reads and writes beside the session row: its deposit
// address, its payments, and how far the scanners have read (for confirmations).

// allocateIndexSQL takes the next index of the session's merchant's xpub on branch, unless the
// session has its address already (no row then). It commits on its own: the counter's row lock,
// which serialises every allocation of the xpub, is held for this statement only, not for the
// transaction that records the address (16 shoppers at once queued ~85 ms on it).
const allocateIndexSQL = `INSERT INTO hd_accounts AS a (xpub, branch, next_index)
	SELECT m.xpub, $2, 1 FROM checkout_sessions s JOIN merchants m ON m.id = s.merchant_id
	WHERE s.id = $1 AND s.deposit_address IS NULL
	ON CONFLICT (xpub, branch) DO UPDATE SET next_index = a.next_index + 1
	RETURNING a.xpub, a.next_index - 1`

// EnsureDepositAddress allocates the session's address once: the next index of the merchant's
// xpub on branch; indexes are never reused. An index taken and then not recorded stays unused,
// as an unpaid session's address does (README: wallet gap limit): the second of two requests
// racing for one session's first address, or a request whose transaction then failed.
func (r *Sessions) EnsureDepositAddress(ctx context.Context, sessionID string, branch uint32, derive checkout.DeriveFunc, watchUntil time.Time) (string, error) {
	var xpub string
	var index int64
	err := r.db.pool.QueryRowxContext(ctx, allocateIndexSQL, sessionID, int64(branch)).Scan(&xpub, &index)
	if err != nil && !isNoRows(err) {
		return "", unavailable("allocate address index", err)
	}
	allocated := err == nil // else: no such session, or it has its address; the transaction tells which
	var address string
	err = r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		existing, err := lockSessionAddress(ctx, tx, sessionID)
		if err != nil || existing != "" {
			address = existing
			return err
		}
		if !allocated { // the allocation saw an address that is not there: never, as addresses stay
			return unavailable("allocate address index", fmt.Errorf("session %s has no address, yet none was allocated", sessionID))
		}
		addr, err := derive(xpub, branch, uint32(index))
		if err != nil {
			return fmt.Errorf("derive address %d/%d: %w", branch, index, err)
		}
		address = strings.ToLower(addr)
		if _, err := tx.ExecContext(ctx, `INSERT INTO deposit_addresses (address, session_id, xpub, branch, address_index,
			watch_until, created_at) VALUES ($1, $2, $3, $4, $5, $6, now())`,
			address, sessionID, xpub, int64(branch), index, watchUntil); err != nil {
			return unavailable("record deposit address", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE checkout_sessions SET deposit_address = $2 WHERE id = $1`, sessionID, address)
		return unavailableIf("store deposit address", err)
	})
	return address, err
}

// EnsureForwarderAddress gives the session the forwarder address of b once (an existing
// address stays) and records the destination it is bound to.
func (r *Sessions) EnsureForwarderAddress(ctx context.Context, sessionID string, b settlement.Binding, watchUntil time.Time) (string, error) {
	var address string
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		existing, err := lockSessionAddress(ctx, tx, sessionID)
		if err != nil || existing != "" {
			address = existing
			return err
		}
		address = b.Address.String()
		if _, err := tx.ExecContext(ctx, `INSERT INTO deposit_addresses (address, session_id, chain_id, factory, destination,
			nonce, watch_until, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
			address, sessionID, b.ChainID, b.Factory.String(), b.Destination.String(), b.Nonce.String(), watchUntil); err != nil {
			return unavailable("record forwarder address", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE checkout_sessions SET deposit_address = $2, settlement_destination = $3,
			settlement_chain_id = $4 WHERE id = $1`, sessionID, address, b.Destination.String(), b.ChainID)
		return unavailableIf("store forwarder address", err)
	})
	return address, err
}

// lockSessionAddress locks the session's row and returns the deposit address it already has, if any.
func lockSessionAddress(ctx context.Context, tx *sqlx.Tx, sessionID string) (string, error) {
	var addr sql.NullString
	err := tx.QueryRowxContext(ctx, `SELECT deposit_address FROM checkout_sessions WHERE id = $1 FOR UPDATE`, sessionID).Scan(&addr)
	if isNoRows(err) {
		return "", apperr.NotFound("checkout.session", sessionID)
	}
	if err != nil {
		return "", unavailable("lock session "+sessionID, err)
	}
	return addr.String, nil
}

// ListPayments returns a session's payments in the order they were detected.
func (r *Sessions) ListPayments(ctx context.Context, sessionID string) ([]chain.Payment, error) {
	return listPayments(ctx, r.db.pool, sessionID)
}

// RecordPayment stores a payment found outside the scanner once; it reports whether this call stored it.
func (r *Sessions) RecordPayment(ctx context.Context, p chain.Payment) (bool, error) {
	res, err := r.db.pool.ExecContext(ctx, `INSERT INTO payments (id, chain_id, tx_hash, log_index, session_id, asset_id,
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

// Cursor is how far the chain's scanner has read, as the scanner stores it.
func (r *Sessions) Cursor(ctx context.Context, chainID int64) (chain.BlockRef, bool, error) {
	return readCursor(ctx, r.db.pool, chainID)
}

// ScannedHeights returns how far each chain's scanner has read.
func (r *Sessions) ScannedHeights(ctx context.Context) (map[int64]uint64, error) {
	var rows []struct {
		ChainID int64 `db:"chain_id"`
		Number  int64 `db:"block_number"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT chain_id, block_number FROM chain_cursors`); err != nil {
		return nil, unavailable("read scanner heights", err)
	}
	out := make(map[int64]uint64, len(rows))
	for _, row := range rows {
		out[row.ChainID] = uint64(row.Number)
	}
	return out, nil
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

func listPayments(ctx context.Context, q sqlx.QueryerContext, sessionID string) ([]chain.Payment, error) {
	by, err := paymentsOf(ctx, q, []string{sessionID})
	return append([]chain.Payment{}, by[sessionID]...), err
}

// PaymentsOf returns each session's payments, in one query.
func (r *Sessions) PaymentsOf(ctx context.Context, sessionIDs []string) (map[string][]chain.Payment, error) {
	return paymentsOf(ctx, r.db.pool, sessionIDs)
}

func paymentsOf(ctx context.Context, q sqlx.QueryerContext, sessionIDs []string) (map[string][]chain.Payment, error) {
	var rows []paymentRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+paymentColumns+` FROM payments WHERE session_id = ANY($1)
		ORDER BY detected_at, block_number, log_index`, pq.Array(sessionIDs)); err != nil {
		return nil, unavailable("list payments", err)
	}
	out := make(map[string][]chain.Payment, len(sessionIDs))
	for _, row := range rows {
		out[row.SessionID] = append(out[row.SessionID], row.payment())
	}
	return out, nil
}
