// Package testenv starts the real parts tests and benchmarks run against: a fresh Postgres
// database and a Temporal dev server from the project's bin/ (it never downloads one).
package testenv

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/lib/pq" // the driver
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/chaincheckout/checkout/core/ident"
)

// AdminURL is the Postgres server tests create their databases on.
func AdminURL() string {
	if v := os.Getenv("TEST_DATABASE_ADMIN_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Database creates an empty database and returns its URL and a function that drops it.
func Database(ctx context.Context, prefix string) (string, func(), error) {
	admin, err := sql.Open("postgres", AdminURL())
	if err != nil {
		return "", nil, err
	}
	name := strings.ToLower(prefix + "_" + ident.Random(10))
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s on %s (is Postgres running? see README): %w", name, AdminURL(), err)
	}
	url := strings.Replace(AdminURL(), "/postgres?", "/"+name+"?", 1)
	drop := func() {
		_, _ = admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	}
	return url, drop, nil
}

// RepoRoot finds the directory holding go.mod, so tests find bin/ from any package.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// TemporalBinary is bin/temporal, built by `make tools`.
func TemporalBinary() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	path := filepath.Join(root, "bin", "temporal")
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing: run `make tools` (the tests never download it)", path)
	}
	return path, nil
}

// Temporal starts an in-memory dev server on a free port. No search attributes are
// pre-registered: the service must register its own at start-up.
func Temporal(ctx context.Context, logs io.Writer) (*testsuite.DevServer, error) {
	bin, err := TemporalBinary()
	if err != nil {
		return nil, err
	}
	if logs == nil {
		logs = io.Discard
	}
	return testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  bin,
		LogLevel:      "error",
		ClientOptions: &client.Options{Namespace: "default", Logger: QuietLogger{}},
		Stdout:        logs,
		Stderr:        logs,
	})
}
