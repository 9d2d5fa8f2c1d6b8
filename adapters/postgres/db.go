// Package postgres implements the storage ports with sqlx and lib/pq: one repository per
// aggregate, all built from one DB (a connection pool). Transactions begin and end here.
package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/migrations"
)

// DB is a connection pool and the box that seals webhook secrets; repositories share it.
type DB struct {
	pool    *sqlx.DB
	secrets webhook.SecretBox // seals endpoint secrets; see WithSecrets
	stmts   *statements       // the hot path's prepared statements, shared by copies
}

// Open connects with a pool of at most maxConns connections and checks the connection.
func Open(ctx context.Context, url string, maxConns int) (*DB, error) {
	pool, err := sqlx.Open("postgres", withBinaryParameters(url))
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.PingContext(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	return &DB{pool: pool, stmts: &statements{pool: pool}}, nil
}

// WithSecrets returns a DB that seals endpoint secrets with box (sharing the pool).
// Endpoint writes and delivery loads need it; repositories of a DB without one refuse them.
func (d *DB) WithSecrets(box webhook.SecretBox) *DB {
	c := *d
	c.secrets = box
	return &c
}

// Close releases the pool and its prepared statements.
func (d *DB) Close() error {
	d.stmts.close()
	return d.pool.Close()
}

// Pool exposes the pool to benchmarks and tests that measure it bare or set up rows.
func (d *DB) Pool() *sqlx.DB { return d.pool }

// Migrate applies pending migrations; a session lock makes concurrent starts safe.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, fmt.Errorf("migration locker: %w", err)
	}
	// Out of order: a database that ran main between two merges may miss a lower-numbered
	// migration that landed later; each migration stands alone, so it is applied then.
	p, err := goose.NewProvider(goose.DialectPostgres, d.pool.DB, migrations.FS, goose.WithSessionLocker(locker),
		goose.WithAllowOutofOrder(true))
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
func (d *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if rt, ok := requestTxOf(ctx); ok {
		return fn(rt.tx)
	}
	d.stmts.warm(ctx) // before this transaction holds a connection
	tx, err := d.pool.BeginTxx(ctx, nil)
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
func (d *DB) afterCommit(ctx context.Context, hook func(context.Context)) {
	if rt, ok := requestTxOf(ctx); ok {
		rt.hooks = append(rt.hooks, hook)
		return
	}
	hook(ctx)
}

var errNoSecretBox = errors.New("postgres: no secret box configured (CHECKOUT_SECRETS_KEYS)")

// seal encrypts an endpoint's secret for storage, bound to the endpoint's ID.
func (d *DB) seal(endpointID, secret string) (string, error) {
	if d.secrets == nil {
		return "", errNoSecretBox
	}
	sealed, err := d.secrets.Seal(endpointID, secret)
	if err != nil {
		return "", fmt.Errorf("seal secret of %s: %w", endpointID, err)
	}
	return sealed, nil
}

// open returns the stored secret in clear (a plain-text row from before sealing opens as is).
func (d *DB) open(endpointID, stored string) (string, error) {
	if d.secrets == nil {
		return "", errNoSecretBox
	}
	secret, _, err := d.secrets.Open(endpointID, stored)
	return secret, err
}

func unavailable(what string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return apperr.Unavailable("The database is unavailable; retry the request.", fmt.Errorf("%s: %w", what, err))
}

func unavailableIf(what string, err error) error {
	if err == nil {
		return nil
	}
	return unavailable(what, err)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// withBinaryParameters has lib/pq send a statement's parameters with the statement: one round
// trip per parameterised query instead of two. []byte parameters then travel as binary, so
// json for jsonb columns is passed as a string (see jsonText).
func withBinaryParameters(dsn string) string {
	if strings.Contains(dsn, "binary_parameters") {
		return dsn
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		if strings.Contains(dsn, "?") {
			return dsn + "&binary_parameters=yes"
		}
		return dsn + "?binary_parameters=yes"
	}
	return dsn + " binary_parameters=yes"
}

// jsonArg encodes v for a jsonb parameter: as text, which binary_parameters sends as is.
func jsonArg(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
