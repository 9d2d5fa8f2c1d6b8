package postgres

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/settlement"
)

// GasWalletTxs implements settlement.TxStore: the gas wallets' signed transactions, kept
// before they are broadcast.
type GasWalletTxs struct{ db *DB }

// NewGasWalletTxs returns the kept transactions of db.
func NewGasWalletTxs(db *DB) *GasWalletTxs { return &GasWalletTxs{db: db} }

var _ settlement.TxStore = (*GasWalletTxs)(nil)

const keptColumns = `key, attempt, nonce, hash, gas_fee_cap::text AS gas_fee_cap, gas_tip_cap::text AS gas_tip_cap, raw, sent_at`

type keptRow struct {
	Key       string    `db:"key"`
	Attempt   int       `db:"attempt"`
	Nonce     int64     `db:"nonce"`
	Hash      string    `db:"hash"`
	GasFeeCap string    `db:"gas_fee_cap"`
	GasTipCap string    `db:"gas_tip_cap"`
	Raw       []byte    `db:"raw"`
	SentAt    time.Time `db:"sent_at"`
}

func (r keptRow) kept() (settlement.KeptTx, error) {
	feeCap, ok1 := new(big.Int).SetString(r.GasFeeCap, 10)
	tipCap, ok2 := new(big.Int).SetString(r.GasTipCap, 10)
	if !ok1 || !ok2 {
		return settlement.KeptTx{}, fmt.Errorf("kept transaction %s: fee caps %q, %q", r.Hash, r.GasFeeCap, r.GasTipCap)
	}
	return settlement.KeptTx{SentTx: settlement.SentTx{Key: r.Key, Attempt: r.Attempt, Nonce: uint64(r.Nonce), Hash: r.Hash,
		GasFeeCap: feeCap, GasTipCap: tipCap, SentAt: r.SentAt.UTC()}, Raw: r.Raw}, nil
}

// Keep inserts tx unless (chain, key, attempt) has one, then reads the one kept. The read is
// a statement of its own: it sees a row a concurrent Keep committed while the insert waited.
func (s *GasWalletTxs) Keep(ctx context.Context, chainID int64, tx settlement.SentTx, raw []byte) (settlement.KeptTx, error) {
	if tx.GasFeeCap == nil || tx.GasTipCap == nil || tx.Nonce > 1<<63-1 {
		return settlement.KeptTx{}, fmt.Errorf("keep %s/%d: fee caps and a nonce are required", tx.Key, tx.Attempt)
	}
	if _, err := s.db.pool.ExecContext(ctx, `INSERT INTO gas_wallet_txs
		(chain_id, key, attempt, nonce, hash, gas_fee_cap, gas_tip_cap, raw, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (chain_id, key, attempt) DO NOTHING`,
		chainID, tx.Key, tx.Attempt, int64(tx.Nonce), tx.Hash, tx.GasFeeCap.String(), tx.GasTipCap.String(), raw, tx.SentAt); err != nil {
		return settlement.KeptTx{}, unavailable(fmt.Sprintf("keep transaction %s/%d on chain %d", tx.Key, tx.Attempt, chainID), err)
	}
	var row keptRow
	if err := s.db.pool.GetContext(ctx, &row, `SELECT `+keptColumns+` FROM gas_wallet_txs
		WHERE chain_id = $1 AND key = $2 AND attempt = $3`, chainID, tx.Key, tx.Attempt); err != nil {
		return settlement.KeptTx{}, unavailable(fmt.Sprintf("read kept transaction %s/%d on chain %d", tx.Key, tx.Attempt, chainID), err)
	}
	return row.kept()
}

// Kept lists the transactions kept for (chain, key), by attempt.
func (s *GasWalletTxs) Kept(ctx context.Context, chainID int64, key string) ([]settlement.KeptTx, error) {
	var rows []keptRow
	if err := s.db.pool.SelectContext(ctx, &rows, `SELECT `+keptColumns+` FROM gas_wallet_txs
		WHERE chain_id = $1 AND key = $2 ORDER BY attempt`, chainID, key); err != nil {
		return nil, unavailable(fmt.Sprintf("read kept transactions of %s on chain %d", key, chainID), err)
	}
	out := make([]settlement.KeptTx, 0, len(rows))
	for _, r := range rows {
		k, err := r.kept()
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}
