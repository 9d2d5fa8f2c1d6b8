package chain

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func testChain() Chain {
	return Chain{Key: "Dev", ID: 7, Livemode: false, Confirmations: 3, BatchBlocks: 10, ReorgWindow: 16,
		Native: Token{Symbol: "ETH", Decimals: 18},
		Tokens: []Token{{Symbol: "USDC", Contract: tokenA, Decimals: 6, Peg: "usd"}}}
}

type scanFixture struct {
	node    *fakeNode
	store   *memStore
	scanner *Scanner
	ids     int
}

// newScanFixture has a node at block start and a scanner whose cursor is already there.
func newScanFixture(t *testing.T, start int) *scanFixture {
	t.Helper()
	f := &scanFixture{node: newFakeNode(start + 1), store: newMemStore(map[string]string{addrOne: "cs_one", addrTwo: "cs_two"})}
	sc, err := NewScanner(testChain(), f.node, f.store, func() string { f.ids++; return fmt.Sprintf("pay_%d", f.ids) })
	if err != nil {
		t.Fatal(err)
	}
	f.scanner = sc
	if p := f.scan(t); p.To != uint64(start) {
		t.Fatalf("first scan should start at the head %d: %+v", start, p)
	}
	return f
}

func (f *scanFixture) scan(t *testing.T) Progress {
	t.Helper()
	p, err := f.scanner.Scan(context.Background(), settledAt)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return p
}

// scanAll scans until a step makes no progress and returns every change, in order.
func (f *scanFixture) scanAll(t *testing.T) []Change {
	t.Helper()
	var all []Change
	for i := 0; i < 100; i++ {
		p := f.scan(t)
		all = append(all, p.Changes...)
		if p.To < p.From && !p.Reorg {
			return all
		}
	}
	t.Fatal("the scanner never caught up")
	return nil
}

func (f *scanFixture) status(t *testing.T, tx string) PaymentStatus {
	t.Helper()
	p, ok := f.store.payment(tx)
	if !ok {
		return ""
	}
	return p.Status
}

func statuses(changes []Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.SessionID+":"+c.TxHash+":"+string(c.Status))
	}
	return out
}

func TestScanDetectsAndConfirms(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 1)
	f.node.payToken(6, "0xt1", addrOne, 5_000_000)
	f.node.payNative(6, "0xn1", addrTwo, 1e15)
	f.node.payNative(6, "0xn2", addrTwo, 2e15)
	f.node.failedTx["0xn2"] = true // a reverted transaction moved nothing
	f.node.payNative(6, "0xn3", "0x3333333333333333333333333333333333333333", 1e15)
	got := statuses(f.scanAll(t))
	want := []string{"cs_one:0xt1:detected", "cs_two:0xn1:detected"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	f.node.extend("a", 1)
	if got := statuses(f.scanAll(t)); len(got) != 0 {
		t.Fatalf("confirmed too early: %v", got)
	}
	f.node.extend("a", 1) // block 8: block 6 has three confirmations
	got = statuses(f.scanAll(t))
	want = []string{"cs_one:0xt1:confirmed", "cs_two:0xn1:confirmed"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("changes %v, want %v", got, want)
	}
	if _, ok := f.store.payment("0xn2"); ok {
		t.Fatal("a reverted transaction became a payment")
	}
	scope := f.store.scopes[0]
	if scope.ChainID != 7 || scope.ChainKey != "dev" || scope.Livemode || !reflect.DeepEqual(scope.AssetIDs, []string{"eth@dev", "usdc@dev"}) {
		t.Fatalf("watch scope %+v", scope)
	}
}

func TestScanGapIsReadInBatches(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 35)
	f.node.payToken(23, "0xt1", addrOne, 5_000_000)
	p := f.scan(t)
	if p.From != 6 || p.To != 15 {
		t.Fatalf("first batch %d..%d, want 6..15", p.From, p.To)
	}
	f.scanAll(t)
	if f.store.cursor.Number != 40 || f.status(t, "0xt1") != PaymentConfirmed {
		t.Fatalf("cursor %d, payment %s", f.store.cursor.Number, f.status(t, "0xt1"))
	}
}

func TestScanReorgBelowConfirmationDepth(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 2)
	f.node.payToken(7, "0xt1", addrOne, 5_000_000)
	f.scanAll(t)
	if f.status(t, "0xt1") != PaymentDetected {
		t.Fatalf("payment %s", f.status(t, "0xt1"))
	}
	f.node.fork(6, "b", 3) // block 7 replaced, chain longer than before
	got := statuses(f.scanAll(t))
	if !reflect.DeepEqual(got, []string{"cs_one:0xt1:reverted"}) || f.status(t, "0xt1") != PaymentReverted {
		t.Fatalf("changes %v, payment %s", got, f.status(t, "0xt1"))
	}
	if f.store.cursor.Hash != f.node.blocks[9].Hash {
		t.Fatalf("cursor %+v, want the new branch's tip", f.store.cursor)
	}
	// The transaction is mined again on the new branch: the payment is back, and sessions hear it.
	f.node.extend("b", 1)
	f.node.payToken(10, "0xt1", addrOne, 5_000_000)
	f.node.logs[f.node.blocks[10].Hash][0].LogIndex = 0
	got = statuses(f.scanAll(t))
	if !reflect.DeepEqual(got, []string{"cs_one:0xt1:detected"}) {
		t.Fatalf("reinstatement changes %v", got)
	}
	if p, _ := f.store.payment("0xt1"); p.Status != PaymentDetected || p.BlockNumber != 10 {
		t.Fatalf("reinstated payment %+v", p)
	}
}

