package workflows

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/billing"
)

// SubscriptionInput starts subscription/<id>.
type SubscriptionInput struct {
	SubscriptionID string
	MerchantID     string
}

// SubscriptionState is the subscription as its workflow knows it (the state query).
type SubscriptionState struct {
	SubscriptionID   string
	Status           billing.Status
	Period           int
	CurrentPeriodEnd time.Time
	LatestInvoice    string
	InvoiceStatus    billing.InvoiceStatus
	Attempts         int
	NextAt           time.Time // real time of the next scheduled step (zero: none)
	Ended            bool
	Collect          bool // the latest invoice is to be collected through the mandate (or its collection is under way)
}

// SubscriptionActivities are the billing use cases the subscription and session workflows call.
type SubscriptionActivities struct {
	billing *billing.Service
	wallets GasWalletClient // sends automatic collections; nil without a gas wallet
}

// NewSubscriptionActivities wires the activities to the billing use cases and, when a chain
// has a gas wallet, to the gas wallets that send automatic collections.
func NewSubscriptionActivities(svc *billing.Service, wallets GasWalletClient) (*SubscriptionActivities, error) {
	if svc == nil {
		return nil, fmt.Errorf("workflows.NewSubscriptionActivities: nil dependency")
	}
	return &SubscriptionActivities{billing: svc, wallets: wallets}, nil
}

// SubscriptionStateOf is what the workflow needs of a subscription and its latest invoice:
// above all when its next step is due under the dunning schedule d.
func SubscriptionStateOf(sub *billing.Subscription, inv *billing.Invoice, d billing.Dunning) SubscriptionState {
	st := SubscriptionState{SubscriptionID: sub.ID, Status: sub.Status, Period: sub.Period, CurrentPeriodEnd: sub.CurrentPeriodEnd,
		LatestInvoice: sub.LatestInvoice, Ended: sub.Ended()}
	if inv != nil {
		st.InvoiceStatus, st.Attempts = inv.Status, inv.Attempts
		st.Collect = sub.CollectsAutomatically(inv) ||
			(inv.AutoCollection != nil && inv.AutoCollection.Status == billing.CollectionPending)
		if next, ok := sub.NextAt(inv, d); ok {
			st.NextAt = next
		}
	}
	return st
}

// AdvanceSubscription applies what is due now and returns the new state.
func (a *SubscriptionActivities) AdvanceSubscription(ctx context.Context, id string) (SubscriptionState, error) {
	sub, inv, err := a.billing.Advance(ctx, id)
	if err != nil {
		return SubscriptionState{}, activityError("advance "+id, err)
	}
	return SubscriptionStateOf(sub, inv, a.billing.Dunning()), nil
}

// PayInvoice marks an invoice paid once its session completed.
func (a *SubscriptionActivities) PayInvoice(ctx context.Context, id string, paid InvoicePaidSignal) error {
	_, err := a.billing.Pay(ctx, id, paid.InvoiceID, paid.SessionID)
	return activityError("pay "+paid.InvoiceID, err)
}

// CancelSubscription, UpdateSubscription and SetSubscriptionClock apply the merchant's requests.
func (a *SubscriptionActivities) CancelSubscription(ctx context.Context, id string) error {
	_, err := a.billing.ApplyCancel(ctx, id)
	return activityError("cancel "+id, err)
}

func (a *SubscriptionActivities) UpdateSubscription(ctx context.Context, id string, u billing.UpdateRequest) error {
	_, err := a.billing.ApplyUpdate(ctx, id, u)
	return activityError("update "+id, err)
}

func (a *SubscriptionActivities) SetSubscriptionClock(ctx context.Context, id string, frozen time.Time) error {
	_, err := a.billing.ApplyClock(ctx, id, frozen)
	return activityError("set clock of "+id, err)
}

// BillCompletedSession lets billing act on a completed session (see billing.Service.SessionCompleted).
func (a *SubscriptionActivities) BillCompletedSession(ctx context.Context, sessionID string) error {
	return activityError("billing of "+sessionID, a.billing.SessionCompleted(ctx, sessionID))
}

// StartCollection starts the automatic collection of the latest invoice (see
// billing.Service.StartCollection).
func (a *SubscriptionActivities) StartCollection(ctx context.Context, id string) (billing.CollectionStep, error) {
	step, err := a.billing.StartCollection(ctx, id)
	return step, activityError("start collection of "+id, err)
}

