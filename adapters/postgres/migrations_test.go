package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/chaincheckout/checkout/migrations"
)

// The open-payments index holds only payments still confirming (migration 0008).
func TestOpenPaymentsIndexHoldsConfirmingPaymentsOnly(t *testing.T) {
	s := openStore(t, "checkout_migrations")
	var def string
	if err := s.Pool().Get(&def, `SELECT indexdef FROM pg_indexes WHERE indexname = 'payments_open'`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(def, "(chain_id, block_number) WHERE (status = 'detected'::text)") {
		t.Fatalf("payments_open is %q, want (chain_id, block_number) WHERE status = 'detected'", def)
	}
}

// Migration 0023 (refunds) reverses cleanly, refund lines included, and applies again.
func TestRefundsMigrationReverses(t *testing.T) {
	s := openStore(t, "checkout_migrations")
	ctx := context.Background()
	p, err := goose.NewProvider(goose.DialectPostgres, s.Pool().DB, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	columns := func() int {
		var n int
		if err := s.Pool().Get(&n, `SELECT count(*) FROM information_schema.columns
			WHERE (table_name = 'checkout_sessions' AND column_name IN ('resolution', 'amount_refunded'))
				OR (table_name = 'refunds' AND column_name = 'id')`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := columns(); n != 3 {
		t.Fatalf("%d of the 3 columns after migrating", n)
	}
	exec(t, s, `INSERT INTO merchants (id, name, xpub, created_at) VALUES ('acct_m', 'M', 'xpub', now())`)
	exec(t, s, `INSERT INTO balance_transactions (id, merchant_id, livemode, type, chain_id, asset_id, amount, currency,
		fiat_amount, status, created_at) VALUES ('txn_r', 'acct_m', false, 'refund', 1, 'usdc@dev', -5, 'usd', -1, 'available', now())`)
	if _, err := p.DownTo(ctx, 22); err != nil {
		t.Fatal(err)
	}
	if n := columns(); n != 0 {
		t.Fatalf("%d of the columns left after reversing", n)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if n := columns(); n != 3 {
		t.Fatalf("%d of the 3 columns after migrating again", n)
	}
}
