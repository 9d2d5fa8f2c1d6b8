package wiring_test

import (
	"context"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/chaincheckout/checkout/adapters/ethereum/contracts"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/workflows"
)

func TestETHAndTokenToTheSameAddress(t *testing.T) {
	key, _ := newMerchant(t, "Mixed Store")
	sel := openSession(t, key, "tusd@sim")
	id, addr := sel.str("id"), addressOf(sel)
	it.chain.payETH(t, addr, big.NewInt(1e15)) // recorded, but ETH was not quoted: it does not count
	it.chain.payToken(t, addr, dueOf(t, sel))
	it.chain.mine(3)
	r := waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	assets := map[string]string{}
	for _, p := range paymentsOf(r) {
		assets[p["asset"].(string)] = p["amount"].(string)
	}
	if assets["eth@sim"] != "1000000000000000" || assets["tusd@sim"] != "39980000" || cryptoOf(r)["amount_received"] != "39980000" {
		t.Fatalf("payments %v in %s", assets, r.raw)
	}
	// With nothing but ETH, a session priced in ETH completes on the native transfer.
	eth := openSession(t, key, "eth@sim")
	it.chain.payETH(t, addressOf(eth), dueOf(t, eth))
	it.chain.mine(3)
	r = waitFor(t, key, eth.str("id"), "ETH complete", func(r response) bool { return r.str("status") == "complete" })
	if p := paymentsOf(r); len(p) != 1 || p[0]["log_index"] != float64(-1) {
		t.Fatalf("native payment: %s", r.raw)
	}
}

func TestTwoSessionsPaidInOneBlock(t *testing.T) {
	key, _ := newMerchant(t, "Busy Store")
	a, b := openSession(t, key, "tusd@sim"), openSession(t, key, "tusd@sim")
	it.chain.payToken(t, addressOf(a), dueOf(t, a))
	it.chain.payToken(t, addressOf(b), dueOf(t, b))
	it.chain.mine(3)
	for _, s := range []response{a, b} {
		r := waitFor(t, key, s.str("id"), "complete", func(r response) bool { return r.str("status") == "complete" })
		if p := paymentsOf(r); len(p) != 1 {
			t.Fatalf("%s has %d payments", s.str("id"), len(p))
		}
	}
}

func TestZeroValueAndUnconfiguredTokensAreIgnored(t *testing.T) {
	key, _ := newMerchant(t, "Ignoring Store")
	sel := openSession(t, key, "tusd@sim")
	id, addr := sel.str("id"), addressOf(sel)
	// A token nobody configured, paid in full: not a payment.
	auth, _ := it.chain.auth()
	it.chain.mu.Lock()
	_, _, other, err := contracts.DeployTestToken(auth, it.chain.client, "Other", "OTH", 6, big.NewInt(1e12))
	it.chain.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	it.chain.mine(1)
	auth, _ = it.chain.auth()
	it.chain.mu.Lock()
	tx, err := other.Transfer(auth, common.HexToAddress(addr), dueOf(t, sel))
	if err == nil {
		it.chain.awaitPooled(t, tx)
	}
	it.chain.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	it.chain.payToken(t, addr, big.NewInt(0)) // a zero-value transfer of the right token
	it.chain.mine(4)
	waitScanned(t)
	r := get(t, "/v1/checkout/sessions/"+id, key)
	if len(paymentsOf(r)) != 0 || cryptoState(r) != "awaiting_payment" {
		t.Fatalf("ignored transfers were recorded: %s", r.raw)
	}
}

// waitScanned waits until the scanner has read up to the chain's current head.
func waitScanned(t *testing.T) {
	t.Helper()
	head, err := it.chain.client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "scanner at head", func() (bool, error) {
		h, err := it.app.API.Sessions.ScannedHeights(context.Background())
		return h[simChainID] >= head, err
	})
}

