package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/chain"
)

// ChainState implements chain.ScanStore: each chain's cursor, its recent block hashes, the
// deposit addresses it watches and the payments the scanner writes.
type ChainState struct{ db *DB }

// NewChainState returns the scanner's repository of db.
func NewChainState(db *DB) *ChainState { return &ChainState{db: db} }

// Cursor is where a chain's scanner stands, with the block's time and parent when recorded.
func (r *ChainState) Cursor(ctx context.Context, chainID int64) (chain.BlockRef, bool, error) {
	return readCursor(ctx, r.db.pool, chainID)
}

func readCursor(ctx context.Context, q sqlx.QueryerContext, chainID int64) (chain.BlockRef, bool, error) {
	var row struct {
		Number int64          `db:"block_number"`
		Hash   string         `db:"block_hash"`
		Time   sql.NullTime   `db:"block_time"`
		Parent sql.NullString `db:"parent_hash"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT block_number, block_hash, block_time, parent_hash FROM chain_cursors
		WHERE chain_id = $1`, chainID)
	if isNoRows(err) {
		return chain.BlockRef{}, false, nil
	}
	if err != nil {
		return chain.BlockRef{}, false, unavailable("read cursor", err)
	}
	return chain.BlockRef{Number: uint64(row.Number), Hash: row.Hash, ParentHash: row.Parent.String, Time: timeOf(row.Time)}, true, nil
}

// BlockHashes returns stored canonical hashes in [from, to].
func (r *ChainState) BlockHashes(ctx context.Context, chainID int64, from, to uint64) (map[uint64]string, error) {
	var rows []struct {
		Number int64  `db:"number"`
		Hash   string `db:"hash"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT number, hash FROM chain_blocks
		WHERE chain_id = $1 AND number BETWEEN $2 AND $3`, chainID, int64(from), int64(to)); err != nil {
		return nil, unavailable("read block hashes", err)
	}
	out := make(map[uint64]string, len(rows))
	for _, row := range rows {
		out[uint64(row.Number)] = row.Hash
	}
	return out, nil
}

// watchedAmongChunk bounds one query's address list: a step catching up a busy chain can
// hold the recipients of tens of thousands of transfers.
const watchedAmongChunk = 2000

// Watching tells whether any deposit address is watched at now, by the watch_until index:
// it stops at the first row, so it costs the same with any number of open sessions.
func (r *ChainState) Watching(ctx context.Context, now time.Time) (bool, error) {
	var found bool
	if err := r.db.pool.GetContext(ctx, &found,
		`SELECT EXISTS (SELECT 1 FROM deposit_addresses WHERE watch_until > $1)`, now); err != nil {
		return false, unavailable("check for watched addresses", err)
	}
	return found, nil
}

// WatchedAmong maps those of addresses the scope watches at now to their sessions, looked up
// by the addresses' primary key: the cost follows the step's transfers, not the open sessions.
func (r *ChainState) WatchedAmong(ctx context.Context, scope chain.WatchScope, now time.Time, addresses []string) (map[string]string, error) {
	out := make(map[string]string)
	for len(addresses) > 0 {
		chunk := addresses[:min(len(addresses), watchedAmongChunk)]
		addresses = addresses[len(chunk):]
		var rows []struct {
			Address   string `db:"address"`
			SessionID string `db:"session_id"`
		}
		if err := r.db.pool.SelectContext(ctx, &rows, `SELECT d.address, d.session_id FROM deposit_addresses d
			JOIN checkout_sessions s ON s.id = d.session_id
			WHERE d.address = ANY($4::text[]) AND d.watch_until > $1 AND s.livemode = $2
			AND s.accepted_assets && $3::text[]`,
			now, scope.Livemode, pq.Array(scope.AssetIDs), pq.Array(chunk)); err != nil {
			return nil, unavailable(fmt.Sprintf("read watched addresses of chain %d", scope.ChainID), err)
		}
		for _, row := range rows {
			out[row.Address] = row.SessionID
		}
	}
	return out, nil
}

// CommitStep applies a scan step atomically: it locks the cursor (compare-and-set), loads the
// payments the step touches FOR UPDATE, lets chain.Settle decide, and saves the outcome.
func (r *ChainState) CommitStep(ctx context.Context, st chain.Step) ([]chain.Change, error) {
	var changes []chain.Change
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockCursor(ctx, tx, st); err != nil {
			return err
		}
		stored, err := touchedPayments(ctx, tx, st)
		if err != nil {
			return err
		}
		loaded := make(map[chain.PaymentKey]bool, len(stored))
		for _, p := range stored {
			loaded[p.Key()] = true
		}
		save, settled := chain.Settle(stored, st)
		for _, p := range save {
			if err := savePayment(ctx, tx, p, loaded[p.Key()]); err != nil {
				return err
			}
		}
		if err := saveBlocks(ctx, tx, st); err != nil {
			return err
		}
		if err := moveCursor(ctx, tx, st); err != nil {
			return err
		}
		changes = settled
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("commit scan of chain %d at %d: %w", st.ChainID, st.Cursor.Number, err)
	}
	return changes, nil
}

// lockCursor holds the chain's cursor row and refuses a step that did not start from it.
func lockCursor(ctx context.Context, tx *sqlx.Tx, st chain.Step) error {
	var hash string
	err := tx.QueryRowxContext(ctx, `SELECT block_hash FROM chain_cursors WHERE chain_id = $1 FOR UPDATE`, st.ChainID).Scan(&hash)
	switch {
	case isNoRows(err) && st.Prev != nil, err == nil && (st.Prev == nil || st.Prev.Hash != hash):
		return chain.ErrCursorMoved
	case err != nil && !isNoRows(err):
		return unavailable("lock cursor", err)
	}
	return nil
}

