package chain

import (
	"math/big"
	"reflect"
	"testing"
	"time"
)

var settledAt = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestPaymentConfirm(t *testing.T) {
	cases := []struct {
		name   string
		status PaymentStatus
		block  uint64
		cursor uint64
		depth  int64
		want   bool
	}{
		{"depth 1: confirmed in its own block", PaymentDetected, 10, 10, 1, true},
		{"depth 3: two more blocks needed", PaymentDetected, 10, 11, 3, false},
		{"depth 3: exactly deep enough", PaymentDetected, 10, 12, 3, true},
		{"deeper than needed", PaymentDetected, 10, 50, 3, true},
		{"cursor below the block (after a fork)", PaymentDetected, 10, 9, 1, false},
		{"block 0, depth 1", PaymentDetected, 0, 0, 1, true},
		{"depth 0 is not a rule: never confirms", PaymentDetected, 10, 20, 0, false},
		{"negative depth never confirms", PaymentDetected, 10, 20, -1, false},
		{"already confirmed: no change", PaymentConfirmed, 10, 20, 1, false},
		{"reverted stays reverted", PaymentReverted, 10, 20, 1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Payment{Status: c.status, BlockNumber: c.block}
			if got := p.Confirm(c.cursor, c.depth, settledAt); got != c.want {
				t.Fatalf("Confirm = %v, want %v", got, c.want)
			}
			if c.want && (p.Status != PaymentConfirmed || !p.WasConfirmed || !p.ConfirmedAt.Equal(settledAt)) {
				t.Fatalf("after Confirm: %+v", p)
			}
			if !c.want && p.Status != c.status {
				t.Fatalf("status changed to %s without a transition", p.Status)
			}
		})
	}
}

func TestPaymentRevertAndReinstate(t *testing.T) {
	b := BlockRef{Number: 12, Hash: "0xnew", Time: settledAt}
	cases := []struct {
		name          string
		status        PaymentStatus
		revert        bool
		reinstate     bool
		afterRevert   PaymentStatus
		afterReinstat PaymentStatus
	}{
		{"detected", PaymentDetected, true, true, PaymentReverted, PaymentDetected},
		{"confirmed", PaymentConfirmed, true, true, PaymentReverted, PaymentDetected},
		{"reverted", PaymentReverted, false, true, PaymentReverted, PaymentDetected},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Payment{Status: c.status, BlockNumber: 10, BlockHash: "0xold", WasConfirmed: c.status == PaymentConfirmed}
			if got := p.Revert(settledAt); got != c.revert || p.Status != c.afterRevert {
				t.Fatalf("Revert = %v (%s), want %v (%s)", got, p.Status, c.revert, c.afterRevert)
			}
			if got := p.Reinstate(b); got != c.reinstate || p.Status != c.afterReinstat {
				t.Fatalf("Reinstate = %v (%s), want %v (%s)", got, p.Status, c.reinstate, c.afterReinstat)
			}
			if p.BlockNumber != 12 || p.BlockHash != "0xnew" || !p.RevertedAt.IsZero() {
				t.Fatalf("reinstated payment keeps its old block or revert time: %+v", p)
			}
			if p.WasConfirmed != (c.status == PaymentConfirmed) {
				t.Fatal("WasConfirmed must survive a revert and a reinstatement")
			}
			if p.Reinstate(b) {
				t.Fatal("a detected payment was reinstated twice")
			}
		})
	}
}

