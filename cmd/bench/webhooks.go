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

// benchWebhooks measures event-to-first-attempt latency and delivery throughput to a local
// receiver, beside bare signed POSTs of the same payload to the same receiver.
func benchWebhooks(ctx context.Context, base, key string, events, burst int) error {
	var got atomic.Int64
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct{ ID string }
		_ = json.Unmarshal(body, &ev)
		mu.Lock()
		if _, ok := arrived[ev.ID]; !ok {
			arrived[ev.ID] = time.Now()
		}
		mu.Unlock()
		got.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()
	var we struct{ ID, Secret string }
	if err := apiCall(ctx, base, key, http.MethodPost, "/v1/webhook_endpoints",
		url.Values{"url": {rcv.URL}, "enabled_events[0]": {"checkout.session.expired"}}, &we); err != nil {
		return err
	}
	// Latency: expire sessions one by one; the event is committed when expire answers.
	var lat []time.Duration
	var lastEvent string
	for i := 0; i < events; i++ {
		var s struct{ ID string }
		form := url.Values{"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
			"line_items[0][price_data][unit_amount]": {"500"}, "line_items[0][price_data][product_data][name]": {"Mug"},
			"line_items[0][quantity]": {"1"}}
		if err := apiCall(ctx, base, key, http.MethodPost, "/v1/checkout/sessions", form, &s); err != nil {
			return err
		}
		if err := apiCall(ctx, base, key, http.MethodPost, "/v1/checkout/sessions/"+s.ID+"/expire", url.Values{}, &s); err != nil {
			return err
		}
		committed := time.Now()
		var list struct{ Data []struct{ ID string } }
		if err := apiCall(ctx, base, key, http.MethodGet, "/v1/events?checkout_session="+s.ID, nil, &list); err != nil || len(list.Data) == 0 {
			return fmt.Errorf("event of %s: %v", s.ID, err)
		}
		lastEvent = list.Data[0].ID
		for {
			mu.Lock()
			at, ok := arrived[lastEvent]
			mu.Unlock()
			if ok {
				lat = append(lat, at.Sub(committed))
				break
			}
			if time.Since(committed) > 30*time.Second {
				return fmt.Errorf("event %s never arrived", lastEvent)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	slices.Sort(lat)
	// Floor for latency: one bare signed POST of an event-sized payload.
	payload := bytes.Repeat([]byte("x"), 2048)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	post := func() error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, rcv.URL, bytes.NewReader(payload))
		req.Header.Set("Stripe-Signature", webhook.Sign(payload, we.Secret, time.Now()))
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		return res.Body.Close()
	}
	var bare []time.Duration
	for i := 0; i < events; i++ {
		t := time.Now()
		if err := post(); err != nil {
			return err
		}
		bare = append(bare, time.Since(t))
	}
	slices.Sort(bare)
	fmt.Printf("\nevent committed to first delivery attempt received, %d events\n", events)
	fmt.Printf("  floor (a bare signed POST to the same receiver): p50 %7.2f ms\n", ms(bare[len(bare)/2]))
	fmt.Printf("  ours (outbox, dispatcher, delivery workflow):    p50 %7.2f ms   p99 %.2f ms\n",
		ms(lat[len(lat)/2]), ms(lat[min(len(lat)-1, len(lat)*99/100)]))

	// Throughput: queue the same event burst times (redeliver), count arrivals.
	before := got.Load()
	t0 := time.Now()
	for i := 0; i < burst; i++ {
		var r map[string]any
		if err := apiCall(ctx, base, key, http.MethodPost, "/v1/events/"+lastEvent+"/redeliver", url.Values{}, &r); err != nil {
			return err
		}
	}
	for got.Load()-before < int64(burst) {
		if time.Since(t0) > 2*time.Minute {
			return fmt.Errorf("only %d of %d deliveries arrived", got.Load()-before, burst)
		}
		time.Sleep(5 * time.Millisecond)
	}
	ours := time.Since(t0)
	t0 = time.Now()
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(burst) {
				_ = post()
			}
		}()
	}
	wg.Wait()
	floor := time.Since(t0)
	fmt.Printf("\ndeliveries per second to a local receiver, %d deliveries (queued by redeliver, one workflow each)\n", burst)
	fmt.Printf("  floor (bare signed POSTs, 16 at a time): %8.0f /s\n", float64(burst)/floor.Seconds())
	fmt.Printf("  ours (from the first request queued):    %8.0f /s\n", float64(burst)/ours.Seconds())
	return nil
}
