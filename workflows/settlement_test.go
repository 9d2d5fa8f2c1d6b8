package workflows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/settlement"
)

func newSettlementEnv() *testsuite.TestWorkflowEnvironment {
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	env := ts.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(Settlement, workflow.RegisterOptions{Name: SettlementWorkflow})
	env.RegisterWorkflowWithOptions(GasWallet, workflow.RegisterOptions{Name: GasWalletWorkflow})
	var a *SettlementActivities
	var g *GasWalletActivities
	env.RegisterActivity(a)
	env.RegisterActivity(g)
	return env
}

// A settlement waits for its deposits to come of age, sweeps them in one payout, asks again
// for a sweep whose answer was lost (the same key), waits for the confirmations, and ends
// once nothing waits.
func TestSettlementSweepsDueDepositsOnce(t *testing.T) {
	env := newSettlementEnv()
	var a *SettlementActivities
	key := settlement.SweepKey{MerchantID: "acct_1", ChainID: 1337}
	start := env.Now()
	collects := 0
	env.OnActivity(a.CollectDeposits, mock.Anything, key).Return(func(context.Context, settlement.SweepKey) (settlement.Waiting, error) {
		collects++
		switch collects {
		case 1: // three deposits, not worth a sweep until an hour after the first
			return settlement.Waiting{Deposits: 3, Wake: start.Add(time.Hour)}, nil
		case 2:
			return settlement.Waiting{Deposits: 3, Due: true}, nil
		}
		return settlement.Waiting{}, nil
	})
	var openedAt time.Time
	env.OnActivity(a.OpenPayout, mock.Anything, key, mock.Anything).Return(func(ctx context.Context, _ settlement.SweepKey, id string) (settlement.Batch, error) {
		openedAt = env.Now()
		if id != PayoutID(activity.GetInfo(ctx).WorkflowExecution.RunID, 1) {
			t.Errorf("payout ID %s is not the run's second round's", id)
		}
		return settlement.Batch{PayoutID: "po_1", Data: []byte{1}, Forwarders: 3, Deposits: 3}, nil
	}).Once()
	requests := 0
	env.OnActivity(a.RequestSweep, mock.Anything, mock.Anything).Return(func(_ context.Context, req SendTxRequest) (string, error) {
		requests++
		if req.Key != "po_1" || req.ChainID != 1337 {
			t.Errorf("sweep requested as %+v", req)
		}
		if requests == 1 {
			return "", errors.New("the update's answer was lost") // retried under the same key
		}
		return "0xsweep", nil
	})
	env.OnActivity(a.MarkSent, mock.Anything, "po_1", "0xsweep").Return(nil).Once()
	checks := 0
	env.OnActivity(a.CheckPayout, mock.Anything, int64(1337), "po_1").Return(func(context.Context, int64, string) (settlement.Progress, error) {
		checks++
		if checks < 3 {
			return settlement.Progress{Status: settlement.PayoutInTransit, TxHash: "0xsweep", Confirmations: uint64(checks)}, nil
		}
		return settlement.Progress{Status: settlement.PayoutPaid, TxHash: "0xsweep", Confirmations: 3}, nil
	})
	env.ExecuteWorkflow(Settlement, SettlementInput{Key: key})

	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("settlement ended with %v", err)
	}
	if openedAt.Sub(start) < time.Hour {
		t.Errorf("the payout opened %v after the first look, before the deposits were due", openedAt.Sub(start))
	}
	if requests != 2 || checks != 3 || collects != 3 {
		t.Errorf("requests %d (want 2), checks %d (want 3), collects %d (want 3)", requests, checks, collects)
	}
	env.AssertExpectations(t)
}

