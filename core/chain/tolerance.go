package chain

import "github.com/shopspring/decimal"

// MaxTolerancePercent is the largest shortfall a session may accept, in percent of its amount due.
const MaxTolerancePercent = 10

// ParseTolerance reads a payment tolerance in percent: a decimal from 0 to
// MaxTolerancePercent with at most 4 decimals. ok is false for anything else.
func ParseTolerance(s string) (decimal.Decimal, bool) {
	d, err := decimal.NewFromString(s)
	if err != nil || d.Sign() < 0 || d.GreaterThan(decimal.NewFromInt(MaxTolerancePercent)) || d.Exponent() < -4 {
		return decimal.Zero, false
	}
	return d, true
}
