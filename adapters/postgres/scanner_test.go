package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/core/chain"
)

const testChainID = 7

var stepTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// scanRepos is the scanner's repository with the database it reads, and the sessions'
// (which read the payments it writes).
type scanRepos struct {
	*postgres.ChainState
	db       *postgres.DB
	sessions *postgres.Sessions
}

func openScanStore(t *testing.T) scanRepos {
	t.Helper()
	db := openStore(t, "checkout_scan")
	if _, err := db.Pool().Exec(`INSERT INTO merchants (id, name, xpub, created_at) VALUES ('mch_1', 'Shop', 'xpub', now())`); err != nil {
		t.Fatal(err)
	}
	return scanRepos{ChainState: postgres.NewChainState(db), db: db, sessions: postgres.NewSessions(db)}
}

// addSession stores a session accepting assets, with its deposit address watched until watchUntil.
func addSession(t *testing.T, st scanRepos, id, address string, livemode bool, assets []string, watchUntil time.Time) {
	t.Helper()
	db := st.db.Pool()
	if _, err := db.Exec(`INSERT INTO checkout_sessions (id, merchant_id, livemode, mode, status, payment_status, currency,
		amount_subtotal, amount_total, expires_at, created_at, accepted_assets)
		VALUES ($1, 'mch_1', $2, 'payment', 'open', 'unpaid', 'usd', 100, 100, $3, now(), $4)`,
		id, livemode, watchUntil, pq.Array(assets)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO deposit_addresses (address, session_id, xpub, address_index, watch_until, created_at)
		VALUES ($1, $2, 'xpub', (SELECT count(*) FROM deposit_addresses), $3, now())`, address, id, watchUntil); err != nil {
		t.Fatal(err)
	}
}

func block(n uint64, branch string) chain.BlockRef {
	return chain.BlockRef{Number: n, Hash: fmt.Sprintf("0x%s%d", branch, n), ParentHash: fmt.Sprintf("0x%s%d", branch, n-1),
		Time: stepTime.Add(time.Duration(n) * time.Second)}
}

func found(session, tx string, b chain.BlockRef, amount int64, dust bool) chain.Payment {
	return chain.Payment{ID: "pay_" + tx + b.Hash, SessionID: session, ChainID: testChainID, AssetID: "usdc@dev", TxHash: tx,
		BlockNumber: b.Number, BlockHash: b.Hash, BlockTime: b.Time, From: "0xpayer", To: "0xaddr", Amount: big.NewInt(amount),
		Status: chain.PaymentDetected, Dust: dust, DetectedAt: stepTime}
}

// commit commits a step from the stored cursor to the given blocks.
func commit(t *testing.T, st scanRepos, fork *uint64, blocks []chain.BlockRef, cursor chain.BlockRef, pays ...chain.Payment) []string {
	t.Helper()
	ctx := context.Background()
	prev, ok, err := st.Cursor(ctx, testChainID)
	if err != nil {
		t.Fatal(err)
	}
	step := chain.Step{ChainID: testChainID, ForkAt: fork, Blocks: blocks, Payments: pays, Cursor: cursor, Depth: 3,
		ReorgWindow: 16, Now: stepTime}
	if ok {
		step.Prev = &prev
	}
	changes, err := st.CommitStep(ctx, step)
	if err != nil {
		t.Fatalf("commit: %v", err)
	}
	var out []string
	for _, c := range changes {
		out = append(out, c.SessionID+":"+c.TxHash+":"+string(c.Status))
	}
	return out
}

func TestCommitStepSettlesPaymentsAndKeepsTheCursor(t *testing.T) {
	st := openScanStore(t)
	ctx := context.Background()
	addSession(t, st, "cs_a", "0xaddr", false, []string{"usdc@dev"}, stepTime.Add(time.Hour))
	if got := commit(t, st, nil, []chain.BlockRef{block(10, "a")}, block(10, "a")); len(got) != 0 {
		t.Fatalf("first step changes %v", got)
	}
	cur, ok, err := st.Cursor(ctx, testChainID)
	if err != nil || !ok || cur != block(10, "a") {
		t.Fatalf("cursor %+v %v %v, want %+v with its time and parent", cur, ok, err, block(10, "a"))
	}
	b11 := block(11, "a")
	got := commit(t, st, nil, []chain.BlockRef{b11}, b11, found("cs_a", "0xt1", b11, 5_000_000, false), found("cs_a", "0xdust", b11, 1, true))
	if !reflect.DeepEqual(got, []string{"cs_a:0xt1:detected"}) {
		t.Fatalf("changes %v", got)
	}
	got = commit(t, st, nil, []chain.BlockRef{block(12, "a"), block(13, "a")}, block(13, "a"))
	if !reflect.DeepEqual(got, []string{"cs_a:0xt1:confirmed"}) {
		t.Fatalf("changes %v", got)
	}
	fork := uint64(10)
	if got := commit(t, st, &fork, nil, block(10, "a")); !reflect.DeepEqual(got, []string{"cs_a:0xt1:reverted"}) {
		t.Fatalf("fork changes %v", got)
	}
	if h, _ := st.BlockHashes(ctx, testChainID, 0, 20); !reflect.DeepEqual(h, map[uint64]string{10: "0xa10"}) {
		t.Fatalf("blocks after the fork: %v", h)
	}
	b12 := block(12, "b")
	b12.ParentHash = "0xa10"
	got = commit(t, st, nil, []chain.BlockRef{block(11, "b"), b12}, b12, found("cs_a", "0xt1", b12, 5_000_000, false))
	if !reflect.DeepEqual(got, []string{"cs_a:0xt1:detected"}) {
		t.Fatalf("reinstatement changes %v", got)
	}
	pays, err := st.sessions.ListPayments(ctx, "cs_a")
	if err != nil || len(pays) != 2 {
		t.Fatalf("payments %+v %v", pays, err)
	}
	for _, p := range pays {
		switch p.TxHash {
		case "0xt1":
			if p.Status != chain.PaymentDetected || !p.WasConfirmed || p.BlockHash != "0xb12" || !p.RevertedAt.IsZero() || p.Dust {
				t.Fatalf("reinstated payment %+v", p)
			}
		case "0xdust":
			if !p.Dust || p.Status != chain.PaymentReverted {
				t.Fatalf("dust payment %+v", p)
			}
		}
	}
}

func TestCommitStepConcurrentStepsOneWins(t *testing.T) {
	st := openScanStore(t)
	ctx := context.Background()
	addSession(t, st, "cs_a", "0xaddr", false, []string{"usdc@dev"}, stepTime.Add(time.Hour))
	const writers = 6
	run := func(step func(i int) chain.Step) (wins int) {
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := 0; i < writers; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, errs[i] = st.CommitStep(ctx, step(i))
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, chain.ErrCursorMoved):
				t.Fatalf("a losing commit failed otherwise: %v", err)
			}
		}
		return wins
	}
	if wins := run(func(int) chain.Step {
		return chain.Step{ChainID: testChainID, Blocks: []chain.BlockRef{block(10, "a")}, Cursor: block(10, "a"), Now: stepTime}
	}); wins != 1 {
		t.Fatalf("%d first steps won, want 1", wins)
	}
	prev := block(10, "a")
	b11 := block(11, "a")
	if wins := run(func(i int) chain.Step {
		p := found("cs_a", "0xt1", b11, 5_000_000, false)
		p.ID = fmt.Sprintf("pay_%d", i)
		return chain.Step{ChainID: testChainID, Prev: &prev, Blocks: []chain.BlockRef{b11}, Payments: []chain.Payment{p},
			Cursor: b11, Depth: 3, Now: stepTime}
	}); wins != 1 {
		t.Fatalf("%d steps from the same cursor won, want 1", wins)
	}
	if pays, err := st.sessions.ListPayments(ctx, "cs_a"); err != nil || len(pays) != 1 {
		t.Fatalf("the payment was counted %d times (%v)", len(pays), err)
	}
}

func TestWatchedAddressesAreScopedToTheChainAndTheStep(t *testing.T) {
	st := openScanStore(t)
	later, earlier := stepTime.Add(time.Hour), stepTime.Add(-time.Hour)
	addSession(t, st, "cs_test_dev", "0x01", false, []string{"eth@dev", "tusd@dev"}, later)
	addSession(t, st, "cs_test_other", "0x02", false, []string{"eth@sepolia"}, later)
	addSession(t, st, "cs_live_base", "0x03", true, []string{"usdc@base"}, later)
	addSession(t, st, "cs_live_dev", "0x04", true, []string{"eth@dev"}, later) // a live session on a test chain's asset ID
	addSession(t, st, "cs_test_done", "0x05", false, []string{"eth@dev"}, earlier)
	cases := []struct {
		scope chain.WatchScope
		want  map[string]string
	}{
		{chain.WatchScope{ChainID: 1337, ChainKey: "dev", AssetIDs: []string{"eth@dev", "tusd@dev"}},
			map[string]string{"0x01": "cs_test_dev"}},
		{chain.WatchScope{ChainID: 8453, ChainKey: "base", Livemode: true, AssetIDs: []string{"eth@base", "usdc@base"}},
			map[string]string{"0x03": "cs_live_base"}},
		{chain.WatchScope{ChainID: 84532, ChainKey: "base-sepolia", AssetIDs: []string{"eth@base-sepolia"}},
			map[string]string{}},
	}
	among := []string{"0x01", "0x02", "0x03", "0x04", "0x05", "0x99"}
	for _, c := range cases {
		got, err := st.WatchedAmong(context.Background(), c.scope, stepTime, among)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: watched %v (%v), want %v", c.scope.ChainKey, got, err, c.want)
		}
	}
	// A list longer than one query's chunk is asked in parts.
	many := make([]string, 0, 4501)
	for i := range 4500 {
		many = append(many, fmt.Sprintf("0x%040x", i+1000))
	}
	got, err := st.WatchedAmong(context.Background(), cases[0].scope, stepTime, append(many, "0x01"))
	if err != nil || !reflect.DeepEqual(got, map[string]string{"0x01": "cs_test_dev"}) {
		t.Errorf("among 4,501 addresses: got %v (%v), want 0x01 only", got, err)
	}
	// Watching looks at the watch windows alone: any scope's open address says yes.
	for _, c := range []struct {
		at   time.Time
		want bool
	}{{stepTime, true}, {later, false}} {
		if got, err := st.Watching(context.Background(), c.at); err != nil || got != c.want {
			t.Errorf("watching at %s: %v (%v), want %v", c.at, got, err, c.want)
		}
	}
	// Only the addresses asked about are answered, however many are watched.
	got, err = st.WatchedAmong(context.Background(), cases[0].scope, stepTime, []string{"0x02", "0x99"})
	if err != nil || len(got) != 0 {
		t.Errorf("asked about unwatched addresses only: got %v (%v), want none", got, err)
	}
}
