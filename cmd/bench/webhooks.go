package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chaincheckout/checkout/core/webhook"
)

// receiver counts webhook arrivals and notes when each event first arrived.
type receiver struct {
	srv     *httptest.Server
	got     atomic.Int64
	mu      sync.Mutex
	arrived map[string]time.Time
}

func newReceiver() *receiver {
	r := &receiver{arrived: map[string]time.Time{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var ev struct{ ID string }
		_ = json.Unmarshal(body, &ev)
		r.mu.Lock()
		if _, ok := r.arrived[ev.ID]; !ok {
			r.arrived[ev.ID] = time.Now()
		}
		r.mu.Unlock()
		r.got.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	return r
}

func (r *receiver) arrivedAt(eventID string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.arrived[eventID]
	return at, ok
}

// benchWebhooks measures event-to-first-attempt latency and delivery throughput to a local
// receiver, beside bare signed POSTs of the same payload to the same receiver.
func benchWebhooks(ctx context.Context, base, key string, events, burst int) error {
	rcv := newReceiver()
	defer rcv.srv.Close()
	var we struct{ ID, Secret string }
	if err := apiCall(ctx, base, key, http.MethodPost, "/v1/webhook_endpoints",
		url.Values{"url": {rcv.srv.URL}, "enabled_events[0]": {"checkout.session.expired"}}, &we); err != nil {
		return err
	}
	post := barePost(ctx, rcv.srv.URL, we.Secret)
	if err := benchEventLatency(ctx, base, key, events, rcv, post); err != nil {
		return err
	}
	return benchDeliveryThroughput(ctx, base, key, burst, rcv, post)
}

// barePost is the floor: one signed POST of an event-sized payload, nothing durable.
func barePost(ctx context.Context, url, secret string) func() error {
	payload := bytes.Repeat([]byte("x"), 2048)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	return func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
		req.Header.Set("Stripe-Signature", webhook.Sign(payload, secret, time.Now()))
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		return res.Body.Close()
	}
}

// newSession creates a one-item session without an asset (it expires without waiting for a chain).
func newSession(ctx context.Context, base, key string) (string, error) {
	var s struct{ ID string }
	form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"500"}, "line_items[0][price_data][product_data][name]": {"Mug"},
		"line_items[0][quantity]": {"1"}}
	err := apiCall(ctx, base, key, http.MethodPost, "/v1/checkout/sessions", form, &s)
	return s.ID, err
}

func expireSession(ctx context.Context, base, key, id string) error {
	var s struct{ ID string }
	return apiCall(ctx, base, key, http.MethodPost, "/v1/checkout/sessions/"+id+"/expire", url.Values{}, &s)
}

// benchEventLatency expires sessions one by one (the event is committed when expire answers)
// and times each event's first arrival.
func benchEventLatency(ctx context.Context, base, key string, events int, rcv *receiver, post func() error) error {
	var lat, afterAnswer []time.Duration
	for i := 0; i < events; i++ {
		id, err := newSession(ctx, base, key)
		if err != nil {
			return err
		}
		committed := time.Now() // an upper bound: the event commits inside the request, and may arrive before it answers
		if err := expireSession(ctx, base, key, id); err != nil {
			return err
		}
		answered := time.Now()
		var list struct{ Data []struct{ ID string } }
		if err := apiCall(ctx, base, key, http.MethodGet, "/v1/events?checkout_session="+id, nil, &list); err != nil || len(list.Data) == 0 {
			return fmt.Errorf("event of %s: %v", id, err)
		}
		for {
			if at, ok := rcv.arrivedAt(list.Data[0].ID); ok {
				lat, afterAnswer = append(lat, at.Sub(committed)), append(afterAnswer, at.Sub(answered))
				break
			}
			if time.Since(committed) > 30*time.Second {
				return fmt.Errorf("event %s never arrived", list.Data[0].ID)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	slices.Sort(lat)
	slices.Sort(afterAnswer)
	var bare []time.Duration
	for i := 0; i < events; i++ {
		t := time.Now()
		if err := post(); err != nil {
			return err
		}
		bare = append(bare, time.Since(t))
	}
	slices.Sort(bare)
	fmt.Printf("\nevent committed (bound: expire request sent) to first delivery attempt received, %d events\n", events)
	fmt.Printf("  floor (a bare signed POST to the same receiver): p50 %7.2f ms\n", ms(bare[len(bare)/2]))
	fmt.Printf("  ours (outbox, dispatcher's first attempt):       p50 %7.2f ms   p99 %.2f ms\n",
		ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*99/100)]))
	fmt.Printf("  ours, timed from the expire answer (negative: arrived first): p50 %7.2f ms\n", ms(afterAnswer[len(afterAnswer)/2]))
	return nil
}

// fanOut is how many endpoints (the most a merchant may have) receive each event of the
// throughput burst: an expiry through the API is slower than a delivery, so one endpoint per
// event would measure the expiries.
const fanOut = webhook.MaxEndpoints

// benchDeliveryThroughput subscribes fanOut endpoints on the receiver, expires sessions made
// beforehand, 16 at a time, until burst deliveries are due, and counts arrivals from the
// first expiry (redelivery is rate limited, so it cannot queue a burst).
func benchDeliveryThroughput(ctx context.Context, base, key string, burst int, rcv *receiver, post func() error) error {
	for i := 1; i < fanOut; i++ { // benchWebhooks made the first
		if err := apiCall(ctx, base, key, http.MethodPost, "/v1/webhook_endpoints",
			url.Values{"url": {rcv.srv.URL}, "enabled_events[0]": {"checkout.session.expired"}}, &struct{}{}); err != nil {
			return err
		}
	}
	burst = (burst + fanOut - 1) / fanOut * fanOut
	ids := make([]string, burst/fanOut)
	for i := range ids {
		var err error
		if ids[i], err = newSession(ctx, base, key); err != nil {
			return err
		}
	}
	before := rcv.got.Load()
	t0 := time.Now()
	if err := inParallel(16, len(ids), func(i int) error { return expireSession(ctx, base, key, ids[i]) }); err != nil {
		return err
	}
	expired := time.Since(t0)
	for rcv.got.Load()-before < int64(burst) {
		if time.Since(t0) > 2*time.Minute {
			return fmt.Errorf("only %d of %d deliveries arrived", rcv.got.Load()-before, burst)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ours := time.Since(t0)
	t0 = time.Now()
	if err := inParallel(16, burst, func(int) error { return post() }); err != nil {
		return err
	}
	floor := time.Since(t0)
	fmt.Printf("\ndeliveries per second to a local receiver, %d deliveries (%d sessions expired 16 at a time, %d endpoints each;\n"+
		"  first attempts made by the dispatcher, a workflow only for a failed one)\n", burst, len(ids), fanOut)
	fmt.Printf("  floor (bare signed POSTs, 16 at a time): %8.0f /s\n", float64(burst)/floor.Seconds())
	fmt.Printf("  ours (from the first expiry):            %8.0f /s\n", float64(burst)/ours.Seconds())
	fmt.Printf("  deliveries due (expiries through the API): %6.0f /s, a bound on ours\n", float64(burst)/expired.Seconds())
	return nil
}

// inParallel runs do(0..n-1) on workers goroutines and returns the first error.
func inParallel(workers, n int, do func(i int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := do(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
