package checkout

import (
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

var (
	t0   = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	usdc = chain.Asset{ID: "usdc@base", Symbol: "USDC", ChainKey: "base", ChainID: 8453, Decimals: 6, Contract: "0xa", Peg: "usd"}
	eth  = chain.Asset{ID: "eth@base", Symbol: "ETH", ChainKey: "base", ChainID: 8453, Decimals: 18}
)

// quoted is an open session of $39.98 due in USDC (39,980,000 base units), expiring in an hour.
func quoted() *Session {
	return &Session{ID: "cs_test_1", Status: StatusOpen, PaymentStatus: PaymentUnpaid, Currency: "usd", AmountTotal: 3998,
		ExpiresAt: t0.Add(time.Hour), Crypto: Crypto{AcceptedAssets: []string{"usdc@base", "eth@base"},
			AssetID: "usdc@base", ChainID: 8453, Decimals: 6, DepositAddress: "0xdep", AmountDue: big.NewInt(39_980_000),
			AmountReceived: new(big.Int), State: chain.StateAwaitingPayment}}
}

func pay(asset string, amount int64, status chain.PaymentStatus, minedAt time.Time) chain.Payment {
	return chain.Payment{ID: "pay_" + asset, AssetID: asset, Amount: big.NewInt(amount), Status: status, BlockTime: minedAt}
}

func kindOf(err error) apperr.Kind {
	if e, ok := apperr.As(err); ok {
		return e.Kind
	}
	return -1
}

func TestCanSelect(t *testing.T) {
	dust := pay("usdc@base", 1, chain.PaymentConfirmed, t0)
	dust.Dust = true
	cases := []struct {
		name     string
		asset    string
		closed   bool
		payments []chain.Payment
		want     apperr.Kind // -1: allowed
	}{
		{"same asset again", "usdc@base", false, nil, -1},
		{"switch before any payment", "eth@base", false, nil, -1},
		{"case does not matter", "ETH@Base", false, nil, -1},
		{"missing", "", false, nil, apperr.KindInvalid},
		{"not accepted", "btc@base", false, nil, apperr.KindInvalid},
		{"closed session", "eth@base", true, nil, apperr.KindConflict},
		{"switch after a payment", "eth@base", false, []chain.Payment{pay("usdc@base", 5, chain.PaymentDetected, t0)}, apperr.KindConflict},
		{"switch after a reverted payment", "eth@base", false, []chain.Payment{pay("usdc@base", 5, chain.PaymentReverted, t0)}, -1},
		{"dust never locks the asset", "eth@base", false, []chain.Payment{dust}, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := quoted()
			if c.closed {
				s.Status = StatusExpired
			}
			err := s.CanSelect(c.asset, c.payments)
			if got := kindOf(err); got != c.want {
				t.Fatalf("CanSelect(%q) = %v (kind %d), want kind %d", c.asset, err, got, c.want)
			}
		})
	}
}

func TestApplyQuoteLifetime(t *testing.T) {
	cases := []struct {
		name       string
		asset      chain.Asset
		lifetime   time.Duration
		wantExpiry time.Time
	}{
		{"volatile asset: quote lapses after its lifetime", eth, 15 * time.Minute, t0.Add(15 * time.Minute)},
		{"stablecoin: holds until expiry", usdc, 0, time.Time{}},
		{"lifetime past expiry: holds until expiry", eth, 2 * time.Hour, time.Time{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := quoted()
			q, err := chain.NewQuote(c.asset, s.AmountTotal, "usd", decimal.RequireFromString("3000"), t0)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ApplyQuote(q, c.lifetime, nil); err != nil {
				t.Fatalf("ApplyQuote: %v", err)
			}
			if !s.Crypto.QuoteExpiresAt.Equal(c.wantExpiry) || s.Crypto.AssetID != c.asset.ID || s.Crypto.State != chain.StateAwaitingPayment {
				t.Fatalf("quote expires %v asset %s state %s; want %v %s awaiting_payment",
					s.Crypto.QuoteExpiresAt, s.Crypto.AssetID, s.Crypto.State, c.wantExpiry, c.asset.ID)
			}
		})
	}
}