// RequestCollection has the chain's gas wallet send a collection (once per invoice, however
// often asked). Without a gas wallet, or when the node says it would revert, it fails for good.
func (a *SubscriptionActivities) RequestCollection(ctx context.Context, req SendTxRequest) (string, error) {
	if a.wallets == nil {
		return "", temporal.NewNonRetryableApplicationError("no gas wallet on this worker", ErrWouldRevert, nil)
	}
	hash, err := a.wallets.SendTx(ctx, req)
	if isAppError(err, ErrWouldRevert) {
		return "", temporal.NewNonRetryableApplicationError(err.Error(), ErrWouldRevert, err)
	}
	return hash, wrap("request collection "+req.Key, err)
}

// CheckCollection settles a collection once its transaction is confirmed.
func (a *SubscriptionActivities) CheckCollection(ctx context.Context, id, invoiceID string) (billing.CollectionStatus, error) {
	st, err := a.billing.CheckCollection(ctx, id, invoiceID)
	return st, activityError("check collection of "+invoiceID, err)
}

// FailCollection sends the invoice instead of collecting it.
func (a *SubscriptionActivities) FailCollection(ctx context.Context, id, invoiceID, reason string) error {
	return activityError("fail collection of "+invoiceID, a.billing.FailCollection(ctx, id, invoiceID, reason))
}

// InvoicePaidSignal names the invoice whose session completed.
type InvoicePaidSignal struct{ InvoiceID, SessionID string }

// ClockRequest is a test clock's new time.
type ClockRequest struct{ FrozenTime time.Time }

type subscriptionWorkflow struct {
	in    SubscriptionInput
	state SubscriptionState
	paid  workflow.ReceiveChannel // invoice_paid signals: invoices whose sessions completed, not yet recorded
	woken bool                    // a handler changed something: the schedule must be read again
}

var subscriptionActivity = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 5 * time.Minute,
		NonRetryableErrorTypes: []string{ErrSessionMissing, ErrRefused}},
}

// Subscription runs one subscription: a durable timer to each due step (a payment try or the
// period's end, on the subscription's clock), the renewal and its invoice, and the merchant's
// changes as Updates. It continues as new at every renewal, so a history holds one period.
func Subscription(ctx workflow.Context, in SubscriptionInput) (SubscriptionState, error) {
	w := &subscriptionWorkflow{in: in, paid: workflow.GetSignalChannel(ctx, SignalInvoicePaid)}
	if err := w.setup(ctx); err != nil {
		return w.state, err
	}
	actx := workflow.WithActivityOptions(ctx, subscriptionActivity)
	if err := w.advance(actx); err != nil {
		return w.state, err
	}
	start := w.state.Period
	for !w.state.Ended {
		if w.state.Period != start && w.paid.Len() == 0 { // a pending signal is drained before the history ends
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return w.state, err
			}
			return w.state, workflow.NewContinueAsNewError(ctx, Subscription, in)
		}
		if err := w.wait(ctx); err != nil {
			return w.state, err
		}
		var inv InvoicePaidSignal
		for w.paid.ReceiveAsync(&inv) {
			if err := workflow.ExecuteActivity(actx, (*SubscriptionActivities).PayInvoice, in.SubscriptionID, inv).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Warn("invoice not recorded as paid", "invoice", inv.InvoiceID, "error", err)
			}
		}
		if err := w.advance(actx); err != nil {
			return w.state, err
		}
	}
	return w.state, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// wait sleeps until the next scheduled step or until a handler wakes it.
func (w *subscriptionWorkflow) wait(ctx workflow.Context) error {
	woken := func() bool { return w.woken || w.paid.Len() > 0 }
	if w.state.NextAt.IsZero() {
		err := workflow.Await(ctx, woken)
		w.woken = false
		return err
	}
	if d := w.state.NextAt.Sub(workflow.Now(ctx)); d > 0 {
		if _, err := workflow.AwaitWithTimeout(ctx, d, woken); err != nil {
			return err
		}
	}
	w.woken = false
	return nil
}

