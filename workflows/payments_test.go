package workflows

import (
	"context"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/refund"
)

// reconcileReturns makes each Reconcile answer the next state in turn, noting when it ran.
func (s *sessionSuite) reconcileReturns(at *[]time.Time, states ...SessionState) {
	var a *SessionActivities
	i := 0
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(
		func(_ context.Context, id string) (SessionState, error) {
			*at = append(*at, s.env.Now().UTC())
			st := states[min(i, len(states)-1)]
			i++
			st.SessionID = id
			return st, nil
		})
}

func (s *sessionSuite) signalAt(d time.Duration) {
	s.env.RegisterDelayedCallback(func() {
		s.env.SignalWorkflow(SignalPayments, PaymentsChanged{ChainID: 1337, Status: "detected"})
	}, d)
}

// A payment mined before expiry but still confirming at the deadline is waited for.
func (s *sessionSuite) TestExpiryWaitsForAPaymentStillConfirming() {
	var ran []time.Time
	s.reconcileReturns(&ran,
		SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateConfirming},
		SessionState{Status: checkout.StatusComplete, PaymentStatus: checkout.PaymentPaid, CryptoState: chain.StatePaid})
	s.signalAt(59 * time.Minute)          // detected a minute before expiry
	s.signalAt(61 * time.Minute)          // confirmed a minute after
	s.signalAt(checkout.MonitoringWindow) // nothing more happens: just a wake-up during the window
	// ExpireSession is not mocked: expiring would fail the test.

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal(checkout.StatusComplete, st.Status)
	s.Equal(chain.StatePaid, st.CryptoState)
	s.Equal(s.start.Add(61*time.Minute), ran[1], "completed on the confirmation after the deadline")
}

func (s *sessionSuite) TestUnderpaidAtExpiryExpires() {
	var ran []time.Time
	s.reconcileReturns(&ran, SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateUnderpaid, AmountReceived: "10"})
	var expiredAt time.Time
	s.expireReturns(checkout.StatusExpired, &expiredAt)
	s.signalAt(10 * time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal("timer", s.result().ExpiredBy)
	s.Equal(s.in.ExpiresAt, expiredAt)
}

// After expiry the workflow keeps reconciling for the monitoring window, then ends.
func (s *sessionSuite) TestLatePaymentDuringTheMonitoringWindow() {
	s.expireReturns(checkout.StatusExpired, nil)
	var ran []time.Time
	s.reconcileReturns(&ran, SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateAwaitingPayment},
		SessionState{Status: checkout.StatusExpired, CryptoState: chain.StatePaidLate})
	s.signalAt(3 * time.Hour)
	var c *RefundActivities // the merchant's policy is manual: it does nothing
	s.env.OnActivity(c.ApplyLatePolicy, mock.Anything, mock.Anything).Return(refund.Resolved{}, nil).Once()

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal(chain.StatePaidLate, st.CryptoState)
	s.Equal(checkout.StatusExpired, st.Status)
	s.Equal([]time.Time{s.in.ExpiresAt, s.start.Add(3 * time.Hour)}, ran, "at the deadline, then for the late payment")
	s.Equal(s.in.ExpiresAt.Add(checkout.MonitoringWindow), s.env.Now().UTC(), "ends when the window closes")
}

func (s *sessionSuite) TestSelectAssetIsRefusedOnceClosed() {
	s.nothingPaid()
	s.expireReturns(checkout.StatusExpired, nil)
	var rejected error
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(UpdateSelectAsset, "late", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { rejected = err }, OnAccept: func() { s.Fail("accepted on an expired session") },
			OnComplete: func(any, error) {},
		}, SelectAssetRequest{Asset: "tusd@dev"})
	}, 2*time.Hour)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.result()
	s.ErrorContains(rejected, "session is expired")
}

func (s *sessionSuite) TestPreselectedAssetIsAssignedAtStart() {
	s.in.PreselectAsset = "tusd@dev"
	var a *SessionActivities
	s.env.OnActivity(a.AssignAsset, mock.Anything, s.in.SessionID, "tusd@dev").Return(
		SessionState{SessionID: s.in.SessionID, Status: checkout.StatusOpen, Asset: "tusd@dev", CryptoState: chain.StateAwaitingPayment}, nil).Once()
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(
		SessionState{SessionID: s.in.SessionID, Status: checkout.StatusOpen, Asset: "tusd@dev", CryptoState: chain.StateAwaitingPayment}, nil)
	// Like the real activity, the expire activity answers the whole row, asset included.
	s.env.OnActivity(a.ExpireSessionAt, mock.Anything, s.in.SessionID, mock.Anything, mock.Anything).Return(
		SessionState{SessionID: s.in.SessionID, Status: checkout.StatusExpired, Asset: "tusd@dev", CryptoState: chain.StateAwaitingPayment}, nil).Once()

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal("tusd@dev", s.result().Asset)
}

// Funds a contract sent internally show up only in the balance: the deadline's last look
// records them, and the session waits for their confirmations instead of expiring.
func (s *sessionSuite) TestLastLookAtTheBalanceFindsInternalTransfers() {
	s.env = s.NewTestWorkflowEnvironment() // a fresh environment without the default "nothing found"
	s.env.SetStartTime(s.start)
	s.env.RegisterWorkflowWithOptions(CheckoutSession, workflow.RegisterOptions{Name: CheckoutSessionWorkflow})
	var a *SessionActivities
	s.env.RegisterActivity(a)
	var checkedAt time.Time
	s.env.OnActivity(a.CheckNativeBalance, mock.Anything, s.in.SessionID).Return(
		func(context.Context, string) (bool, error) { checkedAt = s.env.Now().UTC(); return true, nil }).Once()
	var ran []time.Time
	s.env.OnActivity(a.AwaitChainScanned, mock.Anything, s.in.SessionID, mock.Anything).Return(true, nil).Maybe()
	s.env.OnActivity(a.AwaitDeadline, mock.Anything, s.in.SessionID, mock.Anything).Return(
		func(_ context.Context, _ string, due time.Time) (checkout.DeadlineCheck, error) {
			return checkout.DeadlineCheck{Due: due, Ready: true}, nil
		})
	s.reconcileReturns(&ran,
		SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateAwaitingPayment}, // the scan past the deadline
		SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateConfirming},      // the balance's payment
		SessionState{Status: checkout.StatusComplete, PaymentStatus: checkout.PaymentPaid, CryptoState: chain.StatePaid})
	s.signalAt(62 * time.Minute) // the scanner confirms it

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(s.in.ExpiresAt, checkedAt)
	s.Equal(checkout.StatusComplete, s.result().Status)
}
