package workflows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// GasWalletInput starts (or continues) the single sender of a chain's gas wallet.
type GasWalletInput struct {
	ChainID   int64
	NextNonce uint64 // carried across continue-as-new
	HasNonce  bool
	Pending   []PendingTx // sent, not yet confirmed
	// StuckBlocks is how many blocks a transaction may wait unmined before it is replaced
	// with higher fees (0: 20); Poll is how often pending transactions are looked at (0: 5 s).
	StuckBlocks uint64
	Poll        time.Duration
}

// PendingTx is a transaction of the gas wallet that is not yet confirmed.
type PendingTx struct {
	Key      string
	Nonce    uint64
	Attempt  int
	Hash     string
	SentHead uint64 // the chain's head when this attempt was sent
	To       string
	Data     []byte
}

// GasSent is a sent attempt and the head it was sent at.
type GasSent struct {
	Tx   settlement.SentTx
	Head uint64
}

// TxWatch is what the chain says of a pending transaction.
type TxWatch struct {
	Key       string
	Mined     bool
	Confirmed bool // mined deep enough: it no longer needs watching
	Head      uint64
}

// gasWalletSends bounds one run's history: then the wallet continues as new.
const gasWalletSends = 500

// GasWallet is the only sender of a chain's gas wallet (workflow ID gas-wallet/<chain>: its
// uniqueness is the lock). It hands out nonces one at a time, sends each request once per key
// (signed transactions are kept before broadcast, so a retry rebroadcasts), and replaces a
// transaction left unmined for StuckBlocks with higher fees under the same nonce.
func GasWallet(ctx workflow.Context, in GasWalletInput) error {
	ctx = workflow.WithActivityOptions(ctx, settleOptions)
	if in.StuckBlocks == 0 {
		in.StuckBlocks = 20
	}
	if in.Poll <= 0 {
		in.Poll = 5 * time.Second
	}
	var a *GasWalletActivities
	lock := workflow.NewMutex(ctx)
	sends := 0
	// The handler is set before anything blocks, so the send that started the workflow
	// (Update-With-Start) is accepted by its first task; it waits for the nonce.
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSendTx,
		func(ctx workflow.Context, req SendTxRequest) (string, error) {
			if err := workflow.Await(ctx, func() bool { return in.HasNonce }); err != nil {
				return "", err
			}
			if err := lock.Lock(ctx); err != nil {
				return "", err
			}
			defer lock.Unlock()
			sends++
			return sendNew(workflow.WithActivityOptions(ctx, settleOptions), &in, req)
		},
		workflow.UpdateHandlerOptions{Validator: func(req SendTxRequest) error {
			if req.Key == "" || req.To == "" || len(req.Data) == 0 || req.ChainID != in.ChainID {
				return fmt.Errorf("a send needs a key, a destination and data, on chain %d", in.ChainID)
			}
			return nil
		}}); err != nil {
		return err
	}
	if !in.HasNonce {
		if err := workflow.ExecuteActivity(ctx, a.PendingNonce, in.ChainID).Get(ctx, &in.NextNonce); err != nil {
			return err
		}
		in.HasNonce = true
	}
	idleAwait := workflow.GetVersion(ctx, changeGasWalletIdleAwait, workflow.DefaultVersion, 1) == 1
	for sends < gasWalletSends && !workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
		if idleAwait && len(in.Pending) == 0 { // idle: no timer, no history, until a send arrives
			if err := workflow.Await(ctx, func() bool { return len(in.Pending) > 0 || sends >= gasWalletSends }); err != nil {
				return err
			}
			continue
		}
		if err := workflow.Sleep(ctx, in.Poll); err != nil {
			return err
		}
		if err := lock.Lock(ctx); err != nil {
			return err
		}
		err := watchPending(ctx, &in)
		lock.Unlock()
		if err != nil {
			return err
		}
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, GasWallet, in)
}

// sendNew sends a request under the next nonce; a key already pending answers its hash.
func sendNew(ctx workflow.Context, in *GasWalletInput, req SendTxRequest) (string, error) {
	for _, p := range in.Pending {
		if p.Key == req.Key {
			return p.Hash, nil
		}
	}
	tx, err := sendAttempt(ctx, in, PendingTx{Key: req.Key, Nonce: in.NextNonce, Attempt: 1, To: req.To, Data: req.Data})
	if err != nil {
		return "", err
	}
	in.Pending = append(in.Pending, tx)
	return tx.Hash, nil
}

// nonceRetries bounds how often one send picks the chain's nonce again after finding its own taken.
const nonceRetries = 3

// sendAttempt sends tx; when its nonce turns out taken by a transaction the wallet did not
// keep, it takes the nonce the chain expects now for a new attempt. A send answered with an
// earlier nonce (it was sent before) uses none.
func sendAttempt(ctx workflow.Context, in *GasWalletInput, tx PendingTx) (PendingTx, error) {
	var a *GasWalletActivities
	for try := 0; ; try++ {
		var sent GasSent
		err := workflow.ExecuteActivity(ctx, a.SendGasTx, in.ChainID, tx).Get(ctx, &sent)
		if isAppError(err, ErrNonceTaken) && try < nonceRetries {
			if err := workflow.ExecuteActivity(ctx, a.PendingNonce, in.ChainID).Get(ctx, &tx.Nonce); err != nil {
				return tx, err
			}
			tx.Attempt++
			continue
		}
		if err != nil {
			return tx, err
		}
		if sent.Tx.Nonce >= in.NextNonce {
			in.NextNonce = sent.Tx.Nonce + 1
		}
		tx.Nonce, tx.Attempt, tx.Hash, tx.SentHead = sent.Tx.Nonce, sent.Tx.Attempt, sent.Tx.Hash, sent.Head
		return tx, nil
	}
}

