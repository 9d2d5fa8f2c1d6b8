package settlement

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
)

func TestNewBalanceTransaction(t *testing.T) {
	cases := []struct {
		name     string
		currency string
		value    string
		want     int64
		err      bool
	}{
		{"cents", "usd", "39.98", 3998, false},
		{"half a cent rounds away from zero", "usd", "0.005", 1, false},
		{"below half a cent", "usd", "19.99499", 1999, false},
		{"a zero-decimal currency", "jpy", "1500.4", 1500, false},
		{"a three-decimal currency", "kwd", "1.2345", 1235, false},
		{"no fiat value", "usd", "0", 0, false},
		{"an unknown currency", "xyz", "1", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := dep(1, tc.currency, tc.value, 0)
			line, err := NewBalanceTransaction("txn_1", d, t0)
			if tc.err {
				if err == nil {
					t.Fatalf("accepted %s", tc.currency)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if line.FiatAmount != tc.want || line.Type != TypePayment || line.Status != BalancePending || line.PayoutID != "" ||
				line.PaymentID != d.PaymentID || line.SessionID != d.SessionID || line.Address != d.Address ||
				line.Amount.Cmp(d.Amount) != 0 || line.NetworkFee.Sign() != 0 || !line.Created.Equal(t0) || !line.AvailableOn.IsZero() {
				t.Fatalf("line = %+v; want fiat %d", line, tc.want)
			}
			d.Amount.SetInt64(7) // the line keeps its own amount
			if line.Amount.Int64() != 1_000_000 {
				t.Fatalf("the line shares the deposit's amount")
			}
		})
	}
}

func TestFiatTotal(t *testing.T) {
	l := func(currency string, fiat int64) BalanceTransaction {
		return BalanceTransaction{Currency: currency, FiatAmount: fiat}
	}
	cases := []struct {
		name     string
		lines    []BalanceTransaction
		amount   int64
		currency string
	}{
		{"none", nil, 0, ""},
		{"one currency", []BalanceTransaction{l("usd", 3998), l("usd", 2), l("usd", 0)}, 4000, "usd"},
		{"several currencies have no single total", []BalanceTransaction{l("usd", 3998), l("eur", 100)}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if a, c := FiatTotal(tc.lines); a != tc.amount || c != tc.currency {
				t.Fatalf("FiatTotal = %d %q, want %d %q", a, c, tc.amount, tc.currency)
			}
		})
	}
}

func TestNewPayout(t *testing.T) {
	deposits := []Deposit{dep(1, "usd", "39.98", 0), dep(2, "usd", "0.015", 0)}
	sweeps, covered := Policy{}.Plan(deposits)
	p, err := NewPayout("po_1", sweeps, covered, t0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != PayoutPending || p.Forwarders != 2 || p.Destination != addr(150) || p.ChainID != 1337 ||
		p.MerchantID != "acct_1" || p.Amount != 3998+2 || p.Currency != "usd" || !p.Created.Equal(t0) {
		t.Fatalf("payout = %+v", p)
	}
	if _, err := NewPayout("po_2", nil, nil, t0); err == nil {
		t.Fatal("an empty payout was opened")
	}
	if _, err := NewPayout("po_3", sweeps, []Deposit{dep(1, "xyz", "1", 0)}, t0); err == nil {
		t.Fatal("a deposit in an unknown currency was paid out")
	}
}

// The payout's life: each transition allowed from some statuses only.
func TestPayoutTransitions(t *testing.T) {
	type step func(*Payout) error
	sent := func(p *Payout) error { return p.Sent("0xsweep2") }
	paid := func(p *Payout) error {
		_, err := p.Paid(Receipt{TxHash: "0xsweep2", NetworkFee: big.NewInt(0), At: t0}, nil)
		return err
	}
	fail := func(p *Payout) error { _, err := p.Fail("sweep_reverted", nil); return err }
	cases := []struct {
		name string
		from PayoutStatus
		do   step
		ok   bool
		to   PayoutStatus
	}{
		{"a pending payout's sweep is sent", PayoutPending, sent, true, PayoutInTransit},
		{"a replacement takes the place of the sweep in transit", PayoutInTransit, sent, true, PayoutInTransit},
		{"a paid payout sends nothing", PayoutPaid, sent, false, PayoutPaid},
		{"a failed payout sends nothing", PayoutFailed, sent, false, PayoutFailed},
		{"a sweep in transit is paid", PayoutInTransit, paid, true, PayoutPaid},
		{"an unsent payout cannot be paid", PayoutPending, paid, false, PayoutPending},
		{"a paid payout is paid once", PayoutPaid, paid, false, PayoutPaid},
		{"a failed payout cannot be paid", PayoutFailed, paid, false, PayoutFailed},
		{"a sweep in transit fails", PayoutInTransit, fail, true, PayoutFailed},
		{"a pending payout fails", PayoutPending, fail, true, PayoutFailed},
		{"a paid payout cannot fail", PayoutPaid, fail, false, PayoutPaid},
		{"a failed payout fails once", PayoutFailed, fail, false, PayoutFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Payout{ID: "po_1", Status: tc.from, TxHash: "0xsweep1"}
			err := tc.do(&p)
			if (err == nil) != tc.ok || p.Status != tc.to {
				t.Fatalf("err %v, status %s; want ok %v, status %s", err, p.Status, tc.ok, tc.to)
			}
			if tc.ok && tc.to == PayoutInTransit && p.TxHash != "0xsweep2" {
				t.Fatalf("tx hash %s after a send", p.TxHash)
			}
		})
	}
}

