package postgres

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/chaincheckout/checkout/core/chain"
)

// Cursor is where a chain's scanner stands.
func (s *Store) Cursor(ctx context.Context, chainID int64) (chain.BlockRef, bool, error) {
	var r struct {
		Number int64  `db:"block_number"`
		Hash   string `db:"block_hash"`
	}
	err := s.db.GetContext(ctx, &r, `SELECT block_number, block_hash FROM chain_cursors WHERE chain_id = $1`, chainID)
	if isNoRows(err) {
		return chain.BlockRef{}, false, nil
	}
	if err != nil {
		return chain.BlockRef{}, false, unavailable("read cursor", err)
	}
	return chain.BlockRef{Number: uint64(r.Number), Hash: r.Hash}, true, nil
}

// BlockHashes returns stored canonical hashes in [from, to].
func (s *Store) BlockHashes(ctx context.Context, chainID int64, from, to uint64) (map[uint64]string, error) {
	var rows []struct {
		Number int64  `db:"number"`
		Hash   string `db:"hash"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT number, hash FROM chain_blocks
		WHERE chain_id = $1 AND number BETWEEN $2 AND $3`, chainID, int64(from), int64(to)); err != nil {
		return nil, unavailable("read block hashes", err)
	}
	out := make(map[uint64]string, len(rows))
	for _, r := range rows {
		out[uint64(r.Number)] = r.Hash
	}
	return out, nil
}

// WatchedAddresses maps deposit addresses still in their watch window to their sessions.
func (s *Store) WatchedAddresses(ctx context.Context, now time.Time) (map[string]string, error) {
	var rows []struct {
		Address   string `db:"address"`
		SessionID string `db:"session_id"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT address, session_id FROM deposit_addresses WHERE watch_until > $1`, now); err != nil {
		return nil, unavailable("read watched addresses", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Address] = r.SessionID
	}
	return out, nil
}

// CommitStep applies a scan step atomically; the cursor compare-and-set keeps one writer.
func (s *Store) CommitStep(ctx context.Context, st chain.Step) ([]chain.Change, error) {
	var changes []chain.Change
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		changes = nil
		var hash string
		err := tx.QueryRowxContext(ctx, `SELECT block_hash FROM chain_cursors WHERE chain_id = $1 FOR UPDATE`, st.ChainID).Scan(&hash)
		switch {
		case isNoRows(err) && st.Prev != nil, err == nil && (st.Prev == nil || st.Prev.Hash != hash):
			return chain.ErrCursorMoved
		case err != nil && !isNoRows(err):
			return unavailable("lock cursor", err)
		}
		collect := func(rows *sqlx.Rows, status chain.PaymentStatus) error {
			defer rows.Close()
			for rows.Next() {
				var c chain.Change
				if err := rows.Scan(&c.SessionID, &c.TxHash); err != nil {
					return err
				}
				c.Status = status
				changes = append(changes, c)
			}
			return rows.Err()
		}
		if st.ForkAt != nil {
			rows, err := tx.QueryxContext(ctx, `UPDATE payments SET status = 'reverted', reverted_at = $3
				WHERE chain_id = $1 AND block_number > $2 AND status <> 'reverted' RETURNING session_id, tx_hash`,
				st.ChainID, int64(*st.ForkAt), st.Now)
			if err != nil {
				return unavailable("revert payments", err)
			}
			if err := collect(rows, chain.PaymentReverted); err != nil {
				return unavailable("revert payments", err)
			}
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
		for _, p := range st.Payments {
			// Counted once per (chain, tx, log): seen again, it changes nothing, unless it had been
			// reverted and is now back in a canonical block.
			rows, err := tx.QueryxContext(ctx, `INSERT INTO payments AS p (id, chain_id, tx_hash, log_index, session_id, asset_id,
					from_address, to_address, amount, block_number, block_hash, block_time, status, detected_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::numeric, $10, $11, $12, 'detected', $13)
				ON CONFLICT (chain_id, tx_hash, log_index) DO UPDATE SET status = 'detected', reverted_at = NULL,
					block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, block_time = EXCLUDED.block_time
				WHERE p.status = 'reverted'
				RETURNING session_id, tx_hash`,
				p.ID, p.ChainID, p.TxHash, p.LogIndex, p.SessionID, p.AssetID, p.From, p.To, p.Amount.String(),
				int64(p.BlockNumber), p.BlockHash, p.BlockTime, p.DetectedAt)
			if err != nil {
				return unavailable("record payment", err)
			}
			if err := collect(rows, chain.PaymentDetected); err != nil {
				return unavailable("record payment", err)
			}
		}
		if st.Depth > 0 && st.Cursor.Number+1 >= uint64(st.Depth) {
			deepest := int64(st.Cursor.Number+1) - st.Depth
			rows, err := tx.QueryxContext(ctx, `UPDATE payments SET status = 'confirmed', was_confirmed = true, confirmed_at = $3
				WHERE chain_id = $1 AND status = 'detected' AND block_number <= $2 RETURNING session_id, tx_hash`,
				st.ChainID, deepest, st.Now)
			if err != nil {
				return unavailable("confirm payments", err)
			}
			if err := collect(rows, chain.PaymentConfirmed); err != nil {
				return unavailable("confirm payments", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO chain_cursors (chain_id, block_number, block_hash, updated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (chain_id) DO UPDATE
			SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, updated_at = EXCLUDED.updated_at`,
			st.ChainID, int64(st.Cursor.Number), st.Cursor.Hash, st.Now); err != nil {
			return unavailable("move cursor", err)
		}
		if st.ReorgWindow > 0 && st.Cursor.Number > uint64(st.ReorgWindow) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM chain_blocks WHERE chain_id = $1 AND number < $2`,
				st.ChainID, int64(st.Cursor.Number)-st.ReorgWindow); err != nil {
				return unavailable("prune block hashes", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("commit scan of chain %d at %d: %w", st.ChainID, st.Cursor.Number, err)
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].SessionID < changes[j].SessionID })
	return changes, nil
}
