package money

import (
	"math/bits"

	"github.com/shopspring/decimal"
)

// MulQuantity multiplies a minor-unit amount by a quantity, reporting overflow.
func MulQuantity(unit, qty int64) (int64, bool) {
	if unit < 0 || qty < 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(unit), uint64(qty))
	if hi != 0 || lo > uint64(1<<63-1) {
		return 0, false
	}
	return int64(lo), true
}

// LineTotal returns unit × qty in whole minor units. A sub-minor unit price
// (unit_amount_decimal) is multiplied exactly and rounded half up once, per line, as Stripe does.
func LineTotal(unit decimal.Decimal, qty int64) (int64, bool) {
	total := unit.Mul(decimal.NewFromInt(qty)).Round(0)
	if !total.IsInteger() || total.Sign() < 0 || total.GreaterThan(decimal.NewFromInt(1<<62)) {
		return 0, false
	}
	return total.IntPart(), true
}

// Format renders a minor-unit amount as a decimal string in major units ("19.99").
func Format(amount int64, exponent int32) string {
	return decimal.New(amount, -exponent).StringFixed(exponent)
}