// line is a pending payment line of forwarder n, as RecordDeposits wrote it.
func line(id string, n byte, asset string, amount, fiat int64) BalanceTransaction {
	return BalanceTransaction{ID: id, MerchantID: "acct_1", Type: TypePayment, SessionID: "cs_" + id, PaymentID: "pay_" + id,
		ChainID: 1337, AssetID: asset, Address: addr(n), Amount: big.NewInt(amount), Currency: "usd", FiatAmount: fiat,
		NetworkFee: new(big.Int), Status: BalancePending, PayoutID: "po_1", Created: t0}
}

func flushed(n byte, asset string, amount int64) Flushed {
	return Flushed{Address: addr(n), AssetID: asset, Amount: big.NewInt(amount)}
}

// Paid settles every line, adds an adjustment wherever a forwarder held more or less than its
// lines on record, and shares the network fee equally (the remainder on the first line).
func TestPaidAdjustsAndSharesTheFee(t *testing.T) {
	type want struct {
		id, typ, session, asset string
		address                 byte
		amount, fee, fiat       int64
	}
	cases := []struct {
		name     string
		lines    []BalanceTransaction
		flushed  []Flushed
		fee      int64
		want     []want
		amounts  map[string]int64
		fiat     int64
		currency string
	}{
		{name: "the sweep moved exactly what is on record",
			lines:   []BalanceTransaction{line("a", 1, "tusd@dev", 100, 10), line("b", 2, "tusd@dev", 50, 5)},
			flushed: []Flushed{flushed(1, "tusd@dev", 100), flushed(2, "tusd@dev", 50)}, fee: 1001,
			want:    []want{{"a", TypePayment, "cs_a", "tusd@dev", 1, 100, 501, 10}, {"b", TypePayment, "cs_b", "tusd@dev", 2, 50, 500, 5}},
			amounts: map[string]int64{"tusd@dev": 150}, fiat: 15, currency: "usd"},
		{name: "two payments into one forwarder, flushed at once",
			lines:   []BalanceTransaction{line("a", 1, "tusd@dev", 100, 10), line("b", 1, "tusd@dev", 50, 5)},
			flushed: []Flushed{flushed(1, "tusd@dev", 150)}, fee: 9,
			want:    []want{{"a", TypePayment, "cs_a", "tusd@dev", 1, 100, 5, 10}, {"b", TypePayment, "cs_b", "tusd@dev", 1, 50, 4, 5}},
			amounts: map[string]int64{"tusd@dev": 150}, fiat: 15, currency: "usd"},
		{name: "more than on record (a payment after the watch window, native coin beside tokens): an adjustment",
			lines:   []BalanceTransaction{line("a", 1, "tusd@dev", 100, 10)},
			flushed: []Flushed{flushed(1, "tusd@dev", 130), flushed(1, "eth@dev", 7)}, fee: 10,
			want: []want{{"a", TypePayment, "cs_a", "tusd@dev", 1, 100, 4, 10},
				{"txn_adj_po_1_0", TypeAdjustment, "cs_a", "eth@dev", 1, 7, 3, 0},
				{"txn_adj_po_1_1", TypeAdjustment, "cs_a", "tusd@dev", 1, 30, 3, 0}},
			amounts: map[string]int64{"tusd@dev": 130, "eth@dev": 7}, fiat: 10, currency: "usd"},
		{name: "less than on record (a counted payment a deep reorg took away): a negative adjustment",
			lines:   []BalanceTransaction{line("a", 1, "tusd@dev", 100, 10), line("b", 2, "tusd@dev", 50, 5)},
			flushed: []Flushed{flushed(1, "tusd@dev", 100)}, fee: 0,
			want: []want{{"a", TypePayment, "cs_a", "tusd@dev", 1, 100, 0, 10}, {"b", TypePayment, "cs_b", "tusd@dev", 2, 50, 0, 5},
				{"txn_adj_po_1_0", TypeAdjustment, "cs_b", "tusd@dev", 2, -50, 0, 0}},
			amounts: map[string]int64{"tusd@dev": 100}, fiat: 15, currency: "usd"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Payout{ID: "po_1", MerchantID: "acct_1", ChainID: 1337, Status: PayoutInTransit, TxHash: "0xold"}
			at := t0.Add(time.Hour)
			before := append([]BalanceTransaction(nil), tc.lines...)
			got, err := p.Paid(Receipt{TxHash: "0xsweep", Flushed: tc.flushed, NetworkFee: big.NewInt(tc.fee), At: at}, tc.lines)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d lines, want %d: %+v", len(got), len(tc.want), got)
			}
			totalFee, moved := new(big.Int), map[string]int64{}
			for i, w := range tc.want {
				l := got[i]
				if l.ID != w.id || l.Type != w.typ || l.SessionID != w.session || l.AssetID != w.asset || l.Address != addr(w.address) ||
					l.Amount.Int64() != w.amount || l.NetworkFee.Int64() != w.fee || l.FiatAmount != w.fiat || l.Currency != "usd" ||
					l.PayoutID != "po_1" || l.Status != BalanceAvailable || !l.AvailableOn.Equal(at) {
					t.Fatalf("line %d = %+v\nwant %+v", i, l, w)
				}
				totalFee.Add(totalFee, l.NetworkFee)
				moved[l.AssetID] += l.Amount.Int64()
			}
			if totalFee.Int64() != tc.fee {
				t.Fatalf("the lines bear %s of a fee of %d", totalFee, tc.fee)
			}
			for asset, v := range tc.amounts {
				if moved[asset] != v {
					t.Fatalf("lines in %s add up to %d, the sweep moved %d", asset, moved[asset], v)
				}
			}
			if p.Status != PayoutPaid || p.TxHash != "0xsweep" || !p.ArrivalDate.Equal(at) || p.NetworkFee.Int64() != tc.fee ||
				p.Amount != tc.fiat || p.Currency != tc.currency || len(p.Amounts) != len(tc.amounts) {
				t.Fatalf("payout = %+v", p)
			}
			for _, a := range p.Amounts {
				if a.Amount.Int64() != tc.amounts[a.AssetID] {
					t.Fatalf("payout amounts %+v, want %v", p.Amounts, tc.amounts)
				}
			}
			for i := range before {
				if tc.lines[i].Status != BalancePending || tc.lines[i].NetworkFee.Sign() != 0 {
					t.Fatalf("Paid changed its input line %d: %+v", i, tc.lines[i])
				}
			}
		})
	}
}

