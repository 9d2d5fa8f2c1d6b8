package chain

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/money"
)

// RateSource prices one whole unit of an asset in a fiat currency (e.g. 1 ETH = 3012.55 USD).
type RateSource interface {
	Rate(ctx context.Context, a Asset, currency string) (decimal.Decimal, error)
}

// Quote locks what a shopper owes in an asset.
type Quote struct {
	Asset     Asset
	Rate      decimal.Decimal // fiat per whole asset unit
	AmountDue *big.Int        // base units, rounded up in the merchant's favour
	QuotedAt  time.Time
}

// NewQuote converts a fiat amount (minor units) at rate into base units of the asset,
// rounding up so the merchant never receives less than the price.
func NewQuote(a Asset, amountMinor int64, currency string, rate decimal.Decimal, at time.Time) (Quote, error) {
	if rate.Sign() <= 0 {
		return Quote{}, fmt.Errorf("rate for %s in %s must be positive, got %s", a.ID, currency, rate)
	}
	exp, ok := money.Exponent(currency)
	if !ok {
		return Quote{}, fmt.Errorf("unknown currency %q", currency)
	}
	fiat := decimal.New(amountMinor, -exp)
	// Div rounds at 16 digits; DivRound with 30 keeps every digit a token with 18 decimals needs.
	units := fiat.DivRound(rate, 30).RoundUp(a.Decimals).Shift(a.Decimals)
	return Quote{Asset: a, Rate: rate, AmountDue: units.BigInt(), QuotedAt: at}, nil
}

// FormatUnits renders base units as a decimal string in whole units ("12.5").
func FormatUnits(v *big.Int, decimals int32) string {
	if v == nil {
		return "0"
	}
	return decimal.NewFromBigInt(v, -decimals).String()
}

// ParseUnits turns a decimal string in whole units into base units, refusing excess precision.
func ParseUnits(s string, decimals int32) (*big.Int, error) {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return nil, fmt.Errorf("not a decimal amount: %q", s)
	}
	if d.Sign() <= 0 {
		return nil, fmt.Errorf("amount must be positive: %q", s)
	}
	shifted := d.Shift(decimals)
	if !shifted.IsInteger() {
		return nil, fmt.Errorf("%q has more than %d decimals", s, decimals)
	}
	return shifted.BigInt(), nil
}

// ErrNoRate means the asset cannot be priced in the session's currency: the shopper must
// pick another asset.
var ErrNoRate = errors.New("no rate")

// ErrRateUnavailable means the asset's price source answered but cannot be trusted now (a
// stale feed): the asset is refused for the moment, and never priced from another source.
var ErrRateUnavailable = errors.New("rate unavailable")
