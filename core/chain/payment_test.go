package chain

import (
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestAccount(t *testing.T) {
	exp := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	before, after := exp.Add(-time.Minute), exp.Add(time.Minute)
	terms := Terms{AssetID: "tusd@dev", AmountDue: big.NewInt(1000), ExpiresAt: exp}
	pay := func(amount int64, st PaymentStatus, at time.Time) Payment {
		return Payment{AssetID: "tusd@dev", Amount: big.NewInt(amount), Status: st, BlockTime: at}
	}
	cases := []struct {
		name      string
		terms     Terms
		payments  []Payment
		state     CryptoState
		covered   bool
		remaining int64
	}{
		{"nothing yet", terms, nil, StateAwaitingPayment, false, 1000},
		{"no asset chosen", Terms{ExpiresAt: exp}, nil, StateAwaitingAsset, false, 0},
		{"exact, confirmed", terms, []Payment{pay(1000, PaymentConfirmed, before)}, StatePaid, true, 0},
		{"exact, waiting for confirmations", terms, []Payment{pay(1000, PaymentDetected, before)}, StateConfirming, false, 0},
		{"two partials that sum up", terms, []Payment{pay(400, PaymentConfirmed, before), pay(600, PaymentConfirmed, before)}, StatePaid, true, 0},
		{"underpaid", terms, []Payment{pay(400, PaymentConfirmed, before)}, StateUnderpaid, false, 600},
		{"overpaid", terms, []Payment{pay(1500, PaymentConfirmed, before)}, StateOverpaid, true, 0},
		{"late", terms, []Payment{pay(1000, PaymentConfirmed, after)}, StatePaidLate, false, 1000},
		{"reverted before confirmation: back to waiting", terms, []Payment{pay(1000, PaymentReverted, before)}, StateAwaitingPayment, false, 1000},
		{"other asset does not count", terms, []Payment{{AssetID: "eth@dev", Amount: big.NewInt(5000), Status: PaymentConfirmed, BlockTime: before}}, StateAwaitingPayment, false, 1000},
		{"within tolerance", Terms{AssetID: "tusd@dev", AmountDue: big.NewInt(1000), ExpiresAt: exp, TolerancePercent: decimal.RequireFromString("0.5")},
			[]Payment{pay(995, PaymentConfirmed, before)}, StatePaid, true, 0},
		{"just outside tolerance", Terms{AssetID: "tusd@dev", AmountDue: big.NewInt(1000), ExpiresAt: exp, TolerancePercent: decimal.RequireFromString("0.5")},
			[]Payment{pay(994, PaymentConfirmed, before)}, StateUnderpaid, false, 6},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := Account(tc.terms, tc.payments)
			if l.State != tc.state || l.Covered != tc.covered || l.Remaining.Int64() != tc.remaining {
				t.Fatalf("ledger = %s covered=%v remaining=%s, want %s %v %d", l.State, l.Covered, l.Remaining, tc.state, tc.covered, tc.remaining)
			}
		})
	}
	// Funds that cover the due but are only seen once the session expired cannot complete it.
	closed := terms
	closed.Expired = true
	if l := Account(closed, []Payment{pay(1000, PaymentConfirmed, before)}); l.State != StatePaidLate || l.Covered {
		t.Fatalf("covered after expiry: %s covered=%v", l.State, l.Covered)
	}
	// A deep reorg after completion takes counted funds back.
	reverted := pay(1000, PaymentReverted, before)
	reverted.WasConfirmed = true
	done := terms
	done.Completed = true
	if l := Account(done, []Payment{reverted}); l.State != StateReverted || l.Covered {
		t.Fatalf("after a deep reorg: %s covered=%v", l.State, l.Covered)
	}
}

func TestNewQuoteRoundsUpInTheMerchantsFavour(t *testing.T) {
	at := time.Now()
	eth := Asset{ID: "eth@dev", Decimals: 18}
	usdc := Asset{ID: "tusd@dev", Decimals: 6, Peg: "usd"}
	cases := []struct {
		asset  Asset
		amount int64
		cur    string
		rate   string
		want   string
	}{
		{usdc, 3998, "usd", "1", "39980000"},                                 // 39.98 USD at 1:1 → 39.98 tUSD
		{eth, 3998, "usd", "3000", "13326666666666667"},                      // 0.013326666… rounded up at 18 decimals
		{eth, 100, "jpy", "450000", "222222222222223"},                       // zero-decimal currency
		{usdc, 1, "usd", "3", "3334"},                                        // 0.00333… → 0.003334
		{eth, 99999999, "usd", "0.000001", "999999990000000000000000000000"}, // a huge amount fits big.Int
	}
	for _, tc := range cases {
		q, err := NewQuote(tc.asset, tc.amount, tc.cur, decimal.RequireFromString(tc.rate), at)
		if err != nil {
			t.Fatal(err)
		}
		if q.AmountDue.String() != tc.want {
			t.Errorf("%d %s at %s = %s %s, want %s", tc.amount, tc.cur, tc.rate, q.AmountDue, tc.asset.ID, tc.want)
		}
	}
	if _, err := NewQuote(eth, 100, "usd", decimal.Zero, at); err == nil {
		t.Error("a zero rate was accepted")
	}
}

func TestParseAndFormatUnits(t *testing.T) {
	v, err := ParseUnits("12.5", 6)
	if err != nil || v.String() != "12500000" || FormatUnits(v, 6) != "12.5" {
		t.Fatalf("12.5 → %v (%v)", v, err)
	}
	for _, bad := range []string{"0", "-1", "1.0000001", "abc"} {
		if _, err := ParseUnits(bad, 6); err == nil {
			t.Errorf("ParseUnits(%q) accepted", bad)
		}
	}
}
