package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
)

// SessionInput starts a session workflow; the row in Postgres holds everything else.
type SessionInput struct {
	SessionID         string
	MerchantID        string
	Livemode          bool
	ClientReferenceID string
	ExpiresAt         time.Time
	PreselectAsset    string // crypto[asset]: selected as soon as the row is confirmed
}

// SessionState is the workflow's live view, returned by the state query and the updates.
type SessionState struct {
	SessionID      string
	Status         checkout.Status
	PaymentStatus  checkout.PaymentStatus
	ExpiresAt      time.Time
	ExpiredBy      string // "timer" or "request" once expired
	Orphaned       bool   // the row was never committed or was removed: the workflow ended itself
	Asset          string
	DepositAddress string
	AmountDue      string // base units
	AmountReceived string // confirmed base units that count
	CryptoState    chain.CryptoState
	Payments       []PaymentView
}

// PaymentView is a payment as the state query shows it.
type PaymentView struct {
	ID          string
	ChainID     int64
	Asset       string
	TxHash      string
	LogIndex    int64
	BlockNumber uint64
	Amount      string
	Status      string
}

// ExpireRequest is the expire update's argument (empty for now; a struct so it can grow).
type ExpireRequest struct{}

// SelectAssetRequest is the select_asset update's argument.
type SelectAssetRequest struct {
	Asset string
}

// PaymentsChanged is the scanner's signal: reconcile from the database.
type PaymentsChanged struct {
	ChainID int64
	TxHash  string
	Status  string
}

type sessionWorkflow struct {
	in       SessionInput
	state    SessionState
	checked  bool // SessionRecorded answered
	expiring bool
	dirty    bool // a payments signal arrived since the last reconcile

	balanceChecked bool // the last look at the deadline happened
}

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		NonRetryableErrorTypes: []string{ErrSessionMissing, ErrRefused},
	},
}

// CheckoutSession is one checkout session's life: it confirms its row exists, takes the
// shopper's asset choice, follows the payments the scanner reports, and ends at the expiry
// timer or an expire request, whichever comes first. It then watches the deposit address
// for the monitoring window so late payments and deep reorgs are still recorded.
func CheckoutSession(ctx workflow.Context, in SessionInput) (SessionState, error) {
	w := &sessionWorkflow{in: in, state: SessionState{
		SessionID: in.SessionID, Status: checkout.StatusOpen, PaymentStatus: checkout.PaymentUnpaid,
		ExpiresAt: in.ExpiresAt, CryptoState: chain.StateAwaitingAsset, AmountReceived: "0",
	}}
	if err := w.setup(ctx); err != nil {
		return w.state, err
	}
	return w.run(workflow.WithActivityOptions(ctx, activityOptions))
}

func (w *sessionWorkflow) open() bool {
	return w.state.Status == checkout.StatusOpen && !w.state.Orphaned
}

func (w *sessionWorkflow) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (SessionState, error) {
		return w.state, nil
	}); err != nil {
		return err
	}
	workflow.Go(ctx, func(ctx workflow.Context) { // signals only mark the state dirty; run reconciles
		ch := workflow.GetSignalChannel(ctx, SignalPayments)
		for {
			var sig PaymentsChanged
			ch.Receive(ctx, &sig)
			w.dirty = true
		}
	})
	notOpen := func() error {
		if !w.open() {
			return temporal.NewApplicationError("session is "+string(w.state.Status), ErrNotOpen)
		}
		return nil
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSelectAsset,
		func(ctx workflow.Context, req SelectAssetRequest) (SessionState, error) {
			ctx = workflow.WithActivityOptions(ctx, activityOptions)
			if err := workflow.Await(ctx, func() bool { return w.checked }); err != nil {
				return w.state, err
			}
			if err := notOpen(); err != nil {
				return w.state, err
			}
			return w.state, w.selectAsset(ctx, req.Asset)
		},
		workflow.UpdateHandlerOptions{Validator: func(SelectAssetRequest) error { return notOpen() }},
	); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateExpire,
		func(ctx workflow.Context, _ ExpireRequest) (SessionState, error) {
			ctx = workflow.WithActivityOptions(ctx, activityOptions)
			if err := workflow.Await(ctx, func() bool { return w.checked }); err != nil {
				return w.state, err
			}
			if err := w.expire(ctx, "request"); err != nil {
				return w.state, err
			}
			return w.state, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ExpireRequest) error { return notOpen() }})
}