func TestFailReleasesLines(t *testing.T) {
	p := Payout{ID: "po_1", Status: PayoutInTransit, TxHash: "0xsweep", Amount: 15, Currency: "usd"}
	lines := []BalanceTransaction{line("a", 1, "tusd@dev", 100, 10), line("b", 2, "tusd@dev", 50, 5)}
	released, err := p.Fail("sweep_reverted", lines)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != PayoutFailed || p.FailureCode != "sweep_reverted" || p.Amount != 15 {
		t.Fatalf("payout = %+v", p)
	}
	for i, l := range released {
		if l.PayoutID != "" || l.Status != BalancePending || l.ID != lines[i].ID {
			t.Fatalf("released line %d = %+v", i, l)
		}
		if lines[i].PayoutID != "po_1" {
			t.Fatalf("Fail changed its input line %d", i)
		}
	}
}

type fakeEncoder struct{}

func (f fakeEncoder) EncodePayout(_ context.Context, p Payout) ([]byte, error) {
	return json.Marshal(map[string]any{"id": p.ID, "status": p.Status})
}

type failingEncoder struct{}

func (failingEncoder) EncodePayout(context.Context, Payout) ([]byte, error) {
	return nil, errors.New("no")
}

func TestPayoutEvents(t *testing.T) {
	cases := []struct {
		name          string
		before, after PayoutStatus
		want          string
	}{
		{"paid", PayoutInTransit, PayoutPaid, event.PayoutPaid},
		{"failed", PayoutInTransit, PayoutFailed, event.PayoutFailed},
		{"failed before any send", PayoutPending, PayoutFailed, event.PayoutFailed},
		{"sent: no event", PayoutPending, PayoutInTransit, ""},
		{"a replacement: no event", PayoutInTransit, PayoutInTransit, ""},
		{"settled again: no second event", PayoutPaid, PayoutPaid, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := Payout{ID: "po_1", MerchantID: "acct_1", Livemode: true, Status: tc.before}
			after := before
			after.Status = tc.after
			evs, err := PayoutEvents(context.Background(), fakeEncoder{}, before, after, t0)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(evs) != 0 {
					t.Fatalf("events %+v", evs)
				}
				return
			}
			if len(evs) != 1 {
				t.Fatalf("%d events", len(evs))
			}
			e := evs[0]
			var obj, prev map[string]string
			if json.Unmarshal(e.Object, &obj) != nil || json.Unmarshal(e.PreviousAttributes, &prev) != nil {
				t.Fatalf("event payloads %s %s", e.Object, e.PreviousAttributes)
			}
			if e.Type != tc.want || e.MerchantID != "acct_1" || !e.Livemode || e.SessionID != "" || !e.Created.Equal(t0) ||
				e.ID == "" || obj["id"] != "po_1" || obj["status"] != string(tc.after) || prev["status"] != string(tc.before) {
				t.Fatalf("event %+v %s %s", e, e.Object, e.PreviousAttributes)
			}
		})
	}
	paid := Payout{ID: "po_1", Status: PayoutPaid}
	if _, err := PayoutEvents(context.Background(), failingEncoder{}, Payout{Status: PayoutInTransit}, paid, t0); err == nil {
		t.Fatal("an encoding failure was ignored")
	}
	if !event.Known(event.PayoutPaid) || !event.Known(event.PayoutFailed) {
		t.Fatal("endpoints cannot subscribe to payout events")
	}
}