func TestSameTransferSeenTwiceCountsOnce(t *testing.T) {
	key, _ := newMerchant(t, "Rescan Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), big.NewInt(1_000_000))
	it.chain.mine(3)
	waitFor(t, key, id, "underpaid", func(r response) bool { return cryptoState(r) == "underpaid" })
	// Rewind the scanner by 5 blocks: it reads the same transfer again.
	rewindScanner(t, 5)
	it.chain.mine(1)
	waitScanned(t)
	r := get(t, "/v1/checkout/sessions/"+id, key)
	if len(paymentsOf(r)) != 1 || cryptoOf(r)["amount_received"] != "1000000" {
		t.Fatalf("after a rescan: %s", r.raw)
	}
}

func TestReorgBelowConfirmationDepthDoesNotComplete(t *testing.T) {
	key, _ := newMerchant(t, "Shallow Reorg Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(1)
	waitFor(t, key, id, "detected", func(r response) bool { return cryptoState(r) == "confirming" })
	it.chain.reorg(t, 1, 3) // the payment's block is replaced by a longer branch without it
	r := waitFor(t, key, id, "back to awaiting payment", func(r response) bool {
		p := paymentsOf(r)
		return len(p) == 1 && p[0]["status"] == "reverted" && cryptoState(r) == "awaiting_payment"
	})
	if r.str("status") != "open" || cryptoState(r) != "awaiting_payment" || cryptoOf(r)["amount_received"] != "0" {
		t.Fatalf("after a shallow reorg: %s", r.raw)
	}
	it.chain.mine(3)
	waitScanned(t)
	if r := get(t, "/v1/checkout/sessions/"+id, key); r.str("status") != "open" {
		t.Fatalf("completed on a dropped payment: %s", r.raw)
	}
}

func TestReorgAfterCompletionRevertsThePayment(t *testing.T) {
	key, _ := newMerchant(t, "Deep Reorg Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	it.chain.reorg(t, 3, 5) // deeper than the confirmations: the counted payment is gone
	r := waitFor(t, key, id, "reverted", func(r response) bool { return cryptoState(r) == "reverted" })
	if p := paymentsOf(r); len(p) != 1 || p[0]["status"] != "reverted" || cryptoOf(r)["amount_received"] != "0" {
		t.Fatalf("after a deep reorg: %s", r.raw)
	}
	if r.str("status") != "complete" {
		t.Fatalf("a completed session cannot be un-completed; got %s", r.str("status"))
	}
}

func TestPaymentAfterExpiryIsPaidLate(t *testing.T) {
	key, _ := newMerchant(t, "Late Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	if r := expire(t, key, id); r.status != 200 {
		t.Fatalf("expire: %s", r.raw)
	}
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	r := waitFor(t, key, id, "paid_late", func(r response) bool { return cryptoState(r) == "paid_late" })
	if r.str("status") != "expired" || r.str("payment_status") != "unpaid" || len(paymentsOf(r)) != 1 {
		t.Fatalf("late payment: %s", r.raw)
	}
}

func TestRPCFailuresAreRetriedAndNeverPayments(t *testing.T) {
	for _, mode := range []struct {
		name string
		flag *atomic.Bool
	}{{"errors", &it.chain.flaky.failing}, {"wrong blocks", &it.chain.flaky.lying}} {
		t.Run(mode.name, func(t *testing.T) { rpcTrouble(t, mode.flag) })
	}
}

func rpcTrouble(t *testing.T, trouble *atomic.Bool) {
	key, _ := newMerchant(t, "Flaky RPC Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	trouble.Store(true)
	before := it.chain.flaky.calls.Load()
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	eventually(t, "the scanner to keep trying", func() (bool, error) { return it.chain.flaky.calls.Load() > before+2, nil })
	if r := get(t, "/v1/checkout/sessions/"+id, key); len(paymentsOf(r)) != 0 || r.str("status") != "open" {
		t.Fatalf("a payment appeared while the node failed: %s", r.raw)
	}
	trouble.Store(false)
	// Retries back off up to 30 s; the payment is found once the node answers again.
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := get(t, "/v1/checkout/sessions/"+id, key)
		if r.str("status") == "complete" {
			if len(paymentsOf(r)) != 1 {
				t.Fatalf("after recovery: %s", r.raw)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not complete after the node recovered: %s", r.raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The worker dies while a payment waits for confirmations; another starts later. The session
// completes, exactly once.
func TestWorkerKilledWhileConfirmingCompletesOnce(t *testing.T) {
	key, _ := newMerchant(t, "Crash Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(1)
	waitFor(t, key, id, "detected", func(r response) bool { return cryptoState(r) == "confirming" })

	it.app.StopWorker()
	it.chain.mine(3) // deep enough now, but no worker is there to see it
	// The scan that would read those blocks, and only it could complete the session, is due.
	waitStuck(t, workflows.ScannerWorkflowID(simChainID))
	if r := get(t, "/v1/checkout/sessions/"+id, key); r.str("status") != "open" {
		t.Fatalf("completed with no worker running: %s", r.raw)
	}
	if err := it.app.RestartWorker(); err != nil {
		t.Fatal(err)
	}
	// An activity the stopped worker had in flight (a reconcile of the detected payment) is
	// only tried again after its 30 s start-to-close timeout: the wait must outlast it.
	r := waitForWithin(t, 75*time.Second, key, id, "complete after the restart", func(r response) bool { return r.str("status") == "complete" })
	if cryptoState(r) != "paid" || len(paymentsOf(r)) != 1 || cryptoOf(r)["amount_received"] != "39980000" {
		t.Fatalf("after the restart: %s", r.raw)
	}
	// Exactly once: one transition to complete in the workflow's history. The API shows the row,
	// which commits before the workflow records its own transition: wait for that, then for the
	// workflow to be idle (its state query answers after every recorded task), and count again.
	sessionWF := workflows.SessionWorkflowID(id)
	eventually(t, "the workflow records its completion", func() (bool, error) {
		return completionsIn(t, sessionWF) >= 1, nil
	})
	if _, err := it.temporal.QueryWorkflow(context.Background(), sessionWF, "", workflows.QueryState); err != nil {
		t.Fatal(err)
	}
	if n := completionsIn(t, sessionWF); n != 1 {
		t.Fatalf("%d completions in the history, want 1", n)
	}
}

// completionsIn counts the workflow's search-attribute upserts to status complete.
func completionsIn(t *testing.T, workflowID string) int {
	t.Helper()
	iter := it.temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, 0)
	completions := 0
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetUpsertWorkflowSearchAttributesEventAttributes(); a != nil &&
			keyword(t, a.GetSearchAttributes(), workflows.AttrCheckoutStatus.GetName()) == string(checkout.StatusComplete) {
			completions++
		}
	}
	return completions
}

// ETH forwarded by a contract reaches the address without any transaction "to" it: the scan
// cannot see it, the deadline's balance check does, once.
func TestInternalTransferFoundByTheBalanceCheck(t *testing.T) {
	ctx := context.Background()
	key, _ := newMerchant(t, "Smart Wallet Store")
	sel := openSession(t, key, "eth@sim")
	id, addr, due := sel.str("id"), addressOf(sel), dueOf(t, sel)
	auth, _ := it.chain.auth()
	it.chain.mu.Lock()
	_, _, fwd, err := contracts.DeployInternalPayer(auth, it.chain.client)
	it.chain.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	it.chain.mine(1)
	auth, _ = it.chain.auth()
	auth.Value = due
	it.chain.mu.Lock()
	_, err = fwd.Pay(auth, common.HexToAddress(addr))
	it.chain.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	it.chain.mine(1)
	if bal, _ := it.chain.client.BalanceAt(ctx, common.HexToAddress(addr), nil); bal.Cmp(due) != 0 {
		t.Fatalf("the forwarder did not pay: balance %s", bal)
	}
	waitScanned(t)
	if r := get(t, "/v1/checkout/sessions/"+id, key); len(paymentsOf(r)) != 0 {
		t.Fatalf("the scan saw an internal transfer?: %s", r.raw)
	}
	found, err := it.app.SessionActs.CheckNativeBalance(ctx, id) // what the workflow runs at the deadline
	if err != nil || !found {
		t.Fatalf("balance check: %v %v", found, err)
	}
	if again, err := it.app.SessionActs.CheckNativeBalance(ctx, id); err != nil || again {
		t.Fatalf("a second check recorded the same funds again: %v %v", again, err)
	}
	it.chain.mine(3)
	// The scanner confirms it like any payment and tells the session.
	r := waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
	p := paymentsOf(r)
	if len(p) != 1 || p[0]["log_index"] != float64(-2) || p[0]["amount"] != due.String() {
		t.Fatalf("balance payment: %s", r.raw)
	}
}

// A reorg onto a shorter branch leaves the node's head below the scanner's cursor (as does a
// node that was rolled back or reset): the scanner finds the fork below the head and goes on.
func TestReorgOntoAShorterBranch(t *testing.T) {
	key, _ := newMerchant(t, "Short Branch Store")
	sel := openSession(t, key, "tusd@sim")
	id := sel.str("id")
	it.chain.mine(8) // history enough to fork below, when this test runs alone
	it.chain.payToken(t, addressOf(sel), big.NewInt(1_000_000))
	it.chain.mine(4)
	waitFor(t, key, id, "underpaid", func(r response) bool { return cryptoState(r) == "underpaid" })
	it.chain.reorg(t, 6, 1) // six blocks replaced by one: the head is now five below the cursor
	r := waitFor(t, key, id, "the payment reverted", func(r response) bool {
		p := paymentsOf(r)
		return len(p) == 1 && p[0]["status"] == "reverted" && cryptoState(r) == "reverted"
	})
	if cryptoOf(r)["amount_received"] != "0" {
		t.Fatalf("after the shorter branch: %s", r.raw)
	}
	// The scanner goes on: a new payment on the new branch completes the session.
	it.chain.payToken(t, addressOf(sel), dueOf(t, sel))
	it.chain.mine(3)
	waitFor(t, key, id, "complete", func(r response) bool { return r.str("status") == "complete" })
}
