package temporal

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/chaincheckout/checkout/core/settlement"
	"github.com/chaincheckout/checkout/workflows"
)

// Settlements starts and nudges the settlement workflows and reaches the gas wallets'.
type Settlements struct {
	c client.Client
}

// NewSettlements wires the settlement starts to a Temporal client.
func NewSettlements(c client.Client) (*Settlements, error) {
	if c == nil {
		return nil, errors.New("temporal.NewSettlements: nil client")
	}
	return &Settlements{c: c}, nil
}

// Nudge tells the settlement of k that deposits may wait, starting it if it is not running.
func (s *Settlements) Nudge(ctx context.Context, k settlement.SweepKey) error {
	_, err := s.c.SignalWithStartWorkflow(ctx, workflows.SettlementWorkflowID(k.MerchantID, k.ChainID), workflows.SignalDeposits, nil,
		client.StartWorkflowOptions{
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
			TypedSearchAttributes:    temporal.NewSearchAttributes(workflows.AttrMerchantID.ValueSet(k.MerchantID)),
		}, workflows.SettlementWorkflow, workflows.SettlementInput{Key: k})
	if err != nil {
		return fmt.Errorf("nudge settlement of %s on chain %d: %w", k.MerchantID, k.ChainID, err)
	}
	return nil
}

// SendTx asks the chain's gas-wallet workflow (started if needed) to send req and waits for
// its hash. The update's ID is the request's key: a retry after a lost answer is the same update.
func (s *Settlements) SendTx(ctx context.Context, req workflows.SendTxRequest) (string, error) {
	start := s.c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:                       workflows.GasWalletWorkflowID(req.ChainID),
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, workflows.GasWalletWorkflow, workflows.GasWalletInput{ChainID: req.ChainID})
	h, err := s.c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     req.Key,
			WorkflowID:   workflows.GasWalletWorkflowID(req.ChainID),
			UpdateName:   workflows.UpdateSendTx,
			Args:         []any{req},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var hash string
	if err == nil {
		err = h.Get(ctx, &hash)
	}
	if err != nil {
		return "", fmt.Errorf("gas wallet of chain %d, send %s: %w", req.ChainID, req.Key, err)
	}
	return hash, nil
}
