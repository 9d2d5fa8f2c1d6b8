// Package postgres implements the storage ports with sqlx and lib/pq.
// Transactions begin and end inside this package.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/migrations"
)

// Store implements checkout.Store, merchant.Store and idempotency.Store.
type Store struct {
	db      *sqlx.DB
	secrets webhook.SecretBox // seals endpoint secrets; see WithSecrets
}

// Open connects with a pool of at most maxConns connections and checks the connection.
func Open(ctx context.Context, url string, maxConns int) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &Store{db: db}, nil
}

// Close releases the pool.
func (s *Store) Close() error { return s.db.Close() }

// DB exposes the pool to benchmarks and tests that measure it bare.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies pending migrations; a session lock makes concurrent starts safe.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration locker: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("migration provider: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("apply migrations: %w", err)
	}
	var applied []string
	for _, r := range results {
		applied = append(applied, r.Source.Path)
	}
	return applied, nil
}

// inTx runs fn in a transaction, committing only if fn succeeds. Under a request's
// transaction (an idempotent request) fn joins it, and the request commits everything once.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if rt, ok := requestTxOf(ctx); ok {
		return fn(rt.tx)
	}
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return unavailable("begin transaction", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return unavailable("commit", err)
	}
	return nil
}

// afterCommit runs hook once what was just written is committed: now, or when the request's
// transaction commits. So nothing slow (a workflow start) ever runs inside a transaction.
func (s *Store) afterCommit(ctx context.Context, hook func(context.Context)) {
	if rt, ok := requestTxOf(ctx); ok {
		rt.hooks = append(rt.hooks, hook)
		return
	}
	hook(ctx)
}

func unavailable(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return apperr.Unavailable("The database is unavailable; retry the request.", fmt.Errorf("%s: %w", what, err))
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
