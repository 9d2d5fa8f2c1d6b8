package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/refund"
)

// SessionInput starts a session workflow; the row in Postgres holds everything else.
type SessionInput struct {
	SessionID         string
	MerchantID        string
	Livemode          bool
	ClientReferenceID string
	ExpiresAt         time.Time
	PreselectAsset    string // crypto[asset]: selected as soon as the row is confirmed
	// Resume carries a run's state into the next one when the session continues as new.
	Resume *SessionResume `json:",omitempty"`
}

// SessionResume is what a session's workflow knows that the database does not.
type SessionResume struct {
	State           SessionState
	BalanceChecked  bool
	DeadlineScanned bool
	// LatePolicyApplied: the merchant's late-payment policy was applied (or skipped) once.
	LatePolicyApplied bool `json:",omitempty"`
}

// SessionState is the workflow's live view, returned by the state query and the updates.
type SessionState struct {
	SessionID      string
	Status         checkout.Status
	PaymentStatus  checkout.PaymentStatus
	ExpiresAt      time.Time
	ExtendedTo     time.Time // the due time outages of the chain's view pushed past ExpiresAt (zero: none)
	ExpiredBy      string    // "timer" or "request" once expired
	Orphaned       bool      // the row was never committed or was removed: the workflow ended itself
	Asset          string
	DepositAddress string
	AmountDue      string    // base units
	QuoteExpiresAt time.Time // when a volatile asset's quote lapses if nothing is paid (zero: never)
	AmountReceived string    // confirmed base units that count
	CryptoState    chain.CryptoState
	Payments       []PaymentView
	Billing        bool `json:",omitempty"` // a subscription's session: billing acts on its completion
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

// ExpireRequest is the expire update's argument: the API request asking, which the
// checkout.session.expired event names (histories recorded before it carry an empty one).
type ExpireRequest struct {
	Request event.Request `json:",omitempty"`
}

// SelectAssetRequest is the select_asset update's argument.
type SelectAssetRequest struct {
	Asset string
}

// AssetAssigned is the API's signal once it assigned an asset in Postgres: reconcile.
type AssetAssigned struct {
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
	checked  bool // the row is known to be committed
	expiring bool
	dirty    bool // a payments signal arrived since the last reconcile

	reconciling bool // a reconcile loop runs (the main loop or an update handler): one at a time

	balanceChecked  bool // the last look at the deadline happened
	deadlineScanned bool // the chain was scanned past expires_at (or the wait for it ended)
	reconciles      int  // in this run: bounds the history, then the session continues as new

	latePolicyApplied bool // the late-payment policy had its one go at the session
	applyingLate      bool // the policy's activity runs: a merchant's resolution waits for it
	resolutions       int  // merchant's resolutions running: the policy waits for them
}

// maxReconciles bounds one run's history however many transfers arrive; then it continues as new.
const maxReconciles = 500

var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Minute,
		NonRetryableErrorTypes: []string{ErrSessionMissing, ErrRefused},
	},
}

// updateActivityOptions bound what a waiting API request can cost: a few tries within the
// request's own deadline, then the request fails cleanly and the client may retry.
var updateActivityOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    10 * time.Second,
	ScheduleToCloseTimeout: 25 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: 500 * time.Millisecond, BackoffCoefficient: 2, MaximumAttempts: 3,
		NonRetryableErrorTypes: []string{ErrSessionMissing, ErrRefused}},
}

// ScanWaitLimit bounds the wait for the chain to be scanned past a deadline: a scanner that
// is down longer than this must not keep a session open; payments it finds later are late.
const ScanWaitLimit = 10 * time.Minute

