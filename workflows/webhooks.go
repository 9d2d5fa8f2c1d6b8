package workflows

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
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

// DeliveryStarter starts a delivery's retry workflow (idempotent per delivery), whose first
// attempt was made at firstAttempt.
type DeliveryStarter interface {
	StartDelivery(ctx context.Context, d webhook.Delivery, firstAttempt time.Time) error
}

// DeliveryActivities are the webhook delivery activities: the outbox dispatcher and the
// attempts. Their method names are activity type names in recorded histories.
type DeliveryActivities struct {
	deliveries webhook.DeliveryStore
	sender     Sender
	encode     func(event.Event) ([]byte, error) // the event as the API renders it
	starter    DeliveryStarter
	now        func() time.Time
	// DispatchPoll is how long an idle claimer waits for the store to say rows were queued
	// (AwaitOutbox) before it claims anyway: the fallback for a missed notification.
	DispatchPoll time.Duration
	// DispatchClaimers claims of DispatchBatch rows run side by side, sharing DispatchConcurrency POSTs.
	DispatchClaimers, DispatchBatch, DispatchConcurrency int
	// DispatchFor is how long one DispatchDeliveries activity keeps claiming at most; it returns
	// sooner once it has handled rows and then found none for DispatchIdle.
	DispatchFor, DispatchIdle time.Duration
}

// NewDeliveryActivities wires the delivery activities to their ports.
func NewDeliveryActivities(deliveries webhook.DeliveryStore, sender Sender, encode func(event.Event) ([]byte, error),
	starter DeliveryStarter, now func() time.Time) (*DeliveryActivities, error) {
	if deliveries == nil || sender == nil || encode == nil || starter == nil || now == nil {
		return nil, fmt.Errorf("workflows.NewDeliveryActivities: nil dependency")
	}
	return &DeliveryActivities{deliveries: deliveries, sender: sender, encode: encode, starter: starter, now: now,
		// 1 s: a missed wake-up (rows a crashed claim left) costs about what DispatchIdle does,
		// while 4 idle claimers cost Postgres 4 empty claims a second instead of 100.
		DispatchPoll: time.Second, DispatchClaimers: 4, DispatchBatch: 64, DispatchConcurrency: 32, DispatchFor: 10 * time.Second,
		DispatchIdle: time.Second}, nil
}

// DeliveryInput starts a delivery workflow.
type DeliveryInput struct {
	DeliveryID string
	EventID    string
	EndpointID string
	FirstRetry time.Duration // the first backoff; later ones triple it (0: webhook.FirstRetry)
	// FirstAttemptAt is when the dispatcher made attempt 1 (zero: the workflow makes it).
	FirstAttemptAt time.Time
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
// endpoint), the endpoint going away, or three days. Every attempt is recorded. When the
// dispatcher made attempt 1 (and it failed), the workflow waits out its backoff and goes on.
func WebhookDelivery(ctx workflow.Context, in DeliveryInput) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, deliverOptions)
	started, first := workflow.Now(ctx), 1
	if !in.FirstAttemptAt.IsZero() && workflow.GetVersion(ctx, changeFirstAttemptByDispatcher, workflow.DefaultVersion, 1) == 1 {
		started, first = in.FirstAttemptAt, 2
		wait, giveUp := webhook.NextAttempt(1, in.FirstRetry, started, workflow.Now(ctx))
		if giveUp {
			return finishFailed(ctx, in.DeliveryID)
		}
		if err := workflow.Sleep(ctx, max(0, wait-workflow.Now(ctx).Sub(started))); err != nil {
			return "", err
		}
	}
	var acts *DeliveryActivities
	for attempt := first; ; attempt++ {
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
	return finishFailed(ctx, in.DeliveryID)
}

