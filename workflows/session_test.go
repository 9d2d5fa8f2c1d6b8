package workflows

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
)

// These tests use the SDK's test environment: time is skipped, so an hour-long expiry
// timer runs instantly and the assertions are on workflow time, not on the wall clock.
type sessionSuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env   *testsuite.TestWorkflowEnvironment
	start time.Time
	in    SessionInput

	scannedPast []time.Time     // the deadlines AwaitChainScanned was asked about
	rowStatus   checkout.Status // the row's status as the activities see it
	expiredFor  event.Request   // the API request the expire activity was given
	// deadline answers AwaitDeadline when a test sets it; otherwise the chain is scanned past.
	deadline func(due time.Time) (checkout.DeadlineCheck, error)
}

func TestSessionWorkflow(t *testing.T) { suite.Run(t, new(sessionSuite)) }

func (s *sessionSuite) SetupTest() {
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.env.RegisterWorkflowWithOptions(CheckoutSession, workflow.RegisterOptions{Name: CheckoutSessionWorkflow})
	var a *SessionActivities
	s.env.RegisterActivity(a)
	var b *SubscriptionActivities
	s.env.RegisterActivity(b)
	var c *RefundActivities
	s.env.RegisterActivity(c)
	s.in = SessionInput{SessionID: "cs_test_1", MerchantID: "acct_1", ExpiresAt: s.start.Add(time.Hour)}
	// The last look at the deadline finds nothing unless a test says otherwise, and the chain
	// has been scanned past every deadline.
	s.env.OnActivity(a.CheckNativeBalance, mock.Anything, mock.Anything).Return(false, nil).Maybe()
	s.scannedPast, s.rowStatus, s.deadline = nil, checkout.StatusOpen, nil
	s.env.OnActivity(a.AwaitChainScanned, mock.Anything, s.in.SessionID, mock.Anything).Return(
		func(_ context.Context, _ string, t time.Time) (bool, error) {
			s.scannedPast = append(s.scannedPast, t.UTC())
			return true, nil
		}).Maybe()
	s.env.OnActivity(a.AwaitDeadline, mock.Anything, s.in.SessionID, mock.Anything).Return(
		func(_ context.Context, _ string, due time.Time) (checkout.DeadlineCheck, error) {
			s.scannedPast = append(s.scannedPast, due.UTC())
			if s.deadline != nil {
				return s.deadline(due)
			}
			return checkout.DeadlineCheck{Due: due, Ready: true}, nil
		}).Maybe()
}

// nothingPaid makes every reconcile find no payment, and the row open until it expired.
func (s *sessionSuite) nothingPaid() {
	var a *SessionActivities
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(func(context.Context, string) (SessionState, error) {
		return SessionState{SessionID: s.in.SessionID, Status: s.rowStatus, CryptoState: chain.StateAwaitingPayment}, nil
	})
}

func (s *sessionSuite) AfterTest(string, string) { s.env.AssertExpectations(s.T()) }

// expireReturns answers the expire activity once, noting the deadline it was given.
func (s *sessionSuite) expireReturns(status checkout.Status, deadline *time.Time) {
	var a *SessionActivities
	s.env.OnActivity(a.ExpireSessionAt, mock.Anything, s.in.SessionID, mock.Anything, mock.Anything).Return(
		func(_ context.Context, id string, at time.Time, req event.Request) (SessionState, error) {
			if deadline != nil {
				*deadline = at.UTC()
			}
			s.expiredFor = req
			s.rowStatus = status
			return SessionState{SessionID: id, Status: status, PaymentStatus: checkout.PaymentUnpaid, ExpiresAt: s.in.ExpiresAt}, nil
		}).Once()
}

func (s *sessionSuite) result() SessionState {
	s.True(s.env.IsWorkflowCompleted())
	s.NoError(s.env.GetWorkflowError())
	var st SessionState
	s.NoError(s.env.GetWorkflowResult(&st))
	return st
}

