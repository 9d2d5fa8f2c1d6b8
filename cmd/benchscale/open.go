package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/ident"
)

// openUpTo creates sessions until n exist, each with the bench's asset preselected (so its
// workflow allocates the deposit address and quotes at once), and returns when all n have an
// address. Creates pause while more than max-backlog created sessions lack one: the bench
// opens sessions as fast as the stack allocates addresses, without queueing starts so long
// that the workers' supervisor starts them a second time.
func (s *stack) openUpTo(ctx context.Context, n int) error {
	var withAddress atomic.Int64
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pollErr := make(chan error, 1)
	go func() { pollErr <- s.pollAddresses(ctx, &withAddress) }()
	base := len(s.created)
	todo := n - base
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := range s.o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < todo && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
				for int64(base+i)-withAddress.Load() > int64(s.o.maxBacklog) && ctx.Err() == nil {
					time.Sleep(100 * time.Millisecond)
				}
				id, err := s.create(ctx, s.apis[(w+i)%len(s.apis)])
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				if err == nil {
					s.created = append(s.created, id)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return s.awaitAddresses(ctx, int64(n), &withAddress, pollErr)
}

// awaitAddresses waits until want sessions have an address, logging the progress. When none
// gets one for 2 minutes it goes on with those that have one, and says how many lack it.
func (s *stack) awaitAddresses(ctx context.Context, want int64, have *atomic.Int64, pollErr <-chan error) error {
	last, lastHave, lastChange := time.Now(), int64(-1), time.Now()
	for have.Load() < want {
		select {
		case err := <-pollErr:
			return err
		case <-time.After(200 * time.Millisecond):
		}
		if n := have.Load(); n != lastHave {
			lastHave, lastChange = n, time.Now()
		} else if time.Since(lastChange) > 2*time.Minute {
			logf("WARNING: %d of %d sessions still have no address after 2 minutes without progress: going on", want-n, want)
			return nil
		}
		if time.Since(last) > 10*time.Second {
			logf("%d of %d sessions have their address", have.Load(), want)
			last = time.Now()
		}
	}
	return nil
}

// pollAddresses keeps have at the number of sessions with a deposit address.
func (s *stack) pollAddresses(ctx context.Context, have *atomic.Int64) error {
	for {
		var n int64
		if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM checkout_sessions WHERE deposit_address IS NOT NULL`); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("count sessions with an address: %w", err)
		}
		have.Store(n)
		if err := sleep(ctx, 500*time.Millisecond); err != nil {
			return nil
		}
	}
}

// sessionLife is each session's expires_at ahead of its create: the longest a session may
// live, so 100k sessions opened over hours are all still open when measured (the default
// hour would expire the first ones on the way).
const sessionLife = 24*time.Hour - time.Minute

// create is one create-session request, as a merchant sends it, with the asset preselected.
func (s *stack) create(ctx context.Context, api string) (string, error) {
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"T-shirt"},
		"line_items[0][quantity]": {"1"}, "crypto[asset]": {s.o.asset}, "metadata[order_id]": {"42"},
		"expires_at": {fmt.Sprint(time.Now().Add(sessionLife).Unix())}}
	var out struct {
		ID string `json:"id"`
	}
	err := s.call(ctx, api, http.MethodPost, "/v1/checkout/sessions", form, &out)
	return out.ID, err
}

// call is one API request with the merchant's key; a non-200 answer is an error.
func (s *stack) call(ctx context.Context, api, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, api+path, body)
	if err != nil {
		return err
	}
	req.SetBasicAuth(s.o.key, "")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", ident.Random(24))
	}
	res, err := s.httpc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	return json.Unmarshal(raw, out)
}

// openWithAddress counts the sessions still open that have a deposit address.
func (s *stack) openWithAddress(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM checkout_sessions WHERE deposit_address IS NOT NULL AND status = $1`,
		string(checkout.StatusOpen))
	if err != nil {
		return 0, fmt.Errorf("count open sessions: %w", err)
	}
	return n, nil
}
