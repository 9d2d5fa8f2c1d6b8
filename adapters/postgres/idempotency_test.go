package postgres

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
)

// modes are the idempotency modes, each with what the other requests see while fn runs
// (the InTransaction ones wait on the claim's row lock and then replay).
var modes = []struct {
	name   string
	mode   idempotency.Mode
	others idempotency.Outcome
}{
	{"in transaction", idempotency.InTransaction, idempotency.Replay},
	{"around call", idempotency.AroundCall, idempotency.InProgress},
}

// writeMerchant writes a row through ctx: under InTransaction it joins the request's transaction.
func writeMerchant(ctx context.Context, st *testRepos, name string) error {
	id, now := ident.New("acct"), time.Now().UTC()
	return st.merchants.CreateMerchant(ctx, merchant.Merchant{ID: id, Name: name, XPub: "xpub", CreatedAt: now},
		[]merchant.APIKey{{ID: ident.New("key"), MerchantID: id, Hash: ident.Random(40), Hint: "sk_test_…", CreatedAt: now}})
}

// waitFor polls cond until it holds, failing after a few seconds (well within the key's lock timeout).
func waitFor(what string, cond func() (bool, error)) error {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok, err := cond(); ok || err != nil {
			return err
		}
	}
	return fmt.Errorf("timed out waiting for %s", what)
}

