package postgres

import (
	"context"
	"fmt"
)

// StatusCounts answers the metrics' scrape-time questions: rows per status of a table.
type StatusCounts struct{ db *DB }

// NewStatusCounts returns the counting queries of db.
func NewStatusCounts(db *DB) *StatusCounts { return &StatusCounts{db: db} }

// SessionsByStatus counts checkout sessions per status.
func (r *StatusCounts) SessionsByStatus(ctx context.Context) (map[string]int64, error) {
	return r.byStatus(ctx, `SELECT status, count(*) FROM checkout_sessions GROUP BY status`)
}

// PayoutsByStatus counts payouts per status.
func (r *StatusCounts) PayoutsByStatus(ctx context.Context) (map[string]int64, error) {
	return r.byStatus(ctx, `SELECT status, count(*) FROM payouts GROUP BY status`)
}

func (r *StatusCounts) byStatus(ctx context.Context, query string) (map[string]int64, error) {
	rows, err := r.db.pool.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("count by status: %w", err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	for rows.Next() {
		var status string
		var n int64
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		counts[status] = n
	}
	return counts, rows.Err()
}

// Ping checks that the database answers.
func (r *StatusCounts) Ping(ctx context.Context) error { return r.db.pool.PingContext(ctx) }
