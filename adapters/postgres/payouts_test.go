package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/settlement"
	"github.com/chaincheckout/checkout/core/webhook"
)

// The ledger's chain: dev (1337) with ETH and USDC, and its forwarder factory.
const (
	ledgerUSDC    = "0x00000000000000000000000000000000000c0ffe"
	ledgerFactory = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
	ledgerPayout  = "0x00000000000000000000000000000000000000a1"
)

var ledgerChains = chain.Config{Chains: []chain.Chain{{Key: "dev", ID: testChainID, Name: "Dev", RPCURL: "http://127.0.0.1:1",
	Confirmations: 3, Native: chain.Token{Symbol: "ETH", Decimals: 18}, ForwarderFactory: ledgerFactory,
	Tokens: []chain.Token{{Symbol: "USDC", Contract: ledgerUSDC, Decimals: 6, Peg: "usd"}}}}}

type ledgerFixture struct {
	*testRepos
	payouts *Payouts
	t0      time.Time
}

func newLedger(t *testing.T) *ledgerFixture {
	t.Helper()
	st := newStore(t)
	return &ledgerFixture{testRepos: st, payouts: NewPayouts(st.db, ledgerChains), t0: time.Now().UTC().Truncate(time.Second)}
}

// sessionSpec is a session to pay: its merchant, mode, reconciliation fields and address kind.
type sessionSpec struct {
	merchantID string
	livemode   bool
	ref        string
	metadata   map[string]string
	xpub       bool // an xpub address instead of a forwarder
}

// session stores an open session of 39.98 USD in USDC at rate 1 with its deposit address.
func (f *ledgerFixture) session(t *testing.T, spec sessionSpec) (id, address string) {
	t.Helper()
	ctx := context.Background()
	unit := int64(3998)
	meta := spec.metadata
	if meta == nil {
		meta = map[string]string{}
	}
	sess := &checkout.Session{ID: ident.NewModed("cs", spec.livemode), MerchantID: spec.merchantID, Livemode: spec.livemode,
		Mode: checkout.ModePayment, Status: checkout.StatusOpen, PaymentStatus: checkout.PaymentUnpaid, Currency: "usd",
		AmountSubtotal: unit, AmountTotal: unit, ClientReferenceID: spec.ref, Metadata: meta, ExpiresAt: f.t0.Add(time.Hour),
		CreatedAt: f.t0, LineItems: []checkout.LineItem{{ID: ident.New("li"), PriceID: "price_1", ProductID: "prod_1", Name: "Tea",
			Currency: "usd", UnitAmount: &unit, UnitAmountDecimal: decimal.NewFromInt(unit), Quantity: 1,
			AmountSubtotal: unit, AmountTotal: unit}},
		Crypto: checkout.Crypto{AcceptedAssets: []string{testAsset}, State: chain.StateAwaitingAsset}}
	if err := f.sessions.CreateSession(ctx, sess, func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.sessions.Update(ctx, sess.ID, func(s *checkout.Session, _ []chain.Payment) error {
		s.Crypto.AssetID, s.Crypto.ChainID, s.Crypto.Decimals = testAsset, testChainID, 6
		s.Crypto.AmountDue, s.Crypto.Rate, s.Crypto.QuotedAt = big.NewInt(39_980_000), decimal.NewFromInt(1), f.t0
		s.Crypto.State = chain.StateAwaitingPayment
		return nil
	}, noEvents); err != nil {
		t.Fatal(err)
	}
	var err error
	if spec.xpub {
		address, err = f.sessions.EnsureDepositAddress(ctx, sess.ID, 0, func(_ string, _, i uint32) (string, error) {
			return fmt.Sprintf("0x%040x", 0xd000+uint64(i)+uint64(f.count(t, `SELECT count(*) FROM deposit_addresses`))<<8), nil
		}, f.t0.Add(time.Hour))
	} else {
		factory, _ := settlement.ParseAddress(ledgerFactory)
		dest, _ := settlement.ParseAddress(ledgerPayout)
		nonce := settlement.SessionNonce(sess.ID)
		address, err = f.sessions.EnsureForwarderAddress(ctx, sess.ID, settlement.Binding{ChainID: testChainID, Factory: factory,
			Destination: dest, Nonce: nonce, Address: settlement.ForwarderAddress(factory, dest, nonce)}, f.t0.Add(time.Hour))
	}
	if err != nil {
		t.Fatal(err)
	}
	return sess.ID, address
}

// payment is a transfer into a session's address; pay stores it as the scanner would.
type payment struct {
	asset     string
	amount    int64
	status    chain.PaymentStatus
	dust      bool
	confirmed time.Duration // after t0
}

func (f *ledgerFixture) pay(t *testing.T, sessionID, address string, p payment) string {
	t.Helper()
	id := ident.New("pay")
	if p.asset == "" {
		p.asset = testAsset
	}
	if p.status == "" {
		p.status = chain.PaymentConfirmed
	}
	var confirmedAt any
	if p.status == chain.PaymentConfirmed {
		confirmedAt = f.t0.Add(p.confirmed)
	}
	if _, err := f.db.pool.Exec(`INSERT INTO payments (id, chain_id, tx_hash, log_index, session_id, asset_id, from_address,
		to_address, amount, block_number, block_hash, block_time, status, was_confirmed, dust, detected_at, confirmed_at)
		VALUES ($1, $2, $3, 0, $4, $5, '0xpayer', $6, $7, 10, '0xb', $8, $9, $10, $11, $8, $12)`,
		id, testChainID, "0x"+id, sessionID, p.asset, address, p.amount, f.t0, string(p.status),
		p.status == chain.PaymentConfirmed, p.dust, confirmedAt); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *ledgerFixture) newLine(d settlement.Deposit) (settlement.BalanceTransaction, error) {
	return settlement.NewBalanceTransaction(ident.New("txn"), d, f.t0)
}

func (f *ledgerFixture) record(t *testing.T, merchantID string, livemode bool) []settlement.Deposit {
	t.Helper()
	ds, err := f.payouts.RecordDeposits(context.Background(), settlement.SweepKey{MerchantID: merchantID, Livemode: livemode,
		ChainID: testChainID}, f.newLine)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func paymentIDs(ds []settlement.Deposit) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.PaymentID
	}
	return out
}

