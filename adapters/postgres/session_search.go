package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/checkout"
)

// FindSessions returns the merchant's sessions in one mode whose deposit address is
// by.Address, or that a payment of transaction by.TxHash on one of by.ChainIDs paid, newest
// first. Addresses and hashes are stored in lower case, as the core passes them. The address
// is found through deposit_addresses' key; the hash through payments' (chain_id, tx_hash,
// log_index) key, which the chain IDs let it use.
func (r *Sessions) FindSessions(ctx context.Context, merchantID string, livemode bool, by checkout.SessionSearch, limit int) ([]*checkout.Session, error) {
	var match string
	args := []any{merchantID, livemode, limit}
	switch {
	case by.Address != "" && by.TxHash == "":
		match = `id IN (SELECT session_id FROM deposit_addresses WHERE address = $4)`
		args = append(args, by.Address)
	case by.TxHash != "" && by.Address == "":
		match = `id IN (SELECT session_id FROM payments WHERE chain_id = ANY($4) AND tx_hash = $5)`
		args = append(args, pq.Array(by.ChainIDs), by.TxHash)
	default:
		return nil, fmt.Errorf("find sessions: give an address or a transaction hash")
	}
	var rows []sessionRow
	if err := sqlx.SelectContext(ctx, r.db.pool, &rows, `SELECT `+sessionColumns+` FROM checkout_sessions
		WHERE merchant_id = $1 AND livemode = $2 AND `+match+` ORDER BY seq DESC LIMIT $3`, args...); err != nil {
		return nil, unavailable("find sessions", err)
	}
	return sessionsOf(rows)
}