func (w *subscriptionWorkflow) advance(ctx workflow.Context) error {
	var st SubscriptionState
	if err := workflow.ExecuteActivity(ctx, (*SubscriptionActivities).AdvanceSubscription, w.in.SubscriptionID).Get(ctx, &st); err != nil {
		return err
	}
	w.state = st
	if st.Collect && workflow.GetVersion(ctx, changeAutoCollect, workflow.DefaultVersion, 1) == 1 {
		if err := w.collect(ctx); err != nil {
			return err
		}
		return w.advance(ctx) // the collection settled the invoice one way or the other
	}
	attrs := []temporal.SearchAttributeUpdate{AttrSubscriptionState.ValueSet(string(st.Status))}
	if !st.Ended {
		attrs = append(attrs, AttrNextPeriodEnd.ValueSet(st.CurrentPeriodEnd))
	}
	return workflow.UpsertTypedSearchAttributes(ctx, attrs...)
}

// collectPoll and collectPollMax bound how often a collection's transaction is looked for;
// after collectLooks looks the run continues as new, still waiting, so its history stays short.
const (
	collectPoll    = 5 * time.Second
	collectPollMax = time.Minute
	collectLooks   = 100
)

// collect has the gas wallet send the latest invoice's collection and waits until it is
// confirmed (paid) or fails (the invoice goes to the shopper as a hosted page instead).
func (w *subscriptionWorkflow) collect(ctx workflow.Context) error {
	var a *SubscriptionActivities
	var step billing.CollectionStep
	if err := workflow.ExecuteActivity(ctx, a.StartCollection, w.in.SubscriptionID).Get(ctx, &step); err != nil {
		return err
	}
	if !step.Send {
		return nil
	}
	req := SendTxRequest{ChainID: step.ChainID, Key: step.Key, To: step.To, Data: step.Data}
	err := workflow.ExecuteActivity(ctx, a.RequestCollection, req).Get(ctx, nil)
	if isAppError(err, ErrWouldRevert) {
		workflow.GetLogger(ctx).Warn("the collection would revert: the invoice is sent instead", "invoice", step.InvoiceID, "err", err)
		return workflow.ExecuteActivity(ctx, a.FailCollection, w.in.SubscriptionID, step.InvoiceID, billing.ReasonWouldRevert).Get(ctx, nil)
	}
	if err != nil {
		return err
	}
	// While its transaction is in flight the invoice is neither sent nor dunned: money may be
	// moving. A transaction that is not mined waits for the gas wallet (which replaces it or
	// logs why it cannot send), however long that takes.
	for look, poll := 0, collectPoll; ; look, poll = look+1, min(2*poll, collectPollMax) {
		if look == collectLooks {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			return workflow.NewContinueAsNewError(ctx, Subscription, w.in)
		}
		if err := workflow.Sleep(ctx, poll); err != nil {
			return err
		}
		var st billing.CollectionStatus
		if err := workflow.ExecuteActivity(ctx, a.CheckCollection, w.in.SubscriptionID, step.InvoiceID).Get(ctx, &st); err != nil {
			return err
		}
		if st != billing.CollectionPending {
			workflow.GetLogger(ctx).Info("collection settled", "invoice", step.InvoiceID, "status", st)
			return nil
		}
	}
}

func (w *subscriptionWorkflow) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (SubscriptionState, error) { return w.state, nil }); err != nil {
		return err
	}
	notEnded := func() error {
		if w.state.Ended {
			return temporal.NewApplicationError("the subscription is canceled", ErrNotOpen)
		}
		return nil
	}
	run := func(ctx workflow.Context, activity any, args ...any) error {
		uctx := workflow.WithActivityOptions(ctx, updateActivityOptions)
		err := workflow.ExecuteActivity(uctx, activity, append([]any{w.in.SubscriptionID}, args...)...).Get(uctx, nil)
		w.woken = true
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSubscriptionCancel, func(ctx workflow.Context) error {
		return run(ctx, (*SubscriptionActivities).CancelSubscription)
	}, workflow.UpdateHandlerOptions{Validator: notEnded}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandler(ctx, UpdateSubscription, func(ctx workflow.Context, u billing.UpdateRequest) error {
		return run(ctx, (*SubscriptionActivities).UpdateSubscription, u)
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateTestClock, func(ctx workflow.Context, r ClockRequest) error {
		return run(ctx, (*SubscriptionActivities).SetSubscriptionClock, r.FrozenTime)
	}, workflow.UpdateHandlerOptions{Validator: func(ClockRequest) error { return notEnded() }}); err != nil {
		return err
	}
	return nil
}