func TestRequote(t *testing.T) {
	lapsed := t0.Add(15 * time.Minute)
	cases := []struct {
		name     string
		at       time.Time
		payments []chain.Payment
		want     apperr.Kind
	}{
		{"lapsed, nothing paid: new price", lapsed, nil, -1},
		{"still valid", lapsed.Add(-time.Second), nil, apperr.KindConflict},
		{"paid under the quote: it stays", lapsed, []chain.Payment{pay("eth@base", 5, chain.PaymentDetected, lapsed.Add(-time.Minute))}, apperr.KindConflict},
		{"only a reverted payment: new price", lapsed, []chain.Payment{pay("eth@base", 5, chain.PaymentReverted, t0)}, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := quoted()
			old, _ := chain.NewQuote(eth, s.AmountTotal, "usd", decimal.RequireFromString("3000"), t0)
			if err := s.ApplyQuote(old, 15*time.Minute, nil); err != nil {
				t.Fatal(err)
			}
			q, _ := chain.NewQuote(eth, s.AmountTotal, "usd", decimal.RequireFromString("2000"), c.at)
			err := s.Requote(q, 15*time.Minute, c.payments)
			if got := kindOf(err); got != c.want {
				t.Fatalf("Requote = %v, want kind %d", err, c.want)
			}
			wantDue := old.AmountDue
			if c.want == -1 {
				wantDue = q.AmountDue
				if !s.Crypto.QuoteExpiresAt.Equal(c.at.Add(15 * time.Minute)) {
					t.Fatalf("new quote expires %v", s.Crypto.QuoteExpiresAt)
				}
			}
			if s.Crypto.AmountDue.Cmp(wantDue) != 0 {
				t.Fatalf("amount due %s, want %s", s.Crypto.AmountDue, wantDue)
			}
		})
	}
}

func TestSettle(t *testing.T) {
	due := int64(39_980_000)
	cases := []struct {
		name       string
		tolerance  string
		payments   []chain.Payment
		wantStatus Status
		wantState  chain.CryptoState
		wantRecv   int64
	}{
		{"nothing yet", "0", nil, StatusOpen, chain.StateAwaitingPayment, 0},
		{"detected, confirming", "0", []chain.Payment{pay("usdc@base", due, chain.PaymentDetected, t0)}, StatusOpen, chain.StateConfirming, 0},
		{"exact amount confirmed", "0", []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, t0)}, StatusComplete, chain.StatePaid, due},
		{"one base unit short", "0", []chain.Payment{pay("usdc@base", due-1, chain.PaymentConfirmed, t0)}, StatusOpen, chain.StateUnderpaid, due - 1},
		{"one base unit over", "0", []chain.Payment{pay("usdc@base", due+1, chain.PaymentConfirmed, t0)}, StatusComplete, chain.StateOverpaid, due + 1},
		// 1% of 39,980,000 is 399,800: the least accepted is 39,580,200.
		{"short within tolerance, at its edge", "1", []chain.Payment{pay("usdc@base", 39_580_200, chain.PaymentConfirmed, t0)}, StatusComplete, chain.StatePaid, 39_580_200},
		{"one unit beyond tolerance", "1", []chain.Payment{pay("usdc@base", 39_580_199, chain.PaymentConfirmed, t0)}, StatusOpen, chain.StateUnderpaid, 39_580_199},
		// 0.333% of 39,980,000 is 133,133.4: the slack rounds down, in the merchant's favour.
		{"fractional tolerance rounds for the merchant", "0.333", []chain.Payment{pay("usdc@base", 39_846_866, chain.PaymentConfirmed, t0)}, StatusOpen, chain.StateUnderpaid, 39_846_866},
		{"two parts add up", "0", []chain.Payment{pay("usdc@base", 20_000_000, chain.PaymentConfirmed, t0), pay("usdc@base", 19_980_000, chain.PaymentConfirmed, t0)}, StatusComplete, chain.StatePaid, due},
		{"other asset never counts", "0", []chain.Payment{pay("eth@base", due, chain.PaymentConfirmed, t0)}, StatusOpen, chain.StateAwaitingPayment, 0},
		{"mined after the deadline is late", "0", []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, t0.Add(time.Hour+time.Second))}, StatusOpen, chain.StatePaidLate, 0},
		{"mined at the deadline second is on time", "0", []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, t0.Add(time.Hour))}, StatusComplete, chain.StatePaid, due},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := quoted()
			s.Crypto.TolerancePercent = decimal.RequireFromString(c.tolerance)
			s.Settle(c.payments, t0)
			if s.Status != c.wantStatus || s.Crypto.State != c.wantState || s.Crypto.AmountReceived.Int64() != c.wantRecv {
				t.Fatalf("got %s/%s received %s; want %s/%s %d", s.Status, s.Crypto.State, s.Crypto.AmountReceived,
					c.wantStatus, c.wantState, c.wantRecv)
			}
			if (s.Status == StatusComplete) != (s.PaymentStatus == PaymentPaid && s.CompletedAt != nil) {
				t.Fatalf("complete without paid and completed_at: %+v", s)
			}
		})
	}
}

func TestSettleCompletesOnce(t *testing.T) {
	s := quoted()
	paid := []chain.Payment{pay("usdc@base", 39_980_000, chain.PaymentConfirmed, t0)}
	s.Settle(paid, t0)
	first := *s.CompletedAt
	s.Settle(paid, t0.Add(time.Minute))
	if !s.CompletedAt.Equal(first) {
		t.Fatalf("a second settle moved completed_at from %v to %v", first, *s.CompletedAt)
	}
}

