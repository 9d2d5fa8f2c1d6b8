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

// receiver counts webhook arrivals and notes when the first event about each object arrived.
type receiver struct {
	srv     *httptest.Server
	got     atomic.Int64
	mu      sync.Mutex
	arrived map[string]time.Time // by the event's data.object.id
}

func newReceiver() *receiver {
	r := &receiver{arrived: map[string]time.Time{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var ev struct {
			Data struct{ Object struct{ ID string } }
		}
		_ = json.Unmarshal(body, &ev)
		r.mu.Lock()
		if _, ok := r.arrived[ev.Data.Object.ID]; !ok {
			r.arrived[ev.Data.Object.ID] = time.Now()
		}
		r.mu.Unlock()
		r.got.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	return r
}

func (r *receiver) arrivedAt(objectID string) (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.arrived[objectID]
	return at, ok
}

// benchWebhooks measures event-to-first-attempt latency and delivery throughput to a local
// receiver, beside bare signed POSTs of the same payload to the same receiver.
func benchWebhooks(ctx context.Context, base, key string, events, burst int) error {
	rcv := newReceiver()
	defer rcv.srv.Close()
	var we struct{ ID, Secret string }
	if err := apiCall(ctx, base, key, http.MethodPost, "/v1/webhook_endpoints",
		url.Values{"url": {rcv.srv.URL}, "enabled_events[0]": {"product.created"}}, &we); err != nil {
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

func newProduct(ctx context.Context, base, key, name string) (string, error) {
	var p struct{ ID string }
	err := apiCall(ctx, base, key, http.MethodPost, "/v1/products", url.Values{"name": {name}}, &p)
	return p.ID, err
}

// benchEventLatency creates products one by one and times each one's product.created from
// the create request being sent (its event commits inside that request, within a create's
// few milliseconds) to its first arrival.
func benchEventLatency(ctx context.Context, base, key string, events int, rcv *receiver, post func() error) error {
	var lat, afterAnswer []time.Duration
	for i := 0; i < events; i++ {
		sent := time.Now()
		id, err := newProduct(ctx, base, key, fmt.Sprintf("Cup %d", i))
		if err != nil {
			return err
		}
		answered := time.Now()
		for {
			if at, ok := rcv.arrivedAt(id); ok {
				lat, afterAnswer = append(lat, at.Sub(sent)), append(afterAnswer, at.Sub(answered))
				break
			}
			if time.Since(sent) > 30*time.Second {
				return fmt.Errorf("product.created of %s never arrived", id)
			}
			time.Sleep(time.Millisecond)
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
	fmt.Printf("\nevent committed (bound: the product create request sent) to first delivery attempt received, %d events\n", events)
	fmt.Printf("  floor (a bare signed POST to the same receiver): p50 %7.2f ms\n", ms(bare[len(bare)/2]))
	fmt.Printf("  ours (outbox, dispatcher's first attempt):       p50 %7.2f ms   p99 %.2f ms\n",
		ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*99/100)]))
	fmt.Printf("  ours, timed from the create's answer (negative: arrived first): p50 %7.2f ms\n", ms(afterAnswer[len(afterAnswer)/2]))
	return nil
}

// fanOut is how many endpoints (the most a merchant may have) receive each event of the
// throughput burst, so the deliveries outnumber the requests that cause them.
const fanOut = webhook.MaxEndpoints

// benchDeliveryThroughput subscribes fanOut endpoints on the receiver to product.created,
// creates products 16 at a time through the API until burst deliveries are due (each commits
// its event in the product's transaction, as an expiry does; expiring sessions, which wait for
// a scan step, made the feed, not the deliveries, the bound), and counts arrivals from the first
// create, and the pace of those still due once the last create answered. Redelivery is rate
// limited, so it cannot queue a burst.
func benchDeliveryThroughput(ctx context.Context, base, key string, burst int, rcv *receiver, post func() error) error {
	for i := 1; i < fanOut; i++ { // benchWebhooks made the first
		if err := apiCall(ctx, base, key, http.MethodPost, "/v1/webhook_endpoints",
			url.Values{"url": {rcv.srv.URL}, "enabled_events[0]": {"product.created"}}, &struct{}{}); err != nil {
			return err
		}
	}
	burst = (burst + fanOut - 1) / fanOut * fanOut
	products := burst / fanOut
	before := rcv.got.Load()
	t0 := time.Now()
	if err := inParallel(16, products, func(i int) error {
		_, err := newProduct(ctx, base, key, fmt.Sprintf("Mug %d", i))
		return err
	}); err != nil {
		return err
	}
	fed, backlog := time.Since(t0), int64(burst)-(rcv.got.Load()-before)
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
	fmt.Printf("\ndeliveries per second to a local receiver, %d deliveries (%d products created 16 at a time, %d endpoints each;\n"+
		"  first attempts made by the dispatcher, a workflow only for a failed one)\n", burst, products, fanOut)
	fmt.Printf("  floor (bare signed POSTs, 16 at a time):  %8.0f /s\n", float64(burst)/floor.Seconds())
	fmt.Printf("  ours (from the first create):             %8.0f /s\n", float64(burst)/ours.Seconds())
	fmt.Printf("  deliveries due (creates through the API): %8.0f /s, a bound on ours\n", float64(burst)/fed.Seconds())
	if backlog > 0 && ours > fed {
		fmt.Printf("  ours, the %d still due once the last create answered: %.0f /s\n", backlog, float64(backlog)/(ours-fed).Seconds())
	}
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
