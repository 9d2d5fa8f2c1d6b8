package postgres

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/workflows"
)

// A committed outbox write wakes AwaitOutbox (also when it committed before the wait began,
// after since); a rolled-back one, or none, leaves it to its fallback.
func TestAwaitOutbox(t *testing.T) {
	const fallback = 5 * time.Second // longer than any wake-up takes: waiting it out means not woken
	errRollback := errors.New("rolled back")
	cases := []struct {
		name        string
		write       bool  // queue a delivery
		writeErr    error // fails the write's transaction
		before      bool  // write before the wait begins (after since)
		atMost      time.Duration
		wantWoken   bool
		noEndpoints bool // an event no endpoint receives queues nothing
	}{
		{name: "committed during the wait", write: true, atMost: fallback, wantWoken: true},
		{name: "committed before the wait, after since", write: true, before: true, atMost: fallback, wantWoken: true},
		{name: "rolled back", write: true, writeErr: errRollback, atMost: 1500 * time.Millisecond},
		{name: "an event with no delivery", write: true, noEndpoints: true, atMost: 1500 * time.Millisecond},
		{name: "nothing written", atMost: 300 * time.Millisecond},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			deliveries := st.deliveries.Listening(st.listener(t))
			ctx := context.Background()
			m := newMerchant(t, st)
			if !tc.noEndpoints {
				newEndpoint(t, st, m, "https://example.com/hook", nil)
			}
			write := func() {
				err := st.db.inTx(ctx, func(tx *sqlx.Tx) error {
					if err := insertEvents(ctx, tx, []event.Event{newEvent(m, event.SessionExpired)}); err != nil {
						return err
					}
					return tc.writeErr
				})
				if !errors.Is(err, tc.writeErr) {
					t.Error(err)
				}
			}
			since := time.Now()
			if tc.write && tc.before {
				write()
			} else if tc.write {
				go func() {
					time.Sleep(100 * time.Millisecond) // most likely once the wait has begun; either way it must wake
					write()
				}()
			}
			t0 := time.Now()
			if err := deliveries.AwaitOutbox(ctx, since, tc.atMost); err != nil {
				t.Fatal(err)
			}
			if woken := time.Since(t0) < tc.atMost; woken != tc.wantWoken {
				t.Fatalf("returned after %v of at most %v: woken %v, want %v", time.Since(t0), tc.atMost, woken, tc.wantWoken)
			}
		})
	}
}

// AwaitOutbox ends with its context; a repository without a listener polls.
func TestAwaitOutboxEnds(t *testing.T) {
	st := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := st.deliveries.Listening(st.listener(t)).AwaitOutbox(ctx, time.Now(), time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled wait: %v", err)
	}
	t0 := time.Now()
	if err := st.deliveries.AwaitOutbox(context.Background(), time.Now(), time.Minute); err != nil || time.Since(t0) > 30*time.Second {
		t.Fatalf("unlistened wait: %v after %v", err, time.Since(t0))
	}
}

// countedClaims counts the claims (each a transaction of 3 statements) a dispatcher makes.
type countedClaims struct {
	*Deliveries
	claims atomic.Int64
}

func (c *countedClaims) ClaimUnstarted(ctx context.Context, n int,
	handle func(context.Context, []webhook.Claimed) (map[string]webhook.End, error)) (int, error) {
	c.claims.Add(1)
	return c.Deliveries.ClaimUnstarted(ctx, n, handle)
}

// An idle dispatcher woken by notifications claims a few times a second in all (its fallback),
// where polling claimed every 40 ms per claimer. The figures are logged (go test -v); the
// bound only catches a return to polling.
func TestIdleDispatcherClaims(t *testing.T) {
	const idle = 3 * time.Second
	run := func(t *testing.T, listen bool) (claims, commits int64) {
		st := newStore(t)
		ctx := context.Background()
		db, err := Open(ctx, st.url, 8) // its own pool: closing it makes its backends report their commits
		if err != nil {
			t.Fatal(err)
		}
		store := &countedClaims{Deliveries: NewDeliveries(db)}
		if listen {
			store.Deliveries = store.Deliveries.Listening(st.listener(t))
		}
		acts, err := workflows.NewDeliveryActivities(store, failingSender{}, func(event.Event) ([]byte, error) { return nil, nil },
			noStarter{}, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		acts.DispatchFor = idle
		xacts := func() int64 {
			var n int64
			if err := st.db.pool.GetContext(ctx, &n, `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := xacts()
		var suite testsuite.WorkflowTestSuite
		suite.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
		env := suite.NewTestActivityEnvironment()
		env.RegisterActivity(acts)
		if _, err := env.ExecuteActivity(acts.DispatchDeliveries); err != nil {
			t.Fatal(err)
		}
		db.Close()
		time.Sleep(500 * time.Millisecond) // the closed backends' statistics reach pg_stat_database
		return store.claims.Load(), xacts() - before
	}
	var polled, listened [2]int64
	t.Run("polling", func(t *testing.T) {
		t.Parallel()
		polled[0], polled[1] = run(t, false)
	})
	t.Run("listening", func(t *testing.T) {
		t.Parallel()
		listened[0], listened[1] = run(t, true)
	})
	t.Cleanup(func() {
		t.Logf("idle dispatcher for %v: polling %d claims (%d commits in pg_stat_database), listening %d claims (%d commits)",
			idle, polled[0], polled[1], listened[0], listened[1])
		if listened[0]*2 > polled[0] {
			t.Errorf("listening claimed %d times, polling %d", listened[0], polled[0])
		}
	})
}

// failingSender must not be called: the outbox stays empty.
type failingSender struct{}

func (failingSender) Post(context.Context, string, []byte, string) (int, string, error) {
	return 0, "", errors.New("posted with an empty outbox")
}
