package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/workflows"
)

// Subscriptions runs the subscription workflows (billing.Orchestrator).
type Subscriptions struct{ c client.Client }

var _ billing.Orchestrator = (*Subscriptions)(nil)

// NewSubscriptions wires the subscription workflows to a Temporal client.
func NewSubscriptions(c client.Client) (*Subscriptions, error) {
	if c == nil {
		return nil, errors.New("temporal.NewSubscriptions: nil client")
	}
	return &Subscriptions{c: c}, nil
}

func subscriptionStart(s *billing.Subscription) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       workflows.SubscriptionWorkflowID(s.ID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(workflows.AttrMerchantID.ValueSet(s.MerchantID),
			workflows.AttrSubscriptionState.ValueSet(string(s.Status)), workflows.AttrNextPeriodEnd.ValueSet(s.CurrentPeriodEnd)),
	}
}

// StartSubscription starts subscription/<id>; one that exists or existed is a success.
func (o *Subscriptions) StartSubscription(ctx context.Context, s *billing.Subscription) error {
	_, err := o.c.ExecuteWorkflow(ctx, subscriptionStart(s), workflows.SubscriptionWorkflow,
		workflows.SubscriptionInput{SubscriptionID: s.ID, MerchantID: s.MerchantID})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start subscription %s: %w", s.ID, err)
	}
	return nil
}

// InvoicePaid signals the subscription that a session of one of its invoices completed.
func (o *Subscriptions) InvoicePaid(ctx context.Context, subscriptionID, invoiceID, sessionID string) error {
	err := o.c.SignalWorkflow(ctx, workflows.SubscriptionWorkflowID(subscriptionID), "", workflows.SignalInvoicePaid,
		workflows.InvoicePaidSignal{InvoiceID: invoiceID, SessionID: sessionID})
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) { // ended (canceled): the payment stays on its session for the merchant to resolve
		return nil
	}
	return err
}

func (o *Subscriptions) Cancel(ctx context.Context, s *billing.Subscription) error {
	return o.update(ctx, s, workflows.UpdateSubscriptionCancel)
}

func (o *Subscriptions) Update(ctx context.Context, s *billing.Subscription, u billing.UpdateRequest) error {
	return o.update(ctx, s, workflows.UpdateSubscription, u)
}

func (o *Subscriptions) SetClock(ctx context.Context, s *billing.Subscription, frozen time.Time) error {
	return o.update(ctx, s, workflows.UpdateTestClock, workflows.ClockRequest{FrozenTime: frozen})
}

// update runs an update to completion with Update-With-Start (a subscription whose start was
// lost is started by it) and maps its failures to the API's errors.
func (o *Subscriptions) update(ctx context.Context, s *billing.Subscription, name string, args ...any) error {
	h, err := o.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: o.c.NewWithStartWorkflowOperation(subscriptionStart(s), workflows.SubscriptionWorkflow,
			workflows.SubscriptionInput{SubscriptionID: s.ID, MerchantID: s.MerchantID}),
		UpdateOptions: client.UpdateWorkflowOptions{UpdateID: updateID(ctx, s.ID, name), WorkflowID: workflows.SubscriptionWorkflowID(s.ID),
			UpdateName: name, Args: args, WaitForStage: client.WorkflowUpdateStageCompleted},
	})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if refused, ok := workflows.RefusalOf(err); ok {
		return refused
	}
	var appErr *temporal.ApplicationError
	var closed *serviceerror.WorkflowExecutionAlreadyStarted
	switch {
	case err == nil:
		return nil
	case errors.As(err, &closed), errors.As(err, &appErr) && appErr.Type() == workflows.ErrNotOpen:
		return apperr.Invalid("", "resource_missing", "The subscription %s is canceled.", s.ID)
	default:
		return apperr.Unavailable("Could not reach the subscription's workflow; retry the request.",
			fmt.Errorf("%s update for %s: %w", name, s.ID, err))
	}
}