// watchPending drops confirmed transactions and replaces the ones stuck unmined.
func watchPending(ctx workflow.Context, in *GasWalletInput) error {
	if len(in.Pending) == 0 {
		return nil
	}
	var a *GasWalletActivities
	var watches []TxWatch
	if err := workflow.ExecuteActivity(ctx, a.WatchGasTxs, in.ChainID, in.Pending).Get(ctx, &watches); err != nil {
		return err
	}
	var still []PendingTx
	for i, p := range in.Pending {
		w := watches[i]
		if w.Confirmed {
			continue
		}
		if !w.Mined && w.Head >= p.SentHead+in.StuckBlocks {
			next := p
			next.Attempt++
			sent, err := sendAttempt(ctx, in, next)
			if isAppError(err, ErrFeeCapReached) {
				workflow.GetLogger(ctx).Warn("a stuck transaction cannot be replaced under the fee cap: it stays in flight",
					"key", p.Key, "nonce", p.Nonce, "attempt", p.Attempt)
				p.SentHead = w.Head // look again after another StuckBlocks
				still = append(still, p)
				continue
			}
			if err != nil {
				return err
			}
			workflow.GetLogger(ctx).Warn("replaced a stuck transaction", "key", p.Key, "nonce", sent.Nonce,
				"attempt", sent.Attempt, "hash", sent.Hash)
			p = sent
		}
		still = append(still, p)
	}
	in.Pending = still
	return nil
}

// GasWalletActivities send and watch the gas wallets' transactions.
type GasWalletActivities struct {
	wallet settlement.GasWallet
	sweeps settlement.SweepChain
	chains chain.Config
}

// NewGasWalletActivities wires the gas wallet activities.
func NewGasWalletActivities(wallet settlement.GasWallet, sweeps settlement.SweepChain, chains chain.Config) (*GasWalletActivities, error) {
	if wallet == nil || sweeps == nil {
		return nil, errors.New("workflows.NewGasWalletActivities: nil dependency")
	}
	return &GasWalletActivities{wallet: wallet, sweeps: sweeps, chains: chains}, nil
}

// PendingNonce is the nonce the chain expects next from the gas wallet.
func (a *GasWalletActivities) PendingNonce(ctx context.Context, chainID int64) (uint64, error) {
	n, err := a.wallet.PendingNonce(ctx, chainID)
	return n, wrap("gas wallet nonce", err)
}

// SendGasTx signs (once per key and attempt) and broadcasts a transaction of the gas wallet.
// A failure, such as a balance too low for the gas, is logged and retried: sweeps wait.
func (a *GasWalletActivities) SendGasTx(ctx context.Context, chainID int64, tx PendingTx) (GasSent, error) {
	to, err := settlement.ParseAddress(tx.To)
	if err != nil {
		return GasSent{}, temporal.NewNonRetryableApplicationError("bad destination", "BadRequest", err)
	}
	head, err := a.sweeps.Head(ctx, chainID)
	if err != nil {
		return GasSent{}, wrap("chain head", err)
	}
	sent, err := a.wallet.Send(ctx, settlement.TxRequest{ChainID: chainID, Key: tx.Key, Attempt: tx.Attempt, Nonce: tx.Nonce,
		To: to, Data: tx.Data})
	switch {
	case errors.Is(err, settlement.ErrWouldRevert): // retrying would not change the estimate: the sender decides
		return GasSent{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrWouldRevert, err)
	case errors.Is(err, settlement.ErrFeeCapReached): // the attempt before stays in flight
		return GasSent{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrFeeCapReached, err)
	case errors.Is(err, settlement.ErrNonceTaken): // the workflow picks the chain's nonce again
		activity.GetLogger(ctx).Error("the gas wallet's nonce was used by another transaction: is its key used elsewhere?",
			"chain", chainID, "key", tx.Key, "nonce", tx.Nonce, "err", err)
		return GasSent{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrNonceTaken, err)
	case err != nil:
		bal, balErr := a.wallet.Balance(ctx, chainID)
		activity.GetLogger(ctx).Error("the gas wallet could not send: sweeps wait until it can", "chain", chainID,
			"key", tx.Key, "balance", fmt.Sprint(bal), "balance_err", balErr, "err", err)
		return GasSent{}, wrap("send "+tx.Key, err)
	}
	return GasSent{Tx: sent, Head: head}, nil
}

// WatchGasTxs tells, for each pending transaction (any of its attempts), whether it is mined
// and whether it is confirmed.
func (a *GasWalletActivities) WatchGasTxs(ctx context.Context, chainID int64, pending []PendingTx) ([]TxWatch, error) {
	ch, ok := a.chains.Chain(chainID)
	if !ok {
		return nil, fmt.Errorf("chain %d is not configured on this worker", chainID)
	}
	head, err := a.sweeps.Head(ctx, chainID)
	if err != nil {
		return nil, wrap("chain head", err)
	}
	out := make([]TxWatch, len(pending))
	for i, p := range pending {
		sent, err := a.wallet.Sent(ctx, chainID, p.Key)
		if err != nil {
			return nil, wrap("kept transactions of "+p.Key, err)
		}
		mined, found, err := a.sweeps.Mined(ctx, chainID, settlement.Hashes(sent)) // sweeps and collections alike
		if err != nil {
			return nil, wrap("receipt of "+p.Key, err)
		}
		out[i] = TxWatch{Key: p.Key, Mined: found, Head: head,
			Confirmed: found && chain.Depth(head, mined.BlockNumber) >= uint64(ch.Confirmations)}
	}
	return out, nil
}

func isAppError(err error, kind string) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.Type() == kind
}
