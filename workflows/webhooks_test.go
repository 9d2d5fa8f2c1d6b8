package workflows

import (
	"context"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/webhook"
)

func (s *sessionSuite) deliveryEnv() {
	s.env.RegisterWorkflowWithOptions(WebhookDelivery, workflow.RegisterOptions{Name: WebhookDeliveryWorkflow})
}

// Failures back off 5 s, 15 s, 45 s… on workflow time; the fourth attempt succeeds.
func (s *sessionSuite) TestDeliveryBacksOffThenSucceeds() {
	s.deliveryEnv()
	var a *Activities
	var at []time.Duration
	n := 0
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_1", mock.Anything).Return(
		func(_ context.Context, _ string, attempt int) (AttemptResult, error) {
			at = append(at, s.env.Now().Sub(s.start))
			n++
			if attempt < 4 {
				return AttemptResult{Outcome: webhook.Retry, StatusCode: 500}, nil
			}
			return AttemptResult{Outcome: webhook.Delivered, StatusCode: 200}, nil
		})

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_1", EventID: "evt_1", EndpointID: "we_1"})

	s.True(s.env.IsWorkflowCompleted())
	s.NoError(s.env.GetWorkflowError())
	s.Equal([]time.Duration{0, 5 * time.Second, 20 * time.Second, 65 * time.Second}, at)
}

// An endpoint that never answers 2xx is tried for three days, an hour apart at most, then given up.
func (s *sessionSuite) TestDeliveryGivesUpAfterThreeDays() {
	s.deliveryEnv()
	var a *Activities
	var at []time.Duration
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_2", mock.Anything).Return(
		func(context.Context, string, int) (AttemptResult, error) {
			at = append(at, s.env.Now().Sub(s.start))
			return AttemptResult{Outcome: webhook.Retry, Error: "connection refused"}, nil
		})
	s.env.OnActivity(a.FinishDelivery, mock.Anything, "whd_2", "failed").Return(nil).Once()

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_2"})

	s.NoError(s.env.GetWorkflowError())
	last := at[len(at)-1]
	s.LessOrEqual(last, webhook.RetryWindow)
	s.Greater(last, webhook.RetryWindow-time.Hour-time.Minute)
	for i := 1; i < len(at); i++ {
		s.LessOrEqual(at[i]-at[i-1], time.Hour, "no gap longer than an hour")
	}
}

// 410 Gone stops at once (the attempt disabled the endpoint and ended the delivery).
func (s *sessionSuite) TestDeliveryGoneStops() {
	s.deliveryEnv()
	var a *Activities
	s.env.OnActivity(a.DeliverWebhook, mock.Anything, "whd_3", 1).Return(AttemptResult{Outcome: webhook.Gone, StatusCode: 410}, nil).Once()

	s.env.ExecuteWorkflow(WebhookDeliveryWorkflow, DeliveryInput{DeliveryID: "whd_3", EndpointID: "we_3"})

	s.NoError(s.env.GetWorkflowError())
	var status string
	s.NoError(s.env.GetWorkflowResult(&status))
	s.Equal("failed", status)
}