func TestSettle(t *testing.T) {
	fork := func(n uint64) *uint64 { return &n }
	pay := func(session, tx string, block uint64, st PaymentStatus) Payment {
		return Payment{ID: "pay_" + tx, SessionID: session, ChainID: 1, TxHash: tx, LogIndex: 0, BlockNumber: block,
			BlockHash: "0xh" + tx, Amount: big.NewInt(5), Status: st}
	}
	dust := pay("cs_d", "0xd", 10, PaymentDetected)
	dust.Dust = true
	cases := []struct {
		name    string
		stored  []Payment
		step    Step
		saved   map[string]PaymentStatus // tx → status saved
		changes []Change
	}{
		{"new payment, not deep yet", nil,
			Step{Payments: []Payment{pay("cs_a", "0x1", 10, "")}, Cursor: BlockRef{Number: 10}, Depth: 3},
			map[string]PaymentStatus{"0x1": PaymentDetected},
			[]Change{{"cs_a", "0x1", PaymentDetected}}},
		{"depth 1: detected and confirmed in one step", nil,
			Step{Payments: []Payment{pay("cs_a", "0x1", 10, "")}, Cursor: BlockRef{Number: 10}, Depth: 1},
			map[string]PaymentStatus{"0x1": PaymentConfirmed},
			[]Change{{"cs_a", "0x1", PaymentDetected}, {"cs_a", "0x1", PaymentConfirmed}}},
		{"stored detected becomes deep enough", []Payment{pay("cs_a", "0x1", 10, PaymentDetected)},
			Step{Cursor: BlockRef{Number: 12}, Depth: 3},
			map[string]PaymentStatus{"0x1": PaymentConfirmed},
			[]Change{{"cs_a", "0x1", PaymentConfirmed}}},
		{"duplicate log in one step counts once", nil,
			Step{Payments: []Payment{pay("cs_a", "0x1", 10, ""), pay("cs_a", "0x1", 10, "")}, Cursor: BlockRef{Number: 10}, Depth: 3},
			map[string]PaymentStatus{"0x1": PaymentDetected},
			[]Change{{"cs_a", "0x1", PaymentDetected}}},
		{"seen again while counted: nothing", []Payment{pay("cs_a", "0x1", 10, PaymentConfirmed)},
			Step{Payments: []Payment{pay("cs_a", "0x1", 10, "")}, Cursor: BlockRef{Number: 20}, Depth: 3},
			map[string]PaymentStatus{}, nil},
		{"fork reverts above it only", []Payment{pay("cs_a", "0x1", 10, PaymentConfirmed), pay("cs_b", "0x2", 11, PaymentDetected),
			pay("cs_c", "0x3", 12, PaymentReverted)},
			Step{ForkAt: fork(10), Cursor: BlockRef{Number: 10}, Depth: 3},
			map[string]PaymentStatus{"0x2": PaymentReverted},
			[]Change{{"cs_b", "0x2", PaymentReverted}}},
		{"fork below a confirmed payment reverts it", []Payment{pay("cs_a", "0x1", 10, PaymentConfirmed)},
			Step{ForkAt: fork(9), Cursor: BlockRef{Number: 9}, Depth: 3},
			map[string]PaymentStatus{"0x1": PaymentReverted},
			[]Change{{"cs_a", "0x1", PaymentReverted}}},
		{"reverted payment seen again is reinstated", []Payment{pay("cs_a", "0x1", 10, PaymentReverted)},
			Step{Payments: []Payment{pay("cs_a", "0x1", 11, "")}, Cursor: BlockRef{Number: 11}, Depth: 3},
			map[string]PaymentStatus{"0x1": PaymentDetected},
			[]Change{{"cs_a", "0x1", PaymentDetected}}},
		{"dust is saved but changes no one", nil,
			Step{Payments: []Payment{dust}, Cursor: BlockRef{Number: 12}, Depth: 3},
			map[string]PaymentStatus{"0xd": PaymentConfirmed}, nil},
		{"changes ordered by session", nil,
			Step{Payments: []Payment{pay("cs_b", "0x2", 10, ""), pay("cs_a", "0x1", 10, "")}, Cursor: BlockRef{Number: 10}, Depth: 3},
			map[string]PaymentStatus{"0x1": PaymentDetected, "0x2": PaymentDetected},
			[]Change{{"cs_a", "0x1", PaymentDetected}, {"cs_b", "0x2", PaymentDetected}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.step.Now = settledAt
			save, changes := Settle(c.stored, c.step)
			got := map[string]PaymentStatus{}
			for _, p := range save {
				if _, dup := got[p.TxHash]; dup {
					t.Fatalf("%s saved twice", p.TxHash)
				}
				got[p.TxHash] = p.Status
			}
			if !reflect.DeepEqual(got, c.saved) {
				t.Fatalf("saved %v, want %v", got, c.saved)
			}
			if !reflect.DeepEqual(changes, c.changes) {
				t.Fatalf("changes %v, want %v", changes, c.changes)
			}
		})
	}
}