// A failed look (the database or the worker briefly away) is retried for as long as the wait
// itself may last: only the limit, never three quick errors, lets a deadline pass unscanned.
var scanWaitOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    ScanWaitLimit + time.Minute,
	ScheduleToCloseTimeout: ScanWaitLimit + 2*time.Minute,
	HeartbeatTimeout:       30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, MaximumInterval: 10 * time.Second,
		NonRetryableErrorTypes: []string{ErrSessionMissing}},
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
	if r := in.Resume; r != nil {
		w.state, w.checked, w.balanceChecked, w.deadlineScanned = r.State, true, r.BalanceChecked, r.DeadlineScanned
		w.latePolicyApplied = r.LatePolicyApplied
	}
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
		var payments PaymentsChanged // the scanner's
		var asset AssetAssigned      // the API's: the asset is in Postgres already
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(workflow.GetSignalChannel(ctx, SignalPayments), func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &payments) })
		sel.AddReceive(workflow.GetSignalChannel(ctx, SignalAssetAssigned), func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, &asset) })
		for {
			sel.Select(ctx)
			w.dirty = true
		}
	})
	// Kept for API processes of before SignalAssetAssigned, and for the histories they made.
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSelectAsset,
		func(ctx workflow.Context, req SelectAssetRequest) (SessionState, error) {
			if err := workflow.Await(ctx, func() bool { return w.checked }); err != nil {
				return w.state, err
			}
			if err := w.notOpen(); err != nil {
				return w.state, err
			}
			return w.state, w.selectAsset(w.updateCtx(ctx), req.Asset)
		},
		workflow.UpdateHandlerOptions{Validator: func(SelectAssetRequest) error { return w.notOpen() }},
	); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateExpire, w.expireRequested,
		workflow.UpdateHandlerOptions{Validator: func(ExpireRequest) error {
			if err := w.notOpen(); err != nil {
				return err
			}
			if w.state.CryptoState == chain.StateConfirming { // a payment mined in time is a sale: refuse
				return temporal.NewApplicationError("a payment is confirming", ErrConfirming)
			}
			return nil
		}}); err != nil {
		return err
	}
	// A handler only runs for updates sent to it, which no recorded history holds: old runs replay unchanged.
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateResolve, w.resolve,
		workflow.UpdateHandlerOptions{Validator: func(refund.ResolveParams) error {
			// An open session with payments may have closed in a reconcile this run has not seen
			// yet (the merchant acting on checkout.session.completed): the handler looks again.
			if w.state.Orphaned || (w.open() && len(w.state.Payments) == 0) {
				return temporal.NewApplicationError("session is "+string(w.state.Status), ErrNotResolvable)
			}
			return nil
		}})
}

// resolve carries out the merchant's resolution of the closed session (accept what it
// received, or refund part of it) and adopts what the resolution made of the session: an
// accepted session is complete. It runs in the monitoring window as well as before it.
func (w *sessionWorkflow) resolve(ctx workflow.Context, p refund.ResolveParams) (refund.Resolved, error) {
	var res refund.Resolved
	if err := workflow.Await(ctx, func() bool { return w.checked }); err != nil {
		return res, err
	}
	uctx := workflow.WithActivityOptions(ctx, updateActivityOptions)
	if w.open() { // catch up with the row first: it may have closed since this run last looked
		w.dirty = true
		if err := w.reconcileIfDirty(uctx); err != nil {
			return res, err
		}
		if w.open() {
			return res, temporal.NewApplicationError("session is "+string(w.state.Status), ErrNotResolvable)
		}
	}
	// One decision at a time: the late-payment policy, if it is running, goes first. (Never true
	// in histories recorded before the policy, so they replay unchanged.)
	if err := workflow.Await(ctx, func() bool { return !w.applyingLate }); err != nil {
		return res, err
	}
	w.resolutions++
	err := workflow.ExecuteActivity(uctx, (*RefundActivities).ApplyResolution, w.in.SessionID, p).Get(uctx, &res)
	w.resolutions--
	if err != nil {
		return res, err
	}
	before := w.state.Status
	w.dirty = true
	if err := w.reconcileIfDirty(uctx); err != nil {
		return res, err
	}
	if w.state.Status != before {
		return res, workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet(string(w.state.Status)))
	}
	return res, nil
}

func (w *sessionWorkflow) notOpen() error {
	if !w.open() {
		return temporal.NewApplicationError("session is "+string(w.state.Status), ErrNotOpen)
	}
	return nil
}