// A new deposit wakes a settlement that waits for its deposits' age, and a settlement with
// nothing waiting ends at once.
func TestSettlementWakesOnANudge(t *testing.T) {
	env := newSettlementEnv()
	var a *SettlementActivities
	key := settlement.SweepKey{MerchantID: "acct_1", ChainID: 1337}
	start := env.Now()
	collects := 0
	env.OnActivity(a.CollectDeposits, mock.Anything, key).Return(func(context.Context, settlement.SweepKey) (settlement.Waiting, error) {
		collects++
		if collects == 1 {
			return settlement.Waiting{Deposits: 1, Wake: env.Now().Add(24 * time.Hour)}, nil
		}
		return settlement.Waiting{}, nil
	})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDeposits, nil) }, time.Minute)
	env.ExecuteWorkflow(Settlement, SettlementInput{Key: key})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("settlement ended with %v", err)
	}
	if collects != 2 {
		t.Errorf("%d looks, want 2 (the nudge woke it)", collects)
	}
	if waited := env.Now().Sub(start); waited >= time.Hour {
		t.Errorf("it waited %v: the nudge did not wake it", waited)
	}
}

// The gas wallet hands out nonces in order, answers a repeated key with its first hash,
// replaces a transaction stuck unmined under the same nonce, and forgets confirmed ones.
func TestGasWalletNoncesRepeatsAndReplacements(t *testing.T) {
	env := newSettlementEnv()
	var g *GasWalletActivities
	env.OnActivity(g.PendingNonce, mock.Anything, int64(1337)).Return(uint64(7), nil).Once()
	var sends []PendingTx
	head := uint64(100)
	env.OnActivity(g.SendGasTx, mock.Anything, int64(1337), mock.Anything).Return(func(_ context.Context, _ int64, tx PendingTx) (GasSent, error) {
		sends = append(sends, tx)
		return GasSent{Tx: settlement.SentTx{Key: tx.Key, Attempt: tx.Attempt, Nonce: tx.Nonce,
			Hash: tx.Key + "-" + string(rune('0'+tx.Attempt))}, Head: head}, nil
	})
	watches := 0
	env.OnActivity(g.WatchGasTxs, mock.Anything, int64(1337), mock.Anything).Return(func(_ context.Context, _ int64, pending []PendingTx) ([]TxWatch, error) {
		watches++
		head += 10
		out := make([]TxWatch, len(pending))
		for i, p := range pending {
			// po_a is mined and confirmed at once; po_b stays unmined until its second attempt.
			mined := p.Key == "po_a" || p.Attempt == 2
			out[i] = TxWatch{Key: p.Key, Mined: mined, Confirmed: mined, Head: head}
		}
		return out, nil
	})
	hashes := map[string]string{}
	send := func(id, key string) {
		env.UpdateWorkflow(UpdateSendTx, id, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("send %s rejected: %v", key, err) },
			OnComplete: func(v any, err error) {
				if err != nil {
					t.Errorf("send %s: %v", key, err)
				}
				hashes[id] = v.(string)
			},
		}, SendTxRequest{ChainID: 1337, Key: key, To: "0x000000000000000000000000000000000000f00d", Data: []byte{1}})
	}
	env.RegisterDelayedCallback(func() { send("u1", "po_a"); send("u2", "po_b"); send("u3", "po_b") }, time.Second)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, 2*time.Minute)
	env.ExecuteWorkflow(GasWallet, GasWalletInput{ChainID: 1337, Poll: 5 * time.Second})

	if len(sends) != 3 {
		t.Fatalf("%d sends, want 3 (po_a, po_b, po_b's replacement): %+v", len(sends), sends)
	}
	if sends[0].Nonce != 7 || sends[1].Nonce != 8 || sends[2].Nonce != 8 || sends[2].Attempt != 2 {
		t.Errorf("nonces/attempts %+v, want 7/1, 8/1, 8/2", sends)
	}
	if hashes["u2"] != hashes["u3"] {
		t.Errorf("a repeated key got another hash: %q and %q", hashes["u2"], hashes["u3"])
	}
	if watches == 0 {
		t.Error("the pending transactions were never watched")
	}
}