func TestExpire(t *testing.T) {
	due := int64(39_980_000)
	request := t0.Add(30 * time.Minute) // an expire request half-way
	cases := []struct {
		name      string
		at        time.Time
		payments  []chain.Payment
		want      apperr.Kind
		status    Status
		state     chain.CryptoState
		expiredAt time.Time
	}{
		{"nothing paid: expires at the deadline", t0.Add(time.Hour), nil, -1, StatusExpired, chain.StateAwaitingPayment, t0.Add(time.Hour)},
		{"a late timer still expires at expires_at", t0.Add(2 * time.Hour), nil, -1, StatusExpired, chain.StateAwaitingPayment, t0.Add(time.Hour)},
		{"request: expires at the request's moment", request, nil, -1, StatusExpired, chain.StateAwaitingPayment, request},
		{"confirming payment mined in time refuses", request, []chain.Payment{pay("usdc@base", due, chain.PaymentDetected, request.Add(-time.Second))}, apperr.KindConflict, StatusOpen, chain.StateAwaitingPayment, time.Time{}},
		{"confirmed payment mined before the request completes instead", request, []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, request)}, -1, StatusComplete, chain.StatePaid, time.Time{}},
		{"payment mined after the request is late", request, []chain.Payment{pay("usdc@base", due, chain.PaymentConfirmed, request.Add(time.Second))}, -1, StatusExpired, chain.StatePaidLate, request},
		{"confirming payment mined after the request does not hold it", request, []chain.Payment{pay("usdc@base", due, chain.PaymentDetected, request.Add(time.Second))}, -1, StatusExpired, chain.StateAwaitingPayment, request},
		{"underpaid at the deadline", t0.Add(time.Hour), []chain.Payment{pay("usdc@base", 10, chain.PaymentConfirmed, t0)}, -1, StatusExpired, chain.StateUnderpaid, t0.Add(time.Hour)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := quoted()
			err := s.Expire(c.at, c.payments)
			if got := kindOf(err); got != c.want {
				t.Fatalf("Expire = %v, want kind %d", err, c.want)
			}
			if c.want != -1 {
				if s.Status != StatusOpen || s.ExpiredAt != nil {
					t.Fatalf("a refused expiry changed the session: %s %v", s.Status, s.ExpiredAt)
				}
				return
			}
			if s.Status != c.status || s.Crypto.State != c.state {
				t.Fatalf("got %s/%s, want %s/%s", s.Status, s.Crypto.State, c.status, c.state)
			}
			if c.status == StatusExpired && !s.ExpiredAt.Equal(c.expiredAt) {
				t.Fatalf("expired_at %v, want %v", s.ExpiredAt, c.expiredAt)
			}
		})
	}
}

func TestExpireRefusesClosed(t *testing.T) {
	s := quoted()
	s.Status = StatusComplete
	if err := s.Expire(t0, nil); kindOf(err) != apperr.KindConflict {
		t.Fatalf("Expire on a complete session = %v, want a conflict", err)
	}
}

func TestAddressBranches(t *testing.T) {
	if AddressBranch(true) != 0 || AddressBranch(false) == AddressBranch(true) {
		t.Fatalf("live must use the receiving branch 0 and test a branch of its own: %d / %d", AddressBranch(true), AddressBranch(false))
	}
}

// A forwarder address is bound to its chain; an xpub address is good on any.
func TestCanPayOn(t *testing.T) {
	for _, tc := range []struct {
		bound, chain int64
		ok           bool
	}{{0, 1337, true}, {0, 8453, true}, {1337, 1337, true}, {1337, 8453, false}} {
		s := &Session{ID: "cs_test_1", Crypto: Crypto{SettlementChainID: tc.bound}}
		if err := s.CanPayOn(tc.chain); (err == nil) != tc.ok {
			t.Errorf("bound to %d, paying on %d: %v", tc.bound, tc.chain, err)
		}
	}
}

// A selection holds while its asset, its address and an unlapsed quote are all there.
func TestHoldsSelection(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		asset   string
		address string
		expires time.Time
		want    bool
	}{
		{"same asset, address, quote until expiry", "eth@dev", "0xabc", time.Time{}, true},
		{"same asset, quote still running", "eth@dev", "0xabc", now.Add(time.Minute), true},
		{"quote lapsed", "eth@dev", "0xabc", now, false},
		{"another asset", "tusd@dev", "0xabc", time.Time{}, false},
		{"no address yet", "eth@dev", "", time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &Session{Crypto: Crypto{AssetID: tc.asset, DepositAddress: tc.address, QuoteExpiresAt: tc.expires}}
			if got := s.HoldsSelection("eth@dev", now); got != tc.want {
				t.Fatalf("HoldsSelection = %t, want %t", got, tc.want)
			}
		})
	}
}
