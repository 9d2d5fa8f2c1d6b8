package postgres

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// hotStatements are the statements every create runs (parsing the two long ones anew on each
// request was a third of a create's time in the server), and the batched note of its start.
var hotStatements = [...]string{claimSQL, insertSessionSQL, storeResponseSQL, markStartedSQL}

// statements prepares hotStatements once per pooled connection (database/sql keeps one per
// connection and reuses it inside transactions). They are prepared only by warm, which runs
// before its caller takes a connection: preparing needs one, and a transaction that waited
// for another connection could wait forever on a small, busy pool.
type statements struct {
	pool     *sqlx.DB
	mu       sync.Mutex                            // held by the one caller preparing them
	ready    atomic.Pointer[map[string]*sqlx.Stmt] // nil until every statement is prepared
	failedAt atomic.Int64                          // unix nanoseconds of the last failed try
}

// warmRetry spaces the tries after a failure, so a database that refuses them (not migrated
// yet) costs one round trip now and then, not one per transaction.
const warmRetry = 10 * time.Second

// warm prepares the statements unless they are. It never waits: while another caller prepares
// them, or within warmRetry of a failure, the statements simply run unprepared.
func (s *statements) warm(ctx context.Context) {
	if s.ready.Load() != nil || time.Since(time.Unix(0, s.failedAt.Load())) < warmRetry {
		return
	}
	if !s.mu.TryLock() {
		return
	}
	defer s.mu.Unlock()
	if s.ready.Load() != nil {
		return
	}
	byQ := make(map[string]*sqlx.Stmt, len(hotStatements))
	for _, q := range hotStatements {
		st, err := s.pool.PreparexContext(ctx, q)
		if err != nil {
			for _, done := range byQ {
				_ = done.Close()
			}
			s.failedAt.Store(time.Now().UnixNano())
			return
		}
		byQ[q] = st
	}
	s.ready.Store(&byQ)
}

// exec runs query in tx, prepared when warm has prepared it.
func (s *statements) exec(ctx context.Context, tx *sqlx.Tx, query string, args ...any) error {
	if st, ok := s.get(query); ok {
		_, err := tx.StmtxContext(ctx, st).ExecContext(ctx, args...)
		return err
	}
	_, err := tx.ExecContext(ctx, query, args...)
	return err
}

// execOutside runs query outside any transaction, prepared when warm has prepared it.
func (s *statements) execOutside(ctx context.Context, query string, args ...any) error {
	if st, ok := s.get(query); ok {
		_, err := st.ExecContext(ctx, args...)
		return err
	}
	_, err := s.pool.ExecContext(ctx, query, args...)
	return err
}

// queryRow runs query in tx for one row, prepared when warm has prepared it.
func (s *statements) queryRow(ctx context.Context, tx *sqlx.Tx, query string, args ...any) *sqlx.Row {
	if st, ok := s.get(query); ok {
		return tx.StmtxContext(ctx, st).QueryRowxContext(ctx, args...)
	}
	return tx.QueryRowxContext(ctx, query, args...)
}

func (s *statements) get(query string) (*sqlx.Stmt, bool) {
	byQ := s.ready.Load()
	if byQ == nil {
		return nil, false
	}
	st, ok := (*byQ)[query]
	return st, ok
}

func (s *statements) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if byQ := s.ready.Swap(nil); byQ != nil {
		for _, st := range *byQ {
			_ = st.Close()
		}
	}
}
