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

// ClaimUnstarted takes rows out of unstarted (the lock that makes others skip them) and puts
// them back if handle fails (the rollback).
func (f *fakeDeliveries) ClaimUnstarted(ctx context.Context, n int,
	handle func(context.Context, []webhook.Claimed) (map[string]webhook.End, error)) (int, error) {
	f.mu.Lock()
	taken := f.unstarted[:min(n, len(f.unstarted))]
	f.unstarted = f.unstarted[len(taken):]
	var claimed []webhook.Claimed
	for _, d := range taken {
		d.Attempts = slices.Clone(f.recorded)
		claimed = append(claimed, webhook.Claimed{Delivery: d, Endpoint: f.endpoint, Event: event.Event{ID: d.EventID}})
	}
	f.mu.Unlock()
	if len(claimed) == 0 {
		return 0, nil
	}
	ends, err := handle(ctx, claimed)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		f.unstarted = slices.Concat(taken, f.unstarted)
		return 0, err
	}
	for _, c := range claimed {
		if end, ok := ends[c.Delivery.ID]; ok {
			f.finished = append(f.finished, end.Status)
		}
	}
	return len(claimed), nil
}

// AwaitOutbox polls: nothing tells the fake that rows were queued.
func (f *fakeDeliveries) AwaitOutbox(ctx context.Context, _ time.Time, atMost time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(min(atMost, 10*time.Millisecond)):
		return nil
	}
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

func (f *fakeDeliveries) ListEndpointDeliveries(context.Context, string, bool, string, paging.Params) (paging.Page[webhook.Delivery], error) {
	return paging.Page[webhook.Delivery]{}, nil
}
func (f *fakeDeliveries) SendTest(context.Context, string, bool, string, time.Time,
	func(webhook.Endpoint, webhook.RedeliveryCounts) (event.Event, webhook.Delivery, error)) error {
	return errors.New("not used by the delivery activities")
}

func (f *fakeDeliveries) Redeliver(context.Context, string, bool, string, time.Time, func(webhook.RedeliveryCounts) error) (int, error) {
	return 0, errors.New("not used")
}

// fakeSender answers status, or err when set.
type fakeSender struct {
	mu     sync.Mutex
	posts  int
	status int
	err    error
}

func (s *fakeSender) Post(context.Context, string, []byte, string) (int, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.posts++
	if s.err != nil {
		return 0, "", s.err
	}
	return s.status, "ok", nil
}

// fakeStarter records the retry workflows started; err makes every start fail.
type fakeStarter struct {
	mu      sync.Mutex
	started []string
	first   []time.Time
	err     error
}

func (s *fakeStarter) StartDelivery(_ context.Context, d webhook.Delivery, firstAttempt time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.started = append(s.started, d.ID)
	s.first = append(s.first, firstAttempt)
	return nil
}

func newFakeActivities(t *testing.T, store *fakeDeliveries, sender *fakeSender, starter *fakeStarter) (*DeliveryActivities, *testsuite.TestActivityEnvironment) {
	t.Helper()
	acts, err := NewDeliveryActivities(store, sender, func(event.Event) ([]byte, error) { return []byte(`{}`), nil }, starter,
		func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) })
	if err != nil {
		t.Fatal(err)
	}
	acts.DispatchFor = 0 // one claim per activity run
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

// The dispatcher's activity makes each claimed row's first attempt itself: a 2xx, a 410 and a
// disabled endpoint end the delivery there (no workflow); a failure records attempt 1 and
// starts the retry workflow with the attempt's time.
func TestDispatchMakesFirstAttempts(t *testing.T) {
	rows := []webhook.Delivery{{ID: "whd_a", EventID: "evt_a"}, {ID: "whd_b", EventID: "evt_b"}, {ID: "whd_c", EventID: "evt_c"}}
	cases := []struct {
		name       string
		status     int
		postErr    error
		disabled   bool
		wantPosts  int
		wantEnd    webhook.DeliveryStatus // "" when the deliveries go on in retry workflows
		wantGone   bool
		wantRecord int
	}{
		{"2xx succeeds", 200, nil, false, 3, webhook.DeliverySucceeded, false, 3},
		{"410 disables and fails", 410, nil, false, 3, webhook.DeliveryFailed, true, 3},
		{"disabled endpoint stops unposted", 200, nil, true, 0, webhook.DeliveryFailed, false, 0},
		{"500 goes on in a workflow", 500, nil, false, 3, "", false, 3},
		{"no answer goes on in a workflow", 0, errors.New("connection refused"), false, 3, "", false, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			store := &fakeDeliveries{unstarted: slices.Clone(rows),
				endpoint: webhook.Endpoint{ID: "we_1", URL: "https://example.com/hook", Secret: "whsec_x", Disabled: tc.disabled}}
			sender, starter := &fakeSender{status: tc.status, err: tc.postErr}, &fakeStarter{}
			acts, env := newFakeActivities(t, store, sender, starter)
			v, err := env.ExecuteActivity(acts.DispatchDeliveries)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := v.Get(&n); err != nil || n != 3 || len(store.unstarted) != 0 {
				t.Fatalf("dispatched %d, %v, left %v", n, err, store.unstarted)
			}
			if sender.posts != tc.wantPosts || len(store.recorded) != tc.wantRecord || (len(store.disabled) == 3) != tc.wantGone {
				t.Fatalf("posts %d, recorded %v, disabled %v", sender.posts, store.recorded, store.disabled)
			}
			for _, a := range store.recorded {
				if a.Number != 1 {
					t.Fatalf("recorded %+v, want attempt 1", a)
				}
			}
			if tc.wantEnd != "" {
				if len(starter.started) != 0 || !slices.Equal(store.finished, []webhook.DeliveryStatus{tc.wantEnd, tc.wantEnd, tc.wantEnd}) {
					t.Fatalf("started %v, finished %v", starter.started, store.finished)
				}
				return
			}
			slices.Sort(starter.started)
			if !slices.Equal(starter.started, []string{"whd_a", "whd_b", "whd_c"}) || len(store.finished) != 0 ||
				!starter.first[0].Equal(store.recorded[0].At) {
				t.Fatalf("started %v at %v, finished %v", starter.started, starter.first, store.finished)
			}
		})
	}
}

