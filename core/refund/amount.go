package refund

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/money"
)

// Received is what the session's address holds from the shopper in the session's asset:
// every confirmed payment still on the canonical chain, on time or late. A refund can never
// give back more; payments in another asset were never priced and are not refundable here.
func Received(assetID string, payments []chain.Payment) *big.Int {
	sum := new(big.Int)
	for _, p := range payments {
		if p.Live() && p.Status == chain.PaymentConfirmed && p.AssetID == assetID && p.Amount != nil {
			sum.Add(sum, p.Amount)
		}
	}
	return sum
}

// Refundable is what is left to refund: received minus every refund that still counts.
func Refundable(received *big.Int, refunds []Refund) *big.Int {
	left := new(big.Int).Set(received)
	for _, r := range refunds {
		if r.Counts() && r.CryptoAmount != nil {
			left.Sub(left, r.CryptoAmount)
		}
	}
	if left.Sign() < 0 {
		return new(big.Int)
	}
	return left
}

// Rate is a session's locked price: fiat per whole unit of an asset with its decimals.
type Rate struct {
	Currency string
	Rate     decimal.Decimal
	Decimals int32
}

// BaseUnits converts minor units of the currency into base units of the asset, rounded up
// (the shopper's favour, by less than one base unit); roundedUp says whether it was.
func (r Rate) BaseUnits(minor int64) (*big.Int, bool, error) {
	exp, ok := money.Exponent(r.Currency)
	if !ok || r.Rate.Sign() <= 0 {
		return nil, false, fmt.Errorf("no locked rate in %q to convert with", r.Currency)
	}
	exact := decimal.New(minor, -exp).DivRound(r.Rate, 40).Shift(r.Decimals)
	up := exact.Ceil()
	return up.BigInt(), !up.Equal(exact), nil
}

// Minor converts base units of the asset into minor units of the currency, to the nearest.
func (r Rate) Minor(base *big.Int) (int64, error) {
	exp, ok := money.Exponent(r.Currency)
	if !ok || r.Rate.Sign() <= 0 {
		return 0, fmt.Errorf("no locked rate in %q to convert with", r.Currency)
	}
	v := decimal.NewFromBigInt(base, -r.Decimals).Mul(r.Rate).Shift(exp).Round(0)
	if !v.IsInteger() || v.GreaterThan(decimal.NewFromInt(1<<53)) {
		return 0, fmt.Errorf("%s base units are out of range in %s", base, r.Currency)
	}
	return v.IntPart(), nil
}

// Amounts are a refund's two sides once converted.
type Amounts struct {
	Minor     int64
	Base      *big.Int
	RoundedUp bool
}

// Size decides how much a refund gives back, at most left (base units): minor units of the
// session's currency, base units of its asset, or by default all that is left. A fiat amount
// whose rounded-up conversion passes left by the rounding alone gets exactly left.
func Size(rate Rate, minor *int64, base *big.Int, left *big.Int) (Amounts, error) {
	if left.Sign() <= 0 {
		return Amounts{}, apperr.Conflict("charge_already_refunded",
			"Nothing is left to refund: every confirmed unit received is already refunded or being refunded.")
	}
	switch {
	case minor != nil && base != nil:
		return Amounts{}, apperr.Invalid("amount", "parameter_invalid", "Give amount or crypto[amount], not both.")
	case minor != nil:
		return sizeMinor(rate, *minor, left)
	case base != nil:
		if base.Sign() <= 0 {
			return Amounts{}, apperr.Invalid("crypto[amount]", "parameter_invalid", "crypto[amount] must be a positive number of base units.")
		}
		if base.Cmp(left) > 0 {
			return Amounts{}, tooMuch("crypto[amount]", base, left, rate.Decimals)
		}
		return withMinor(rate, base, false)
	}
	return withMinor(rate, new(big.Int).Set(left), false)
}

func sizeMinor(rate Rate, minor int64, left *big.Int) (Amounts, error) {
	if minor <= 0 {
		return Amounts{}, apperr.Invalid("amount", "parameter_invalid", "amount must be a positive integer in the currency's minor units.")
	}
	base, rounded, err := rate.BaseUnits(minor)
	if err != nil {
		return Amounts{}, err
	}
	if base.Cmp(left) > 0 {
		if !rounded || new(big.Int).Sub(base, big.NewInt(1)).Cmp(left) > 0 {
			return Amounts{}, tooMuch("amount", base, left, rate.Decimals)
		}
		base, rounded = new(big.Int).Set(left), false // the rounding alone passed what is left
	}
	return Amounts{Minor: minor, Base: base, RoundedUp: rounded}, nil
}

func withMinor(rate Rate, base *big.Int, rounded bool) (Amounts, error) {
	minor, err := rate.Minor(base)
	if err != nil {
		return Amounts{}, err
	}
	return Amounts{Minor: minor, Base: base, RoundedUp: rounded}, nil
}

func tooMuch(param string, want, left *big.Int, decimals int32) error {
	return apperr.Invalid(param, "amount_too_large",
		"The refund comes to %s of the session's asset, more than the %s left to refund: a session's refunds never exceed what it received.",
		chain.FormatUnits(want, decimals), chain.FormatUnits(left, decimals))
}
