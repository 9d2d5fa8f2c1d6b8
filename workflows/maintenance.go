package workflows

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/retention"
)

// Retention holds the activities of the retention schedules: the store and the clock only.
type Retention struct {
	store retention.Store
	now   func() time.Time
}

// NewRetention wires the retention activities.
func NewRetention(store retention.Store, now func() time.Time) (*Retention, error) {
	if store == nil || now == nil {
		return nil, fmt.Errorf("workflows.NewRetention: nil dependency")
	}
	return &Retention{store: store, now: now}, nil
}

// RetentionResult is a retention run's result, which the Web UI shows: the cut-off used and
// the rows deleted per table.
type RetentionResult struct {
	Cutoff  time.Time
	Deleted retention.Counts
}

// EventPruneInput is the event prune schedule's argument.
type EventPruneInput struct {
	WindowDays int // events younger than this many days stay (0: the default; at least 30)
}

var retentionOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Hour,
	HeartbeatTimeout:    time.Minute, // every batch heartbeats; a stuck statement is retried this soon
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2,
		MaximumInterval: 5 * time.Minute, MaximumAttempts: 10, NonRetryableErrorTypes: []string{ErrRetentionWindow}},
}

// IdempotencyKeySweep deletes idempotency keys past their replay time (one run per schedule tick).
func IdempotencyKeySweep(ctx workflow.Context) (RetentionResult, error) {
	var res RetentionResult
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, retentionOptions),
		(*Retention).SweepIdempotencyKeys).Get(ctx, &res)
	return res, err
}

// EventPrune deletes events past the window with their finished deliveries and attempts.
func EventPrune(ctx workflow.Context, in EventPruneInput) (RetentionResult, error) {
	var res RetentionResult
	err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, retentionOptions),
		(*Retention).PruneEvents, in).Get(ctx, &res)
	return res, err
}

// SweepIdempotencyKeys deletes keys older than their TTL, batch by batch.
func (r *Retention) SweepIdempotencyKeys(ctx context.Context) (RetentionResult, error) {
	cutoff := retention.IdempotencyCutoff(r.now())
	return drain(ctx, cutoff, func(ctx context.Context) (retention.Counts, error) {
		return r.store.DeleteIdempotencyKeys(ctx, cutoff, retention.BatchSize)
	})
}

// PruneEvents deletes events older than the window, batch by batch; a window the rule
// refuses fails the run without deleting anything.
func (r *Retention) PruneEvents(ctx context.Context, in EventPruneInput) (RetentionResult, error) {
	window, err := retention.NewEventWindow(in.WindowDays)
	if err != nil {
		return RetentionResult{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrRetentionWindow, err)
	}
	cutoff := window.Cutoff(r.now())
	return drain(ctx, cutoff, func(ctx context.Context) (retention.Counts, error) {
		return r.store.DeleteEvents(ctx, cutoff, retention.FinishedDeliveryStatuses, retention.BatchSize)
	})
}

// drain repeats batch until it deletes nothing, heartbeating the running counts; a retried
// attempt carries on from the counts its predecessor reported.
func drain(ctx context.Context, cutoff time.Time, batch func(context.Context) (retention.Counts, error)) (RetentionResult, error) {
	res := RetentionResult{Cutoff: cutoff}
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &res.Deleted) // lost counts only understate the report
	}
	for {
		c, err := batch(ctx)
		if err != nil {
			return res, fmt.Errorf("delete rows below %s (deleted so far %+v): %w", cutoff.Format(time.RFC3339), res.Deleted, err)
		}
		res.Deleted = res.Deleted.Plus(c)
		activity.RecordHeartbeat(ctx, res.Deleted)
		if c.Total() == 0 {
			return res, nil
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
	}
}

// registerRetentionWorkflows puts the retention workflows on r (their activities come with
// RegisterRetention, on workers only).
func registerRetentionWorkflows(r Registry) {
	r.RegisterWorkflowWithOptions(IdempotencyKeySweep, workflow.RegisterOptions{Name: IdempotencySweepWorkflow})
	r.RegisterWorkflowWithOptions(EventPrune, workflow.RegisterOptions{Name: EventPruneWorkflow})
}

// RegisterRetention puts the retention activities on a worker.
func RegisterRetention(r Registry, acts *Retention) {
	r.RegisterActivityWithOptions(acts, activity.RegisterOptions{})
}