// touchedPayments loads, FOR UPDATE, the chain's payments the step may change (Step.Touches)
// and those under the keys of the payments it found.
func touchedPayments(ctx context.Context, tx *sqlx.Tx, st chain.Step) ([]chain.Payment, error) {
	above := int64(math.MaxInt64) // no fork: nothing lies above it
	if st.ForkAt != nil {
		above = int64(*st.ForkAt)
	}
	txs, logs := make([]string, 0, len(st.Payments)), make([]int64, 0, len(st.Payments))
	keys := make(map[chain.PaymentKey]bool, len(st.Payments))
	for _, p := range st.Payments {
		txs, logs = append(txs, p.TxHash), append(logs, p.LogIndex)
		keys[p.Key()] = true
	}
	var rows []paymentRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+paymentColumns+` FROM payments
		WHERE chain_id = $1 AND (status = $2 OR (block_number > $3 AND status <> $4)
			OR (tx_hash, log_index) IN (SELECT * FROM unnest($5::text[], $6::bigint[])))
		ORDER BY block_number, log_index, tx_hash FOR UPDATE`,
		st.ChainID, string(chain.PaymentDetected), above, string(chain.PaymentReverted), pq.Array(txs), pq.Array(logs)); err != nil {
		return nil, unavailable("load payments of the step", err)
	}
	out := make([]chain.Payment, 0, len(rows))
	for _, row := range rows {
		if p := row.payment(); st.Touches(p) || keys[p.Key()] {
			out = append(out, p)
		}
	}
	return out, nil
}

// savePayment writes a settled payment: an update of a loaded row, or a new row counted once.
func savePayment(ctx context.Context, tx *sqlx.Tx, p chain.Payment, loaded bool) error {
	if loaded {
		_, err := tx.ExecContext(ctx, `UPDATE payments SET status = $2, was_confirmed = $3, block_number = $4,
			block_hash = $5, block_time = $6, confirmed_at = $7, reverted_at = $8 WHERE id = $1`,
			p.ID, string(p.Status), p.WasConfirmed, int64(p.BlockNumber), p.BlockHash, p.BlockTime,
			nullTime(p.ConfirmedAt), nullTime(p.RevertedAt))
		if err != nil {
			return unavailable("update payment "+p.ID, err)
		}
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO payments (id, chain_id, tx_hash, log_index, session_id, asset_id,
			from_address, to_address, amount, block_number, block_hash, block_time, status, was_confirmed, dust,
			detected_at, confirmed_at, reverted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::numeric, $10, $11, $12, $13, $14, $15, $16, $17, $18)
		ON CONFLICT (chain_id, tx_hash, log_index) DO NOTHING`,
		p.ID, p.ChainID, p.TxHash, p.LogIndex, p.SessionID, p.AssetID, p.From, p.To, p.Amount.String(),
		int64(p.BlockNumber), p.BlockHash, p.BlockTime, string(p.Status), p.WasConfirmed, p.Dust,
		p.DetectedAt, nullTime(p.ConfirmedAt), nullTime(p.RevertedAt))
	if err != nil {
		return unavailable("record payment", err)
	}
	return nil
}

// saveBlocks drops stored blocks above a fork and records the step's canonical blocks.
func saveBlocks(ctx context.Context, tx *sqlx.Tx, st chain.Step) error {
	if st.ForkAt != nil {
		if _, err := tx.ExecContext(ctx, `DELETE FROM chain_blocks WHERE chain_id = $1 AND number > $2`,
			st.ChainID, int64(*st.ForkAt)); err != nil {
			return unavailable("drop orphaned blocks", err)
		}
	}
	for _, b := range st.Blocks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_blocks (chain_id, number, hash, parent_hash) VALUES ($1, $2, $3, $4)
			ON CONFLICT (chain_id, number) DO UPDATE SET hash = EXCLUDED.hash, parent_hash = EXCLUDED.parent_hash`,
			st.ChainID, int64(b.Number), b.Hash, b.ParentHash); err != nil {
			return unavailable("record block", err)
		}
	}
	if st.ReorgWindow > 0 && st.Cursor.Number > uint64(st.ReorgWindow) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM chain_blocks WHERE chain_id = $1 AND number < $2`,
			st.ChainID, int64(st.Cursor.Number)-st.ReorgWindow); err != nil {
			return unavailable("prune block hashes", err)
		}
	}
	return nil
}

// moveCursor sets the cursor; a first step inserts it only if no other scanner did meanwhile.
func moveCursor(ctx context.Context, tx *sqlx.Tx, st chain.Step) error {
	c := st.Cursor
	if st.Prev != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE chain_cursors SET block_number = $2, block_hash = $3, block_time = $4,
			parent_hash = $5, updated_at = $6 WHERE chain_id = $1`,
			st.ChainID, int64(c.Number), c.Hash, nullTime(c.Time), c.ParentHash, st.Now); err != nil {
			return unavailable("move cursor", err)
		}
		return nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO chain_cursors (chain_id, block_number, block_hash, block_time, parent_hash, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (chain_id) DO NOTHING`,
		st.ChainID, int64(c.Number), c.Hash, nullTime(c.Time), c.ParentHash, st.Now)
	if err != nil {
		return unavailable("start cursor", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return chain.ErrCursorMoved
	}
	return nil
}
