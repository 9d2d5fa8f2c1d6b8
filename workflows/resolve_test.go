package workflows

import (
	"context"
	"errors"
	"math/big"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/refund"
)

// resolveAt sends the resolve update d into the run and keeps what it answered.
func (s *sessionSuite) resolveAt(d time.Duration, p refund.ResolveParams, res *refund.Resolved, failed, rejected *error) {
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(UpdateResolve, "resolve-1", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { *rejected = err },
			OnAccept: func() {},
			OnComplete: func(v any, err error) {
				*failed = err
				if err == nil {
					*res = v.(refund.Resolved)
				}
			},
		}, p)
	}, d)
}

// statuses records the CheckoutStatus search attribute each time it is upserted.
func (s *sessionSuite) statuses() *[]string {
	var got []string
	s.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if v, ok := args.Get(0).(temporal.SearchAttributes).GetKeyword(AttrCheckoutStatus); ok {
			got = append(got, v)
		}
	}).Return(nil).Maybe()
	return &got
}

// An underpaid session expires; the merchant accepts what it received during the monitoring
// window: the session is complete, and operators see it so.
func (s *sessionSuite) TestUnderpaidThenAcceptedCompletes() {
	var c *RefundActivities
	s.nothingPaid()
	s.expireReturns(checkout.StatusExpired, nil)
	upserted := s.statuses()
	var applied refund.ResolveParams
	s.env.OnActivity(c.ApplyResolution, mock.Anything, s.in.SessionID, mock.Anything).Return(
		func(_ context.Context, id string, p refund.ResolveParams) (refund.Resolved, error) {
			applied, s.rowStatus = p, checkout.StatusComplete
			return refund.Resolved{SessionID: id}, nil
		}).Once()
	var res refund.Resolved
	var failed, rejected error
	s.resolveAt(3*time.Hour, refund.ResolveParams{Action: refund.ActionAccept}, &res, &failed, &rejected)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.NoError(rejected)
	s.NoError(failed)
	s.Equal(refund.ActionAccept, applied.Action)
	s.Equal(s.in.SessionID, res.SessionID)
	s.Equal(checkout.StatusComplete, st.Status, "the workflow adopted the accepted session")
	s.Equal([]string{"expired", "complete"}, *upserted)
	s.Equal(s.in.ExpiresAt.Add(checkout.MonitoringWindow), s.env.Now().UTC(), "the window still ran its course")
}

// While the session is open nothing is resolved: the update is refused before it is accepted.
func (s *sessionSuite) TestResolveRefusedWhileOpen() {
	s.nothingPaid()
	s.expireReturns(checkout.StatusExpired, nil)
	// ApplyResolution is not mocked: running it would fail the test.
	var res refund.Resolved
	var failed, rejected error
	s.resolveAt(10*time.Minute, refund.ResolveParams{Action: refund.ActionAccept}, &res, &failed, &rejected)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status)
	var appErr *temporal.ApplicationError
	s.True(errors.As(rejected, &appErr) && appErr.Type() == ErrNotResolvable, "rejected with %v", rejected)
}

