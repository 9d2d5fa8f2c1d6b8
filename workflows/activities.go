package workflows

import (
	"context"

	"errors"
	"fmt"
	"go.temporal.io/sdk/activity"
	"math/big"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
)

// SessionActivities are what a session workflow does to the world. Each is idempotent,
// because Temporal may run it more than once.
type SessionActivities struct {
	sessions checkout.Store
	checkout *checkout.Service
	now      func() time.Time
	// ScanPoll is how often AwaitChainScanned looks at the scanner's cursor.
	ScanPoll time.Duration
}

// NewSessionActivities wires the activities to their ports and use cases.
func NewSessionActivities(sessions checkout.Store, svc *checkout.Service, now func() time.Time) (*SessionActivities, error) {
	if sessions == nil || svc == nil || now == nil {
		return nil, fmt.Errorf("workflows.NewSessionActivities: nil dependency")
	}
	return &SessionActivities{sessions: sessions, checkout: svc, now: now, ScanPoll: 250 * time.Millisecond}, nil
}

// SessionRecorded reports whether the session's row was committed (waiting for its creator).
func (a *SessionActivities) SessionRecorded(ctx context.Context, sessionID string) (bool, error) {
	ok, err := a.sessions.SessionRecorded(ctx, sessionID)
	if err != nil {
		return false, fmt.Errorf("check session %s recorded: %w", sessionID, err)
	}
	return ok, nil
}

// ExpireSession expires the session as of now (the step of sessions started before
// deadlines waited for the scanner; kept so their histories replay).
func (a *SessionActivities) ExpireSession(ctx context.Context, sessionID string) (SessionState, error) {
	return a.ExpireSessionAt(ctx, sessionID, a.now(), event.Request{})
}

// ExpireSessionAt expires the session as of deadline if it is still open (a payment mined by
// then and still confirming refuses it) and returns the state it holds. req is the API request
// that asked (zero for the timer, and in activities scheduled before it was passed).
func (a *SessionActivities) ExpireSessionAt(ctx context.Context, sessionID string, deadline time.Time, req event.Request) (SessionState, error) {
	s, err := a.checkout.ExpireAt(event.WithRequest(ctx, req), sessionID, deadline)
	if err != nil {
		return SessionState{}, activityError("expire session "+sessionID, err)
	}
	return stateOf(s), nil
}

// AwaitChainScanned waits until the session's chain has been scanned past t, heartbeating,
// for at most ScanWaitLimit. It answers false when the wait ran out.
func (a *SessionActivities) AwaitChainScanned(ctx context.Context, sessionID string, t time.Time) (bool, error) {
	giveUp := time.Now().Add(ScanWaitLimit)
	for {
		ok, err := a.checkout.ScannedPast(ctx, sessionID, t)
		if err != nil {
			return false, activityError("scanned past "+t.String(), err)
		}
		if ok || time.Now().After(giveUp) {
			return ok, nil
		}
		if err := pause(ctx, a.ScanPoll); err != nil {
			return false, err
		}
	}
}

// pause heartbeats, then waits d between two looks of a waiting activity. A stopping worker
// ends the wait with ErrWorkerStopping: a worker that stays retries it at once.
func pause(ctx context.Context, d time.Duration) error {
	activity.RecordHeartbeat(ctx)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-activity.GetWorkerStopChannel(ctx):
		return temporal.NewApplicationError("worker stopping", ErrWorkerStopping)
	case <-time.After(d):
		return nil
	}
}

// AwaitDeadline waits, heartbeating, until the session's deadline can be decided or its due
// time moved past due (checkout.Service.CheckDeadline), for at most ScanWaitLimit; then it
// returns the undecided check and the workflow looks again.
func (a *SessionActivities) AwaitDeadline(ctx context.Context, sessionID string, due time.Time) (checkout.DeadlineCheck, error) {
	giveUp, warned := time.Now().Add(ScanWaitLimit), false
	for {
		d, err := a.checkout.CheckDeadline(ctx, sessionID)
		if err != nil {
			return d, activityError("deadline of "+sessionID, err)
		}
		if d.Ready || d.Due.After(due) || time.Now().After(giveUp) {
			return d, nil
		}
		if d.Stale && !warned {
			warned = true // once per attempt: the scanner's own log says more
			activity.GetLogger(ctx).Warn("the chain's view is stale: the session stays open until it recovers", "session", sessionID)
		}
		poll := a.ScanPoll
		if d.Stale { // an outage lasts minutes: looking less often spares the database
			poll = max(poll, stalePoll)
		}
		if err := pause(ctx, poll); err != nil {
			return d, err
		}
	}
}

