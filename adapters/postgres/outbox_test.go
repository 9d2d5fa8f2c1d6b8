package postgres

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/chaincheckout/checkout/core/event"
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
