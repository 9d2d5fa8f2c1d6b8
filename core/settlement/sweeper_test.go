package settlement

import (
	"context"
	"math/big"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
)

// memLedger keeps one payout and its lines in memory: Check only updates payouts.
type memLedger struct {
	Ledger
	payout Payout
	lines  []BalanceTransaction
	events []event.Event
}

func (m *memLedger) UpdatePayout(_ context.Context, _ string, change func(*Payout, []BalanceTransaction) ([]BalanceTransaction, []event.Event, error)) (Payout, error) {
	p := m.payout
	lines, events, err := change(&p, append([]BalanceTransaction(nil), m.lines...))
	if err != nil {
		return Payout{}, err
	}
	m.payout, m.events = p, append(m.events, events...)
	for _, l := range lines {
		replaced := false
		for i := range m.lines {
			if m.lines[i].ID == l.ID {
				m.lines[i], replaced = l, true
			}
		}
		if !replaced {
			m.lines = append(m.lines, l)
		}
	}
	return p, nil
}

type stubWallet struct {
	GasWallet
	sent []SentTx
}

func (w stubWallet) Sent(context.Context, int64, string) ([]SentTx, error) { return w.sent, nil }

type stubSweeps struct {
	SweepChain
	head  uint64
	mined *MinedSweep
}

func (c stubSweeps) Head(context.Context, int64) (uint64, error) { return c.head, nil }
func (c stubSweeps) SweepReceipt(context.Context, int64, []string) (MinedSweep, bool, error) {
	if c.mined == nil {
		return MinedSweep{}, false, nil
	}
	return *c.mined, true, nil
}

type jsonEncoder struct{}

func (jsonEncoder) EncodePayout(_ context.Context, p Payout) ([]byte, error) {
	return []byte(`{"id":"` + p.ID + `","status":"` + string(p.Status) + `"}`), nil
}

// Check settles a payout only once its sweep is deep enough, as paid or failed, and once.
func TestSweeperCheck(t *testing.T) {
	token, _ := ParseAddress("0x00000000000000000000000000000000000000cc")
	fwd, _ := ParseAddress("0x00000000000000000000000000000000000000f1")
	dev := chain.Chain{Key: "dev", ID: 1337, Confirmations: 3, Native: chain.Token{Symbol: "ETH", Decimals: 18},
		Tokens: []chain.Token{{Symbol: "TUSD", Contract: token.String(), Decimals: 6}}}
	line := BalanceTransaction{ID: "txn_1", Type: TypePayment, SessionID: "cs_1", AssetID: "tusd@dev", Address: fwd,
		Amount: big.NewInt(5_000_000), Currency: "usd", FiatAmount: 500, NetworkFee: new(big.Int), PayoutID: "po_1"}
	mined := func(ok bool, block uint64) *MinedSweep {
		return &MinedSweep{Hash: "0xb", BlockNumber: block, BlockTime: time.Unix(1000, 0), Succeeded: ok, NetworkFee: big.NewInt(21),
			Flushed: []Flushed{{Address: fwd, Token: token, Amount: big.NewInt(5_000_000)}}}
	}
	for _, tc := range []struct {
		name   string
		status PayoutStatus // before
		sent   int
		mined  *MinedSweep
		head   uint64
		want   PayoutStatus
		events int
		depth  uint64
	}{
		{"nothing sent yet", PayoutPending, 0, nil, 100, PayoutPending, 0, 0},
		{"sent, not mined", PayoutInTransit, 1, nil, 100, PayoutInTransit, 0, 0},
		{"mined, two of three confirmations", PayoutInTransit, 1, mined(true, 99), 100, PayoutInTransit, 0, 2},
		{"mined, confirmed", PayoutInTransit, 1, mined(true, 98), 100, PayoutPaid, 1, 3},
		{"a replacement confirmed", PayoutInTransit, 2, mined(true, 90), 100, PayoutPaid, 1, 11},
		{"reverted, confirmed", PayoutInTransit, 1, mined(false, 98), 100, PayoutFailed, 1, 3},
		{"already paid", PayoutPaid, 1, mined(true, 50), 100, PayoutPaid, 0, 51},
	} {
		t.Run(tc.name, func(t *testing.T) {
			led := &memLedger{payout: Payout{ID: "po_1", ChainID: 1337, Status: tc.status, TxHash: "0xa"},
				lines: []BalanceTransaction{line}}
			w := stubWallet{}
			for i := 0; i < tc.sent; i++ {
				w.sent = append(w.sent, SentTx{Key: "po_1", Attempt: i + 1, Hash: []string{"0xa", "0xb"}[i]})
			}
			s, err := NewSweeper(led, stubSweeps{head: tc.head, mined: tc.mined}, w, jsonEncoder{},
				chain.Config{Chains: []chain.Chain{dev}}, DefaultPolicy, func() time.Time { return time.Unix(2000, 0) })
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.Check(context.Background(), 1337, "po_1")
			if err != nil {
				t.Fatal(err)
			}
			if p.Status != tc.want || led.payout.Status != tc.want || p.Confirmations != tc.depth {
				t.Fatalf("progress %+v, stored %s; want %s at depth %d", p, led.payout.Status, tc.want, tc.depth)
			}
			if len(led.events) != tc.events {
				t.Errorf("%d events, want %d", len(led.events), tc.events)
			}
			switch tc.want {
			case PayoutPaid:
				if tc.status == PayoutPaid {
					return
				}
				l := led.lines[0]
				if l.Status != BalanceAvailable || l.NetworkFee.Int64() != 21 || led.payout.TxHash != "0xb" ||
					len(led.payout.Amounts) != 1 || led.payout.Amounts[0].AssetID != "tusd@dev" {
					t.Errorf("paid payout %+v, line %+v", led.payout, l)
				}
			case PayoutFailed:
				if led.lines[0].PayoutID != "" {
					t.Errorf("a failed payout kept its line: %+v", led.lines[0])
				}
			}
		})
	}
}