// A claim that fails after its POSTs (the retry workflow could not be started) is taken again
// and the recorded attempt 1 is not POSTed a second time.
func TestDispatchRetriedClaimDoesNotPostAgain(t *testing.T) {
	store := &fakeDeliveries{unstarted: []webhook.Delivery{{ID: "whd_r", EventID: "evt_r"}},
		endpoint: webhook.Endpoint{ID: "we_r", URL: "https://example.com/hook", Secret: "whsec_x"}}
	sender, starter := &fakeSender{status: 503}, &fakeStarter{err: errors.New("temporal unavailable")}
	acts, env := newFakeActivities(t, store, sender, starter)
	if _, err := env.ExecuteActivity(acts.DispatchDeliveries); err == nil {
		t.Fatal("a failed start did not fail the claim")
	}
	starter.err = nil
	if _, err := env.ExecuteActivity(acts.DispatchDeliveries); err != nil {
		t.Fatal(err)
	}
	if sender.posts != 1 || len(store.recorded) != 1 || !slices.Equal(starter.started, []string{"whd_r"}) || len(store.unstarted) != 0 {
		t.Fatalf("posts %d, recorded %v, started %v, left %v", sender.posts, store.recorded, starter.started, store.unstarted)
	}
}

// heldSender holds the first POST until a second one arrives (or a minute passes).
type heldSender struct {
	first, second sync.Once
	arrived       chan struct{}
}

func (s *heldSender) Post(ctx context.Context, _ string, _ []byte, _ string) (int, string, error) {
	held := false
	s.first.Do(func() { held = true })
	if !held {
		s.second.Do(func() { close(s.arrived) })
		return 200, "", nil
	}
	select {
	case <-s.arrived:
		return 200, "", nil
	case <-time.After(time.Minute):
		return 0, "", errors.New("no other claim made progress while this POST was held")
	}
}

// A batch held up by a slow receiver does not stop other claims: with one row per batch, the
// second row is POSTed while the first one's POST still waits.
func TestDispatchSlowBatchDoesNotBlockOthers(t *testing.T) {
	store := &fakeDeliveries{unstarted: []webhook.Delivery{{ID: "whd_slow", EventID: "evt_1"}, {ID: "whd_fast", EventID: "evt_2"}},
		endpoint: webhook.Endpoint{ID: "we_1", URL: "https://example.com/hook", Secret: "whsec_x"}}
	acts, err := NewDeliveryActivities(store, &heldSender{arrived: make(chan struct{})},
		func(event.Event) ([]byte, error) { return []byte(`{}`), nil }, &fakeStarter{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	acts.DispatchFor, acts.DispatchBatch, acts.DispatchClaimers = 0, 1, 2
	var s testsuite.WorkflowTestSuite
	env := s.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	v, err := env.ExecuteActivity(acts.DispatchDeliveries)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := v.Get(&n); err != nil || n != 2 || !slices.Equal(store.finished, []webhook.DeliveryStatus{webhook.DeliverySucceeded, webhook.DeliverySucceeded}) {
		t.Fatalf("dispatched %d, %v, finished %v", n, err, store.finished)
	}
}

// A dispatch run ends at its deadline, or once rows have stopped coming for DispatchIdle; an
// empty outbox alone does not end it early (the next run would only poll the same).
func TestDispatchRunDone(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	a := &DeliveryActivities{DispatchIdle: time.Second}
	cases := []struct {
		name     string
		deadline time.Time
		rows     int64
		lastRows time.Time
		want     bool
	}{
		{"before the deadline, nothing yet", now.Add(time.Second), 0, time.Time{}, false},
		{"at the deadline", now, 0, time.Time{}, true},
		{"rows a moment ago", now.Add(time.Second), 5, now.Add(-time.Millisecond), false},
		{"rows stopped an idle period ago", now.Add(time.Second), 5, now.Add(-time.Second), true},
	}
	for _, tc := range cases {
		r := &dispatchRun{deadline: tc.deadline}
		r.total.Store(tc.rows)
		r.lastRows.Store(tc.lastRows.UnixNano())
		if got := a.done(r, now); got != tc.want {
			t.Errorf("%s: done %v, want %v", tc.name, got, tc.want)
		}
	}
}
