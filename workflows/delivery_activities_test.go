package workflows

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/webhook"
)

// fakeDeliveries is an in-memory delivery store; recordErr makes every record fail.
type fakeDeliveries struct {
	mu        sync.Mutex
	delivery  webhook.Delivery
	endpoint  webhook.Endpoint
	unstarted []webhook.Delivery
	recorded  []webhook.Attempt
	recordErr error
	finished  []webhook.DeliveryStatus
	disabled  []string
}

func (f *fakeDeliveries) ClaimUnstarted(ctx context.Context, n int, start func(context.Context, []webhook.Delivery) error) (int, error) {
	f.mu.Lock()
	claimed := f.unstarted[:min(n, len(f.unstarted))]
	f.mu.Unlock()
	if len(claimed) == 0 {
		return 0, nil
	}
	if err := start(ctx, claimed); err != nil {
		return 0, err
	}
	f.mu.Lock()
	f.unstarted = f.unstarted[len(claimed):]
	f.mu.Unlock()
	return len(claimed), nil
}

func (f *fakeDeliveries) LoadDelivery(context.Context, string) (webhook.Delivery, webhook.Endpoint, event.Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.delivery
	d.Attempts = slices.Clone(f.recorded)
	return d, f.endpoint, event.Event{ID: d.EventID}, nil
}

func (f *fakeDeliveries) RecordAttempt(_ context.Context, _ string, a webhook.Attempt) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.recordErr != nil {
		return f.recordErr
	}
	f.recorded = append(f.recorded, a)
	return nil
}

func (f *fakeDeliveries) FinishDelivery(_ context.Context, _ string, s webhook.DeliveryStatus, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.finished = append(f.finished, s)
	return nil
}

func (f *fakeDeliveries) DisableEndpoint(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.disabled = append(f.disabled, id)
	return nil
}

func (f *fakeDeliveries) ListDeliveries(context.Context, string, bool, string, paging.Params) (paging.Page[webhook.Delivery], error) {
	return paging.Page[webhook.Delivery]{}, errors.New("not used")
}

func (f *fakeDeliveries) Redeliver(context.Context, string, bool, string, time.Time, func(webhook.RedeliveryCounts) error) (int, error) {
	return 0, errors.New("not used")
}

type fakeSender struct {
	mu     sync.Mutex
	posts  int
	status int
}

func (s *fakeSender) Post(context.Context, string, []byte, string) (int, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	return s.status, "ok", nil
}

type fakeStarter struct {
	mu      sync.Mutex
	started []string
}

func (s *fakeStarter) StartDelivery(_ context.Context, d webhook.Delivery) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started = append(s.started, d.ID)
	return nil
}

func newFakeActivities(t *testing.T, store *fakeDeliveries, sender *fakeSender, starter *fakeStarter) (*DeliveryActivities, *testsuite.TestActivityEnvironment) {
	t.Helper()
	acts, err := NewDeliveryActivities(store, sender, func(event.Event) ([]byte, error) { return []byte(`{}`), nil }, starter,
		func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	return acts, env
}

func TestNewDeliveryActivitiesRefusesNil(t *testing.T) {
	enc := func(event.Event) ([]byte, error) { return nil, nil }
	now := time.Now
	cases := []struct {
		name    string
		store   webhook.DeliveryStore
		sender  Sender
		encode  func(event.Event) ([]byte, error)
		starter DeliveryStarter
		now     func() time.Time
	}{
		{"store", nil, &fakeSender{}, enc, &fakeStarter{}, now},
		{"sender", &fakeDeliveries{}, nil, enc, &fakeStarter{}, now},
		{"encoder", &fakeDeliveries{}, &fakeSender{}, nil, &fakeStarter{}, now},
		{"starter", &fakeDeliveries{}, &fakeSender{}, enc, nil, now},
		{"clock", &fakeDeliveries{}, &fakeSender{}, enc, &fakeStarter{}, nil},
	}
	for _, tc := range cases {
		if _, err := NewDeliveryActivities(tc.store, tc.sender, tc.encode, tc.starter, tc.now); err == nil {
			t.Errorf("nil %s accepted", tc.name)
		}
	}
}

// A record that keeps failing is logged, and the attempt's result still returned: failing the
// activity would make Temporal POST again.
func TestDeliverWebhookWhenTheRecordFails(t *testing.T) {
	store := &fakeDeliveries{delivery: webhook.Delivery{ID: "whd_1", EventID: "evt_1"},
		endpoint:  webhook.Endpoint{ID: "we_1", URL: "https://example.com/hook", Secret: "whsec_x"},
		recordErr: errors.New("invalid byte sequence")}
	sender := &fakeSender{status: 200}
	acts, env := newFakeActivities(t, store, sender, &fakeStarter{})
	v, err := env.ExecuteActivity(acts.DeliverWebhook, "whd_1", 1)
	if err != nil {
		t.Fatalf("DeliverWebhook failed (Temporal would POST again): %v", err)
	}
	var res AttemptResult
	if err := v.Get(&res); err != nil || res.Outcome != webhook.Delivered {
		t.Fatalf("result %+v, %v", res, err)
	}
	if sender.posts != 1 || !slices.Equal(store.finished, []webhook.DeliveryStatus{webhook.DeliverySucceeded}) {
		t.Fatalf("%d POSTs, finished %v", sender.posts, store.finished)
	}
}

// A retried attempt that was recorded returns the recorded outcome and applies it again
// (idempotently) without a second POST; 410 disables the endpoint.
func TestDeliverWebhookRetriedAfterItsRecord(t *testing.T) {
	store := &fakeDeliveries{delivery: webhook.Delivery{ID: "whd_2", EventID: "evt_2"},
		endpoint: webhook.Endpoint{ID: "we_2", URL: "https://example.com/hook", Secret: "whsec_x"}}
	sender := &fakeSender{status: 410}
	acts, env := newFakeActivities(t, store, sender, &fakeStarter{})
	for range 2 {
		v, err := env.ExecuteActivity(acts.DeliverWebhook, "whd_2", 1)
		if err != nil {
			t.Fatal(err)
		}
		var res AttemptResult
		if err := v.Get(&res); err != nil || res.Outcome != webhook.Gone || res.StatusCode != 410 {
			t.Fatalf("result %+v, %v", res, err)
		}
	}
	if sender.posts != 1 || len(store.recorded) != 1 || len(store.disabled) != 2 || store.finished[0] != webhook.DeliveryFailed {
		t.Fatalf("posts %d, recorded %v, disabled %v, finished %v", sender.posts, store.recorded, store.disabled, store.finished)
	}
}

// The dispatcher's activity starts one delivery workflow per claimed outbox row.
func TestDispatchStartsADeliveryPerClaimedRow(t *testing.T) {
	store := &fakeDeliveries{unstarted: []webhook.Delivery{{ID: "whd_a"}, {ID: "whd_b"}, {ID: "whd_c"}}}
	starter := &fakeStarter{}
	acts, env := newFakeActivities(t, store, &fakeSender{}, starter)
	v, err := env.ExecuteActivity(acts.DispatchDeliveries)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := v.Get(&n); err != nil || n != 3 {
		t.Fatalf("dispatched %d, %v", n, err)
	}
	slices.Sort(starter.started)
	if !slices.Equal(starter.started, []string{"whd_a", "whd_b", "whd_c"}) || len(store.unstarted) != 0 {
		t.Fatalf("started %v, left %v", starter.started, store.unstarted)
	}
}