// updateCtx bounds the activities an update waits on by the API request's own deadline.
func (w *sessionWorkflow) updateCtx(ctx workflow.Context) workflow.Context {
	if workflow.GetVersion(ctx, changeDeadlineScan, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return workflow.WithActivityOptions(ctx, activityOptions)
	}
	return workflow.WithActivityOptions(ctx, updateActivityOptions)
}

// expireRequested is the merchant's expire request. The session expires as of the moment of
// the request, once its chain has been scanned past it: a payment mined before it is a sale.
func (w *sessionWorkflow) expireRequested(ctx workflow.Context, req ExpireRequest) (SessionState, error) {
	if err := workflow.Await(ctx, func() bool { return w.checked }); err != nil {
		return w.state, err
	}
	if workflow.GetVersion(ctx, changeDeadlineScan, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return w.state, w.expire(workflow.WithActivityOptions(ctx, activityOptions), "request", time.Time{}, req.Request)
	}
	at := workflow.Now(ctx)
	actx := workflow.WithActivityOptions(ctx, activityOptions)
	if err := w.awaitScanned(actx, at); err != nil {
		return w.state, err
	}
	w.dirty = true
	if err := w.reconcileIfDirty(actx); err != nil || !w.open() {
		return w.state, err // completed by a payment mined before the request: the caller reports it
	}
	return w.state, w.expire(actx, "request", at, req.Request)
}

func (w *sessionWorkflow) run(ctx workflow.Context) (SessionState, error) {
	if w.in.Resume == nil {
		if done, err := w.begin(ctx); done || err != nil {
			return w.state, err
		}
	}
	scan := workflow.GetVersion(ctx, changeDeadlineScan, workflow.DefaultVersion, 1) != workflow.DefaultVersion
	wasOpen := w.open() // a run resumed after the session closed has told billing already
	for w.open() {
		if scan && w.longRun(ctx) {
			return w.continueAsNew(ctx)
		}
		done, err := w.step(ctx, scan)
		if err != nil {
			return w.state, err
		}
		if done {
			break
		}
	}
	if w.state.Orphaned {
		return w.orphan(ctx)
	}
	// Whichever way it completed (a payment, or one found at the deadline), once.
	if wasOpen && w.state.Status == checkout.StatusComplete {
		if err := w.bill(ctx, w.state); err != nil {
			return w.state, err
		}
	}
	return w.monitor(ctx, scan)
}

// begin confirms the session's row exists (workflows started before their row's commit) and
// applies a preselected asset. done: orphaned.
func (w *sessionWorkflow) begin(ctx workflow.Context) (bool, error) {
	recorded := true // started after the commit, by the starters, the sweep or an Update-With-Start
	if workflow.GetVersion(ctx, changeStartAfterCommit, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		if err := workflow.ExecuteActivity(ctx, (*SessionActivities).SessionRecorded, w.in.SessionID).Get(ctx, &recorded); err != nil {
			return true, err
		}
	}
	w.checked = true
	if !recorded {
		workflow.GetLogger(ctx).Warn("session row was never committed; ending", "session", w.in.SessionID)
		_, err := w.orphan(ctx)
		return true, err
	}
	if w.in.PreselectAsset != "" {
		if err := w.selectAsset(ctx, w.in.PreselectAsset); err != nil {
			// The shopper can still pick on the page; a refusal here is not the session's end.
			workflow.GetLogger(ctx).Warn("preselected asset refused", "asset", w.in.PreselectAsset, "err", err)
		}
	}
	return false, nil
}

// step waits for the next thing to happen to an open session and handles it: the deadline,
// a lapsed quote, or payments. done: the session was expired (the caller then monitors).
func (w *sessionWorkflow) step(ctx workflow.Context, scan bool) (bool, error) {
	now := workflow.Now(ctx)
	left := w.due().Sub(now)
	if left <= 0 && w.state.CryptoState != chain.StateConfirming {
		return w.atDeadline(ctx, scan)
	}
	if scan && w.quoteLapsed(now) {
		return false, w.requote(ctx)
	}
	wake := func() bool { return w.dirty || !w.open() }
	if left <= 0 { // pending payments mined in time: wait for them
		return false, errOr(workflow.Await(ctx, wake), w.reconcileIfDirty(ctx))
	}
	if scan && !w.state.QuoteExpiresAt.IsZero() && w.state.QuoteExpiresAt.Before(w.due()) {
		left = min(left, max(w.state.QuoteExpiresAt.Sub(now), 0))
	}
	if _, err := workflow.AwaitWithTimeout(ctx, left, wake); err != nil {
		return false, err
	}
	return false, w.reconcileIfDirty(ctx)
}

func errOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// atDeadline decides at expires_at: once the chain has been scanned past it (bounded), the
// payments on record are all that were mined in time; a confirming one is waited for.
func (w *sessionWorkflow) atDeadline(ctx workflow.Context, scan bool) (bool, error) {
	if scan && !w.deadlineScanned && workflow.GetVersion(ctx, changeOutageGiveBack, workflow.DefaultVersion, 1) == 1 {
		return false, w.awaitDeadline(ctx)
	}
	if scan && !w.deadlineScanned {
		if err := w.awaitScanned(ctx, w.in.ExpiresAt); err != nil {
			return false, err
		}
		w.deadlineScanned, w.dirty = true, true
		return false, w.reconcileIfDirty(ctx)
	}
	found, err := w.lastLook(ctx)
	if err != nil || found {
		return false, err // funds arrived unseen: wait for their confirmations like any payment
	}
	var at time.Time
	if scan {
		at = w.due()
	}
	return true, w.expire(ctx, "timer", at, event.Request{})
}

// due is when the session expires unless paid: expires_at, or later where outages of its
// chain's view were given back.
func (w *sessionWorkflow) due() time.Time {
	if w.state.ExtendedTo.After(w.in.ExpiresAt) {
		return w.state.ExtendedTo
	}
	return w.in.ExpiresAt
}

// awaitDeadline waits until the deadline can be decided (checkout.Service.CheckDeadline): the
// chain's view fresh and scanned past the due time. A due time pushed later by an outage sends
// the session back to waiting; a stale view, however long, never lets it expire.
func (w *sessionWorkflow) awaitDeadline(ctx workflow.Context) error {
	sctx := workflow.WithActivityOptions(ctx, scanWaitOptions)
	var d checkout.DeadlineCheck
	err := workflow.ExecuteActivity(sctx, (*SessionActivities).AwaitDeadline, w.in.SessionID, w.due()).Get(sctx, &d)
	switch {
	case isMissing(err):
		w.state.Orphaned = true
		return nil
	case err != nil: // the database away for the whole wait: look again a little later
		workflow.GetLogger(ctx).Warn("deadline check failed; looking again", "session", w.in.SessionID, "err", err)
		return workflow.Sleep(ctx, time.Minute)
	case d.Due.After(w.due()):
		w.state.ExtendedTo = d.Due
		return nil
	case !d.Ready:
		return nil
	}
	w.deadlineScanned, w.dirty = true, true
	return w.reconcileIfDirty(ctx)
}

// awaitScanned waits (bounded by ScanWaitLimit, visible in the history) until the session's
// chain has been scanned past t. A wait that runs out is logged, and the session goes on.
func (w *sessionWorkflow) awaitScanned(ctx workflow.Context, t time.Time) error {
	sctx := workflow.WithActivityOptions(ctx, scanWaitOptions)
	var scanned bool
	err := workflow.ExecuteActivity(sctx, (*SessionActivities).AwaitChainScanned, w.in.SessionID, t).Get(sctx, &scanned)
	if isMissing(err) {
		w.state.Orphaned = true
		return nil
	}
	if err != nil || !scanned {
		workflow.GetLogger(ctx).Warn("chain not scanned past the deadline in time; deciding on what was seen",
			"session", w.in.SessionID, "deadline", t, "err", err)
	}
	return nil
}

// quoteLapsed: a volatile asset's quote ran out and nothing was paid under it.
func (w *sessionWorkflow) quoteLapsed(now time.Time) bool {
	q := w.state.QuoteExpiresAt
	return !q.IsZero() && !now.Before(q) && len(w.state.Payments) == 0 && w.state.Asset != ""
}

