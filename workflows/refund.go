package workflows

import (
	"context"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/refund"
)

// RefundInput starts refund/<id>; the row in Postgres holds everything else.
type RefundInput struct {
	RefundID   string
	MerchantID string
}

// RefundChanged is SignalRefundChanged's payload: the refund's status when it was sent, for
// whoever reads the history. The workflow reads the refund itself.
type RefundChanged struct {
	Status string
}

// RefundActivities are the refund use cases the refund and session workflows call. Each is
// idempotent (refund.Service's Advance and Apply are).
type RefundActivities struct {
	Refunds *refund.Service
}

// AdvanceRefund is the refund workflow's one look (refund.Service.Advance). A refund whose row
// is gone ends its workflow.
func (a *RefundActivities) AdvanceRefund(ctx context.Context, id string) (refund.Step, error) {
	step, err := a.Refunds.Advance(ctx, id)
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindNotFound {
		return refund.Step{}, temporal.NewNonRetryableApplicationError("refund row missing", ErrRefundMissing, err)
	}
	return step, activityError("advance refund "+id, err)
}

// ApplyResolution carries out a session's resolution (refund.Service.Apply); a refusal reaches
// the API caller of the resolve update as its apperr (RefusalOf).
func (a *RefundActivities) ApplyResolution(ctx context.Context, sessionID string, p refund.ResolveParams) (refund.Resolved, error) {
	res, err := a.Refunds.Apply(ctx, sessionID, p)
	return res, activityError("resolve "+sessionID+" by "+p.Action, err)
}

// LatePolicyRequest names the session, and whose it is, that the merchant's late-payment
// policy may resolve.
type LatePolicyRequest struct {
	SessionID  string
	MerchantID string
	Livemode   bool
}

// ApplyLatePolicy applies the merchant's late-payment policy to a session paid after it expired
// (refund.Service.ApplyLatePolicy): a zero Resolved when it did nothing (manual, or resolved meanwhile).
func (a *RefundActivities) ApplyLatePolicy(ctx context.Context, req LatePolicyRequest) (refund.Resolved, error) {
	res, err := a.Refunds.ApplyLatePolicy(ctx, merchant.Caller{MerchantID: req.MerchantID, Livemode: req.Livemode}, req.SessionID)
	return res, activityError("apply the late-payment policy to "+req.SessionID, err)
}

// A named transaction is looked for after refundPoll, then at doubling intervals up to
// refundPollMax: blocks come every 2–12 s on the chains served, so the first looks catch a
// transfer as it is mined, and the cap bounds both how late its confirmations are seen and
// how many looks a day an unmined one costs (refund.NotMinedLimit of them at most 1,440). After
// refundLooks looks a run continues as new, so a history stays near 2,000 events.
const (
	refundPoll    = 5 * time.Second
	refundPollMax = time.Minute
	refundLooks   = 200
)

var refundActivity = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
		NonRetryableErrorTypes: []string{ErrRefundMissing, ErrRefused}},
}

// Refund follows one refund until it is final: it fails a claim link left to expire, and
// verifies the merchant's transfer on chain until it is confirmed or refused. Every change made
// outside (a claim, a transaction marked sent, a cancel) signals it to look again at once.
func Refund(ctx workflow.Context, in RefundInput) (refund.Step, error) {
	var step refund.Step
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (refund.Step, error) { return step, nil }); err != nil {
		return step, err
	}
	changed := workflow.GetSignalChannel(ctx, SignalRefundChanged)
	actx := workflow.WithActivityOptions(ctx, refundActivity)
	poll := refundPoll
	for look := 0; ; look++ {
		if look == refundLooks || workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			// Signals left unread are not lost: the next run begins with a look.
			return step, workflow.NewContinueAsNewError(ctx, RefundWorkflow, in)
		}
		for changed.ReceiveAsync(nil) { // the look below sees every change signalled so far
		}
		err := workflow.ExecuteActivity(actx, (*RefundActivities).AdvanceRefund, in.RefundID).Get(ctx, &step)
		if isAppError(err, ErrRefundMissing) {
			workflow.GetLogger(ctx).Warn("refund row missing; ending", "refund", in.RefundID)
			return step, nil
		}
		if err != nil || step.Done {
			return step, err
		}
		signalled, err := awaitRefund(ctx, changed, step, poll)
		if err != nil {
			return step, err
		}
		if step.Verifying && !signalled {
			poll = min(2*poll, refundPollMax)
		} else {
			poll = refundPoll // a new transaction, or a new state: look soon again
		}
	}
}

// awaitRefund waits for what can change the refund after step: a signal always; the claim's
// expiry while it awaits a claim; the next poll while a transaction is verified. signalled:
// a signal, not a timer, ended the wait.
func awaitRefund(ctx workflow.Context, changed workflow.ReceiveChannel, step refund.Step, poll time.Duration) (bool, error) {
	signalled := func() bool { return changed.Len() > 0 }
	switch {
	case !step.WakeAt.IsZero():
		// Never less than a poll: a worker's clock a little behind must not spin on the expiry.
		return workflow.AwaitWithTimeout(ctx, max(step.WakeAt.Sub(workflow.Now(ctx)), refundPoll), signalled)
	case step.Verifying:
		return workflow.AwaitWithTimeout(ctx, poll, signalled)
	}
	return true, workflow.Await(ctx, signalled) // pending with no transaction: only a change helps
}
