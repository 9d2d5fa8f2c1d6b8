package workflows

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/suite"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/webhook"
)

// The delivery workflows on the SDK's test environment: timers are skipped, so three days of
// retries run instantly and the assertions are on workflow time.
type deliverySuite struct {
	suite.Suite
	testsuite.WorkflowTestSuite
	env   *testsuite.TestWorkflowEnvironment
	start time.Time
}

func TestDeliveryWorkflows(t *testing.T) { suite.Run(t, new(deliverySuite)) }

func (s *deliverySuite) SetupTest() {
	s.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	s.env = s.NewTestWorkflowEnvironment()
	s.start = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	s.env.SetStartTime(s.start)
	s.env.RegisterWorkflowWithOptions(WebhookDelivery, workflow.RegisterOptions{Name: WebhookDeliveryWorkflow})
	s.env.RegisterWorkflowWithOptions(WebhookDispatcher, workflow.RegisterOptions{Name: DispatcherWorkflow})
	var a *DeliveryActivities
	s.env.RegisterActivity(a)
}

func (s *deliverySuite) AfterTest(string, string) { s.env.AssertExpectations(s.T()) }

func (s *deliverySuite) status() string {
	s.True(s.env.IsWorkflowCompleted())
	s.NoError(s.env.GetWorkflowError())
	var status string
	s.NoError(s.env.GetWorkflowResult(&status))
	return status
}

// Failures back off 5 s, 15 s, 45 s… on workflow time; the fourth attempt succeeds.
func (s *deliverySuite) TestBacksOffThenSucceeds() {
	var a *DeliveryActivities
	var at []time.Duration
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_1", mock.Anything).Return(
		func(_ context.Context, _ string, attempt int) (AttemptResult, error) {
			at = append(at, s.env.Now().Sub(s.start))
			if attempt < 4 {
				return AttemptResult{Outcome: webhook.Retry, StatusCode: 500}, nil
			}
			return AttemptResult{Outcome: webhook.Delivered, StatusCode: 200}, nil
		})

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_1", EventID: "evt_1", EndpointID: "we_1"})

	s.Equal("succeeded", s.status())
	s.Equal([]time.Duration{0, 5 * time.Second, 20 * time.Second, 65 * time.Second}, at)
}

// When the dispatcher made attempt 1 (it failed 2 s before the workflow started), the workflow
// waits out the rest of the first backoff, then makes attempt 2 onwards.
func (s *deliverySuite) TestRetriesStartAtAttemptTwo() {
	var a *DeliveryActivities
	var attempts []int
	var at []time.Duration
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_5", mock.Anything).Return(
		func(_ context.Context, _ string, attempt int) (AttemptResult, error) {
			attempts = append(attempts, attempt)
			at = append(at, s.env.Now().Sub(s.start))
			if attempt < 3 {
				return AttemptResult{Outcome: webhook.Retry, StatusCode: 503}, nil
			}
			return AttemptResult{Outcome: webhook.Delivered, StatusCode: 200}, nil
		})

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_5", FirstAttemptAt: s.start.Add(-2 * time.Second)})

	s.Equal("succeeded", s.status())
	s.Equal([]int{2, 3}, attempts)
	s.Equal([]time.Duration{3 * time.Second, 18 * time.Second}, at, "5 s after attempt 1, then 15 s")
}

// A first attempt made longer ago than the retry window gives up without another attempt.
func (s *deliverySuite) TestFirstAttemptPastTheWindowGivesUp() {
	var a *DeliveryActivities
	s.env.OnActivity(a.FinishDelivery, mock.Anything, "whd_6", "failed").Return(nil).Once()

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_6", FirstAttemptAt: s.start.Add(-webhook.RetryWindow)})

	s.Equal("failed", s.status())
}

// An endpoint that never answers 2xx is tried for three days, an hour apart at most, then the
// delivery is recorded failed.
func (s *deliverySuite) TestGivesUpAfterThreeDays() {
	var a *DeliveryActivities
	var at []time.Duration
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_2", mock.Anything).Return(
		func(context.Context, string, int) (AttemptResult, error) {
			at = append(at, s.env.Now().Sub(s.start))
			return AttemptResult{Outcome: webhook.Retry, Error: "connection refused"}, nil
		})
	s.env.OnActivity(a.FinishDelivery, mock.Anything, "whd_2", "failed").Return(nil).Once()

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_2"})

	s.Equal("failed", s.status())
	last := at[len(at)-1]
	s.LessOrEqual(last, webhook.RetryWindow)
	s.Greater(last, webhook.RetryWindow-time.Hour-time.Minute)
	for i := 1; i < len(at); i++ {
		s.LessOrEqual(at[i]-at[i-1], time.Hour, "no gap longer than an hour")
	}
}

// An attempt whose activity keeps failing (the database is down) is retried a bounded number
// of times, counted as a failed attempt, and the delivery still ends failed after three days
// instead of retrying forever or failing the workflow with the delivery left pending.
func (s *deliverySuite) TestActivityFailuresAreBoundedByTheWindow() {
	var a *DeliveryActivities
	calls := map[int]int{}
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_4", mock.Anything).Return(
		func(_ context.Context, _ string, attempt int) (AttemptResult, error) {
			calls[attempt]++
			return AttemptResult{}, errors.New("record attempt: database unavailable")
		})
	s.env.OnActivity(a.FinishDelivery, mock.Anything, "whd_4", "failed").Return(nil).Once()

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_4"})

	s.Equal("failed", s.status())
	s.Greater(len(calls), 10, "later attempts were made")
	for attempt, n := range calls {
		s.LessOrEqual(n, int(deliverOptions.RetryPolicy.MaximumAttempts), "activity tries of attempt %d", attempt)
	}
	s.LessOrEqual(s.env.Now().Sub(s.start), webhook.RetryWindow+deliverOptions.ScheduleToCloseTimeout)
}

// 410 Gone stops at once (the attempt disabled the endpoint and ended the delivery).
func (s *deliverySuite) TestGoneStops() {
	var a *DeliveryActivities
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_3", 1).Return(AttemptResult{Outcome: webhook.Gone, StatusCode: 410}, nil).Once()

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_3", EndpointID: "we_3"})

	s.Equal("failed", s.status())
}

// The dispatcher runs its activity over and over, then continues as new to bound its history.
func (s *deliverySuite) TestDispatcherLoopsThenContinuesAsNew() {
	var a *DeliveryActivities
	runs := 0
	s.env.OnActivity(a.DispatchDeliveries, mock.Anything).Return(func(context.Context) (int, error) {
		runs++
		return 1, nil
	})

	s.env.ExecuteWorkflow(DispatcherWorkflow)

	s.True(s.env.IsWorkflowCompleted())
	s.True(workflow.IsContinueAsNewError(s.env.GetWorkflowError()), "%v", s.env.GetWorkflowError())
	s.Equal(scannerIterations, runs)
}