// A payment that arrives after expiry is late; the merchant refunds it during the monitoring
// window: the refund is made by the resolution, and the session stays expired.
func (s *sessionSuite) TestRefundOfALatePaymentDuringTheWindow() {
	var c *RefundActivities
	var a *SessionActivities
	var ran []time.Time
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(func(_ context.Context, id string) (SessionState, error) {
		ran = append(ran, s.env.Now().UTC())
		st := SessionState{SessionID: id, Status: s.rowStatus, CryptoState: chain.StateAwaitingPayment, AmountReceived: "0"}
		if s.rowStatus == checkout.StatusExpired {
			st.CryptoState = chain.StatePaidLate
		}
		return st, nil
	})
	s.expireReturns(checkout.StatusExpired, nil)
	upserted := s.statuses()
	s.signalAt(2 * time.Hour)                                                                               // the late payment
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(refund.Resolved{}, nil).Once() // manual
	var applied refund.ResolveParams
	s.env.OnActivity(c.ApplyResolution, mock.Anything, s.in.SessionID, mock.Anything).Return(
		func(_ context.Context, id string, p refund.ResolveParams) (refund.Resolved, error) {
			applied = p
			return refund.Resolved{SessionID: id, Refund: p.Refund.ID}, nil
		}).Once()
	var res refund.Resolved
	var failed, rejected error
	s.resolveAt(3*time.Hour, refund.ResolveParams{Action: refund.ActionRefund,
		Refund: refund.CreateParams{ID: "re_late", Session: s.in.SessionID, Destination: "0x00000000000000000000000000000000000b0b01"}},
		&res, &failed, &rejected)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.NoError(rejected)
	s.NoError(failed)
	s.Equal(refund.Resolved{SessionID: s.in.SessionID, Refund: "re_late"}, res)
	s.Equal("0x00000000000000000000000000000000000b0b01", applied.Refund.Destination, "the params crossed the activity intact")
	s.Equal(checkout.StatusExpired, st.Status)
	s.Equal([]string{"expired"}, *upserted, "a refund changes no status")
	s.Equal([]time.Time{s.in.ExpiresAt, s.start.Add(2 * time.Hour), s.start.Add(3 * time.Hour)}, ran,
		"reconciled at the deadline, on the payment and after the resolution")
}

// A resolution the rules refuse reaches the caller as the use case's error.
func (s *sessionSuite) TestResolveRefusalReachesTheCaller() {
	var c *RefundActivities
	s.nothingPaid()
	s.expireReturns(checkout.StatusExpired, nil)
	s.env.OnActivity(c.ApplyResolution, mock.Anything, s.in.SessionID, mock.Anything).Return(refund.Resolved{},
		activityError("resolve", apperr.Conflict("session_not_resolvable", "Nothing to resolve."))).Once()
	var res refund.Resolved
	var failed, rejected error
	s.resolveAt(2*time.Hour, refund.ResolveParams{Action: refund.ActionAccept}, &res, &failed, &rejected)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status)
	s.NoError(rejected)
	refused, ok := RefusalOf(failed)
	s.Require().True(ok, "failed with %v", failed)
	s.Equal("session_not_resolvable", refused.Code)
}

// An overpaid session's excess is partly refunded by a merchant acting on
// checkout.session.completed before this run heard of the completion (the row completed in a
// reconcile whose answer had not arrived): the handler looks at the row again, finds it
// complete, and applies the partial refund.
func (s *sessionSuite) TestOverpaidThenPartialRefundBeforeTheRunSawCompletion() {
	var c *RefundActivities
	var a *SessionActivities
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(func(_ context.Context, id string) (SessionState, error) {
		st := SessionState{SessionID: id, Status: s.rowStatus, CryptoState: chain.StateConfirming, AmountReceived: "0",
			Payments: []PaymentView{{ID: "pay_1", Amount: "15000000", Status: "detected"}}}
		if s.rowStatus == checkout.StatusComplete {
			st.CryptoState, st.AmountReceived, st.PaymentStatus = chain.StateOverpaid, "15000000", checkout.PaymentPaid
		}
		return st, nil
	})
	upserted := s.statuses()
	s.signalAt(5 * time.Minute) // the payment, detected
	s.env.RegisterDelayedCallback(func() { s.rowStatus = checkout.StatusComplete }, 8*time.Minute)
	var applied refund.ResolveParams
	s.env.OnActivity(c.ApplyResolution, mock.Anything, s.in.SessionID, mock.Anything).Return(
		func(_ context.Context, id string, p refund.ResolveParams) (refund.Resolved, error) {
			applied = p
			return refund.Resolved{SessionID: id, Refund: p.Refund.ID}, nil
		}).Once()
	var res refund.Resolved
	var failed, rejected error
	s.resolveAt(10*time.Minute, refund.ResolveParams{Action: refund.ActionRefund,
		Refund: refund.CreateParams{ID: "re_part", Session: s.in.SessionID, CryptoAmount: big.NewInt(1_000_000)}},
		&res, &failed, &rejected)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.NoError(rejected)
	s.NoError(failed)
	s.Equal("re_part", res.Refund)
	s.Equal("1000000", applied.Refund.CryptoAmount.String())
	s.Equal(checkout.StatusComplete, st.Status)
	s.Equal([]string{"complete"}, *upserted)
}