func (s *sessionSuite) TestTimerExpiresAtExpiresAt() {
	s.nothingPaid()
	var calledAt time.Time
	s.expireReturns(checkout.StatusExpired, &calledAt)
	s.env.RegisterDelayedCallback(func() {
		v, err := s.env.QueryWorkflow(QueryState)
		s.NoError(err)
		var st SessionState
		s.NoError(v.Get(&st))
		s.Equal(checkout.StatusOpen, st.Status, "still open one minute before expiry")
	}, 59*time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal(checkout.StatusExpired, st.Status)
	s.Equal("timer", st.ExpiredBy)
	s.Zero(s.expiredFor, "an expiry by the timer has no request")
	s.Equal(s.in.ExpiresAt, calledAt, "expired as of expires_at")
	s.Equal([]time.Time{s.in.ExpiresAt}, s.scannedPast, "waited for the chain to be scanned past expires_at first")
}

func (s *sessionSuite) TestExpireUpdateEndsSessionEarly() {
	s.nothingPaid()
	var calledAt time.Time
	s.expireReturns(checkout.StatusExpired, &calledAt)
	var replied SessionState
	s.env.RegisterDelayedCallback(func() {
		s.env.UpdateWorkflow(UpdateExpire, "u1", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { s.Fail("update rejected", err) },
			OnAccept:   func() {},
			OnComplete: func(v any, err error) { s.NoError(err); replied = v.(SessionState) },
		}, ExpireRequest{Request: event.Request{ID: "req_1", IdempotencyKey: "expire-1"}})
	}, 10*time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.Equal("request", st.ExpiredBy)
	s.Equal(event.Request{ID: "req_1", IdempotencyKey: "expire-1"}, s.expiredFor, "the event names the request")
	s.Equal(checkout.StatusExpired, replied.Status)
	s.Equal(s.start.Add(10*time.Minute), calledAt, "expired as of the request, not at the timer")
	s.Equal([]time.Time{s.start.Add(10 * time.Minute)}, s.scannedPast, "waited for the chain to pass the request's moment")
}

func (s *sessionSuite) TestConcurrentExpireRequestsExpireOnce() {
	s.nothingPaid()
	s.expireReturns(checkout.StatusExpired, nil) // .Once(): a second run would fail the test
	replies := map[string]SessionState{}
	s.env.RegisterDelayedCallback(func() {
		for _, id := range []string{"u1", "u2"} {
			s.env.UpdateWorkflow(UpdateExpire, id, &testsuite.TestUpdateCallback{
				OnReject: func(err error) { s.Fail("rejected", err) }, OnAccept: func() {},
				OnComplete: func(v any, err error) { s.NoError(err); replies[id] = v.(SessionState) },
			}, ExpireRequest{})
		}
	}, time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal("request", s.result().ExpiredBy)
	s.Len(replies, 2)
	for id, st := range replies {
		s.Equal(checkout.StatusExpired, st.Status, id)
	}
}

// Before start-after-commit a workflow could start before its row's commit, and looked first.
func (s *sessionSuite) TestRowNeverCommittedEndsWorkflow() {
	var a *SessionActivities
	s.env.OnGetVersion(changeStartAfterCommit, workflow.DefaultVersion, 1).Return(workflow.DefaultVersion)
	s.env.OnActivity(a.SessionRecorded, mock.Anything, s.in.SessionID).Return(false, nil).Once()
	// ExpireSession is not mocked: calling it would fail the test.

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	st := s.result()
	s.True(st.Orphaned)
	s.Equal(checkout.StatusOpen, st.Status, "nothing was expired")
}

func (s *sessionSuite) TestRowDeletedBeforeExpiryEndsWorkflow() {
	var a *SessionActivities
	s.nothingPaid()
	s.env.OnActivity(a.ExpireSessionAt, mock.Anything, s.in.SessionID, mock.Anything, mock.Anything).Return(SessionState{},
		temporal.NewNonRetryableApplicationError("gone", ErrSessionMissing, nil)).Once()

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.True(s.result().Orphaned)
}

func (s *sessionSuite) TestDatabaseOutageIsRetriedNotFatal() {
	var a *SessionActivities
	s.nothingPaid()
	s.env.OnActivity(a.ExpireSessionAt, mock.Anything, s.in.SessionID, mock.Anything, mock.Anything).Return(SessionState{}, errDBDown).Times(3)
	s.expireReturns(checkout.StatusExpired, nil)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status)
}

func (s *sessionSuite) TestAlreadyPastExpiryExpiresImmediately() {
	s.in.ExpiresAt = s.start.Add(-time.Minute) // e.g. the worker was down past the deadline
	s.nothingPaid()
	var deadline time.Time
	s.expireReturns(checkout.StatusExpired, &deadline)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal("timer", s.result().ExpiredBy)
	s.Equal(s.in.ExpiresAt, deadline, "expired as of its deadline, not of when the worker came back")
	s.Equal(s.in.ExpiresAt.Add(checkout.MonitoringWindow), s.env.Now().UTC(), "monitored until the window after expires_at closed")
}

var errDBDown = temporal.NewApplicationError("database unavailable", "Unavailable")

func TestWorkflowIDRoundTrip(t *testing.T) {
	id, ok := SessionIDFromWorkflowID(SessionWorkflowID("cs_test_abc"))
	if !ok || id != "cs_test_abc" {
		t.Fatalf("round trip = %q, %v", id, ok)
	}
	if _, ok := SessionIDFromWorkflowID("chain-scanner/1337"); ok {
		t.Fatal("a scanner ID parsed as a session")
	}
}

// The API assigns an asset in Postgres and signals: the workflow reads it back by a reconcile,
// its state shows the asset and its quote, and the PaymentAsset search attribute is set once.
func (s *sessionSuite) TestAssetAssignedByTheAPIIsReadBack() {
	var a *SessionActivities
	quoted := s.start.Add(2 * time.Hour) // past expiry: no requote in this test
	assigned := false
	s.env.OnActivity(a.Reconcile, mock.Anything, s.in.SessionID).Return(func(context.Context, string) (SessionState, error) {
		st := SessionState{SessionID: s.in.SessionID, Status: s.rowStatus, CryptoState: chain.StateAwaitingAsset}
		if assigned {
			st.Asset, st.DepositAddress, st.QuoteExpiresAt, st.CryptoState = "eth@dev", "0xabc", quoted, chain.StateAwaitingPayment
		}
		return st, nil
	})
	s.expireReturns(checkout.StatusExpired, nil)
	var upserts []string
	s.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
		if v, ok := args.Get(0).(temporal.SearchAttributes).GetKeyword(AttrPaymentAsset); ok {
			upserts = append(upserts, v)
		}
	}).Return(nil).Maybe()
	s.env.RegisterDelayedCallback(func() {
		assigned = true
		s.env.SignalWorkflow(SignalAssetAssigned, AssetAssigned{Asset: "eth@dev"})
	}, 2*time.Minute)
	s.env.RegisterDelayedCallback(func() {
		v, err := s.env.QueryWorkflow(QueryState)
		s.NoError(err)
		var st SessionState
		s.NoError(v.Get(&st))
		s.Equal("eth@dev", st.Asset)
		s.Equal("0xabc", st.DepositAddress)
		s.Equal(quoted, st.QuoteExpiresAt.UTC(), "the quote's expiry, for the requote timer")
	}, 3*time.Minute)

	s.env.ExecuteWorkflow(CheckoutSessionWorkflow, s.in)

	s.Equal(checkout.StatusExpired, s.result().Status)
	s.Equal([]string{"eth@dev"}, upserts, "the search attribute set once, when the asset was first read back")
}
