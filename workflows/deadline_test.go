package workflows

import (
	"context"
	"errors"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
)

// A payment mined before expires_at that the scanner only reads after it (it was behind) is a
// sale: the deadline waits for the scan, the reconcile finds the payment confirming, and the
// session completes instead of expiring. Before the fix it expired, then went paid_late.
func (s *sessionSuite) TestPaymentMinedInTimeButSeenAfterTheDeadlineCompletes() {
	var ran []time.Time
	s.reconcileReturns(&ran,
		SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateConfirming}, // found by the scan past the deadline
		SessionState{Status: checkout.StatusComplete, PaymentStatus: checkout.PaymentPaid, CryptoState: chain.StatePaid})
	s.signalAt(62 * time.Minute) // its confirmations
	// The expire activity is not mocked: expiring would fail the test.

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal(checkout.StatusComplete, st.Status)
	s.Equal([]time.Time{s.in.ExpiresAt}, s.scannedPast)
	s.Equal([]time.Time{s.in.ExpiresAt, s.start.Add(62 * time.Minute)}, ran)
}

// While a payment is confirming, the merchant's expire request is refused (409 in the API).
func (s *sessionSuite) TestExpireRequestRefusedWhilePaymentConfirms() {
	var ran []time.Time
	s.reconcileReturns(&ran,
		SessionState{Status: checkout.StatusOpen, CryptoState: chain.StateConfirming},
		SessionState{Status: checkout.StatusComplete, PaymentStatus: checkout.PaymentPaid, CryptoState: chain.StatePaid})
	s.signalAt(5 * time.Minute)
	s.signalAt(15 * time.Minute)
	var rejected error
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(UpdateExpire, "u1", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { rejected = err }, OnAccept: func() { s.Fail("accepted while confirming") },
			OnComplete: func(any, error) {},
		}, ExpireRequest{})
	}, 10*time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusComplete, s.result().Status)
	var appErr *temporal.ApplicationError
	s.True(errors.As(rejected, &appErr) && appErr.Type() == ErrConfirming, "rejected with %v", rejected)
}

// An expire request waits for the scan past its moment; a payment mined before it that the
// scan reveals as already confirmed completes the session, and the request does not expire it.
func (s *sessionSuite) TestExpireRequestFindsAPaymentMinedBeforeIt() {
	var ran []time.Time
	s.reconcileReturns(&ran, SessionState{Status: checkout.StatusComplete, PaymentStatus: checkout.PaymentPaid, CryptoState: chain.StatePaid})
	var replied SessionState
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(UpdateExpire, "u1", &testsuite.TestUpdateCallback{
			OnReject: func(err error) { s.Fail("rejected", err) }, OnAccept: func() {},
			OnComplete: func(v any, err error) { s.NoError(err); replied = v.(SessionState) },
		}, ExpireRequest{})
	}, 10*time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusComplete, replied.Status, "the request reports the sale, the API answers 409")
	s.Equal(checkout.StatusComplete, s.result().Status)
	s.Equal([]time.Time{s.start.Add(10 * time.Minute)}, s.scannedPast)
}

// A volatile asset's quote lapses after its lifetime and is renewed while nothing is paid, so
// the shopper never holds a free option on the price for the whole session.
func (s *sessionSuite) TestLapsedQuoteIsRenewedWhileNothingIsPaid() {
	var a *SessionActivities
	s.in.PreselectAsset = "eth@dev"
	quote := func(at time.Time) SessionState {
		st := SessionState{SessionID: s.in.SessionID, Status: checkout.StatusOpen, Asset: "eth@dev", CryptoState: chain.StateAwaitingPayment}
		if until := at.Add(15 * time.Minute); until.Before(s.in.ExpiresAt) {
			st.QuoteExpiresAt = until
		}
		return st
	}
	row := quote(s.start) // the row as the activities see it
	s.env.OnActivity(a.AssignAsset, mock.Anything, s.in.SessionID, "eth@dev").Return(row, nil).Once()
	var requoted []time.Time
	s.env.OnActivity(a.Requote, mock.Anything, s.in.SessionID).Return(func(context.Context, string) (SessionState, error) {
		requoted = append(requoted, s.env.Now().UTC())
		row = quote(s.env.Now().UTC())
		return row, nil
	})
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(func(context.Context, string) (SessionState, error) {
		return row, nil
	})
	s.expireReturns(checkout.StatusExpired, nil)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.result()
	// Renewed at each lapse; the quote made at 45 min holds until expiry (60 min).
	s.Equal([]time.Time{s.start.Add(15 * time.Minute), s.start.Add(30 * time.Minute), s.start.Add(45 * time.Minute)}, requoted)
	s.Equal([]time.Time{s.start.Add(15 * time.Minute), s.start.Add(30 * time.Minute), s.start.Add(45 * time.Minute), s.in.ExpiresAt},
		s.scannedPast, "each only after the chain was scanned past the lapse")
}