// stalePoll is how often AwaitDeadline looks while the chain's view is stale.
const stalePoll = 5 * time.Second

// Requote prices the session again when its quote lapsed with nothing paid.
func (a *SessionActivities) Requote(ctx context.Context, sessionID string) (SessionState, error) {
	s, err := a.checkout.Requote(ctx, sessionID)
	if err != nil {
		return SessionState{}, activityError("requote "+sessionID, err)
	}
	return stateOf(s), nil
}

// AssignAsset quotes the asset and assigns the deposit address.
func (a *SessionActivities) AssignAsset(ctx context.Context, sessionID, assetID string) (SessionState, error) {
	s, err := a.checkout.AssignAsset(ctx, sessionID, assetID)
	if err != nil {
		return SessionState{}, activityError("assign "+assetID+" to "+sessionID, err)
	}
	return stateOf(s), nil
}

// Reconcile sums the session's payments and stores the outcome.
func (a *SessionActivities) Reconcile(ctx context.Context, sessionID string) (SessionState, error) {
	s, err := a.checkout.Reconcile(ctx, sessionID)
	if err != nil {
		return SessionState{}, activityError("reconcile "+sessionID, err)
	}
	return stateOf(s), nil
}

// CheckNativeBalance records native funds that reached the address without a visible transfer.
func (a *SessionActivities) CheckNativeBalance(ctx context.Context, sessionID string) (bool, error) {
	found, err := a.checkout.CheckNativeBalance(ctx, sessionID)
	if err != nil {
		return false, activityError("check balance of "+sessionID, err)
	}
	return found, nil
}

// refusal carries a use case's refusal through Temporal so the API can answer it as such.
type refusal struct {
	Kind    apperr.Kind
	Code    string
	Param   string
	Message string
}

// activityError makes refusals and a missing row non-retryable; anything else is retried.
// No error stays nil, so an activity can return activityError(what, err) unconditionally.
func activityError(what string, err error) error {
	if err == nil {
		return nil
	}
	e, ok := apperr.As(err)
	switch {
	case ok && e.Kind == apperr.KindNotFound:
		return temporal.NewNonRetryableApplicationError("session row missing", ErrSessionMissing, err)
	case ok && (e.Kind == apperr.KindInvalid || e.Kind == apperr.KindConflict):
		return temporal.NewNonRetryableApplicationError(e.Message, ErrRefused, nil,
			refusal{Kind: e.Kind, Code: e.Code, Param: e.Param, Message: e.Message})
	case errors.Is(err, chain.ErrRateUnavailable):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrRefused, nil,
			refusal{Kind: apperr.KindInvalid, Code: "rate_unavailable", Param: "asset",
				Message: "The price of this asset is unavailable right now; choose another asset or retry later."})
	case errors.Is(err, chain.ErrNoRate):
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrRefused, nil,
			refusal{Kind: apperr.KindInvalid, Code: "parameter_invalid", Param: "asset",
				Message: "This asset cannot be priced in the session's currency; choose another asset."})
	}
	return fmt.Errorf("%s: %w", what, err)
}

// RefusalOf recovers a use case's refusal from an activity or update error.
func RefusalOf(err error) (*apperr.Error, bool) {
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrRefused || !appErr.HasDetails() {
		return nil, false
	}
	var r refusal
	if appErr.Details(&r) != nil {
		return nil, false
	}
	return &apperr.Error{Kind: r.Kind, Code: r.Code, Param: r.Param, Message: r.Message}, true
}

func stateOf(s *checkout.Session) SessionState {
	st := SessionState{SessionID: s.ID, Status: s.Status, PaymentStatus: s.PaymentStatus, ExpiresAt: s.ExpiresAt, ExtendedTo: s.ExtendedTo,
		Asset: s.Crypto.AssetID, DepositAddress: s.Crypto.DepositAddress, CryptoState: s.Crypto.State,
		QuoteExpiresAt: s.Crypto.QuoteExpiresAt,
		AmountReceived: amount(s.Crypto.AmountReceived),
		Billing:        s.Mode == checkout.ModeSubscription || s.InvoiceID != ""}
	if s.Crypto.AmountDue != nil {
		st.AmountDue = s.Crypto.AmountDue.String()
	}
	for _, p := range s.Crypto.Payments {
		st.Payments = append(st.Payments, PaymentView{ID: p.ID, ChainID: p.ChainID, Asset: p.AssetID, TxHash: p.TxHash,
			LogIndex: p.LogIndex, BlockNumber: p.BlockNumber, Amount: amount(p.Amount), Status: string(p.Status)})
	}
	return st
}

func amount(v *big.Int) string {
	if v == nil {
		return "0"
	}
	return v.String()
}