// finishFailed records that a delivery gave up.
func finishFailed(ctx workflow.Context, deliveryID string) (string, error) {
	var acts *DeliveryActivities
	failed := webhook.DeliveryFailed
	return string(failed), workflow.ExecuteActivity(ctx, acts.FinishDelivery, deliveryID, string(failed)).Get(ctx, nil)
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

// DispatchDeliveries makes the first attempt of each outbox row, starting a retry workflow
// only for a failed one. DispatchClaimers loops claim batches side by side (a batch held up
// by a slow receiver does not stop the others), sharing DispatchConcurrency POSTs; while the
// outbox is empty they wait for the store to say rows were queued (every DispatchPoll at
// most), for DispatchFor at most, and stop sooner once rows stop coming (DispatchIdle). It
// returns how many rows it handled. A crash after a POST but before the claim commits POSTs
// that delivery again (at least once); a recorded attempt is never POSTed again.
func (a *DeliveryActivities) DispatchDeliveries(ctx context.Context) (int, error) {
	r := &dispatchRun{deadline: time.Now().Add(a.DispatchFor), slots: make(chan struct{}, max(1, a.DispatchConcurrency))}
	var g errgroup.Group // no shared cancellation: a claimer's error must not abort another's POSTs
	for range max(1, a.DispatchClaimers) {
		g.Go(func() error { return a.claimUntilDone(ctx, r) })
	}
	err := g.Wait()
	return int(r.total.Load()), err
}

// dispatchRun is what one DispatchDeliveries run's claimers share.
type dispatchRun struct {
	deadline time.Time
	slots    chan struct{} // a POST in flight holds one
	total    atomic.Int64  // rows handled
	lastRows atomic.Int64  // when a claim last found rows (Unix ns)
}

// done says the run should end: past its deadline, or idle for DispatchIdle after some rows.
func (a *DeliveryActivities) done(r *dispatchRun, now time.Time) bool {
	idle := r.total.Load() > 0 && now.Sub(time.Unix(0, r.lastRows.Load())) >= a.DispatchIdle
	return !now.Before(r.deadline) || idle
}

// claimUntilDone claims batch after batch until the run is done (at least one).
func (a *DeliveryActivities) claimUntilDone(ctx context.Context, r *dispatchRun) error {
	handle := func(ctx context.Context, cs []webhook.Claimed) (map[string]webhook.End, error) {
		return a.firstAttempts(ctx, cs, r.slots)
	}
	for {
		claimed := time.Now() // rows queued from here on may be missing from this claim
		n, err := a.deliveries.ClaimUnstarted(ctx, a.DispatchBatch, handle)
		if err != nil {
			return err
		}
		if n > 0 {
			r.lastRows.Store(time.Now().UnixNano())
		}
		activity.RecordHeartbeat(ctx, r.total.Add(int64(n)))
		if a.done(r, time.Now()) {
			return nil
		}
		if n == a.DispatchBatch {
			continue // more are waiting
		}
		if stop, err := a.awaitOutbox(ctx, claimed, r.deadline); stop || err != nil {
			return err
		}
	}
}

// awaitOutbox waits until rows may have been queued after since (every claimer woken by one
// commit claims once; those that find nothing wait for a later one), DispatchPoll passes or
// the run's deadline comes; stop says the worker is stopping.
func (a *DeliveryActivities) awaitOutbox(ctx context.Context, since, deadline time.Time) (stop bool, err error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	woken := make(chan error, 1)
	go func() {
		woken <- a.deliveries.AwaitOutbox(wctx, since, max(0, min(a.DispatchPoll, time.Until(deadline))))
	}()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-activity.GetWorkerStopChannel(ctx): // end the run: the dispatcher's next one runs elsewhere
		return true, nil
	case err := <-woken:
		return false, err
	}
}

// firstAttempts makes the claimed deliveries' first attempts, each holding one of slots,
// and returns the ends of those that are over. One delivery's error does not cancel the
// others' POSTs: it fails the claim, which is taken again without POSTing the recorded ones.
func (a *DeliveryActivities) firstAttempts(ctx context.Context, claimed []webhook.Claimed, slots chan struct{}) (map[string]webhook.End, error) {
	var mu sync.Mutex
	ends, errs := map[string]webhook.End{}, []error(nil)
	var wg sync.WaitGroup
	for _, c := range claimed { // started in claim (commit) order
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			end, over, err := a.firstAttempt(ctx, c)
			<-slots
			activity.RecordHeartbeat(ctx) // a batch of slow receivers takes longer than the heartbeat timeout
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			} else if over {
				ends[c.Delivery.ID] = end
			}
		}()
	}
	wg.Wait()
	return ends, errors.Join(errs...)
}

