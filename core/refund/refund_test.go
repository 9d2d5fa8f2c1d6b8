package refund

import (
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

const dest = "0x8ba1f109551bd432803012645ac136ddd64dba72"

func codeOf(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Code
	}
	if err != nil {
		return "other"
	}
	return ""
}

func big10(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic(s)
	}
	return v
}

func TestBaseUnitsRoundsInTheShoppersFavour(t *testing.T) {
	cases := []struct {
		name    string
		rate    Rate
		minor   int64
		want    string
		rounded bool
	}{
		{"stablecoin exact", Rate{"usd", decimal.NewFromInt(1), 6}, 500, "5000000", false},
		{"ether, a third of a unit", Rate{"usd", decimal.NewFromInt(3000), 18}, 100, "333333333333334", true},
		{"yen has no minor unit", Rate{"jpy", decimal.NewFromInt(150), 6}, 300, "2000000", false},
		{"rate with cents", Rate{"eur", decimal.RequireFromString("0.92"), 6}, 1, "10870", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, rounded, err := c.rate.BaseUnits(c.minor)
			if err != nil || got.String() != c.want || rounded != c.rounded {
				t.Fatalf("BaseUnits(%d) = %s %v %v, want %s %v", c.minor, got, rounded, err, c.want, c.rounded)
			}
			exact := decimal.New(c.minor, 0).Shift(-2)
			if c.rate.Currency == "jpy" {
				exact = decimal.New(c.minor, 0)
			}
			worth := decimal.NewFromBigInt(got, -c.rate.Decimals).Mul(c.rate.Rate)
			if worth.LessThan(exact) { // never less than the fiat amount named
				t.Fatalf("%s base units are worth %s, less than %s", got, worth, exact)
			}
		})
	}
}

func TestSize(t *testing.T) {
	eth := Rate{"usd", decimal.NewFromInt(3000), 18}
	usdc := Rate{"usd", decimal.NewFromInt(1), 6}
	minor := func(v int64) *int64 { return &v }
	cases := []struct {
		name      string
		rate      Rate
		minor     *int64
		base      *big.Int
		left      string
		wantBase  string
		wantMinor int64
		rounded   bool
		code      string
	}{
		{"all that is left by default", usdc, nil, nil, "5000000", "5000000", 500, false, ""},
		{"fiat part", usdc, minor(200), nil, "5000000", "2000000", 200, false, ""},
		{"crypto part", usdc, nil, big.NewInt(1_234_567), "5000000", "1234567", 123, false, ""},
		{"fiat rounded up", eth, minor(100), nil, "1000000000000000000", "333333333333334", 100, true, ""},
		{"rounding alone passes what is left: capped", eth, minor(100), nil, "333333333333333", "333333333333333", 100, false, ""},
		{"more than left in fiat", usdc, minor(501), nil, "5000000", "", 0, false, "amount_too_large"},
		{"more than left in crypto", usdc, nil, big.NewInt(5_000_001), "5000000", "", 0, false, "amount_too_large"},
		{"nothing left", usdc, nil, nil, "0", "", 0, false, "charge_already_refunded"},
		{"both amounts", usdc, minor(1), big.NewInt(1), "5000000", "", 0, false, "parameter_invalid"},
		{"zero fiat", usdc, minor(0), nil, "5000000", "", 0, false, "parameter_invalid"},
		{"negative crypto", usdc, nil, big.NewInt(-1), "5000000", "", 0, false, "parameter_invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Size(c.rate, c.minor, c.base, big10(c.left))
			if codeOf(err) != c.code {
				t.Fatalf("Size error = %v, want %q", err, c.code)
			}
			if c.code != "" {
				return
			}
			if got.Base.String() != c.wantBase || got.Minor != c.wantMinor || got.RoundedUp != c.rounded {
				t.Fatalf("Size = %s %d %v, want %s %d %v", got.Base, got.Minor, got.RoundedUp, c.wantBase, c.wantMinor, c.rounded)
			}
		})
	}
}

func TestRefundableNeverCountsFailedOrCanceled(t *testing.T) {
	payments := []chain.Payment{
		{AssetID: "usdc", Amount: big.NewInt(10), Status: chain.PaymentConfirmed},
		{AssetID: "usdc", Amount: big.NewInt(7), Status: chain.PaymentConfirmed, BlockTime: t0.Add(48 * time.Hour)}, // late counts
		{AssetID: "usdc", Amount: big.NewInt(100), Status: chain.PaymentDetected},                                   // not confirmed
		{AssetID: "usdc", Amount: big.NewInt(100), Status: chain.PaymentReverted},
		{AssetID: "usdc", Amount: big.NewInt(100), Status: chain.PaymentConfirmed, Dust: true},
		{AssetID: "eth", Amount: big.NewInt(100), Status: chain.PaymentConfirmed},
	}
	got := Received("usdc", payments)
	if got.Int64() != 17 {
		t.Fatalf("Received = %s, want 17", got)
	}
	refunds := []Refund{
		{Status: StatusSucceeded, CryptoAmount: big.NewInt(5)},
		{Status: StatusPending, CryptoAmount: big.NewInt(3)},
		{Status: StatusRequiresAction, CryptoAmount: big.NewInt(2)},
		{Status: StatusFailed, CryptoAmount: big.NewInt(9)},
		{Status: StatusCanceled, CryptoAmount: big.NewInt(9)},
	}
	if left := Refundable(got, refunds); left.Int64() != 7 {
		t.Fatalf("Refundable = %s, want 7", left)
	}
	if left := Refundable(big.NewInt(1), refunds); left.Sign() != 0 {
		t.Fatalf("Refundable never goes below zero, got %s", left)
	}
}

func TestParseDestination(t *testing.T) {
	cases := []struct {
		in, want, code string
	}{
		{dest, dest, ""},
		{"0x8BA1F109551BD432803012645AC136DDD64DBA72", dest, ""},
		{"0x8ba1f109551bD432803012645Ac136ddd64DBA72", dest, ""}, // EIP-55
		{"0x8ba1f109551bD432803012645Ac136ddd64DBa72", "", "parameter_invalid"},
		{"  " + dest + " ", dest, ""},
		{"0x0000000000000000000000000000000000000000", "", "parameter_invalid"},
		{"8ba1f109551bd432803012645ac136ddd64dba72", "", "parameter_invalid"},
		{"0x8ba1", "", "parameter_invalid"},
		{"", "", "parameter_missing"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseDestination("address", c.in)
			if got != c.want || codeOf(err) != c.code {
				t.Fatalf("ParseDestination(%q) = %q %v, want %q %q", c.in, got, err, c.want, c.code)
			}
		})
	}
}
