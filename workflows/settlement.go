package workflows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/settlement"
)

// SettlementInput starts (or continues) the settlement of one merchant's funds on one chain.
type SettlementInput struct {
	Key settlement.SweepKey
	// Poll is how often a sent sweep is looked for on chain (0: 5 s).
	Poll time.Duration
}

// failedSweepPause is the wait before deposits whose sweep would revert are tried again.
const failedSweepPause = 30 * time.Minute

// settlementRounds bounds one run's history: then the settlement continues as new.
const settlementRounds = 200

var settleOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{ // Postgres, RPC or Temporal outages are waited out: sweeps wait, never fail
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute,
	},
}

// Settlement sweeps one merchant's confirmed forwarder deposits on one chain (workflow ID
// settlement/<merchant>/<chain>: one sweep at a time for the same forwarders). Each round
// records new deposits, waits until they are due (value or age), opens a payout, has the
// chain's gas wallet send the sweep, and waits until it is confirmed: a sweep a reorg took
// away is found again (or replaced) by the gas wallet and settled once. The workflow ends
// when nothing waits; the next deposit starts it again.
func Settlement(ctx workflow.Context, in SettlementInput) error {
	ctx = workflow.WithActivityOptions(ctx, settleOptions)
	if in.Poll <= 0 {
		in.Poll = 5 * time.Second
	}
	nudges := workflow.GetSignalChannel(ctx, SignalDeposits)
	var a *SettlementActivities
	for round := 0; round < settlementRounds && !workflow.GetInfo(ctx).GetContinueAsNewSuggested(); round++ {
		for nudges.ReceiveAsync(nil) { // every nudge so far is answered by this round's look
		}
		var w settlement.Waiting
		if err := workflow.ExecuteActivity(ctx, a.CollectDeposits, in.Key).Get(ctx, &w); err != nil {
			return err
		}
		if w.Deposits == 0 {
			if nudges.ReceiveAsync(nil) {
				continue
			}
			return nil
		}
		if !w.Due {
			waitForDue(ctx, nudges, w.Wake)
			continue
		}
		if err := sweepOnce(ctx, in, PayoutID(workflow.GetInfo(ctx).WorkflowExecution.RunID, round)); err != nil {
			return err
		}
	}
	return workflow.NewContinueAsNewError(ctx, Settlement, in)
}

