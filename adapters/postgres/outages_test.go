package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
)

// Outages are kept one open per chain (a retried observation opens no second), end once, and
// list from a moment on; a session whose due time moves later keeps its address watched
// through the new due time's monitoring window.
func TestOutagesAndAnExtendedWatch(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	chainState := NewChainState(st.db)
	t0 := time.Now().UTC().Truncate(time.Second)
	for range 2 {
		if err := chainState.BeginOutage(ctx, chain.Outage{ChainID: 7, Start: t0.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := chainState.BeginOutage(ctx, chain.Outage{ChainID: 7, Start: t0.Add(-30 * time.Minute)}); err != nil {
		t.Fatal(err) // one is open: nothing happens
	}
	open, err := chainState.OpenOutage(ctx, 7)
	if err != nil || open == nil || !open.Start.Equal(t0.Add(-time.Hour)) {
		t.Fatalf("open outage %+v (%v)", open, err)
	}
	if err := chainState.EndOutage(ctx, 7, t0.Add(-40*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := chainState.BeginOutage(ctx, chain.Outage{ChainID: 7, Start: t0.Add(-10 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if o, err := chainState.OpenOutage(ctx, 8); o != nil || err != nil {
		t.Fatalf("another chain's open outage: %+v %v", o, err)
	}
	all, err := st.sessions.Outages(ctx, 7, t0.Add(-50*time.Minute))
	if err != nil || len(all) != 2 || !all[0].End.Equal(t0.Add(-40*time.Minute)) || !all[1].End.IsZero() {
		t.Fatalf("outages since 50 minutes ago: %+v (%v)", all, err)
	}
	if later, _ := st.sessions.Outages(ctx, 7, t0.Add(-20*time.Minute)); len(later) != 1 {
		t.Fatalf("outages since 20 minutes ago: %+v, want the open one only", later)
	}

	m := newMerchant(t, st)
	id := newOpenSession(t, st, m, 1_000)
	if _, err := st.sessions.EnsureDepositAddress(ctx, id, 0, func(string, uint32, uint32) (string, error) {
		return "0x00000000000000000000000000000000000d0001", nil
	}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	to := t0.Add(3 * time.Hour)
	after, err := st.sessions.Update(ctx, id, func(s *checkout.Session, _ []chain.Payment) error {
		s.ExtendTo(to)
		return nil
	}, noEvents)
	if err != nil || !after.Due().Equal(to) {
		t.Fatalf("extend: %v, due %v", err, after.Due())
	}
	var watch time.Time
	if err := st.db.pool.GetContext(ctx, &watch, `SELECT watch_until FROM deposit_addresses WHERE session_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if loaded, _ := st.sessions.LoadSession(ctx, id); !watch.Equal(after.WatchUntil()) || !loaded.ExtendedTo.Equal(to) {
		t.Fatalf("watched until %v, want %v; stored due %v", watch, after.WatchUntil(), loaded.ExtendedTo)
	}
}
