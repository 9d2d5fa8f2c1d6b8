package postgres_test

import (
	"context"
	"testing"

	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// openStore gives a test its own migrated database, dropped when the test ends.
func openStore(t *testing.T, prefix string) *postgres.DB {
	t.Helper()
	ctx := context.Background()
	url, drop, err := wiringtest.Database(ctx, prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := postgres.Open(ctx, url, 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}