func (w *sessionWorkflow) run(ctx workflow.Context) (SessionState, error) {
	var recorded bool
	if err := workflow.ExecuteActivity(ctx, (*Activities).SessionRecorded, w.in.SessionID).Get(ctx, &recorded); err != nil {
		return w.state, err
	}
	w.checked = true
	if !recorded {
		workflow.GetLogger(ctx).Warn("session row was never committed; ending", "session", w.in.SessionID)
		return w.orphan(ctx)
	}
	if w.in.PreselectAsset != "" {
		if err := w.selectAsset(ctx, w.in.PreselectAsset); err != nil {
			// The shopper can still pick on the page; a refusal here is not the session's end.
			workflow.GetLogger(ctx).Warn("preselected asset refused", "asset", w.in.PreselectAsset, "err", err)
		}
	}
	// Open: follow payments until they cover the due, or the deadline passes with nothing pending.
	for w.open() {
		left := w.in.ExpiresAt.Sub(workflow.Now(ctx))
		if left <= 0 && w.state.CryptoState != chain.StateConfirming {
			found, err := w.lastLook(ctx)
			if err != nil {
				return w.state, err
			}
			if found {
				continue // funds arrived unseen: wait for their confirmations like any payment
			}
			if err := w.expire(ctx, "timer"); err != nil {
				return w.state, err
			}
			break
		}
		wake := func() bool { return w.dirty || !w.open() }
		if left > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, left, wake); err != nil {
				return w.state, err
			}
		} else if err := workflow.Await(ctx, wake); err != nil { // pending payments mined in time: wait for them
			return w.state, err
		}
		if err := w.reconcileIfDirty(ctx); err != nil {
			return w.state, err
		}
	}
	if w.state.Orphaned {
		return w.orphan(ctx)
	}
	// Closed: keep recording what reaches the address (paid_late, reverted) for the window.
	// Sessions started before the window existed close at once, as they did then.
	if workflow.GetVersion(ctx, changeMonitoringWindow, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return w.state, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	}
	watchUntil := w.in.ExpiresAt.Add(checkout.MonitoringWindow)
	for {
		left := watchUntil.Sub(workflow.Now(ctx))
		if left <= 0 {
			break
		}
		if _, err := workflow.AwaitWithTimeout(ctx, left, func() bool { return w.dirty }); err != nil {
			return w.state, err
		}
		if err := w.reconcileIfDirty(ctx); err != nil {
			return w.state, err
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return w.state, err
	}
	return w.state, nil
}

// balanceOptions bound the last look: a node that is down must not hold the expiry hostage.
var balanceOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumAttempts: 5,
		NonRetryableErrorTypes: []string{ErrSessionMissing, ErrRefused}},
}

// lastLook checks, once at the deadline, the native balance of the deposit address for funds
// that contracts sent internally (the block scan cannot see them).
func (w *sessionWorkflow) lastLook(ctx workflow.Context) (bool, error) {
	if w.balanceChecked {
		return false, nil
	}
	w.balanceChecked = true
	if workflow.GetVersion(ctx, changeBalanceCheck, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return false, nil // sessions started before the check existed expire as they did
	}
	bctx := workflow.WithActivityOptions(ctx, balanceOptions)
	var found bool
	if err := workflow.ExecuteActivity(bctx, (*Activities).CheckNativeBalance, w.in.SessionID).Get(bctx, &found); err != nil {
		if isMissing(err) {
			w.state.Orphaned = true
			return false, nil
		}
		workflow.GetLogger(ctx).Warn("balance check failed; expiring on what the scanner saw", "err", err)
		return false, nil
	}
	if !found {
		return false, nil
	}
	w.dirty = true
	return true, w.reconcileIfDirty(ctx)
}

func (w *sessionWorkflow) selectAsset(ctx workflow.Context, asset string) error {
	var st SessionState
	if err := workflow.ExecuteActivity(ctx, (*Activities).AssignAsset, w.in.SessionID, asset).Get(ctx, &st); err != nil {
		return err
	}
	w.adopt(st)
	return workflow.UpsertTypedSearchAttributes(ctx, AttrPaymentAsset.ValueSet(st.Asset))
}

func (w *sessionWorkflow) reconcileIfDirty(ctx workflow.Context) error {
	for w.dirty {
		w.dirty = false
		var st SessionState
		err := workflow.ExecuteActivity(ctx, (*Activities).Reconcile, w.in.SessionID).Get(ctx, &st)
		if isMissing(err) {
			w.state.Orphaned = true
			return nil
		}
		if err != nil {
			return err
		}
		wasOpen := w.state.Status == checkout.StatusOpen
		w.adopt(st)
		if wasOpen && st.Status == checkout.StatusComplete {
			workflow.GetLogger(ctx).Info("session complete", "session", w.in.SessionID, "received", st.AmountReceived)
			if err := workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet(string(st.Status))); err != nil {
				return err
			}
		}
	}
	return nil
}

// adopt takes the database's view, keeping what only the workflow knows.
func (w *sessionWorkflow) adopt(st SessionState) {
	st.ExpiredBy, st.Orphaned = w.state.ExpiredBy, w.state.Orphaned
	if st.Payments == nil {
		st.Payments = w.state.Payments
	}
	w.state = st
}

// expire runs the idempotent ExpireSession activity once even if the timer and a request race.
func (w *sessionWorkflow) expire(ctx workflow.Context, by string) error {
	if w.expiring {
		return workflow.Await(ctx, func() bool { return !w.expiring })
	}
	if !w.open() {
		return nil
	}
	w.expiring = true
	defer func() { w.expiring = false }()
	var st SessionState
	err := workflow.ExecuteActivity(ctx, (*Activities).ExpireSession, w.in.SessionID).Get(ctx, &st)
	if isMissing(err) {
		w.state.Orphaned = true
		return nil
	}
	if err != nil {
		return err
	}
	w.adopt(st)
	if st.Status == checkout.StatusExpired {
		w.state.ExpiredBy = by
	}
	return workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet(string(st.Status)))
}

func isMissing(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == ErrSessionMissing
}

func (w *sessionWorkflow) orphan(ctx workflow.Context) (SessionState, error) {
	w.state.Orphaned = true
	return w.state, workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet("orphaned"))
}
