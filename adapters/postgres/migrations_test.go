package postgres_test

import (
	"strings"
	"testing"
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