// A sweep the node shows reverting fails its payout (its deposits are released) and the
// settlement waits before it tries them again, instead of retrying the send forever.
func TestSettlementFailsAPayoutWhoseSweepWouldRevert(t *testing.T) {
	env := newSettlementEnv()
	var a *SettlementActivities
	key := settlement.SweepKey{MerchantID: "acct_1", ChainID: 1337}
	start := env.Now()
	collects := 0
	env.OnActivity(a.CollectDeposits, mock.Anything, key).Return(func(context.Context, settlement.SweepKey) (settlement.Waiting, error) {
		if collects++; collects == 1 {
			return settlement.Waiting{Deposits: 1, Due: true}, nil
		}
		return settlement.Waiting{}, nil
	})
	env.OnActivity(a.OpenPayout, mock.Anything, key, mock.Anything).Return(
		settlement.Batch{PayoutID: "po_x", Data: []byte{1}, Forwarders: 1, Deposits: 1}, nil).Once()
	env.OnActivity(a.RequestSweep, mock.Anything, mock.Anything).Return("",
		temporal.NewNonRetryableApplicationError("estimate reverted", ErrWouldRevert, nil)).Once()
	env.OnActivity(a.FailPayout, mock.Anything, "po_x", "sweep_would_revert").Return(nil).Once()
	env.ExecuteWorkflow(Settlement, SettlementInput{Key: key})
	if err := env.GetWorkflowError(); err != nil {
		t.Fatalf("settlement ended with %v", err)
	}
	if waited := env.Now().Sub(start); waited < failedSweepPause {
		t.Errorf("it looked again after %v, before the pause of %v", waited, failedSweepPause)
	}
	env.AssertExpectations(t)
}

// A send whose nonce another transaction took (the key was used elsewhere) is sent again as a
// new attempt at the nonce the chain expects now, and later sends follow from there.
func TestGasWalletTakesTheChainsNonceWhenItsOwnIsTaken(t *testing.T) {
	env := newSettlementEnv()
	var g *GasWalletActivities
	nonces := []uint64{3, 12}
	env.OnActivity(g.PendingNonce, mock.Anything, int64(1337)).Return(func(context.Context, int64) (uint64, error) {
		n := nonces[0]
		nonces = nonces[1:]
		return n, nil
	})
	var sends []PendingTx
	env.OnActivity(g.SendGasTx, mock.Anything, int64(1337), mock.Anything).Return(func(_ context.Context, _ int64, tx PendingTx) (GasSent, error) {
		sends = append(sends, tx)
		if len(sends) == 1 {
			return GasSent{}, temporal.NewNonRetryableApplicationError("nonce 3 taken", ErrNonceTaken, nil)
		}
		return GasSent{Tx: settlement.SentTx{Key: tx.Key, Attempt: tx.Attempt, Nonce: tx.Nonce, Hash: fmt.Sprint(tx.Key, tx.Nonce)}}, nil
	})
	env.OnActivity(g.WatchGasTxs, mock.Anything, int64(1337), mock.Anything).Return(func(_ context.Context, _ int64, p []PendingTx) ([]TxWatch, error) {
		out := make([]TxWatch, len(p))
		for i := range p {
			out[i] = TxWatch{Key: p[i].Key, Mined: true, Confirmed: true}
		}
		return out, nil
	})
	send := func(key string) {
		env.UpdateWorkflow(UpdateSendTx, key, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { t.Errorf("send %s rejected: %v", key, err) },
			OnComplete: func(_ any, err error) {
				if err != nil {
					t.Errorf("send %s: %v", key, err)
				}
			},
		}, SendTxRequest{ChainID: 1337, Key: key, To: "0x000000000000000000000000000000000000f00d", Data: []byte{1}})
	}
	env.RegisterDelayedCallback(func() { send("po_a") }, time.Second)
	env.RegisterDelayedCallback(func() { send("po_b") }, time.Minute)
	env.RegisterDelayedCallback(func() { env.CancelWorkflow() }, 2*time.Minute)
	env.ExecuteWorkflow(GasWallet, GasWalletInput{ChainID: 1337})

	want := []struct {
		key     string
		nonce   uint64
		attempt int
	}{{"po_a", 3, 1}, {"po_a", 12, 2}, {"po_b", 13, 1}}
	if len(sends) != len(want) {
		t.Fatalf("sends %+v, want %+v", sends, want)
	}
	for i, w := range want {
		if sends[i].Key != w.key || sends[i].Nonce != w.nonce || sends[i].Attempt != w.attempt {
			t.Errorf("send %d: %s nonce %d attempt %d, want %+v", i, sends[i].Key, sends[i].Nonce, sends[i].Attempt, w)
		}
	}
}
