package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/core/settlement"
)

// refundRig runs refund/<id> in the test environment with the real refund.Service behind the
// real RefundActivities: only the store and the chain are in memory, and both read the
// environment's (skipped) time, so a claim link's week or a transfer's confirmations pass at once.
type refundRig struct {
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	svc    *refund.Service
	store  *memRefunds
	chain  *memChain
	caller merchant.Caller
	start  time.Time
	id     string
}

const (
	rigChain     = int64(1337)
	rigDepth     = 3                // confirmations the rig's chain asks for
	rigBlockTime = 12 * time.Second // one block every 12 s on the rig's chain
	shopper      = "0x00000000000000000000000000000000000b0b01"
)

func newRefundRig(t *testing.T, destination string) *refundRig {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	ts.SetLogger(sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	r := &refundRig{t: t, env: ts.NewTestWorkflowEnvironment(), start: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC),
		caller: merchant.Caller{MerchantID: "acct_1"}}
	r.env.SetStartTime(r.start)
	r.store = &memRefunds{refunds: map[string]refund.Refund{}, now: r.env.Now}
	r.chain = &memChain{now: r.env.Now, txs: map[string]memTx{}}
	chains := chain.Config{Chains: []chain.Chain{{Key: "dev", ID: rigChain, Confirmations: rigDepth,
		Tokens: []chain.Token{{Symbol: "TUSD", Contract: "0x00000000000000000000000000000000000070c0", Decimals: 6}}}}}
	var err error
	r.svc, err = refund.NewService(refund.Deps{Store: r.store, Sessions: noSessions{}, Transfers: r.chain, Flows: envFlows{r.env},
		Resolver: noResolver{}, Policies: noPolicies{}, Encoder: plainEncoder{}, Chains: chains, Now: r.env.Now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	r.env.RegisterWorkflowWithOptions(Refund, workflow.RegisterOptions{Name: RefundWorkflow})
	r.env.RegisterActivity(&RefundActivities{Refunds: r.svc})
	r.id = r.seed(destination)
	return r
}

// seed decides a refund of 5 tUSD of a session that received 5 tUSD, with the real rules.
func (r *refundRig) seed(destination string) string {
	r.t.Helper()
	sess := &checkout.Session{ID: "cs_test_1", MerchantID: r.caller.MerchantID, Status: checkout.StatusComplete, Currency: "usd",
		Crypto: checkout.Crypto{AssetID: "tusd@dev", ChainID: rigChain, Decimals: 6, Rate: decimal.NewFromInt(1)}}
	paid := []chain.Payment{{ID: "pay_1", AssetID: "tusd@dev", Status: chain.PaymentConfirmed, Amount: big.NewInt(5_000_000)}}
	rf, err := refund.New(refund.CreateParams{Session: sess.ID, Destination: destination, ClaimTTL: 24 * time.Hour},
		sess, paid, nil, r.start)
	if err != nil {
		r.t.Fatal(err)
	}
	r.store.put(rf)
	return rf.ID
}

func (r *refundRig) at(d time.Duration, f func()) { r.env.RegisterDelayedCallback(f, d) }

// run runs the workflow to its end and returns the refund as stored then.
func (r *refundRig) run() refund.Refund {
	r.t.Helper()
	r.env.ExecuteWorkflow(RefundWorkflow, RefundInput{RefundID: r.id, MerchantID: r.caller.MerchantID})
	if !r.env.IsWorkflowCompleted() {
		r.t.Fatal("the refund's workflow did not end")
	}
	if err := r.env.GetWorkflowError(); err != nil {
		r.t.Fatalf("workflow: %v", err)
	}
	return r.refund()
}

// refund is the stored refund, read without counting as a look.
func (r *refundRig) refund() refund.Refund {
	r.store.mu.Lock()
	defer r.store.mu.Unlock()
	return r.store.refunds[r.id]
}

func (r *refundRig) must(_ refund.Refund, err error) {
	r.t.Helper()
	if err != nil {
		r.t.Errorf("at %s: %v", r.env.Now().Sub(r.start), err)
	}
}

// An unclaimed refund fails when its claim link expires: the workflow sleeps until then.
func TestRefundClaimLinkExpires(t *testing.T) {
	r := newRefundRig(t, "")
	rf := r.run()
	if rf.Status != refund.StatusFailed || rf.FailureReason != refund.FailureClaimExpired {
		t.Fatalf("refund is %s (%q), want failed (claim_expired)", rf.Status, rf.FailureReason)
	}
	if got := r.env.Now().Sub(r.start); got != 24*time.Hour {
		t.Fatalf("failed %s after creation, want at the claim's expiry (24h)", got)
	}
	if r.store.looks != 2 {
		t.Fatalf("%d looks, want 2: one at the start, one at the expiry", r.store.looks)
	}
}

// The shopper claims, the merchant marks a transaction sent before it is mined, and the
// workflow polls the chain until the transfer is confirmed: the refund succeeds with its line.
func TestRefundClaimedSentAndConfirmed(t *testing.T) {
	r := newRefundRig(t, "")
	hash := txHash(1)
	r.at(10*time.Minute, func() {
		rf := r.refund()
		r.must(r.svc.Claim(context.Background(), rf.ClaimSecret, shopper))
	})
	r.at(20*time.Minute, func() {
		r.chain.send(hash, shopper, 5_000_000, r.env.Now().Add(30*time.Second))
		r.must(r.svc.MarkSent(context.Background(), r.caller, r.id, hash))
	})
	rf := r.run()
	if rf.Status != refund.StatusSucceeded || rf.TxHash != hash {
		t.Fatalf("refund is %s with %q, want succeeded with %s", rf.Status, rf.TxHash, hash)
	}
	// Mined at 20:30 and 3 deep at 20:54: looked at on each change, then after 5, 10, 20, 40 s.
	var looks []time.Duration
	for _, at := range r.store.looksAt {
		looks = append(looks, at.Sub(r.start))
	}
	want := []time.Duration{0, 10 * time.Minute, 20 * time.Minute, 20*time.Minute + 5*time.Second,
		20*time.Minute + 15*time.Second, 20*time.Minute + 35*time.Second, 21*time.Minute + 15*time.Second}
	if fmt.Sprint(looks) != fmt.Sprint(want) {
		t.Fatalf("looks at %v, want %v", looks, want)
	}
	if r.store.refunded != 500 || r.store.line == nil || r.store.line.Amount.Cmp(big.NewInt(-5_000_000)) != 0 {
		t.Fatalf("refunded %d minor units with line %+v, want 500 and -5000000", r.store.refunded, r.store.line)
	}
}

// The merchant's cancel reaches the workflow at once and ends it.
func TestRefundCanceledEndsWorkflow(t *testing.T) {
	r := newRefundRig(t, shopper)
	r.at(3*time.Hour, func() { r.must(r.svc.Cancel(context.Background(), r.caller, r.id)) })
	rf := r.run()
	if rf.Status != refund.StatusCanceled || r.env.Now().Sub(r.start) != 3*time.Hour {
		t.Fatalf("refund is %s at %s, want canceled at 3h", rf.Status, r.env.Now().Sub(r.start))
	}
	if r.store.looks != 2 {
		t.Fatalf("%d looks, want 2: a pending refund with no transaction waits for a change, no timer", r.store.looks)
	}
}

// A transaction mined short is refused: the refund stays pending with the reason, and the
// next transaction the merchant names pays it.
func TestRefundRefusedTransactionKeepsItPending(t *testing.T) {
	r := newRefundRig(t, shopper)
	short, full := txHash(1), txHash(2)
	r.at(time.Minute, func() {
		r.chain.send(short, shopper, 4_000_000, r.env.Now().Add(20*time.Second))
		r.must(r.svc.MarkSent(context.Background(), r.caller, r.id, short))
	})
	var between refund.Refund
	r.at(time.Hour, func() {
		between = r.refund()
		r.chain.send(full, shopper, 5_000_000, r.env.Now().Add(20*time.Second))
		r.must(r.svc.MarkSent(context.Background(), r.caller, r.id, full))
	})
	rf := r.run()
	if between.Status != refund.StatusPending || between.TxHash != "" || !strings.Contains(between.LastTxError, "sends 4 tusd@dev") {
		t.Fatalf("after the short transfer: %s, tx %q, error %q; want pending, no tx, the reason", between.Status, between.TxHash, between.LastTxError)
	}
	if rf.Status != refund.StatusSucceeded || rf.TxHash != full || rf.LastTxError != "" {
		t.Fatalf("refund is %s with %q (%q), want succeeded with the second transaction", rf.Status, rf.TxHash, rf.LastTxError)
	}
}

// A burst of signals costs one look, not one each.
func TestRefundSignalBurstIsOneLook(t *testing.T) {
	r := newRefundRig(t, shopper)
	r.at(time.Minute, func() {
		for range 300 {
			r.env.SignalWorkflow(SignalRefundChanged, RefundChanged{Status: "pending"})
		}
	})
	r.at(time.Hour, func() { r.must(r.svc.Cancel(context.Background(), r.caller, r.id)) })
	if rf := r.run(); rf.Status != refund.StatusCanceled {
		t.Fatalf("refund is %s", rf.Status)
	}
	// The first look, one for the burst (and one more for signals that arrived during it: a
	// change during a look is looked at again), one for the cancel.
	if r.store.looks > 4 {
		t.Fatalf("%d looks for 300 signals and a cancel; want at most 4", r.store.looks)
	}
}

// However many changes a refund sees, one run's history stays bounded: it continues as new.
func TestRefundManySignalsContinueAsNew(t *testing.T) {
	r := newRefundRig(t, shopper)
	for i := 1; i <= refundLooks+5; i++ {
		r.at(time.Duration(i)*time.Minute, func() { r.env.SignalWorkflow(SignalRefundChanged, RefundChanged{}) })
	}
	r.env.ExecuteWorkflow(RefundWorkflow, RefundInput{RefundID: r.id, MerchantID: r.caller.MerchantID})
	var can *workflow.ContinueAsNewError
	if err := r.env.GetWorkflowError(); !errors.As(err, &can) || can.WorkflowType.Name != RefundWorkflow {
		t.Fatalf("got %v, want a continue-as-new", err)
	}
	if r.store.looks != refundLooks {
		t.Fatalf("%d looks in the run, want %d", r.store.looks, refundLooks)
	}
}

func txHash(n int) string { return fmt.Sprintf("0x%064x", n) }

// memRefunds is refund.Store in memory: enough for the workflow's use cases.
type memRefunds struct {
	mu       sync.Mutex
	refunds  map[string]refund.Refund
	now      func() time.Time
	looks    int         // LoadRefund calls: the workflow's looks (AdvanceRefund)
	looksAt  []time.Time // when they happened
	refunded int64
	line     *settlement.BalanceTransaction
}

func (m *memRefunds) put(r refund.Refund) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refunds[r.ID] = r
}

func (m *memRefunds) CreateRefund(context.Context, string, string,
	func(*checkout.Session, []chain.Payment, []refund.Refund) (refund.Refund, []event.Event, error)) (refund.Refund, error) {
	return refund.Refund{}, errors.New("not in this rig")
}

func (m *memRefunds) UpdateRefund(_ context.Context, id string, change func(r *refund.Refund) (refund.Change, error)) (refund.Refund, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.refunds[id]
	if !ok {
		return refund.Refund{}, apperr.NotFound("refund", id)
	}
	ch, err := change(&r)
	if err != nil {
		return m.refunds[id], err
	}
	m.refunds[id] = r
	m.refunded += ch.Refunded
	if ch.Line != nil {
		m.line = ch.Line
	}
	return r, nil
}

func (m *memRefunds) GetRefund(_ context.Context, merchantID string, livemode bool, id string) (refund.Refund, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.refunds[id]
	if !ok || r.MerchantID != merchantID || r.Livemode != livemode {
		return refund.Refund{}, apperr.NotFound("refund", id)
	}
	return r, nil
}

func (m *memRefunds) LoadRefund(_ context.Context, id string) (refund.Refund, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.looks++
	m.looksAt = append(m.looksAt, m.now())
	r, ok := m.refunds[id]
	if !ok {
		return refund.Refund{}, apperr.NotFound("refund", id)
	}
	return r, nil
}

func (m *memRefunds) RefundByClaim(_ context.Context, secret string) (refund.Refund, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.refunds {
		if r.ClaimSecret == secret {
			return r, nil
		}
	}
	return refund.Refund{}, apperr.NotFound("refund", "")
}

func (m *memRefunds) ListRefunds(context.Context, refund.Query) (paging.Page[refund.Refund], error) {
	return paging.Page[refund.Refund]{}, errors.New("not in this rig")
}

// Overdue is not used by the workflow.
func (m *memRefunds) Overdue(context.Context, time.Time, int) ([]refund.Refund, error) {
	return nil, nil
}

// AfterCommit runs hook at once: the memory store has no transactions.
func (m *memRefunds) AfterCommit(ctx context.Context, hook func(context.Context)) { hook(ctx) }

func (m *memRefunds) TxHashUsed(_ context.Context, chainID int64, hash, exceptID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, r := range m.refunds {
		if r.ID != exceptID && r.ChainID == chainID && r.TxHash == hash && r.Counts() {
			return true, nil
		}
	}
	return false, nil
}

// memChain is refund.Transfers over transactions the test sends: each is mined at its time,
// and deepens by a block every rigBlockTime of the environment's clock.
type memChain struct {
	mu  sync.Mutex
	now func() time.Time
	txs map[string]memTx
}

type memTx struct {
	to     string
	amount int64
	mined  time.Time
}

func (c *memChain) send(hash, to string, amount int64, mined time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.txs[hash] = memTx{to: to, amount: amount, mined: mined}
}

func (c *memChain) Transfer(_ context.Context, _ int64, _ string, hash, to string) (refund.Transfer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tx, ok := c.txs[hash]
	now := c.now()
	if !ok || now.Before(tx.mined) {
		return refund.Transfer{}, nil
	}
	t := refund.Transfer{Found: true, Succeeded: true, BlockNumber: 100,
		Confirmations: uint64(now.Sub(tx.mined)/rigBlockTime) + 1, Paid: new(big.Int)}
	if tx.to == to {
		t.Paid.SetInt64(tx.amount)
	}
	return t, nil
}

// envFlows nudges the workflow under test, as the Temporal adapter's signal does.
type envFlows struct {
	env *testsuite.TestWorkflowEnvironment
}

func (f envFlows) Nudge(_ context.Context, r refund.Refund) error {
	f.env.SignalWorkflow(SignalRefundChanged, RefundChanged{Status: string(r.Status)})
	return nil
}

type noSessions struct{}

func (noSessions) Accept(context.Context, string) (*checkout.Session, error) {
	return nil, errors.New("not in this rig")
}

// Get is the session a claim checks its address against: one with addresses of its own.
func (noSessions) Get(_ context.Context, c merchant.Caller, id string, _ bool) (*checkout.Session, error) {
	return &checkout.Session{ID: id, MerchantID: c.MerchantID, Crypto: checkout.Crypto{
		DepositAddress: "0x00000000000000000000000000000000000de901"}}, nil
}

type noResolver struct{}

func (noResolver) Resolve(context.Context, *checkout.Session, refund.ResolveParams) (refund.Resolved, bool, error) {
	return refund.Resolved{}, false, errors.New("not in this rig")
}

type noPolicies struct{}

func (noPolicies) ResolutionPolicy(context.Context, string, bool) (settlement.ResolutionPolicy, error) {
	return settlement.DefaultResolutionPolicy(), nil
}

type plainEncoder struct{}

func (plainEncoder) EncodeRefund(_ context.Context, r refund.Refund) (json.RawMessage, error) {
	return json.Marshal(map[string]string{"id": r.ID, "status": string(r.Status), "transaction_hash": r.TxHash})
}