// firstAttempt makes (or finds recorded) attempt 1 of a claimed delivery, disables a gone
// endpoint, and either says how the delivery ended or starts its retry workflow.
func (a *DeliveryActivities) firstAttempt(ctx context.Context, c webhook.Claimed) (webhook.End, bool, error) {
	res, at, err := a.attemptOnce(ctx, c.Delivery, c.Endpoint, c.Event, 1)
	if err != nil {
		return webhook.End{}, false, err
	}
	acts := res.Outcome.Actions()
	if acts.DisableEndpoint {
		if err := a.deliveries.DisableEndpoint(ctx, c.Endpoint.ID); err != nil {
			return webhook.End{}, false, fmt.Errorf("disable endpoint %s: %w", c.Endpoint.ID, err)
		}
	}
	if acts.Finish {
		return webhook.End{Status: acts.Status, At: a.now()}, true, nil
	}
	if err := a.starter.StartDelivery(ctx, c.Delivery, at); err != nil {
		return webhook.End{}, false, fmt.Errorf("start retries of %s: %w", c.Delivery.ID, err)
	}
	return webhook.End{}, false, nil
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
	res, _, err := a.attemptOnce(ctx, d, ep, ev, n)
	if err != nil {
		return AttemptResult{}, err
	}
	if err := a.apply(ctx, d, ep, res.Outcome); err != nil {
		if res.posted { // the POST was made: failing the activity would make Temporal POST again
			activity.GetLogger(ctx).Error("webhook attempt outcome not applied", "delivery", d.ID, "attempt", n, "error", err)
			return res.AttemptResult, nil
		}
		return AttemptResult{}, err // safe to retry: the attempt is recorded
	}
	return res.AttemptResult, nil
}

// attempt is an attempt's result and whether this call POSTed without recording it.
type attempt struct {
	AttemptResult
	posted bool // POSTed now and not recorded: never fail after this
}

// attemptOnce makes attempt n unless it is recorded (then returns the recorded one): a
// signed POST, recorded whatever the receiver answered. A disabled endpoint is not POSTed.
// It returns the attempt's time (now when nothing was POSTed).
func (a *DeliveryActivities) attemptOnce(ctx context.Context, d webhook.Delivery, ep webhook.Endpoint, ev event.Event,
	n int) (attempt, time.Time, error) {
	for _, done := range d.Attempts {
		if done.Number == n { // made before and recorded
			return attempt{AttemptResult: AttemptResult{Outcome: done.Outcome(), StatusCode: done.StatusCode, Error: done.Error}}, done.At, nil
		}
	}
	if ep.Disabled {
		return attempt{AttemptResult: AttemptResult{Outcome: webhook.Stop}}, a.now(), nil
	}
	payload, err := a.encode(ev)
	if err != nil {
		return attempt{}, time.Time{}, fmt.Errorf("encode %s: %w", ev.ID, err)
	}
	start := a.now()
	status, excerpt, postErr := a.sender.Post(ctx, ep.URL, payload, webhook.Sign(payload, ep.Secret, start))
	at := webhook.Attempt{Number: n, At: start, StatusCode: status, Latency: a.now().Sub(start), Excerpt: excerpt}
	if postErr != nil {
		at.Error = postErr.Error()
	}
	at = at.Storable()
	res := attempt{AttemptResult: AttemptResult{Outcome: at.Outcome(), StatusCode: status, Error: at.Error}}
	if err := a.record(ctx, d.ID, at); err != nil {
		activity.GetLogger(ctx).Error("webhook attempt not recorded", "delivery", d.ID, "attempt", n, "error", err)
		res.posted = true
	}
	return res, start, nil
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