// However many transfers arrive, one run's history stays bounded: the session continues as new.
func (s *sessionSuite) TestManyPaymentSignalsContinueAsNew() {
	var a *SessionActivities
	s.in.ExpiresAt = s.start.Add(24 * time.Hour)
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(
		SessionState{SessionID: s.in.SessionID, Status: checkout.StatusOpen, CryptoState: chain.StateUnderpaid}, nil)
	for i := 1; i <= maxReconciles+1; i++ {
		s.signalAt(time.Duration(i) * time.Minute)
	}

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.True(s.env.IsWorkflowCompleted())
	var can *workflow.ContinueAsNewError
	s.Require().True(errors.As(s.env.GetWorkflowError(), &can), "got %v", s.env.GetWorkflowError())
	s.Equal(CheckoutSessionWorkflow, can.WorkflowType.Name)
}

// A subscription's session that its expiry finds paid (a payment mined in time, no signal)
// tells billing once, as one completed by a payment signal does; the monitoring window after
// it does not tell billing again.
func (s *sessionSuite) TestSubscriptionSessionCompletedAtTheDeadlineIsBilledOnce() {
	s.nothingPaid()
	var a *SessionActivities
	var b *SubscriptionActivities
	s.env.OnActivity(a.ExpireSessionAt, mock.Anything, s.in.SessionID, mock.Anything, mock.Anything).Return(
		func(_ context.Context, id string, _ time.Time, _ event.Request) (SessionState, error) {
			s.rowStatus = checkout.StatusComplete
			return SessionState{SessionID: id, Status: checkout.StatusComplete, PaymentStatus: checkout.PaymentPaid,
				CryptoState: chain.StatePaid, Billing: true}, nil
		}).Once()
	billed := 0
	s.env.OnActivity(b.BillCompletedSession, mock.Anything, s.in.SessionID).Return(func(context.Context, string) error {
		billed++
		return nil
	})

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusComplete, s.result().Status)
	s.Equal(1, billed)
}

// An outage of the chain's view: while it is stale the deadline is not decided, and the time
// it was stale is given back. The session expires only at the later due time, as of it.
func (s *sessionSuite) TestOutageGivesTheSessionItsTimeBack() {
	s.nothingPaid()
	extended := s.in.ExpiresAt.Add(20 * time.Minute)
	var asked []time.Time
	checks := []checkout.DeadlineCheck{
		{Due: s.in.ExpiresAt, Stale: true}, // the node is down at expires_at: nothing is decided
		{Due: s.in.ExpiresAt, Stale: true},
		{Due: extended},              // back: twenty minutes were stale during the session's life
		{Due: extended, Ready: true}, // scanned past the new due time
	}
	s.deadline = func(due time.Time) (checkout.DeadlineCheck, error) {
		asked = append(asked, due.UTC())
		d := checks[0]
		checks = checks[1:]
		return d, nil
	}
	var calledAt time.Time
	s.expireReturns(checkout.StatusExpired, &calledAt)
	s.env.RegisterDelayedCallback(func() {
		v, err := s.env.QueryWorkflow(QueryState)
		s.NoError(err)
		var st SessionState
		s.NoError(v.Get(&st))
		s.Equal(checkout.StatusOpen, st.Status, "open past expires_at while its time is given back")
		s.Equal(extended, st.ExtendedTo.UTC())
	}, 70*time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status)
	s.Equal(extended, calledAt, "expired as of the due time the outage pushed")
	s.Equal([]time.Time{s.in.ExpiresAt, s.in.ExpiresAt, s.in.ExpiresAt, extended}, asked)
	s.Empty(checks)
}

// A deadline check that keeps failing (the database away) is looked at again after a pause,
// never skipped: the session does not expire on what it could not check.
func (s *sessionSuite) TestFailedDeadlineCheckIsRetriedNotSkipped() {
	s.nothingPaid()
	fails := 2
	var asked []time.Time
	s.deadline = func(due time.Time) (checkout.DeadlineCheck, error) {
		asked = append(asked, s.env.Now().UTC())
		if fails > 0 {
			fails--
			return checkout.DeadlineCheck{}, temporal.NewNonRetryableApplicationError("database away", "test", nil)
		}
		return checkout.DeadlineCheck{Due: due, Ready: true}, nil
	}
	var calledAt time.Time
	s.expireReturns(checkout.StatusExpired, &calledAt)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status)
	s.Equal(s.in.ExpiresAt, calledAt)
	s.Equal([]time.Time{s.in.ExpiresAt, s.in.ExpiresAt.Add(time.Minute), s.in.ExpiresAt.Add(2 * time.Minute)}, asked)
}