func TestScanReorgOfAConfirmedPayment(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 5)
	f.node.payToken(6, "0xt1", addrOne, 5_000_000)
	f.scanAll(t)
	if f.status(t, "0xt1") != PaymentConfirmed {
		t.Fatalf("payment %s", f.status(t, "0xt1"))
	}
	f.node.fork(5, "b", 5) // the same height, every block from 6 replaced
	got := statuses(f.scanAll(t))
	if !reflect.DeepEqual(got, []string{"cs_one:0xt1:reverted"}) {
		t.Fatalf("changes %v", got)
	}
	if p, _ := f.store.payment("0xt1"); p.Status != PaymentReverted || !p.WasConfirmed {
		t.Fatalf("payment %+v", p)
	}
}

func TestScanShorterBranchIsAReorg(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 5)
	f.node.payToken(8, "0xt1", addrOne, 5_000_000)
	f.scanAll(t)
	f.node.fork(6, "b", 1) // head 7, below our cursor 10, and block 7 differs from ours
	p := f.scan(t)
	if !p.Reorg || p.To != 6 || f.status(t, "0xt1") != PaymentReverted {
		t.Fatalf("progress %+v, payment %s", p, f.status(t, "0xt1"))
	}
}

func TestScanLaggingHeadChangesNothing(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 5)
	f.node.payToken(8, "0xt1", addrOne, 5_000_000)
	f.scanAll(t)
	for _, head := range []uint64{9, 8, 3} { // 3: below what we stored, and not newer than our cursor
		h := head
		f.node.head = &h
		p := f.scan(t)
		if p.Reorg || !p.Lagging || len(p.Changes) != 0 || f.store.cursor.Number != 10 {
			t.Fatalf("head %d: progress %+v, cursor %d", head, p, f.store.cursor.Number)
		}
	}
	if f.status(t, "0xt1") != PaymentConfirmed {
		t.Fatalf("a lagging node touched the payment: %s", f.status(t, "0xt1"))
	}
}

func TestScanNodeResetFarBelowTheWindowIsAReorg(t *testing.T) {
	f := newScanFixture(t, 40)
	f.node.extend("a", 1)
	f.node.payToken(41, "0xt1", addrOne, 5_000_000)
	f.scanAll(t)
	// A reset dev chain: two new blocks, mined after our cursor, at numbers we no longer keep.
	f.node.blocks = nil
	f.node.extend("r", 3)
	for i := range f.node.blocks {
		f.node.blocks[i].Time = chainStart.Add(24 * 3600e9)
	}
	p := f.scan(t)
	if !p.Reorg || f.status(t, "0xt1") != PaymentReverted {
		t.Fatalf("progress %+v, payment %s", p, f.status(t, "0xt1"))
	}
}

func TestScanLaggingLogIndexDoesNotSkipPayments(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 5)
	f.node.payToken(8, "0xt1", addrOne, 5_000_000)
	upTo := uint64(7) // blocks are served, but the logs of 8.. are not indexed yet
	f.node.logsUpTo = &upTo
	p := f.scan(t)
	if p.To != 7 {
		t.Fatalf("the step went past a block whose logs the node could not show: %+v", p)
	}
	if !reflect.DeepEqual(f.node.byHash, []uint64{8}) {
		t.Fatalf("by-hash reads %v, want only block 8 (its bloom names the token)", f.node.byHash)
	}
	f.node.logsUpTo = nil
	f.scanAll(t)
	if f.status(t, "0xt1") == "" {
		t.Fatal("the payment was skipped")
	}
}

func TestScanRPCErrorsChangeNothing(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 3)
	f.node.payToken(7, "0xt1", addrOne, 5_000_000)
	f.node.err = errNode
	for i := 0; i < 3; i++ {
		if _, err := f.scanner.Scan(context.Background(), settledAt); !errors.Is(err, errNode) {
			t.Fatalf("scan with a failing node: %v", err)
		}
	}
	if f.store.cursor.Number != 5 || len(f.store.payments) != 0 {
		t.Fatalf("cursor %d, payments %d", f.store.cursor.Number, len(f.store.payments))
	}
	f.node.err = nil
	f.store.err = errors.New("database down")
	if _, err := f.scanner.Scan(context.Background(), settledAt); err == nil {
		t.Fatal("a failed commit was reported as progress")
	}
	f.store.err = nil
	f.scanAll(t)
	if f.status(t, "0xt1") != PaymentDetected {
		t.Fatalf("payment %s", f.status(t, "0xt1"))
	}
}