// N requests with one key at once: exactly one executes, and it runs only once every other
// has met its claim (waiting on its lock, or answered InProgress); the others then get the
// replay or InProgress, and the one execution's writes are stored once.
func TestConcurrentRunsWithOneKeyExecuteOnce(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	scope := idempotency.Scope{MerchantID: newMerchant(t, st)}
	const n = 5
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			key, name := ident.New("key"), ident.New("merchant")
			var executed, returned atomic.Int32
			othersMet := func() (bool, error) {
				if m.mode == idempotency.AroundCall {
					return returned.Load() == n-1, nil
				}
				var waiting int
				err := st.db.pool.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
					WHERE datname = current_database() AND wait_event_type = 'Lock'`)
				return waiting == n-1, err
			}
			fn := func(ctx context.Context) idempotency.Response {
				executed.Add(1)
				if err := writeMerchant(ctx, st, name); err != nil {
					return idempotency.Response{StatusCode: 500, Body: []byte(err.Error())}
				}
				if err := waitFor("the other requests", othersMet); err != nil {
					return idempotency.Response{StatusCode: 500, Body: []byte(err.Error())}
				}
				return idempotency.Response{StatusCode: 201, Body: []byte(`{"ok":true}`)}
			}
			outcomes := make([]idempotency.Outcome, n)
			var mu sync.Mutex
			err := concurrently(n, func(i int) error {
				outcome, res, err := st.idempotency.Run(ctx, scope, key, "fp", time.Now(), m.mode, fn)
				returned.Add(1)
				mu.Lock()
				defer mu.Unlock()
				outcomes[i] = outcome
				if err == nil && outcome != idempotency.InProgress && res.StatusCode != 201 {
					err = fmt.Errorf("outcome %d answered %d %s", outcome, res.StatusCode, res.Body)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			count := map[idempotency.Outcome]int{}
			for _, o := range outcomes {
				count[o]++
			}
			if executed.Load() != 1 || count[idempotency.Executed] != 1 || count[m.others] != n-1 {
				t.Fatalf("fn ran %d times; outcomes %v, want 1 executed and %d of %d", executed.Load(), count, n-1, m.others)
			}
			if got := st.count(t, `SELECT count(*) FROM merchants WHERE name = $1`, name); got != 1 {
				t.Fatalf("the request's write stored %d times", got)
			}
			if o, res, err := st.idempotency.Run(ctx, scope, key, "fp", time.Now(), m.mode, fn); err != nil ||
				o != idempotency.Replay || string(res.Body) != `{"ok":true}` {
				t.Fatalf("after the burst: outcome %d, %s, %v; want the replay", o, res.Body, err)
			}
		})
	}
}

// A run refused before it executed (400, 429, 503 …) leaves the key free; any other failure
// (404, 409, 500 …) is kept and replayed, as Stripe does. Either way, in a transaction, none of
// a failed run's writes stay.
func TestFailedRunKeepsOrFreesTheKey(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	scope := idempotency.Scope{MerchantID: newMerchant(t, st)}
	for _, m := range modes {
		for _, status := range []int{400, 429, 503, 402, 404, 409, 500} {
			t.Run(fmt.Sprintf("%s/%d", m.name, status), func(t *testing.T) {
				key, name := ident.New("key"), ident.New("merchant")
				run := func(status int) (idempotency.Outcome, idempotency.Response, error) {
					return st.idempotency.Run(ctx, scope, key, "fp", time.Now(), m.mode, func(ctx context.Context) idempotency.Response {
						if err := writeMerchant(ctx, st, name); err != nil {
							return idempotency.Response{StatusCode: 599, Body: []byte(err.Error())}
						}
						return idempotency.Response{StatusCode: status, Body: []byte(`{"first":true}`)}
					})
				}
				if o, res, err := run(status); err != nil || o != idempotency.Executed || res.StatusCode != status {
					t.Fatalf("failing run: outcome %d, %d, %v", o, res.StatusCode, err)
				}
				wantWrites := 0 // rolled back with the request
				if m.mode == idempotency.AroundCall {
					wantWrites = 1 // fn ran outside any transaction
				}
				if n := st.count(t, `SELECT count(*) FROM merchants WHERE name = $1`, name); n != wantWrites {
					t.Fatalf("the failed run left %d writes, want %d", n, wantWrites)
				}
				kept := idempotency.Response{StatusCode: status}.Kept()
				o, res, err := run(200)
				switch {
				case err != nil:
					t.Fatalf("retry: %v", err)
				case kept && (o != idempotency.Replay || res.StatusCode != status || string(res.Body) != `{"first":true}`):
					t.Fatalf("retry after a kept %d: outcome %d, %d %s; want the first response replayed", status, o, res.StatusCode, res.Body)
				case !kept && (o != idempotency.Executed || res.StatusCode != 200):
					t.Fatalf("retry after a refused %d: outcome %d, %d; want it executed", status, o, res.StatusCode)
				}
			})
		}
	}
}

// A claim waiting on another request's lock gives up after the repository's wait (the
// lock_timeout its claim statement sets) and answers InProgress; the holder then completes.
func TestClaimWaitsOnlyTheLockTimeout(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	scope := idempotency.Scope{MerchantID: newMerchant(t, st)}
	repo := &Idempotency{db: st.db, wait: 300 * time.Millisecond}
	key := ident.New("key")
	type answer struct {
		outcome idempotency.Outcome
		err     error
	}
	second := make(chan answer, 1)
	holder := func(ctx context.Context) idempotency.Response {
		go func() { // the second request, while the first holds the key's row lock
			o, _, err := repo.Run(ctx, scope, key, "fp", time.Now(), idempotency.InTransaction,
				func(context.Context) idempotency.Response { return idempotency.Response{StatusCode: 200} })
			second <- answer{o, err}
		}()
		select {
		case a := <-second:
			second <- a
		case <-time.After(5 * time.Second): // no bound on the wait: let it through; it then replays and fails the test
		}
		return idempotency.Response{StatusCode: 201, Body: []byte(`{"ok":true}`)}
	}
	o, res, err := repo.Run(ctx, scope, key, "fp", time.Now(), idempotency.InTransaction, holder)
	if err != nil || o != idempotency.Executed || res.StatusCode != 201 {
		t.Fatalf("holder: outcome %d, %d %s, %v", o, res.StatusCode, res.Body, err)
	}
	if a := <-second; a.err != nil || a.outcome != idempotency.InProgress {
		t.Fatalf("the waiting request got outcome %d (%v), want InProgress after the lock timeout", a.outcome, a.err)
	}
}

// The claim runs as a prepared statement on each pooled connection: once Postgres has dropped
// every connection (a restart, a failover), requests are claimed again on new connections,
// where the statement is prepared anew.
func TestPreparedClaimOutlivesItsConnections(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	scope := idempotency.Scope{MerchantID: newMerchant(t, st)}
	claim := func() error {
		_, res, err := st.idempotency.Run(ctx, scope, ident.New("key"), "fp", time.Now(), idempotency.InTransaction,
			func(context.Context) idempotency.Response {
				return idempotency.Response{StatusCode: 200, Body: []byte(`{}`)}
			})
		if err == nil && res.StatusCode != 200 {
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		return err
	}
	for range 8 { // prepare it on several connections
		if err := claim(); err != nil {
			t.Fatalf("claim before the drop: %v", err)
		}
	}
	admin, err := Open(ctx, st.url, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.pool.ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for range 20 { // a request on a connection Postgres dropped may fail once; none after
		if err := claim(); err != nil {
			failed++
		}
	}
	t.Logf("%d of 20 claims failed right after the drop", failed)
	if failed > 8 {
		t.Fatalf("%d of 20 claims failed after the connections were dropped", failed)
	}
	if err := claim(); err != nil {
		t.Fatalf("claim on fresh connections: %v", err)
	}
}
