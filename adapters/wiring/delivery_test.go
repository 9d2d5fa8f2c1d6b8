package wiring_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v84"
	stripewebhook "github.com/stripe/stripe-go/v84/webhook"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/workflows"
)

// receiver is a real HTTP server that answers from a script and keeps what it got.
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  [][]byte
	headers []http.Header
	answer  func(n int) int // status for the n-th request (1-based)
	hang    func(n int) bool
	body    []byte // the response body; nil: {"received":true}
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	r := &receiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.headers = append(r.headers, req.Header.Clone())
		n := len(r.bodies)
		r.mu.Unlock()
		if r.hang != nil && r.hang(n) {
			time.Sleep(3 * time.Second) // past the tests' 2 s delivery timeout
		}
		w.WriteHeader(r.answer(n))
		if r.body != nil {
			_, _ = w.Write(r.body)
			return
		}
		_, _ = w.Write([]byte(`{"received":true}`))
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.bodies) }

func endpoint(t *testing.T, key, url string, events ...string) *stripe.WebhookEndpoint {
	t.Helper()
	var evs []*string
	for _, e := range events {
		evs = append(evs, stripe.String(e))
	}
	we, err := stripeClient(key).V1WebhookEndpoints.Create(context.Background(), &stripe.WebhookEndpointCreateParams{
		URL: stripe.String(url), EnabledEvents: evs})
	if err != nil {
		t.Fatalf("create endpoint: %v", err)
	}
	return we
}

type deliveriesView struct {
	Data []struct {
		WebhookEndpoint string `json:"webhook_endpoint"`
		Redelivery      bool   `json:"redelivery"`
		Status          string `json:"status"`
		Attempts        []struct {
			StatusCode *int    `json:"status_code"`
			Error      *string `json:"error"`
		} `json:"attempts"`
	} `json:"data"`
}

func expiredEvent(t *testing.T, key string) string {
	t.Helper()
	id := postForm(t, "/v1/checkout/sessions", key, validForm(), nil).str("id")
	expire(t, key, id)
	evs := sessionEvents(t, key, id)
	if len(evs) != 1 {
		t.Fatalf("events: %v", evs)
	}
	return evs[0].ID
}

func deliveries(t *testing.T, key, eventID string) deliveriesView {
	t.Helper()
	r := get(t, "/v1/events/"+eventID+"/deliveries", key)
	var v deliveriesView
	if r.status != 200 || jsonInto(r.raw, &v) != nil {
		t.Fatalf("deliveries: %d %s", r.status, r.raw)
	}
	return v
}