func TestScanDuplicateLogsCountOnce(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 1)
	t1 := f.node.payToken(6, "0xt1", addrOne, 5_000_000)
	f.node.extraLogs = []Transfer{t1} // a provider that repeats a log
	got := statuses(f.scanAll(t))
	if !reflect.DeepEqual(got, []string{"cs_one:0xt1:detected"}) || len(f.store.payments) != 1 {
		t.Fatalf("changes %v, payments %d", got, len(f.store.payments))
	}
	f.store.cursor.Number, f.store.cursor.Hash = 5, f.node.blocks[5].Hash // scan the block again
	if got := statuses(f.scanAll(t)); len(got) != 0 || len(f.store.payments) != 1 {
		t.Fatalf("seen again: changes %v, payments %d", got, len(f.store.payments))
	}
}

func TestScanLogFromAnotherBranchStopsBeforeIt(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 5)
	f.node.payToken(7, "0xt1", addrOne, 5_000_000)
	f.node.extraLogs = []Transfer{{TxHash: "0xother", BlockNumber: 9, BlockHash: "0xz9", Contract: tokenA, From: payer,
		To: addrTwo, Amount: fakeAmount}}
	p := f.scan(t)
	if p.To != 8 || f.status(t, "0xt1") != PaymentDetected {
		t.Fatalf("progress %+v, payment %s", p, f.status(t, "0xt1"))
	}
	if _, ok := f.store.payment("0xother"); ok {
		t.Fatal("a log of another branch became a payment")
	}
}

func TestScanSplitsRangesRefusedAsTooLarge(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 10)
	f.node.payToken(7, "0xt1", addrOne, 5_000_000)
	f.node.payToken(14, "0xt2", addrTwo, 5_000_000)
	f.node.maxRange = 3
	p := f.scan(t)
	if p.To != 15 || f.status(t, "0xt1") == "" || f.status(t, "0xt2") == "" {
		t.Fatalf("progress %+v, payments %d", p, len(f.store.payments))
	}
	for _, r := range f.node.ranges[1:] {
		if r[1]-r[0]+1 > 3 && r != [2]uint64{6, 15} && r != [2]uint64{6, 10} && r != [2]uint64{11, 15} {
			t.Fatalf("unexpected range %v", r)
		}
	}
}

func TestScanDustIsRecordedButSignalsNoOne(t *testing.T) {
	f := newScanFixture(t, 5)
	f.node.extend("a", 1)
	f.node.payToken(6, "0xdust", addrOne, 9_999) // below one cent of USDC
	f.node.payToken(6, "0xcent", addrTwo, 10_000)
	got := statuses(f.scanAll(t))
	if !reflect.DeepEqual(got, []string{"cs_two:0xcent:detected"}) {
		t.Fatalf("changes %v", got)
	}
	if p, ok := f.store.payment("0xdust"); !ok || !p.Dust {
		t.Fatalf("dust not on record as dust: %+v", p)
	}
	f.node.extend("a", 3)
	if got := statuses(f.scanAll(t)); !reflect.DeepEqual(got, []string{"cs_two:0xcent:confirmed"}) {
		t.Fatalf("changes %v", got)
	}
}

// A step asks the store only about the addresses its blocks paid, so its cost follows the
// chain's traffic rather than the open sessions; empty blocks ask nothing.
func TestScanAsksOnlyAboutPaidAddresses(t *testing.T) {
	cases := []struct {
		name string
		pay  func(n *fakeNode)
		want []string
	}{
		{"empty blocks", func(*fakeNode) {}, nil},
		{"a token and two native transfers", func(n *fakeNode) {
			n.payToken(6, "0xt1", addrOne, 5_000_000)
			n.payNative(6, "0xn1", addrTwo, 1e15)
			n.payNative(6, "0xn2", addrTwo, 2e15)
			n.payNative(6, "0xn3", "0x3333333333333333333333333333333333333333", 1e15)
		}, []string{addrOne, addrTwo, "0x3333333333333333333333333333333333333333"}},
		{"a zero-value transfer", func(n *fakeNode) { n.payNative(6, "0xn0", addrOne, 0) }, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newScanFixture(t, 5)
			f.node.extend("a", 1)
			c.pay(f.node)
			f.scanAll(t)
			if !reflect.DeepEqual(f.store.asked, c.want) {
				t.Fatalf("asked about %v, want %v", f.store.asked, c.want)
			}
		})
	}
}

// With nothing watched, a step reads no token logs at all.
func TestScanWithNothingWatchedReadsNoLogs(t *testing.T) {
	f := newScanFixture(t, 5)
	f.store.watched = map[string]string{}
	f.node.extend("a", 3)
	f.node.payToken(6, "0xt1", addrOne, 5_000_000)
	f.node.payNative(7, "0xn1", addrTwo, 1e15)
	if got := f.scanAll(t); len(got) != 0 {
		t.Fatalf("changes %v with nothing watched", statuses(got))
	}
	if len(f.node.ranges)+len(f.node.byHash)+len(f.node.receipts)+len(f.store.asked) != 0 {
		t.Fatalf("with nothing watched: read log ranges %v, blocks' logs %v, receipts %v, asked about %v",
			f.node.ranges, f.node.byHash, f.node.receipts, f.store.asked)
	}
}
