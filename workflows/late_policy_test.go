package workflows

import (
	"context"
	"errors"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/refund"
)

// lateAfterExpiry makes every reconcile find the row as it is, paid late once it expired
// (completed once the policy accepted it).
func (s *sessionSuite) lateAfterExpiry() {
	var a *SessionActivities
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(func(_ context.Context, id string) (SessionState, error) {
		st := SessionState{SessionID: id, Status: s.rowStatus, CryptoState: chain.StateAwaitingPayment, AmountReceived: "0"}
		switch s.rowStatus {
		case checkout.StatusExpired:
			st.CryptoState = chain.StatePaidLate
		case checkout.StatusComplete:
			st.CryptoState, st.PaymentStatus = chain.StatePaidLate, checkout.PaymentPaid
		}
		return st, nil
	})
}

// A payment arriving after expiry, with the merchant's policy "refund": the workflow applies
// the policy once, however many more transfers reach the address in the window.
func (s *sessionSuite) TestLatePaymentPolicyRefundAppliedOnce() {
	var c *RefundActivities
	s.lateAfterExpiry()
	s.expireReturns(checkout.StatusExpired, nil)
	upserted := s.statuses()
	var asked []LatePolicyRequest
	var at []time.Time
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req LatePolicyRequest) (refund.Resolved, error) {
			asked, at = append(asked, req), append(at, s.env.Now().UTC())
			return refund.Resolved{SessionID: req.SessionID, Refund: refund.LatePolicyRefundID(req.SessionID)}, nil
		})
	s.signalAt(2 * time.Hour) // the late payment
	s.signalAt(3 * time.Hour) // another transfer to the same address
	s.signalAt(5 * time.Hour)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal([]LatePolicyRequest{{SessionID: s.in.SessionID, MerchantID: s.in.MerchantID}}, asked, "applied exactly once")
	s.Equal([]time.Time{s.start.Add(2 * time.Hour)}, at, "as soon as the session was paid late")
	s.Equal(checkout.StatusExpired, st.Status, "a refund changes no status")
	s.Equal([]string{"expired"}, *upserted)
}

// With the policy "accept", the session the activity completed is adopted: complete, and
// operators see it so.
func (s *sessionSuite) TestLatePaymentPolicyAcceptCompletes() {
	var c *RefundActivities
	s.lateAfterExpiry()
	s.expireReturns(checkout.StatusExpired, nil)
	upserted := s.statuses()
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(
		func(_ context.Context, req LatePolicyRequest) (refund.Resolved, error) {
			s.rowStatus = checkout.StatusComplete
			return refund.Resolved{SessionID: req.SessionID}, nil
		}).Once()
	s.signalAt(2 * time.Hour)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal(checkout.StatusComplete, st.Status)
	s.Equal(checkout.PaymentPaid, st.PaymentStatus)
	s.Equal([]string{"expired", "complete"}, *upserted)
}

var errRefusedForTest = apperr.Conflict("session_not_resolvable", "Nothing to resolve.")

// A policy that does nothing (manual), or that the rules refuse, leaves the session to the
// merchant; the workflow goes on watching and never asks again.
func (s *sessionSuite) TestLatePaymentPolicyRefusedLeavesTheSession() {
	var c *RefundActivities
	s.lateAfterExpiry()
	s.expireReturns(checkout.StatusExpired, nil)
	calls := 0
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(
		func(context.Context, LatePolicyRequest) (refund.Resolved, error) {
			calls++
			return refund.Resolved{}, activityError("late", errRefusedForTest)
		})
	s.signalAt(2 * time.Hour)
	s.signalAt(4 * time.Hour)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status, "the workflow did not fail")
	s.Equal(1, calls)
	s.Equal(s.in.ExpiresAt.Add(checkout.MonitoringWindow), s.env.Now().UTC(), "the window still ran its course")
}

// The policy's one go is carried across continue-as-new: the next run never asks again.
func (s *sessionSuite) TestLatePaymentPolicyOnceAcrossContinueAsNew() {
	var c *RefundActivities
	s.lateAfterExpiry()
	s.expireReturns(checkout.StatusExpired, nil)
	calls := 0
	apply := func(_ context.Context, req LatePolicyRequest) (refund.Resolved, error) {
		calls++
		return refund.Resolved{SessionID: req.SessionID, Refund: refund.LatePolicyRefundID(req.SessionID)}, nil
	}
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(apply)
	for i := 0; i <= maxReconciles; i++ { // the late payment, then enough transfers to end the run
		s.signalAt(2*time.Hour + time.Duration(i)*time.Minute)
	}

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	var can *workflow.ContinueAsNewError
	s.Require().True(errors.As(s.env.GetWorkflowError(), &can), "got %v", s.env.GetWorkflowError())
	var next SessionInput
	s.Require().NoError(converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	s.Require().NotNil(next.Resume)
	s.True(next.Resume.LatePolicyApplied, "the next run knows the policy had its go")
	s.Equal(1, calls)

	// The next run, with more transfers arriving: the policy is not applied again.
	s.SetupTest()
	s.lateAfterExpiry()
	s.rowStatus = checkout.StatusExpired
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(apply).Maybe()
	s.env.SetStartTime(s.start.Add(12 * time.Hour))
	s.env.RegisterDelayedCallback(func() {
		s.env.SignalWorkflow(SignalPayments, PaymentsChanged{ChainID: 1337, Status: "confirmed"})
	}, time.Hour)
	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, next)

	s.Equal(checkout.StatusExpired, s.result().Status)
	s.Equal(1, calls, "applied once in all")
}