// requote waits until the chain was scanned past the quote's lapse (a payment mined before it
// is judged against it), then prices the session again if still nothing was paid.
func (w *sessionWorkflow) requote(ctx workflow.Context) error {
	if err := w.awaitScanned(ctx, w.state.QuoteExpiresAt); err != nil {
		return err
	}
	w.dirty = true
	if err := w.reconcileIfDirty(ctx); err != nil || !w.quoteLapsed(workflow.Now(ctx)) {
		return err
	}
	var st SessionState
	err := workflow.ExecuteActivity(ctx, (*SessionActivities).Requote, w.in.SessionID).Get(ctx, &st)
	switch {
	case isMissing(err):
		w.state.Orphaned = true
		return nil
	case err != nil:
		return err
	case !st.QuoteExpiresAt.After(workflow.Now(ctx)):
		st.QuoteExpiresAt = time.Time{} // the rate could not be renewed: hold the quote, never loop
	}
	w.adopt(st)
	return nil
}

// longRun reports whether this run's history is long enough to continue as new.
func (w *sessionWorkflow) longRun(ctx workflow.Context) bool {
	return w.reconciles >= maxReconciles || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
}

func (w *sessionWorkflow) continueAsNew(ctx workflow.Context) (SessionState, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return w.state, err
	}
	in := w.in
	in.Resume = &SessionResume{State: w.state, BalanceChecked: w.balanceChecked, DeadlineScanned: w.deadlineScanned,
		LatePolicyApplied: w.latePolicyApplied}
	return w.state, workflow.NewContinueAsNewError(ctx, CheckoutSessionWorkflow, in)
}

// monitor keeps recording what reaches the address (paid_late, reverted) for the window.
// Sessions started before the window existed close at once, as they did then.
func (w *sessionWorkflow) monitor(ctx workflow.Context, scan bool) (SessionState, error) {
	if workflow.GetVersion(ctx, changeMonitoringWindow, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return w.state, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
	}
	watchUntil := w.in.ExpiresAt.Add(checkout.MonitoringWindow)
	for {
		if err := w.applyLatePolicy(ctx); err != nil {
			return w.state, err
		}
		left := watchUntil.Sub(workflow.Now(ctx))
		if left <= 0 {
			break
		}
		if scan && w.longRun(ctx) {
			return w.continueAsNew(ctx)
		}
		if _, err := workflow.AwaitWithTimeout(ctx, left, func() bool { return w.dirty }); err != nil {
			return w.state, err
		}
		if err := w.reconcileIfDirty(ctx); err != nil {
			return w.state, err
		}
	}
	return w.state, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

// lateDue: the session turned paid_late and the merchant's policy has not had its go yet.
func (w *sessionWorkflow) lateDue() bool {
	return !w.latePolicyApplied && !w.state.Orphaned && w.state.Status == checkout.StatusExpired &&
		w.state.CryptoState == chain.StatePaidLate
}

// applyLatePolicy lets the merchant's late-payment policy (accept, refund, or manual: nothing)
// resolve a session paid late, once. A refusal leaves the session to the merchant.
func (w *sessionWorkflow) applyLatePolicy(ctx workflow.Context) error {
	if !w.lateDue() {
		return nil
	}
	w.latePolicyApplied = true
	if workflow.GetVersion(ctx, changeLatePolicy, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil // histories recorded before the policy left late payments to the merchant
	}
	if err := workflow.Await(ctx, func() bool { return w.resolutions == 0 }); err != nil {
		return err
	}
	w.applyingLate = true
	var res refund.Resolved
	req := LatePolicyRequest{SessionID: w.in.SessionID, MerchantID: w.in.MerchantID, Livemode: w.in.Livemode}
	err := workflow.ExecuteActivity(ctx, (*RefundActivities).ApplyLatePolicy, req).Get(ctx, &res)
	w.applyingLate = false
	if err != nil {
		workflow.GetLogger(ctx).Warn("late-payment policy not applied; the merchant resolves the session", "session", w.in.SessionID, "err", err)
		return nil
	}
	if res.SessionID == "" {
		return nil
	}
	before := w.state.Status
	w.dirty = true
	if err := w.reconcileIfDirty(ctx); err != nil || w.state.Status == before {
		return err
	}
	return workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet(string(w.state.Status)))
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
	if err := workflow.ExecuteActivity(bctx, (*SessionActivities).CheckNativeBalance, w.in.SessionID).Get(bctx, &found); err != nil {
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
	if err := workflow.ExecuteActivity(ctx, (*SessionActivities).AssignAsset, w.in.SessionID, asset).Get(ctx, &st); err != nil {
		return err
	}
	w.adopt(st)
	return workflow.UpsertTypedSearchAttributes(ctx, AttrPaymentAsset.ValueSet(st.Asset))
}

func (w *sessionWorkflow) reconcileIfDirty(ctx workflow.Context) error {
	if w.reconciling { // another handler is reconciling: its loop takes what was marked dirty
		return workflow.Await(ctx, func() bool { return !w.reconciling })
	}
	w.reconciling = true
	defer func() { w.reconciling = false }()
	for w.dirty {
		w.dirty = false
		w.reconciles++
		var st SessionState
		err := workflow.ExecuteActivity(ctx, (*SessionActivities).Reconcile, w.in.SessionID).Get(ctx, &st)
		if isMissing(err) {
			w.state.Orphaned = true
			return nil
		}
		if err != nil {
			return err
		}
		wasOpen, asset := w.state.Status == checkout.StatusOpen, w.state.Asset
		w.adopt(st)
		if st.Asset != asset && workflow.GetVersion(ctx, changeAssetByAPI, workflow.DefaultVersion, 1) != workflow.DefaultVersion {
			if err := workflow.UpsertTypedSearchAttributes(ctx, AttrPaymentAsset.ValueSet(st.Asset)); err != nil {
				return err
			}
		}
		if wasOpen && st.Status == checkout.StatusComplete {
			workflow.GetLogger(ctx).Info("session complete", "session", w.in.SessionID, "received", st.AmountReceived)
			if err := workflow.UpsertTypedSearchAttributes(ctx, AttrCheckoutStatus.ValueSet(string(st.Status))); err != nil {
				return err
			}
		}
	}
	return nil
}

// bill tells billing that a subscription's session completed: the first creates the
// subscription, a renewal's pays its invoice. Plain payment sessions skip it (no GetVersion
// marker either, so their histories are unchanged).
func (w *sessionWorkflow) bill(ctx workflow.Context, st SessionState) error {
	if !st.Billing || workflow.GetVersion(ctx, changeSessionBilling, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return nil
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, activityOptions),
		(*SubscriptionActivities).BillCompletedSession, w.in.SessionID).Get(ctx, nil)
}

