package workflows

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
	"golang.org/x/sync/errgroup"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/webhook"
)

// Sender posts a signed payload: the status (0 when no response came), the start of the
// response body, and any transport error.
type Sender interface {
	Post(ctx context.Context, url string, body []byte, signature string) (int, string, error)
}

// DeliveryStarter starts a delivery's workflow (idempotent per delivery).
type DeliveryStarter interface {
	StartDelivery(ctx context.Context, d webhook.Delivery) error
}

// DeliveryActivities are the webhook delivery activities: the outbox dispatcher and the
// attempts. Their method names are activity type names in recorded histories.
type DeliveryActivities struct {
	deliveries webhook.DeliveryStore
	sender     Sender
	encode     func(event.Event) ([]byte, error) // the event as the API renders it
	starter    DeliveryStarter
	now        func() time.Time
	// DispatchPoll is how often the dispatcher looks for new outbox rows (an indexed query).
	DispatchPoll time.Duration
}

// NewDeliveryActivities wires the delivery activities to their ports.
func NewDeliveryActivities(deliveries webhook.DeliveryStore, sender Sender, encode func(event.Event) ([]byte, error),
	starter DeliveryStarter, now func() time.Time) (*DeliveryActivities, error) {
	if deliveries == nil || sender == nil || encode == nil || starter == nil || now == nil {
		return nil, fmt.Errorf("workflows.NewDeliveryActivities: nil dependency")
	}
	return &DeliveryActivities{deliveries: deliveries, sender: sender, encode: encode, starter: starter, now: now,
		DispatchPoll: 100 * time.Millisecond}, nil
}

// DeliveryInput starts a delivery workflow.
type DeliveryInput struct {
	DeliveryID string
	EventID    string
	EndpointID string
	FirstRetry time.Duration // the first backoff; later ones triple it (0: webhook.FirstRetry)
}

// AttemptResult is one attempt's outcome, as the history shows it.
type AttemptResult struct {
	Outcome    webhook.Outcome
	StatusCode int
	Error      string
}

// deliverOptions bound an attempt's activity retries (a database outage): past them the
// workflow counts the attempt as failed and goes on with its own backoff and 3-day window.
var deliverOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    time.Minute, // the POST itself times out after 10 s
	ScheduleToCloseTimeout: 15 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
		MaximumAttempts: 8, NonRetryableErrorTypes: []string{ErrSessionMissing}},
}

// WebhookDelivery delivers one event to one endpoint: an attempt, then a durable timer
// (5 s, tripling, at most an hour) and another, until a 2xx, a 410 (which disables the
// endpoint), the endpoint going away, or three days. Every attempt is recorded.
func WebhookDelivery(ctx workflow.Context, in DeliveryInput) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, deliverOptions)
	started := workflow.Now(ctx)
	var acts *DeliveryActivities
	for attempt := 1; ; attempt++ {
		var res AttemptResult
		if err := workflow.ExecuteActivity(ctx, acts.DeliverWebhook, in.DeliveryID, attempt).Get(ctx, &res); err != nil {
			if isMissing(err) || workflow.GetVersion(ctx, changeBoundedDelivery, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
				return "", err
			}
			res = AttemptResult{Outcome: webhook.Retry, Error: err.Error()} // its retries ran out: a failed attempt
		}
		if end := res.Outcome.Actions(); end.Finish {
			return string(end.Status), nil // the attempt recorded the delivery's end itself
		}
		wait, giveUp := webhook.NextAttempt(attempt, in.FirstRetry, started, workflow.Now(ctx))
		if giveUp {
			break
		}
		if err := workflow.Sleep(ctx, wait); err != nil {
			return "", err
		}
	}
	failed := webhook.DeliveryFailed
	return string(failed), workflow.ExecuteActivity(ctx, acts.FinishDelivery, in.DeliveryID, string(failed)).Get(ctx, nil)
}

// WebhookDispatcher starts a delivery workflow for each outbox row (workflow ID
// webhook-dispatcher: one for the whole service).
func WebhookDispatcher(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, scanOptions)
	var acts *DeliveryActivities
	for i := 0; i < scannerIterations && !workflow.GetInfo(ctx).GetContinueAsNewSuggested(); i++ {
		if err := workflow.ExecuteActivity(ctx, acts.DispatchDeliveries).Get(ctx, nil); err != nil {
			return err
		}
	}
	return workflow.NewContinueAsNewError(ctx, WebhookDispatcher)
}

