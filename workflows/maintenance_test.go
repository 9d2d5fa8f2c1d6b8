package workflows

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/chaincheckout/checkout/core/retention"
)

// fakeRetentionStore holds rows per table and deletes them children first, limit at a time,
// as the Postgres store does; failAt makes that call (1-based) fail once.
type fakeRetentionStore struct {
	mu      sync.Mutex
	left    retention.Counts
	calls   int
	failAt  int
	cutoffs []time.Time
	limits  []int
}

func take(left *int64, limit int) int64 {
	n := min(*left, int64(limit))
	*left -= n
	return n
}

func (f *fakeRetentionStore) record(cutoff time.Time, limit int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.calls == f.failAt {
		return errors.New("connection reset")
	}
	f.cutoffs, f.limits = append(f.cutoffs, cutoff), append(f.limits, limit)
	return nil
}

func (f *fakeRetentionStore) DeleteIdempotencyKeys(_ context.Context, cutoff time.Time, limit int) (retention.Counts, error) {
	if err := f.record(cutoff, limit); err != nil {
		return retention.Counts{}, err
	}
	return retention.Counts{IdempotencyKeys: take(&f.left.IdempotencyKeys, limit)}, nil
}

func (f *fakeRetentionStore) DeleteEvents(_ context.Context, cutoff time.Time, finished []string, limit int) (retention.Counts, error) {
	if !slices.Equal(finished, retention.FinishedDeliveryStatuses) {
		return retention.Counts{}, errors.New("asked to delete deliveries that are not finished")
	}
	if err := f.record(cutoff, limit); err != nil {
		return retention.Counts{}, err
	}
	var c retention.Counts
	if c.WebhookAttempts = take(&f.left.WebhookAttempts, limit); c.WebhookAttempts == int64(limit) {
		return c, nil
	}
	if c.WebhookDeliveries = take(&f.left.WebhookDeliveries, limit); c.WebhookDeliveries == int64(limit) {
		return c, nil
	}
	c.Events = take(&f.left.Events, limit)
	return c, nil
}

func retentionEnv(t *testing.T, store retention.Store, now time.Time) *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := ts.NewTestWorkflowEnvironment()
	acts, err := NewRetention(store, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	registerRetentionWorkflows(env)
	RegisterRetention(env, acts)
	return env
}

func TestRetentionWorkflows(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	backlog := retention.Counts{IdempotencyKeys: 2500, Events: 1500, WebhookDeliveries: 2100, WebhookAttempts: 4000}
	cases := []struct {
		name       string
		workflow   string
		args       []any
		failAt     int
		wantCutoff time.Time
		want       retention.Counts
	}{
		{"keys past their TTL", IdempotencySweepWorkflow, nil, 0, now.Add(-24 * time.Hour),
			retention.Counts{IdempotencyKeys: 2500}},
		{"events past the default window", EventPruneWorkflow, []any{EventPruneInput{}}, 0, now.AddDate(0, 0, -30),
			retention.Counts{Events: 1500, WebhookDeliveries: 2100, WebhookAttempts: 4000}},
		{"events past a longer window", EventPruneWorkflow, []any{EventPruneInput{WindowDays: 90}}, 0, now.AddDate(0, 0, -90),
			retention.Counts{Events: 1500, WebhookDeliveries: 2100, WebhookAttempts: 4000}},
		{"a failed batch is retried and still counted", EventPruneWorkflow, []any{EventPruneInput{}}, 3, now.AddDate(0, 0, -30),
			retention.Counts{Events: 1500, WebhookDeliveries: 2100, WebhookAttempts: 4000}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := &fakeRetentionStore{left: backlog, failAt: c.failAt}
			env := retentionEnv(t, store, now)
			env.ExecuteWorkflow(c.workflow, c.args...)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			var res RetentionResult
			if err := env.GetWorkflowResult(&res); err != nil {
				t.Fatal(err)
			}
			if res.Deleted != c.want || !res.Cutoff.Equal(c.wantCutoff) {
				t.Fatalf("result %+v, want deleted %+v below %s", res, c.want, c.wantCutoff)
			}
			for i, limit := range store.limits {
				if limit != retention.BatchSize || !store.cutoffs[i].Equal(c.wantCutoff) {
					t.Fatalf("call %d asked for %d rows below %s", i, limit, store.cutoffs[i])
				}
			}
		})
	}
}

// A window shorter than 30 days fails the run at once and deletes nothing.
func TestEventPruneRefusesShortWindow(t *testing.T) {
	store := &fakeRetentionStore{left: retention.Counts{Events: 10}}
	env := retentionEnv(t, store, time.Now())
	env.ExecuteWorkflow(EventPruneWorkflow, EventPruneInput{WindowDays: 7})
	var appErr *temporal.ApplicationError
	if err := env.GetWorkflowError(); !errors.As(err, &appErr) || appErr.Type() != ErrRetentionWindow {
		t.Fatalf("workflow error %v, want %s", err, ErrRetentionWindow)
	}
	if store.calls != 0 {
		t.Fatalf("the store was called %d times", store.calls)
	}
}
