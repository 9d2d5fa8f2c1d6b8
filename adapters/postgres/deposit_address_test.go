package postgres

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Deposit addresses under concurrent selections: sessions of one xpub get distinct indexes and
// addresses; requests racing for one session all answer its one address; a session that has
// its address takes no index; an unknown session is not found and takes none.
func TestDepositAddressesUnderConcurrency(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	derive := func(_ string, branch, index uint32) (string, error) {
		return fmt.Sprintf("0x%039x%d", index, branch), nil
	}
	watch := time.Now().Add(time.Hour)
	const sessions, racers = 12, 4
	ids := make([]string, sessions)
	for i := range ids {
		ids[i] = newOpenSession(t, st, m, 1_000)
	}
	got := make([][]string, sessions)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range ids {
		for range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				addr, err := st.sessions.EnsureDepositAddress(ctx, ids[i], 1, derive, watch)
				if err != nil {
					t.Errorf("session %d: %v", i, err)
				}
				mu.Lock()
				got[i] = append(got[i], addr)
				mu.Unlock()
			}()
		}
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, addrs := range got {
		for _, a := range addrs {
			if a != addrs[0] || a == "" {
				t.Fatalf("session %d answered %v, want one address", i, addrs)
			}
		}
		if seen[addrs[0]] {
			t.Fatalf("address %s given to two sessions", addrs[0])
		}
		seen[addrs[0]] = true
	}
	var stored, distinct, next int
	if err := st.db.pool.QueryRowxContext(ctx, `SELECT count(*), count(DISTINCT address_index) FROM deposit_addresses`).
		Scan(&stored, &distinct); err != nil || stored != sessions || distinct != sessions {
		t.Fatalf("deposit addresses %d with %d distinct indexes (%v), want %d", stored, distinct, err, sessions)
	}
	readNext := func() int {
		if err := st.db.pool.GetContext(ctx, &next, `SELECT next_index FROM hd_accounts WHERE branch = 1`); err != nil {
			t.Fatal(err)
		}
		return next
	}
	before := readNext()
	if before < sessions || before > sessions*racers {
		t.Fatalf("next index %d after %d sessions raced by %d requests each", before, sessions, racers)
	}
	if a, err := st.sessions.EnsureDepositAddress(ctx, ids[0], 1, derive, watch); err != nil || a != got[0][0] {
		t.Fatalf("again: %q, %v; want %q", a, err, got[0][0])
	}
	if _, err := st.sessions.EnsureDepositAddress(ctx, "cs_test_missing", 1, derive, watch); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("unknown session: %v, want not found", err)
	}
	if after := readNext(); after != before {
		t.Fatalf("next index %d after asking again and for an unknown session, want %d: an index was taken", after, before)
	}
}