// Only confirmed payments above dust into forwarder addresses of the settlement's merchant,
// mode and chain are deposits; each gets one line, however often and concurrently recorded.
func TestRecordDepositsTakesForwarderPaymentsOnce(t *testing.T) {
	f := newLedger(t)
	m, other := newMerchant(t, f.testRepos), newMerchant(t, f.testRepos)
	a, aAddr := f.session(t, sessionSpec{merchantID: m})
	paidA := f.pay(t, a, aAddr, payment{amount: 39_980_000, confirmed: 2 * time.Minute})
	// A second payment into the same forwarder, in another asset than the session's: swept, no fiat value.
	ethA := f.pay(t, a, aAddr, payment{asset: "eth@dev", amount: 5_000_000_000_000_000, confirmed: time.Minute})
	x, xAddr := f.session(t, sessionSpec{merchantID: m, xpub: true})
	f.pay(t, x, xAddr, payment{amount: 39_980_000})
	c, cAddr := f.session(t, sessionSpec{merchantID: m})
	confirming := f.pay(t, c, cAddr, payment{amount: 39_980_000, status: chain.PaymentDetected})
	f.pay(t, c, cAddr, payment{amount: 1, dust: true})
	liveSession, liveAddr := f.session(t, sessionSpec{merchantID: m, livemode: true})
	f.pay(t, liveSession, liveAddr, payment{amount: 39_980_000})
	o, oAddr := f.session(t, sessionSpec{merchantID: other})
	f.pay(t, o, oAddr, payment{amount: 39_980_000})

	ds := f.record(t, m, false)
	if got := paymentIDs(ds); !slices.Equal(got, []string{ethA, paidA}) {
		t.Fatalf("deposits %v, want %v (oldest first)", got, []string{ethA, paidA})
	}
	usdc, _ := settlement.ParseAddress(ledgerUSDC)
	factory, _ := settlement.ParseAddress(ledgerFactory)
	dest, _ := settlement.ParseAddress(ledgerPayout)
	for _, d := range ds {
		wantToken, wantValue := usdc, "39.98"
		if d.PaymentID == ethA {
			wantToken, wantValue = settlement.Address{}, "0"
		}
		if d.LineID == "" || d.SessionID != a || d.MerchantID != m || d.Livemode || d.ChainID != testChainID ||
			d.Address.String() != aAddr || d.Factory != factory || d.Destination != dest || d.Nonce != settlement.SessionNonce(a) ||
			d.Token != wantToken || !d.Value.Equal(decimal.RequireFromString(wantValue)) || d.Currency != "usd" {
			t.Fatalf("deposit %+v", d)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM balance_transactions`); n != 2 {
		t.Fatalf("%d lines, want 2", n)
	}

	// Recording again writes nothing and returns the same lines; so do concurrent calls, and a
	// payment confirmed meanwhile gets its line once.
	if _, err := f.db.pool.Exec(`UPDATE payments SET status = $2, confirmed_at = $3 WHERE id = $1`,
		confirming, string(chain.PaymentConfirmed), f.t0.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	results := make([][]settlement.Deposit, 4)
	if err := concurrently(len(results), func(i int) error {
		var err error
		results[i], err = f.payouts.RecordDeposits(context.Background(),
			settlement.SweepKey{MerchantID: m, ChainID: testChainID}, f.newLine)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if got := paymentIDs(r); !slices.Equal(got, []string{ethA, paidA, confirming}) || r[0].LineID != ds[0].LineID {
			t.Fatalf("recorded again: %v", got)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM balance_transactions`); n != 3 {
		t.Fatalf("%d lines after concurrent recording, want 3", n)
	}
	if live := f.record(t, m, true); len(live) != 1 || live[0].SessionID != liveSession || !live[0].Livemode {
		t.Fatalf("live deposits %+v", live)
	}
	keys, err := f.payouts.Unswept(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []settlement.SweepKey{{MerchantID: m, ChainID: testChainID}, {MerchantID: m, Livemode: true, ChainID: testChainID},
		{MerchantID: other, ChainID: testChainID}}
	slices.SortFunc(want, func(x, y settlement.SweepKey) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
	slices.SortFunc(keys, func(x, y settlement.SweepKey) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
	if !slices.Equal(keys, want) {
		t.Fatalf("unswept %v, want %v", keys, want)
	}
}

// openPayout plans and opens a payout of the merchant's test deposits, as the sweep workflow does.
func (f *ledgerFixture) openPayout(t *testing.T, merchantID string) (settlement.Payout, []settlement.Deposit) {
	t.Helper()
	ds := f.record(t, merchantID, false)
	sweeps, covered := settlement.Policy{}.Plan(ds)
	p, err := settlement.NewPayout(ident.New("po"), sweeps, covered, f.t0.Add(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.payouts.CreatePayout(context.Background(), p, covered); err != nil {
		t.Fatal(err)
	}
	return p, covered
}

type testEncoder struct{}

func (testEncoder) EncodePayout(_ context.Context, p settlement.Payout) ([]byte, error) {
	return json.Marshal(map[string]any{"id": p.ID, "object": "payout", "status": p.Status})
}

// settle applies the core transition step to payout id, with its events, as the workflow does.
func (f *ledgerFixture) settle(t *testing.T, id string, step func(*settlement.Payout, []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error)) settlement.Payout {
	t.Helper()
	p, err := f.payouts.UpdatePayout(context.Background(), id, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, []event.Event, error) {
		before := *p
		out, err := step(p, lines)
		if err != nil {
			return nil, nil, err
		}
		evs, err := settlement.PayoutEvents(context.Background(), testEncoder{}, before, *p, f.t0.Add(time.Hour))
		return out, evs, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func sent(hash string) func(*settlement.Payout, []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
	return func(p *settlement.Payout, _ []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		return nil, p.Sent(hash)
	}
}

// A payout claims its lines; no other payout can claim them; it is paid with the sweep's fee
// shared among its lines and an adjustment for what the forwarder held beyond them, and its
// payout.paid event is written with its outbox row.
func TestPayoutClaimsLinesAndIsPaid(t *testing.T) {
	f := newLedger(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	we := newEndpoint(t, f.testRepos, m, "https://hooks.example/payouts", func(e *webhook.Endpoint) {
		e.EnabledEvents = []string{event.PayoutPaid}
	})
	a, aAddr := f.session(t, sessionSpec{merchantID: m, ref: "order-1", metadata: map[string]string{"order": "1"}})
	b, bAddr := f.session(t, sessionSpec{merchantID: m, ref: "order-2"})
	f.pay(t, a, aAddr, payment{amount: 39_980_000})
	f.pay(t, b, bAddr, payment{amount: 39_980_000, confirmed: time.Minute})

	p, covered := f.openPayout(t, m)
	if len(covered) != 2 || p.Amount != 7996 || p.Currency != "usd" || p.Forwarders != 2 {
		t.Fatalf("payout %+v of %d deposits", p, len(covered))
	}
	if again := f.record(t, m, false); len(again) != 0 {
		t.Fatalf("claimed lines still wait: %v", paymentIDs(again))
	}
	// The same call again (its answer lost) succeeds; another payout of the same lines is refused whole.
	if err := f.payouts.CreatePayout(ctx, p, covered); err != nil {
		t.Fatalf("the same payout again: %v", err)
	}
	sweeps, _ := settlement.Policy{}.Plan(covered)
	rival, _ := settlement.NewPayout(ident.New("po"), sweeps, covered, f.t0)
	if err := f.payouts.CreatePayout(ctx, rival, covered); !apperr.IsKind(err, apperr.KindConflict) {
		t.Fatalf("a second payout of the same lines: %v", err)
	}
	if _, err := f.payouts.Payout(ctx, m, false, rival.ID); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("the refused payout was kept: %v", err)
	}

	if got := f.settle(t, p.ID, sent("0xsweep1")); got.Status != settlement.PayoutInTransit || got.TxHash != "0xsweep1" {
		t.Fatalf("sent: %+v", got)
	}
	arrived := f.t0.Add(20 * time.Minute)
	aFwd, _ := settlement.ParseAddress(aAddr)
	bFwd, _ := settlement.ParseAddress(bAddr)
	receipt := settlement.Receipt{TxHash: "0xsweep2", NetworkFee: big.NewInt(1001), At: arrived, Flushed: []settlement.Flushed{
		{Address: aFwd, AssetID: testAsset, Amount: big.NewInt(39_980_000)},
		{Address: aFwd, AssetID: "eth@dev", Amount: big.NewInt(7)}, // native coin nobody recorded
		{Address: bFwd, AssetID: testAsset, Amount: big.NewInt(39_980_000)}}}
	paid := f.settle(t, p.ID, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		if err := p.Sent("0xsweep2"); err != nil {
			return nil, err
		}
		return p.Paid(receipt, lines)
	})
	stored, err := f.payouts.Payout(ctx, m, false, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, got := range []settlement.Payout{paid, stored} {
		if got.Status != settlement.PayoutPaid || got.TxHash != "0xsweep2" || got.NetworkFee.Int64() != 1001 ||
			!got.ArrivalDate.Equal(arrived) || got.Amount != 7996 || got.Currency != "usd" || len(got.Amounts) != 2 ||
			got.Amounts[0].AssetID != "eth@dev" || got.Amounts[0].Amount.Int64() != 7 || got.Amounts[1].Amount.Int64() != 79_960_000 ||
			got.Destination.String() != ledgerPayout || !got.Created.Equal(p.Created) {
			t.Fatalf("paid payout %+v", got)
		}
	}
	page, err := f.payouts.ListBalanceTransactions(ctx, m, false, settlement.LineFilter{PayoutID: p.ID, Params: paging.Params{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 3 {
		t.Fatalf("%d lines in the payout, want 2 payments and an adjustment", len(page.Data))
	}
	fees := new(big.Int)
	byType := map[string]int{}
	for _, l := range page.Data {
		byType[l.Type]++
		fees.Add(fees, l.NetworkFee)
		if l.Status != settlement.BalanceAvailable || !l.AvailableOn.Equal(arrived) || l.PayoutID != p.ID {
			t.Fatalf("line %+v", l)
		}
		switch {
		case l.Type == settlement.TypeAdjustment:
			if l.SessionID != a || l.AssetID != "eth@dev" || l.Amount.Int64() != 7 || l.FiatAmount != 0 || l.PaymentID != "" ||
				l.ClientReferenceID != "order-1" || l.Metadata["order"] != "1" {
				t.Fatalf("adjustment %+v", l)
			}
		case l.SessionID == a:
			if l.ClientReferenceID != "order-1" || l.Metadata["order"] != "1" || l.FiatAmount != 3998 {
				t.Fatalf("line of a %+v", l)
			}
		case l.SessionID == b:
			if l.ClientReferenceID != "order-2" || len(l.Metadata) != 0 || l.FiatAmount != 3998 {
				t.Fatalf("line of b %+v", l)
			}
		}
	}
	if fees.Int64() != 1001 || byType[settlement.TypePayment] != 2 || byType[settlement.TypeAdjustment] != 1 {
		t.Fatalf("fees %s, types %v", fees, byType)
	}
	var evs []struct {
		Type      string  `db:"type"`
		SessionID *string `db:"session_id"`
		Outbox    int     `db:"outbox"`
	}
	if err := f.db.pool.Select(&evs, `SELECT e.type, e.session_id, (SELECT count(*) FROM webhook_deliveries d
		WHERE d.event_id = e.id AND d.endpoint_id = $2) AS outbox FROM events e WHERE e.merchant_id = $1`, m, we.ID); err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Type != event.PayoutPaid || evs[0].SessionID != nil || evs[0].Outbox != 1 {
		t.Fatalf("events %+v", evs)
	}
	// Settled again (a retried activity): nothing changes, no second event.
	f.settle(t, p.ID, func(p *settlement.Payout, _ []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		return nil, nil
	})
	if n := f.count(t, `SELECT count(*) FROM events WHERE merchant_id = $1`, m); n != 1 {
		t.Fatalf("%d events after settling again", n)
	}
	if n := f.count(t, `SELECT count(*) FROM balance_transactions WHERE payout_id = $1`, p.ID); n != 3 {
		t.Fatalf("%d lines after settling again", n)
	}
}

// A failed sweep releases its payout's lines: the next sweep takes them again.
func TestFailedPayoutReleasesLines(t *testing.T) {
	f := newLedger(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	a, aAddr := f.session(t, sessionSpec{merchantID: m})
	f.pay(t, a, aAddr, payment{amount: 39_980_000})
	p, covered := f.openPayout(t, m)
	f.settle(t, p.ID, sent("0xsweep"))
	failed := f.settle(t, p.ID, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		return p.Fail("sweep_reverted", lines)
	})
	if failed.Status != settlement.PayoutFailed || failed.FailureCode != "sweep_reverted" {
		t.Fatalf("failed payout %+v", failed)
	}
	if n := f.count(t, `SELECT count(*) FROM balance_transactions WHERE payout_id IS NOT NULL`); n != 0 {
		t.Fatalf("%d lines still held", n)
	}
	again := f.record(t, m, false)
	if len(again) != 1 || again[0].LineID != covered[0].LineID {
		t.Fatalf("released deposits %+v", again)
	}
	if n := f.count(t, `SELECT count(*) FROM events WHERE merchant_id = $1 AND type = $2 AND session_id IS NULL`, m, event.PayoutFailed); n != 1 {
		t.Fatalf("%d payout.failed events", n)
	}
	next, _ := f.openPayout(t, m)
	if next.ID == p.ID || next.Status != settlement.PayoutPending {
		t.Fatalf("next payout %+v", next)
	}
	// A failed payout is settled no more: the core refuses, and the refusal writes nothing.
	_, err := f.payouts.UpdatePayout(ctx, p.ID, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, []event.Event, error) {
		out, err := p.Paid(settlement.Receipt{TxHash: "0xsweep", At: f.t0}, lines)
		return out, nil, err
	})
	if err == nil {
		t.Fatal("a failed payout was paid")
	}
	// A change may not take a line another payout holds.
	_, err = f.payouts.UpdatePayout(ctx, p.ID, func(p *settlement.Payout, _ []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, []event.Event, error) {
		l := settlement.BalanceTransaction{ID: covered[0].LineID, MerchantID: m, Type: settlement.TypePayment, PayoutID: p.ID,
			Status: settlement.BalanceAvailable, Amount: big.NewInt(1), NetworkFee: new(big.Int)}
		return []settlement.BalanceTransaction{l}, nil, nil
	})
	if err == nil || f.count(t, `SELECT count(*) FROM balance_transactions WHERE payout_id = $1`, next.ID) != 1 {
		t.Fatalf("a change took another payout's line: %v", err)
	}
	if _, err := f.payouts.UpdatePayout(ctx, "po_missing", nil); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("a missing payout: %v", err)
	}
}

// Lists filter by status, payout and type, page with Stripe's cursors, and never show another
// merchant's or mode's objects.
func TestPayoutListsFilterAndIsolate(t *testing.T) {
	f := newLedger(t)
	ctx := context.Background()
	m, other := newMerchant(t, f.testRepos), newMerchant(t, f.testRepos)
	var ids []string
	for i := range 3 {
		s, addr := f.session(t, sessionSpec{merchantID: m, ref: fmt.Sprintf("order-%d", i)})
		f.pay(t, s, addr, payment{amount: 39_980_000})
		p, _ := f.openPayout(t, m)
		ids = append(ids, p.ID)
	}
	f.settle(t, ids[1], sent("0xsweep"))
	s, addr := f.session(t, sessionSpec{merchantID: m})
	f.pay(t, s, addr, payment{amount: 1_000_000})
	unswept := f.record(t, m, false)[0].LineID
	o, oAddr := f.session(t, sessionSpec{merchantID: other})
	f.pay(t, o, oAddr, payment{amount: 39_980_000})
	foreign, _ := f.openPayout(t, other)

	list := func(merchantID string, livemode bool, status string, p paging.Params) []string {
		t.Helper()
		if p.Limit == 0 {
			p.Limit = 10
		}
		page, err := f.payouts.ListPayouts(ctx, merchantID, livemode, settlement.PayoutFilter{Status: status, Params: p})
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, p := range page.Data {
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name       string
		merchantID string
		livemode   bool
		status     string
		p          paging.Params
		want       []string
	}{
		{"all, newest first", m, false, "", paging.Params{}, []string{ids[2], ids[1], ids[0]}},
		{"in transit", m, false, "in_transit", paging.Params{}, []string{ids[1]}},
		{"pending", m, false, "pending", paging.Params{}, []string{ids[2], ids[0]}},
		{"paged", m, false, "", paging.Params{Limit: 1, StartingAfter: ids[2]}, []string{ids[1]}},
		{"ending before", m, false, "", paging.Params{Limit: 5, EndingBefore: ids[0]}, []string{ids[2], ids[1]}},
		{"the other mode", m, true, "", paging.Params{}, []string{}},
		{"another merchant", other, false, "", paging.Params{}, []string{foreign.ID}},
	} {
		if got := list(tc.merchantID, tc.livemode, tc.status, tc.p); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if _, err := f.payouts.ListPayouts(ctx, other, false, settlement.PayoutFilter{Params: paging.Params{Limit: 1, StartingAfter: ids[0]}}); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Errorf("another merchant's cursor: %v", err)
	}

	lines := func(merchantID string, livemode bool, lf settlement.LineFilter) []settlement.Line {
		t.Helper()
		lf.Params.Limit = 10
		page, err := f.payouts.ListBalanceTransactions(ctx, merchantID, livemode, lf)
		if err != nil {
			t.Fatal(err)
		}
		return page.Data
	}
	if all := lines(m, false, settlement.LineFilter{}); len(all) != 4 || all[0].ID != unswept || all[0].PayoutID != "" {
		t.Fatalf("all lines %+v", all)
	}
	if of := lines(m, false, settlement.LineFilter{PayoutID: ids[1]}); len(of) != 1 || of[0].ClientReferenceID != "order-1" || of[0].PayoutID != ids[1] {
		t.Fatalf("lines of %s: %+v", ids[1], of)
	}
	if adj := lines(m, false, settlement.LineFilter{Type: settlement.TypeAdjustment}); len(adj) != 0 {
		t.Fatalf("adjustments %+v", adj)
	}
	if pay := lines(m, false, settlement.LineFilter{Type: settlement.TypePayment}); len(pay) != 4 {
		t.Fatalf("%d payment lines", len(pay))
	}
	if got := lines(other, false, settlement.LineFilter{PayoutID: ids[1]}); len(got) != 0 {
		t.Fatalf("another merchant lists %+v", got)
	}
	if got := lines(m, true, settlement.LineFilter{}); len(got) != 0 {
		t.Fatalf("the other mode lists %+v", got)
	}
	if l, err := f.payouts.BalanceTransaction(ctx, m, false, unswept); err != nil || l.Status != settlement.BalancePending || l.SessionID != s {
		t.Fatalf("line %+v: %v", l, err)
	}
	for _, probe := range []struct {
		merchantID string
		livemode   bool
	}{{other, false}, {m, true}} {
		if _, err := f.payouts.BalanceTransaction(ctx, probe.merchantID, probe.livemode, unswept); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("%v reads the line: %v", probe, err)
		}
		if _, err := f.payouts.Payout(ctx, probe.merchantID, probe.livemode, ids[0]); !apperr.IsKind(err, apperr.KindNotFound) {
			t.Errorf("%v reads the payout: %v", probe, err)
		}
	}
	var e *apperr.Error
	if _, err := f.payouts.Payout(ctx, m, false, "po_nope"); !errors.As(err, &e) || !strings.Contains(e.Message, "po_nope") {
		t.Errorf("missing payout: %v", err)
	}
}

// Payments after a sweep, repeated payments into one forwarder and late payments to an expired
// session are deposits like any other: each gets its line and the next sweep pays it out.
func TestPaymentsAfterASweepAreSweptAgain(t *testing.T) {
	f := newLedger(t)
	m := newMerchant(t, f.testRepos)
	a, aAddr := f.session(t, sessionSpec{merchantID: m})
	first := f.pay(t, a, aAddr, payment{amount: 39_980_000})
	p1, _ := f.openPayout(t, m)
	f.settle(t, p1.ID, sent("0xsweep1"))
	aFwd, _ := settlement.ParseAddress(aAddr)
	f.settle(t, p1.ID, func(p *settlement.Payout, lines []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, error) {
		return p.Paid(settlement.Receipt{TxHash: "0xsweep1", NetworkFee: big.NewInt(1), At: f.t0.Add(time.Minute),
			Flushed: []settlement.Flushed{{Address: aFwd, AssetID: testAsset, Amount: big.NewInt(39_980_000)}}}, lines)
	})

	again := f.pay(t, a, aAddr, payment{amount: 1_000_000, confirmed: time.Hour})
	b, bAddr := f.session(t, sessionSpec{merchantID: m})
	if _, err := f.db.pool.Exec(`UPDATE checkout_sessions SET status = $2, expired_at = $3 WHERE id = $1`,
		b, string(checkout.StatusExpired), f.t0); err != nil {
		t.Fatal(err)
	}
	late := f.pay(t, b, bAddr, payment{amount: 39_980_000, confirmed: 2 * time.Hour})
	ds := f.record(t, m, false)
	if got := paymentIDs(ds); !slices.Equal(got, []string{again, late}) {
		t.Fatalf("deposits after the sweep %v, want %v (not %s again)", got, []string{again, late}, first)
	}
	p2, covered := f.openPayout(t, m)
	if len(covered) != 2 || p2.Forwarders != 2 || p2.Amount != 100+3998 {
		t.Fatalf("second payout %+v of %d deposits", p2, len(covered))
	}
	if n := f.count(t, `SELECT count(*) FROM balance_transactions WHERE session_id = $1`, a); n != 2 {
		t.Fatalf("%d lines of the session paid twice", n)
	}
}