func TestFilterChecks(t *testing.T) {
	cases := []struct {
		name  string
		check func() error
		param string // "" when accepted
	}{
		{"no payout filter", func() error { f := PayoutFilter{}; return f.Check() }, ""},
		{"payouts in transit", func() error { f := PayoutFilter{Status: "in_transit"}; return f.Check() }, ""},
		{"an unknown payout status", func() error { f := PayoutFilter{Status: "sent"}; return f.Check() }, "status"},
		{"a payout limit over 100", func() error { f := PayoutFilter{}; f.Params.Limit = 101; return f.Check() }, "limit"},
		{"adjustments", func() error { f := LineFilter{Type: TypeAdjustment}; return f.Check() }, ""},
		{"payments of a payout", func() error { f := LineFilter{Type: TypePayment, PayoutID: "po_1"}; return f.Check() }, ""},
		{"an unknown line type", func() error { f := LineFilter{Type: "charge"}; return f.Check() }, "type"},
		{"both cursors", func() error {
			f := LineFilter{}
			f.Params.StartingAfter, f.Params.EndingBefore = "txn_1", "txn_2"
			return f.Check()
		}, "ending_before"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.check()
			e, _ := apperr.As(err)
			if tc.param == "" && err != nil || tc.param != "" && (e == nil || e.Kind != apperr.KindInvalid || e.Param != tc.param) {
				t.Fatalf("err = %v, want param %q", err, tc.param)
			}
		})
	}
	f := PayoutFilter{}
	if err := f.Check(); err != nil || f.Params.Limit != 10 {
		t.Fatalf("default limit %d (%v)", f.Params.Limit, err)
	}
}
