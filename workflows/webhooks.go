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

// Webhook ports the activities need besides the session ones.
type WebhookDeps struct {
	Deliveries webhook.DeliveryStore
	Sender     interface {
		Post(ctx context.Context, url string, body []byte, signature string) (int, string, error)
	}
	Encode  func(event.Event) ([]byte, error) // the event as the API renders it
	Starter interface {
		StartDelivery(ctx context.Context, d webhook.Delivery) error
	}
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

var deliverOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute, // the POST itself times out after 10 s
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
		NonRetryableErrorTypes: []string{ErrSessionMissing}},
}

// WebhookDelivery delivers one event to one endpoint: an attempt, then a durable timer
// (5 s, tripling, at most an hour) and another, until a 2xx, a 410 (which disables the
// endpoint), the endpoint going away, or three days. Every attempt is recorded.
func WebhookDelivery(ctx workflow.Context, in DeliveryInput) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, deliverOptions)
	started := workflow.Now(ctx)
	status := "failed"
	first := in.FirstRetry
	if first <= 0 {
		first = webhook.FirstRetry
	}
	for attempt := 1; ; attempt++ {
		var res AttemptResult
		if err := workflow.ExecuteActivity(ctx, (*Activities).DeliverWebhook, in.DeliveryID, attempt).Get(ctx, &res); err != nil {
			return "", err
		}
		switch res.Outcome {
		case webhook.Delivered:
			return "succeeded", nil // the attempt recorded the delivery's end itself
		case webhook.Gone, webhook.Stop:
			return "failed", nil // likewise, having disabled the endpoint on 410
		}
		wait := webhook.Backoff(attempt, first)
		if workflow.Now(ctx).Add(wait).Sub(started) > webhook.RetryWindow {
			break
		}
		if err := workflow.Sleep(ctx, wait); err != nil {
			return "", err
		}
	}
	return status, workflow.ExecuteActivity(ctx, (*Activities).FinishDelivery, in.DeliveryID, status).Get(ctx, nil)
}

// WebhookDispatcher starts a delivery workflow for each outbox row (workflow ID
// webhook-dispatcher: one for the whole service).
func WebhookDispatcher(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, scanOptions)
	for i := 0; i < scannerIterations && !workflow.GetInfo(ctx).GetContinueAsNewSuggested(); i++ {
		if err := workflow.ExecuteActivity(ctx, (*Activities).DispatchDeliveries).Get(ctx, nil); err != nil {
			return err
		}
	}
	return workflow.NewContinueAsNewError(ctx, WebhookDispatcher)
}

// DispatchDeliveries starts workflows for unstarted deliveries, waiting up to ~10 s for some.
func (a *Activities) DispatchDeliveries(ctx context.Context) (int, error) {
	if a.webhooks == nil {
		return 0, temporal.NewNonRetryableApplicationError("webhooks are not configured on this worker", "NotConfigured", nil)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := a.webhooks.Deliveries.ClaimUnstarted(ctx, 100, func(ctx context.Context, ds []webhook.Delivery) error {
			g, gctx := errgroup.WithContext(ctx)
			g.SetLimit(16) // starts are independent round trips to Temporal
			for _, d := range ds {
				g.Go(func() error { return a.webhooks.Starter.StartDelivery(gctx, d) })
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

// DeliverWebhook makes attempt number n: a signed POST, recorded whatever happens.
func (a *Activities) DeliverWebhook(ctx context.Context, deliveryID string, n int) (AttemptResult, error) {
	d, ep, ev, err := a.webhooks.Deliveries.LoadDelivery(ctx, deliveryID)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return AttemptResult{}, temporal.NewNonRetryableApplicationError("delivery missing", ErrSessionMissing, err)
	}
	if err != nil {
		return AttemptResult{}, err
	}
	if ep.Disabled {
		return AttemptResult{Outcome: webhook.Stop}, a.webhooks.Deliveries.FinishDelivery(ctx, d.ID, "failed", a.now())
	}
	payload, err := a.webhooks.Encode(ev)
	if err != nil {
		return AttemptResult{}, fmt.Errorf("encode %s: %w", ev.ID, err)
	}
	start := a.now()
	status, excerpt, postErr := a.webhooks.Sender.Post(ctx, ep.URL, payload, webhook.Sign(payload, ep.Secret, start))
	at := AttemptResult{Outcome: webhook.Classify(status), StatusCode: status}
	if postErr != nil {
		at.Outcome, at.Error = webhook.Retry, postErr.Error()
	}
	if err := a.webhooks.Deliveries.RecordAttempt(ctx, d.ID, webhook.Attempt{Number: n, At: start, StatusCode: status,
		Latency: a.now().Sub(start), Error: at.Error, Excerpt: excerpt}); err != nil {
		return AttemptResult{}, err
	}
	// A final outcome ends the delivery here, saving the workflow another activity.
	switch at.Outcome {
	case webhook.Gone:
		if err := a.webhooks.Deliveries.DisableEndpoint(ctx, ep.ID); err != nil {
			return AttemptResult{}, err
		}
		fallthrough
	case webhook.Stop:
		return at, a.webhooks.Deliveries.FinishDelivery(ctx, d.ID, "failed", a.now())
	case webhook.Delivered:
		return at, a.webhooks.Deliveries.FinishDelivery(ctx, d.ID, "succeeded", a.now())
	}
	return at, nil
}

// FinishDelivery records how a delivery ended.
func (a *Activities) FinishDelivery(ctx context.Context, deliveryID, status string) error {
	return a.webhooks.Deliveries.FinishDelivery(ctx, deliveryID, status, a.now())
}