// failFirst answers 500 to the first n requests, then 200.
func failFirst(n int) func(int) int {
	return func(i int) int {
		if i <= n {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	}
}

func TestWebhookRetriedUntilItSucceedsAndVerifies(t *testing.T) {
	key, _ := newMerchant(t, "Webhook Store")
	before := scrape(t)
	rcv := newReceiver(t, failFirst(3))
	we := endpoint(t, key, rcv.URL, "*")
	evt := expiredEvent(t, key)
	eventually(t, "4 attempts", func() (bool, error) { return rcv.count() >= 4, nil })
	var d deliveriesView
	eventually(t, "the delivery to succeed", func() (bool, error) {
		d = deliveries(t, key, evt)
		return len(d.Data) == 1 && d.Data[0].Status == "succeeded", nil
	})
	a := d.Data[0].Attempts
	if len(a) != 4 || *a[0].StatusCode != 500 || *a[3].StatusCode != 200 || d.Data[0].WebhookEndpoint != we.ID {
		t.Fatalf("attempts: %+v", d.Data[0])
	}
	// Attempt 1 is the dispatcher's, every later one an activity of the delivery's retry
	// workflow: once it has ended, none can follow.
	var status string
	run := it.temporal.GetWorkflow(context.Background(), workflows.DeliveryWorkflowID(evt, we.ID, "", false), "")
	if err := run.Get(context.Background(), &status); err != nil || status != string(webhook.DeliverySucceeded) {
		t.Fatalf("delivery workflow ended %q: %v", status, err)
	}
	if rcv.count() != 4 {
		t.Fatalf("%d requests after success, want 4", rcv.count())
	}
	body, sig := rcv.bodies[3], rcv.headers[3].Get("Stripe-Signature")
	if rcv.headers[3].Get("Checkout-Signature") != sig || rcv.headers[3].Get("Content-Type") != "application/json" {
		t.Fatalf("headers: %v", rcv.headers[3])
	}
	if err := webhook.Verify(body, sig, we.Secret, webhook.DefaultTolerance); err != nil {
		t.Fatalf("our Verify: %v", err)
	}
	ev, err := stripewebhook.ConstructEvent(body, sig, we.Secret)
	if err != nil || ev.ID != evt || ev.Type != "checkout.session.expired" {
		t.Fatalf("stripe-go ConstructEvent: %v %v", ev.ID, err)
	}
	if err := webhook.Verify(body, sig, "whsec_wrong", webhook.DefaultTolerance); err == nil {
		t.Fatal("a wrong secret verified")
	}
	// Rolling the secret: the next delivery is signed with the new one only.
	rolled := postForm(t, "/v1/webhook_endpoints/"+we.ID+"/roll_secret", key, nil, nil)
	newSecret := rolled.str("secret")
	if rolled.status != 200 || !strings.HasPrefix(newSecret, "whsec_") || newSecret == we.Secret {
		t.Fatalf("roll: %d %s", rolled.status, rolled.raw)
	}
	// Redelivery: a new delivery, marked as such, reaches the receiver again.
	if r := postForm(t, "/v1/events/"+evt+"/redeliver", key, nil, nil); r.status != 200 || r.body["deliveries_queued"] != float64(1) {
		t.Fatalf("redeliver: %d %s", r.status, r.raw)
	}
	eventually(t, "the redelivery", func() (bool, error) { return rcv.count() == 5, nil })
	eventually(t, "two deliveries listed, newest first", func() (bool, error) {
		d = deliveries(t, key, evt)
		return len(d.Data) == 2 && d.Data[0].Redelivery && d.Data[0].Status == "succeeded", nil
	})
	if err := webhook.Verify(rcv.bodies[4], rcv.headers[4].Get("Stripe-Signature"), newSecret, webhook.DefaultTolerance); err != nil {
		t.Fatalf("redelivery with the new secret: %v", err)
	}
	if err := webhook.Verify(rcv.bodies[4], rcv.headers[4].Get("Stripe-Signature"), we.Secret, webhook.DefaultTolerance); err == nil {
		t.Fatal("the old secret still verifies")
	}
	// Both successes are timed from the event's creation: the retried one (its fourth
	// attempt came after three waits) and the redelivery's first attempt.
	const latency = "checkout_webhook_delivery_latency_seconds"
	after := scrape(t)
	if n := after[latency+"_count"] - before[latency+"_count"]; n < 2 {
		t.Errorf("%s counted %v successes, want at least 2", latency, n)
	}
	if after[latency+"_sum"] <= before[latency+"_sum"] {
		t.Errorf("%s_sum did not grow: %v then %v", latency, before[latency+"_sum"], after[latency+"_sum"])
	}
}

func TestWebhookSubscriptionsAndDisabledEndpoints(t *testing.T) {
	key, _ := newMerchant(t, "Picky Webhook Store")
	all := newReceiver(t, func(int) int { return 200 })
	completedOnly := newReceiver(t, func(int) int { return 200 })
	disabled := newReceiver(t, func(int) int { return 200 })
	subscribed := endpoint(t, key, all.URL, "checkout.session.expired")
	endpoint(t, key, completedOnly.URL, "checkout.session.completed")
	off := endpoint(t, key, disabled.URL, "*")
	if _, err := stripeClient(key).V1WebhookEndpoints.Update(context.Background(), off.ID,
		&stripe.WebhookEndpointUpdateParams{Disabled: stripe.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	evt := expiredEvent(t, key)
	eventually(t, "the subscribed endpoint", func() (bool, error) { return all.count() == 1, nil })
	// The deliveries are written with the event, in its transaction, and nothing POSTs without
	// one: the event's only delivery, to the subscribed endpoint, means no other will get it.
	if d := deliveries(t, key, evt); len(d.Data) != 1 || d.Data[0].WebhookEndpoint != subscribed.ID {
		t.Fatalf("deliveries of the event: %+v, want one to %s", d.Data, subscribed.ID)
	}
	if completedOnly.count() != 0 || disabled.count() != 0 {
		t.Fatalf("unsubscribed %d, disabled %d requests", completedOnly.count(), disabled.count())
	}
}

func TestWebhookGoneDisablesAndTimeoutsRetry(t *testing.T) {
	key, _ := newMerchant(t, "Gone Store")
	gone := newReceiver(t, func(int) int { return http.StatusGone })
	we := endpoint(t, key, gone.URL, "*")
	evt := expiredEvent(t, key)
	eventually(t, "the endpoint disabled and the delivery failed", func() (bool, error) { // two writes of one attempt
		r := get(t, "/v1/webhook_endpoints/"+we.ID, key)
		d := deliveries(t, key, evt)
		return r.str("status") == "disabled" && len(d.Data) == 1 && d.Data[0].Status == "failed", nil
	})
	if d := deliveries(t, key, evt); len(d.Data[0].Attempts) != 1 {
		t.Fatalf("after 410: %+v", d)
	}

	key2, _ := newMerchant(t, "Slow Store")
	slow := newReceiver(t, func(int) int { return 200 })
	slow.hang = func(n int) bool { return n == 1 }
	endpoint(t, key2, slow.URL, "*")
	evt2 := expiredEvent(t, key2)
	var d deliveriesView
	eventually(t, "success after a timeout", func() (bool, error) {
		d = deliveries(t, key2, evt2)
		return len(d.Data) == 1 && d.Data[0].Status == "succeeded", nil
	})
	if a := d.Data[0].Attempts; len(a) != 2 || a[0].StatusCode != nil || a[0].Error == nil {
		t.Fatalf("attempts after a hang: %+v", d.Data[0])
	}
}

// The worker dies while a delivery waits to retry; once a worker is back, delivery resumes.
func TestWebhookDeliveryResumesAfterWorkerRestart(t *testing.T) {
	key, _ := newMerchant(t, "Restart Hooks Store")
	rcv := newReceiver(t, func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	we := endpoint(t, key, rcv.URL, "*")
	evt := expiredEvent(t, key)
	delivery := workflows.DeliveryWorkflowID(evt, we.ID, "", false)
	eventually(t, "the first attempt failed and the retry's timer set", func() (bool, error) {
		return rcv.count() == 1 && hasEvent(historyOnceStarted(t, delivery), enumspb.EVENT_TYPE_TIMER_STARTED), nil
	})
	it.app.StopWorker()
	eventually(t, "the retry due while no worker runs", func() (bool, error) {
		return hasEvent(history(t, delivery, ""), enumspb.EVENT_TYPE_TIMER_FIRED), nil
	})
	if rcv.count() != 1 {
		t.Fatalf("%d requests with no worker", rcv.count())
	}
	if err := it.app.RestartWorker(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the retry after the restart", func() (bool, error) {
		d := deliveries(t, key, evt)
		return len(d.Data) == 1 && d.Data[0].Status == "succeeded" && len(d.Data[0].Attempts) == 2, nil
	})
}

// A receiver whose answer is not storable text (invalid UTF-8, NUL) gets one POST and the
// attempt is recorded. Fails before this change: the record failed, so the activity failed
// and Temporal POSTed again, about once a minute, forever, with nothing recorded.
func TestWebhookUnstorableResponseRecordedOnce(t *testing.T) {
	key, _ := newMerchant(t, "Binary Store")
	rcv := newReceiver(t, func(int) int { return http.StatusOK })
	rcv.body = append([]byte("\xff\x00"), strings.Repeat("é", 400)...)
	we := endpoint(t, key, rcv.URL, "*")
	evt := expiredEvent(t, key)
	var d deliveriesView
	eventually(t, "the delivery recorded as succeeded", func() (bool, error) {
		d = deliveries(t, key, evt)
		return len(d.Data) == 1 && d.Data[0].Status == "succeeded", nil
	})
	if len(d.Data[0].Attempts) != 1 || *d.Data[0].Attempts[0].StatusCode != 200 || rcv.count() != 1 {
		t.Fatalf("%d POSTs, attempts %+v", rcv.count(), d.Data[0].Attempts)
	}
	// Delivered by the dispatcher at once, in the claim that also recorded its success: no workflow.
	_, err := it.temporal.DescribeWorkflowExecution(context.Background(), workflows.DeliveryWorkflowID(evt, we.ID, "", false), "")
	var missing *serviceerror.NotFound
	if !errors.As(err, &missing) {
		t.Fatalf("a delivery that succeeded on its first attempt has a workflow: %v", err)
	}
}

// Redelivery is rate limited per event: the sixth in a minute is a 429 with Stripe's rate_limit.
func TestRedeliverRateLimited(t *testing.T) {
	key, _ := newMerchant(t, "Eager Store")
	endpoint(t, key, newReceiver(t, func(int) int { return http.StatusOK }).URL, "*")
	evt := expiredEvent(t, key)
	for i := range webhook.MaxRedeliveriesPerEvent {
		if r := postForm(t, "/v1/events/"+evt+"/redeliver", key, nil, nil); r.status != 200 {
			t.Fatalf("redelivery %d: %d %s", i+1, r.status, r.raw)
		}
	}
	r := postForm(t, "/v1/events/"+evt+"/redeliver", key, nil, nil)
	if r.status != http.StatusTooManyRequests || r.errField("code") != "rate_limit" || r.errField("type") != "invalid_request_error" {
		t.Fatalf("past the limit: %d %s", r.status, r.raw)
	}
}

// A webhook concurrency that is not a positive whole number stops start-up before it connects.
func TestWebhookConcurrencyMustBePositive(t *testing.T) {
	for _, value := range []string{"0", "-4", "many"} {
		t.Run(value, func(t *testing.T) {
			t.Setenv("CHECKOUT_WEBHOOK_CONCURRENCY", value)
			_, err := wiring.New(context.Background(), wiring.FromEnv(), slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), "CHECKOUT_WEBHOOK_CONCURRENCY") {
				t.Fatalf("New with CHECKOUT_WEBHOOK_CONCURRENCY=%s: %v", value, err)
			}
		})
	}
}
