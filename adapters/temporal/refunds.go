package temporal

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/workflows"
)

// Refunds runs the refund workflows (refund.Flows) and sends resolutions to the session
// workflows (refund.Resolver).
type Refunds struct{ c client.Client }

var (
	_ refund.Flows    = (*Refunds)(nil)
	_ refund.Resolver = (*Refunds)(nil)
)

// NewRefunds wires the refund workflows to a Temporal client.
func NewRefunds(c client.Client) (*Refunds, error) {
	if c == nil {
		return nil, errors.New("temporal.NewRefunds: nil client")
	}
	return &Refunds{c: c}, nil
}

// Nudge tells refund/<id> that its refund changed, starting it if it does not run: a refund
// whose first start was lost is started by its next change. A signal-with-start after the
// workflow ended starts a new run, whose first look finds the refund final and ends; a final
// refund is therefore only signalled (a cancel must reach the running workflow), never started.
func (f *Refunds) Nudge(ctx context.Context, r refund.Refund) error {
	id := workflows.RefundWorkflowID(r.ID)
	sig := workflows.RefundChanged{Status: string(r.Status)}
	var err error
	if r.Final() {
		err = f.c.SignalWorkflow(ctx, id, "", workflows.SignalRefundChanged, sig)
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) { // it ended, or never ran: nothing is left to follow
			return nil
		}
	} else {
		_, err = f.c.SignalWithStartWorkflow(ctx, id, workflows.SignalRefundChanged, sig, client.StartWorkflowOptions{
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			TypedSearchAttributes:    temporal.NewSearchAttributes(workflows.AttrMerchantID.ValueSet(r.MerchantID)),
		}, workflows.RefundWorkflow, workflows.RefundInput{RefundID: r.ID, MerchantID: r.MerchantID})
	}
	if err != nil {
		return fmt.Errorf("nudge refund %s: %w", r.ID, err)
	}
	return nil
}

// Resolve sends the resolve Update to the session's workflow and waits for what it applied.
// A workflow that no longer runs (its monitoring window is over) is ok=false, so the caller
// applies the resolution itself; it is never started again for this.
func (f *Refunds) Resolve(ctx context.Context, s *checkout.Session, p refund.ResolveParams) (refund.Resolved, bool, error) {
	var res refund.Resolved
	h, err := f.c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:     updateID(ctx, s.ID, workflows.UpdateResolve),
		WorkflowID:   workflows.SessionWorkflowID(s.ID),
		UpdateName:   workflows.UpdateResolve,
		Args:         []any{p},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &res)
	}
	if refused, ok := workflows.RefusalOf(err); ok {
		return refund.Resolved{}, false, refused
	}
	var notFound *serviceerror.NotFound
	var appErr *temporal.ApplicationError
	switch {
	case err == nil:
		return res, true, nil
	case errors.As(err, &notFound): // closed (or never started): the caller applies it
		return refund.Resolved{}, false, nil
	case errors.As(err, &appErr) && appErr.Type() == workflows.ErrNotResolvable:
		return refund.Resolved{}, false, apperr.Conflict("session_not_resolvable",
			"The Checkout Session %s is still open: it can be resolved once it is complete or expired.", s.ID)
	default:
		return refund.Resolved{}, false, apperr.Unavailable("Could not reach the session's workflow; retry the request.",
			fmt.Errorf("resolve update for %s: %w", s.ID, err))
	}
}
