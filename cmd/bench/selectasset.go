package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// awaitStarts waits until no session waits for its workflow's start and says how long it took.
func (e *benchEnv) awaitStarts(ctx context.Context) (time.Duration, error) {
	t0 := time.Now()
	for {
		var queued int
		if err := e.app.DB().GetContext(ctx, &queued, `SELECT count(*) FROM checkout_sessions WHERE NOT workflow_started`); err != nil {
			return 0, err
		}
		if queued == 0 {
			return time.Since(t0), nil
		}
		if time.Since(t0) > 5*time.Minute {
			return 0, fmt.Errorf("%d session starts still queued after 5 min", queued)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// benchSelectAsset times the shopper's asset pick (an Update whose activity allocates the
// deposit address and quotes) 16 at once, on sessions whose workflows run, while new sessions
// are created at the steady rate beside it.
func benchSelectAsset(ctx context.Context, e *benchEnv, o options) error {
	create := e.createSession()
	ids := make([]string, o.selects)
	for i := range ids {
		id, _, err := create(ctx)
		if err != nil {
			return fmt.Errorf("create a session to select on: %w", err)
		}
		ids[i] = id
	}
	if _, err := e.awaitStarts(ctx); err != nil {
		return err
	}
	bg, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		tick := time.NewTicker(time.Second / time.Duration(o.steadyRate))
		defer tick.Stop()
		for {
			select {
			case <-bg.Done():
				return
			case <-tick.C:
				go func() { _, _, _ = create(bg) }()
			}
		}
	}()
	var next atomic.Int64
	res, err := measure(ctx, 16, len(ids), func(ctx context.Context) (time.Duration, error) {
		path := "/v1/checkout/sessions/" + ids[next.Add(1)-1] + "/select_asset"
		t := time.Now()
		var out struct{}
		err := apiCall(ctx, e.base, e.key, http.MethodPost, path, url.Values{"asset": {"eth@dev"}}, &out)
		return time.Since(t), err
	})
	if err != nil {
		return fmt.Errorf("select_asset: %w", err)
	}
	fmt.Printf("select_asset 16 at once while %d creates/s run: n %d, p50 %.1f ms, p99 %.1f ms, %d failed (target p99 <= 300 ms)\n",
		o.steadyRate, len(ids), ms(res.p50), ms(res.p99), res.errors)
	return nil
}
