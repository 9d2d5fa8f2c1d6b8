// Package temporal implements the orchestrator port on a Temporal cluster and runs the worker.
package temporal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/workflows"
)

// Dial connects to the cluster.
func Dial(ctx context.Context, hostPort, namespace string, logger *slog.Logger) (client.Client, error) {
	c, err := client.DialContext(ctx, client.Options{
		HostPort:  hostPort,
		Namespace: namespace,
		Logger:    sdklog.NewStructuredLogger(logger),
	})
	if err != nil {
		return nil, fmt.Errorf("connect to temporal at %s: %w", hostPort, err)
	}
	return c, nil
}

// EnsureSearchAttributes registers the project's custom search attributes when missing.
// Upserting an unregistered attribute fails workflow tasks forever, so this runs before workers.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string) error {
	ops := c.OperatorService()
	have, err := ops.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	for _, k := range workflows.SearchAttributes() {
		if _, ok := have.GetCustomAttributes()[k.GetName()]; !ok {
			missing[k.GetName()] = enumspb.IndexedValueType(k.GetValueType())
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = ops.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace: namespace, SearchAttributes: missing,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) { // another worker registered them first
		return fmt.Errorf("add search attributes: %w", err)
	}
	return nil
}

// Orchestrator implements checkout.Orchestrator with workflows.
type Orchestrator struct {
	c client.Client
	// WebhookFirstRetry is the first backoff of new delivery workflows (0: the default).
	WebhookFirstRetry time.Duration
}

// NewOrchestrator wraps a connected client.
func NewOrchestrator(c client.Client) (*Orchestrator, error) {
	if c == nil {
		return nil, fmt.Errorf("temporal.NewOrchestrator: nil client")
	}
	return &Orchestrator{c: c}, nil
}

// StartSession starts checkout/<id>; an existing workflow with that ID is an error.
func (o *Orchestrator) StartSession(ctx context.Context, s *checkout.Session) error {
	_, err := o.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.SessionWorkflowID(s.ID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrCheckoutStatus.ValueSet(string(s.Status)),
			workflows.AttrMerchantID.ValueSet(s.MerchantID),
			workflows.AttrClientReferenceID.ValueSet(s.ClientReferenceID),
			workflows.AttrPaymentAsset.ValueSet(s.Crypto.PreselectAsset),
		),
	}, workflows.CheckoutSessionWorkflow, workflows.SessionInput{
		SessionID: s.ID, MerchantID: s.MerchantID, Livemode: s.Livemode,
		ClientReferenceID: s.ClientReferenceID, ExpiresAt: s.ExpiresAt, PreselectAsset: s.Crypto.PreselectAsset,
	})
	if err != nil {
		return apperr.Unavailable("Could not start the session's workflow; retry the request.",
			fmt.Errorf("start workflow for %s: %w", s.ID, err))
	}
	return nil
}

// ExpireSession sends the expire update and waits for its result.
func (o *Orchestrator) ExpireSession(ctx context.Context, id string) error {
	return o.update(ctx, id, workflows.UpdateExpire, workflows.ExpireRequest{})
}

// SelectAsset sends the select_asset update and waits for the quote and address.
func (o *Orchestrator) SelectAsset(ctx context.Context, id, assetID string) error {
	return o.update(ctx, id, workflows.UpdateSelectAsset, workflows.SelectAssetRequest{Asset: assetID})
}

// update runs a session update to completion and maps its failures to the API's errors.
func (o *Orchestrator) update(ctx context.Context, id, name string, arg any) error {
	h, err := o.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.SessionWorkflowID(id),
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		var st workflows.SessionState
		err = h.Get(ctx, &st)
	}
	var notFound *serviceerror.NotFound
	var appErr *temporal.ApplicationError
	if refused, ok := workflows.RefusalOf(err); ok {
		return refused
	}
	switch {
	case err == nil:
		return nil
	case errors.As(err, &notFound): // the workflow already closed: the session is no longer open
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is no longer open.", id)
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrNotOpen:
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is no longer open.", id)
	default:
		return apperr.Unavailable("Could not reach the session's workflow; retry the request.",
			fmt.Errorf("%s update for %s: %w", name, id, err))
	}
}

// QueryState returns a session workflow's live state.
func (o *Orchestrator) QueryState(ctx context.Context, id string) (workflows.SessionState, error) {
	var st workflows.SessionState
	v, err := o.c.QueryWorkflow(ctx, workflows.SessionWorkflowID(id), "", workflows.QueryState)
	if err != nil {
		return st, fmt.Errorf("query state of %s: %w", id, err)
	}
	return st, v.Get(&st)
}

// StartScanner starts chain-scanner/<id> unless it runs already: one scanner per chain
// however many workers start it.
func StartScanner(ctx context.Context, c client.Client, chainID int64) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.ScannerWorkflowID(chainID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, workflows.ChainScannerWorkflow, workflows.ScannerInput{ChainID: chainID})
	if err != nil {
		return fmt.Errorf("start scanner of chain %d: %w", chainID, err)
	}
	return nil
}

// StartDelivery starts a delivery's workflow; one already started (running or done) is fine,
// so the dispatcher may start the same delivery twice after a crash.
func (o *Orchestrator) StartDelivery(ctx context.Context, d webhook.Delivery) error {
	_, err := o.c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.DeliveryWorkflowID(d.EventID, d.EndpointID, d.ID, d.Redelivery),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.AttrWebhookEventType.ValueSet(d.EventType),
			workflows.AttrWebhookEndpoint.ValueSet(d.EndpointID),
			workflows.AttrMerchantID.ValueSet(d.MerchantID),
		),
	}, workflows.WebhookDeliveryWorkflow, workflows.DeliveryInput{DeliveryID: d.ID, EventID: d.EventID, EndpointID: d.EndpointID,
		FirstRetry: o.WebhookFirstRetry})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start delivery %s: %w", d.ID, err)
	}
	return nil
}

// StartDispatcher starts the webhook dispatcher unless it runs already.
func StartDispatcher(ctx context.Context, c client.Client) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.DispatcherWorkflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, workflows.DispatcherWorkflow)
	if err != nil {
		return fmt.Errorf("start webhook dispatcher: %w", err)
	}
	return nil
}

// NewWorker registers the workflows and activities on the task queue.
func NewWorker(c client.Client, acts *workflows.Activities, scans *workflows.ScanActivities,
	deliveries *workflows.DeliveryActivities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	workflows.Register(w, acts, scans, deliveries)
	return w
}
