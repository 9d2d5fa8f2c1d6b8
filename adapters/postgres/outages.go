package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
)

// This file keeps chain_outages: the scanner writes them (ChainState), sessions read them
// (Sessions) to give the time back.

// OpenOutage is the chain's outage still lasting, nil if none.
func (r *ChainState) OpenOutage(ctx context.Context, chainID int64) (*chain.Outage, error) {
	var started time.Time
	err := r.db.pool.GetContext(ctx, &started, `SELECT started_at FROM chain_outages
		WHERE chain_id = $1 AND ended_at IS NULL`, chainID)
	if isNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(fmt.Sprintf("read open outage of chain %d", chainID), err)
	}
	return &chain.Outage{ChainID: chainID, Start: started.UTC()}, nil
}

// BeginOutage records o unless the chain has an outage open already (a retried observation).
func (r *ChainState) BeginOutage(ctx context.Context, o chain.Outage) error {
	_, err := r.db.pool.ExecContext(ctx, `INSERT INTO chain_outages (chain_id, started_at) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, o.ChainID, o.Start)
	return unavailableIf(fmt.Sprintf("begin outage of chain %d", o.ChainID), err)
}

// EndOutage ends the chain's open outage at end; with none open it does nothing.
func (r *ChainState) EndOutage(ctx context.Context, chainID int64, end time.Time) error {
	_, err := r.db.pool.ExecContext(ctx, `UPDATE chain_outages SET ended_at = GREATEST(started_at, $2)
		WHERE chain_id = $1 AND ended_at IS NULL`, chainID, end)
	return unavailableIf(fmt.Sprintf("end outage of chain %d", chainID), err)
}

// Outages lists the chain's outages lasting at or after since (the open one included).
func (r *Sessions) Outages(ctx context.Context, chainID int64, since time.Time) ([]chain.Outage, error) {
	var rows []struct {
		Start time.Time    `db:"started_at"`
		End   sql.NullTime `db:"ended_at"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT started_at, ended_at FROM chain_outages
		WHERE chain_id = $1 AND (ended_at IS NULL OR ended_at >= $2) ORDER BY started_at`, chainID, since); err != nil {
		return nil, unavailable(fmt.Sprintf("read outages of chain %d", chainID), err)
	}
	out := make([]chain.Outage, len(rows))
	for i, row := range rows {
		out[i] = chain.Outage{ChainID: chainID, Start: row.Start.UTC(), End: timeOf(row.End)}
	}
	return out, nil
}