func TestStepTouches(t *testing.T) {
	fork := uint64(10)
	cases := []struct {
		name   string
		forkAt *uint64
		p      Payment
		want   bool
	}{
		{"detected, no fork", nil, Payment{Status: PaymentDetected, BlockNumber: 5}, true},
		{"confirmed, no fork", nil, Payment{Status: PaymentConfirmed, BlockNumber: 50}, false},
		{"confirmed above the fork", &fork, Payment{Status: PaymentConfirmed, BlockNumber: 11}, true},
		{"confirmed at the fork", &fork, Payment{Status: PaymentConfirmed, BlockNumber: 10}, false},
		{"reverted above the fork", &fork, Payment{Status: PaymentReverted, BlockNumber: 11}, false},
	}
	for _, c := range cases {
		if got := (Step{ForkAt: c.forkAt}).Touches(c.p); got != c.want {
			t.Errorf("%s: Touches = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAssetIsDust(t *testing.T) {
	cfg := Config{Chains: []Chain{{Key: "dev", ID: 1, Native: Token{Symbol: "ETH", Decimals: 18}, Tokens: []Token{
		{Symbol: "USDC", Contract: "0x0000000000000000000000000000000000000001", Decimals: 6, Peg: "usd"},
		{Symbol: "WBTC", Contract: "0x0000000000000000000000000000000000000002", Decimals: 8},
		{Symbol: "DAI", Contract: "0x0000000000000000000000000000000000000003", Decimals: 18, Peg: "usd", Dust: "1.5"}}}}}
	cases := []struct {
		asset  string
		amount int64
		want   bool
	}{
		{"usdc@dev", 9_999, true}, // below one cent
		{"usdc@dev", 10_000, false},
		{"eth@dev", 1, false}, // no default for unpegged assets
		{"wbtc@dev", 1, false},
		{"dai@dev", 1, true},
	}
	for _, c := range cases {
		a, ok := cfg.Asset(c.asset)
		if !ok {
			t.Fatalf("no asset %s", c.asset)
		}
		if got := a.IsDust(big.NewInt(c.amount)); got != c.want {
			t.Errorf("%s %d: IsDust = %v, want %v", c.asset, c.amount, got, c.want)
		}
	}
	dai, _ := cfg.Asset("dai@dev")
	if want, _ := new(big.Int).SetString("1500000000000000000", 10); dai.Dust.Cmp(want) != 0 {
		t.Fatalf("dai dust = %s, want 1.5e18", dai.Dust)
	}
}

func TestValidateDust(t *testing.T) {
	base := Chain{Key: "dev", ID: 1, RPCURL: "http://x", Confirmations: 1, Native: Token{Symbol: "ETH", Decimals: 18}}
	cases := []struct {
		name string
		dust string
		ok   bool
	}{
		{"empty takes the default", "", true},
		{"a decimal", "0.05", true},
		{"zero", "0", true},
		{"negative", "-1", false},
		{"not a number", "one cent", false},
		{"finer than the decimals", "0.0000001", false},
	}
	for _, c := range cases {
		ch := base
		ch.Tokens = []Token{{Symbol: "USDC", Contract: "0x0000000000000000000000000000000000000001", Decimals: 6, Peg: "usd", Dust: c.dust}}
		if err := (Config{Chains: []Chain{ch}}).Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate = %v, want ok %v", c.name, err, c.ok)
		}
	}
}

func TestConfirmations(t *testing.T) {
	cases := []struct {
		name   string
		status PaymentStatus
		cursor uint64
		want   uint64
	}{
		{"scanner below the block", PaymentDetected, 9, 0},
		{"its own block counts as one", PaymentDetected, 10, 1},
		{"three blocks on", PaymentConfirmed, 12, 3},
		{"reverted has none", PaymentReverted, 20, 0},
	}
	for _, c := range cases {
		p := Payment{Status: c.status, BlockNumber: 10}
		if got := p.Confirmations(c.cursor); got != c.want {
			t.Errorf("%s: Confirmations(%d) = %d, want %d", c.name, c.cursor, got, c.want)
		}
	}
}