// DispatchDeliveries starts workflows for unstarted deliveries, waiting up to ~10 s for some.
func (a *DeliveryActivities) DispatchDeliveries(ctx context.Context) (int, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := a.deliveries.ClaimUnstarted(ctx, 100, func(ctx context.Context, ds []webhook.Delivery) error {
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(16) // starts are independent round trips to Temporal
			for _, d := range ds {
				g.Go(func() error { return a.starter.StartDelivery(gctx, d) })
			}
			return g.Wait()
		})
		if err != nil {
			return 0, err
		}
		activity.RecordHeartbeat(ctx, n)
		if n > 0 || time.Now().After(deadline) {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(a.DispatchPoll):
		}
	}
}

// DeliverWebhook makes attempt number n: a signed POST, recorded whatever the receiver
// answered. Recording can never cause another POST: a retry of an attempt already recorded
// returns its outcome, and a record that keeps failing is logged, not retried by Temporal.
func (a *DeliveryActivities) DeliverWebhook(ctx context.Context, deliveryID string, n int) (AttemptResult, error) {
	d, ep, ev, err := a.deliveries.LoadDelivery(ctx, deliveryID)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return AttemptResult{}, temporal.NewNonRetryableApplicationError("delivery missing", ErrSessionMissing, err)
	}
	if err != nil {
		return AttemptResult{}, fmt.Errorf("load delivery %s: %w", deliveryID, err)
	}
	for _, done := range d.Attempts {
		if done.Number == n { // this activity ran before and its POST was recorded
			res := AttemptResult{Outcome: done.Outcome(), StatusCode: done.StatusCode, Error: done.Error}
			return res, a.apply(ctx, d, ep, res.Outcome)
		}
	}
	if ep.Disabled {
		return AttemptResult{Outcome: webhook.Stop}, a.apply(ctx, d, ep, webhook.Stop)
	}
	payload, err := a.encode(ev)
	if err != nil {
		return AttemptResult{}, fmt.Errorf("encode %s: %w", ev.ID, err)
	}
	start := a.now()
	status, excerpt, postErr := a.sender.Post(ctx, ep.URL, payload, webhook.Sign(payload, ep.Secret, start))
	at := webhook.Attempt{Number: n, At: start, StatusCode: status, Latency: a.now().Sub(start), Excerpt: excerpt}
	if postErr != nil {
		at.Error = postErr.Error()
	}
	at = at.Storable()
	res := AttemptResult{Outcome: at.Outcome(), StatusCode: status, Error: at.Error}
	if err := a.record(ctx, d.ID, at); err != nil {
		// The POST was made: failing the activity would make Temporal POST again.
		activity.GetLogger(ctx).Error("webhook attempt not recorded", "delivery", d.ID, "attempt", n, "error", err)
		if err := a.apply(ctx, d, ep, res.Outcome); err != nil {
			activity.GetLogger(ctx).Error("webhook attempt outcome not applied", "delivery", d.ID, "attempt", n, "error", err)
		}
		return res, nil
	}
	return res, a.apply(ctx, d, ep, res.Outcome) // safe to retry: the attempt is recorded
}

// recordTries are the waits before each in-activity try to record an attempt.
var recordTries = []time.Duration{0, 200 * time.Millisecond, time.Second}

func (a *DeliveryActivities) record(ctx context.Context, deliveryID string, at webhook.Attempt) error {
	var err error
	for _, wait := range recordTries {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		if err = a.deliveries.RecordAttempt(ctx, deliveryID, at); err == nil {
			return nil
		}
	}
	return fmt.Errorf("record attempt %d of %s: %w", at.Number, deliveryID, err)
}

// apply carries out what core says an outcome does (a final outcome ends the delivery here,
// saving the workflow another activity).
func (a *DeliveryActivities) apply(ctx context.Context, d webhook.Delivery, ep webhook.Endpoint, o webhook.Outcome) error {
	acts := o.Actions()
	if acts.DisableEndpoint {
		if err := a.deliveries.DisableEndpoint(ctx, ep.ID); err != nil {
			return fmt.Errorf("disable endpoint %s: %w", ep.ID, err)
		}
	}
	if acts.Finish {
		if err := a.deliveries.FinishDelivery(ctx, d.ID, acts.Status, a.now()); err != nil {
			return fmt.Errorf("finish delivery %s: %w", d.ID, err)
		}
	}
	return nil
}

// FinishDelivery records how a delivery ended (the workflow gave up).
func (a *DeliveryActivities) FinishDelivery(ctx context.Context, deliveryID, status string) error {
	return a.deliveries.FinishDelivery(ctx, deliveryID, webhook.DeliveryStatus(status), a.now())
}