// adopt takes the database's view, keeping what only the workflow knows.
func (w *sessionWorkflow) adopt(st SessionState) {
	st.ExpiredBy, st.Orphaned = w.state.ExpiredBy, w.state.Orphaned
	if w.state.ExtendedTo.After(st.ExtendedTo) { // a due time never moves back
		st.ExtendedTo = w.state.ExtendedTo
	}
	if w.state.Status != checkout.StatusOpen && st.Status == checkout.StatusOpen {
		// A result read before the session closed, arriving after: a session never reopens.
		st.Status, st.PaymentStatus = w.state.Status, w.state.PaymentStatus
	}
	if st.Payments == nil {
		st.Payments = w.state.Payments
	}
	w.state = st
}

// expire runs the idempotent expire activity once even if the timer and a request race. at is
// the deadline the session expires as of (zero: sessions started before deadlines were
// scanned, which expire as of now).
func (w *sessionWorkflow) expire(ctx workflow.Context, by string, at time.Time, req event.Request) error {
	if w.expiring {
		return workflow.Await(ctx, func() bool { return !w.expiring })
	}
	if !w.open() {
		return nil
	}
	w.expiring = true
	defer func() { w.expiring = false }()
	var st SessionState
	var err error
	if at.IsZero() {
		err = workflow.ExecuteActivity(ctx, (*SessionActivities).ExpireSession, w.in.SessionID).Get(ctx, &st)
	} else {
		err = workflow.ExecuteActivity(ctx, (*SessionActivities).ExpireSessionAt, w.in.SessionID, at, req).Get(ctx, &st)
	}
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