// waitForDue sleeps until the deposits' age makes them due, or a new deposit arrives.
func waitForDue(ctx workflow.Context, nudges workflow.ReceiveChannel, wake time.Time) {
	wait := wake.Sub(workflow.Now(ctx))
	if wait < time.Second {
		wait = time.Second
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(workflow.NewTimer(timerCtx, wait), func(workflow.Future) {})
	sel.AddReceive(nudges, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
	sel.Select(ctx)
}

// sweepOnce opens the next payout, has it sent, and waits until it is settled.
func sweepOnce(ctx workflow.Context, in SettlementInput, payoutID string) error {
	var a *SettlementActivities
	var b settlement.Batch
	if err := workflow.ExecuteActivity(ctx, a.OpenPayout, in.Key, payoutID).Get(ctx, &b); err != nil {
		return err
	}
	if b.PayoutID == "" {
		return nil
	}
	workflow.GetLogger(ctx).Info("sweeping", "payout", b.PayoutID, "forwarders", b.Forwarders, "deposits", b.Deposits)
	var hash string
	req := SendTxRequest{ChainID: in.Key.ChainID, Key: b.PayoutID, To: b.Factory.String(), Data: b.Data}
	err := workflow.ExecuteActivity(ctx, a.RequestSweep, req).Get(ctx, &hash)
	if isAppError(err, ErrWouldRevert) { // e.g. a token that refuses transfers: fail the payout, try again later
		workflow.GetLogger(ctx).Error("the sweep would revert: its payout fails and its deposits wait", "payout", b.PayoutID, "err", err)
		if err := workflow.ExecuteActivity(ctx, a.FailPayout, b.PayoutID, "sweep_would_revert").Get(ctx, nil); err != nil {
			return err
		}
		return workflow.Sleep(ctx, failedSweepPause)
	}
	if err != nil {
		return err
	}
	if err := workflow.ExecuteActivity(ctx, a.MarkSent, b.PayoutID, hash).Get(ctx, nil); err != nil {
		return err
	}
	for {
		var p settlement.Progress
		if err := workflow.ExecuteActivity(ctx, a.CheckPayout, in.Key.ChainID, b.PayoutID).Get(ctx, &p); err != nil {
			return err
		}
		if p.Status == settlement.PayoutPaid || p.Status == settlement.PayoutFailed {
			workflow.GetLogger(ctx).Info("payout settled", "payout", b.PayoutID, "status", p.Status, "tx", p.TxHash)
			return nil
		}
		if err := workflow.Sleep(ctx, in.Poll); err != nil {
			return err
		}
	}
}

// SendTxRequest asks a chain's gas wallet to send a transaction for a business key (a payout).
type SendTxRequest struct {
	ChainID int64
	Key     string
	To      string
	Data    []byte
}

// GasWalletClient reaches a chain's gas-wallet workflow, starting it if needed, and waits
// for the hash of the transaction it sent for the request's key.
type GasWalletClient interface {
	SendTx(ctx context.Context, req SendTxRequest) (string, error)
}

// SettlementActivities are the settlement workflow's activities.
type SettlementActivities struct {
	sweeper *settlement.Sweeper
	wallets GasWalletClient
}

// NewSettlementActivities wires the settlement activities.
func NewSettlementActivities(sweeper *settlement.Sweeper, wallets GasWalletClient) (*SettlementActivities, error) {
	if sweeper == nil || wallets == nil {
		return nil, errors.New("workflows.NewSettlementActivities: nil dependency")
	}
	return &SettlementActivities{sweeper: sweeper, wallets: wallets}, nil
}

// CollectDeposits records new deposits and tells what waits.
func (a *SettlementActivities) CollectDeposits(ctx context.Context, k settlement.SweepKey) (settlement.Waiting, error) {
	w, err := a.sweeper.Collect(ctx, k)
	return w, wrap("collect deposits", err)
}

// OpenPayout opens the next batch's payout under the ID the workflow chose (a retry opens
// the same one); a zero Batch when nothing waits.
func (a *SettlementActivities) OpenPayout(ctx context.Context, k settlement.SweepKey, payoutID string) (settlement.Batch, error) {
	b, _, err := a.sweeper.Open(ctx, k, payoutID)
	return b, wrap("open payout", err)
}

// RequestSweep has the gas wallet send the payout's sweep (once per payout, however often asked).
func (a *SettlementActivities) RequestSweep(ctx context.Context, req SendTxRequest) (string, error) {
	hash, err := a.wallets.SendTx(ctx, req)
	if isAppError(err, ErrWouldRevert) {
		return "", temporal.NewNonRetryableApplicationError(err.Error(), ErrWouldRevert, err)
	}
	return hash, wrap("request sweep of "+req.Key, err)
}

// FailPayout fails a payout whose sweep cannot be sent; its deposits wait for a later one.
func (a *SettlementActivities) FailPayout(ctx context.Context, payoutID, code string) error {
	return wrap("fail payout "+payoutID, a.sweeper.Fail(ctx, payoutID, code))
}

// MarkSent records the payout's sweep transaction.
func (a *SettlementActivities) MarkSent(ctx context.Context, payoutID, hash string) error {
	return wrap("mark payout sent", a.sweeper.Sent(ctx, payoutID, hash))
}

// CheckPayout settles the payout once its sweep is confirmed.
func (a *SettlementActivities) CheckPayout(ctx context.Context, chainID int64, payoutID string) (settlement.Progress, error) {
	p, err := a.sweeper.Check(ctx, chainID, payoutID)
	if err != nil {
		activity.GetLogger(ctx).Warn("could not check the payout's sweep", "payout", payoutID, "err", err)
	}
	return p, wrap("check payout "+payoutID, err)
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
