package money

import (
	"regexp"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
)

// majorPattern is an amount as a person types it in major units: digits with at most one
// decimal point; no sign, exponent or thousands separator.
var majorPattern = regexp.MustCompile(`^(\d+(\.\d*)?|\.\d+)$`)

// MinorUnits converts an amount typed in major units ("15.00" US dollars) to the currency's
// minor units (1500), exactly: more decimals than the currency has, zero, or more than
// MaxAmount is refused with a message naming param.
func MinorUnits(param, amount, currency string) (int64, error) {
	exp, ok := Exponent(currency)
	if !ok {
		return 0, apperr.Invalid("currency", "parameter_invalid",
			"Invalid currency: %s. Use a three-letter ISO code such as usd or eur.", currency)
	}
	amount = strings.TrimSpace(amount)
	if amount == "" {
		return 0, apperr.Missing(param)
	}
	if !majorPattern.MatchString(amount) {
		return 0, apperr.Invalid(param, "parameter_invalid",
			"Invalid amount %q: write a positive number such as %s, without sign, spaces or thousands separators.",
			amount, example(exp))
	}
	d, err := decimal.NewFromString(amount)
	if err != nil {
		return 0, apperr.Invalid(param, "parameter_invalid", "Invalid amount %q: write a number such as %s.", amount, example(exp))
	}
	minor := d.Shift(exp)
	switch {
	case !minor.IsInteger():
		if exp == 0 {
			return 0, apperr.Invalid(param, "parameter_invalid", "%s has no decimals: write a whole amount.", strings.ToUpper(currency))
		}
		return 0, apperr.Invalid(param, "parameter_invalid", "%s amounts have at most %d decimals, like %s.",
			strings.ToUpper(currency), exp, example(exp))
	case minor.Sign() <= 0:
		return 0, apperr.Invalid(param, "amount_too_small", "The amount must be greater than zero.")
	case minor.GreaterThan(decimal.NewFromInt(MaxAmount)):
		return 0, apperr.Invalid(param, "amount_too_large", "The amount must be at most %s %s.",
			Format(MaxAmount, exp), strings.ToUpper(currency))
	}
	return minor.IntPart(), nil
}

// example is 15 in major units written with the currency's decimals ("15.00").
func example(exp int32) string { return Format(15*pow10(exp), exp) }

func pow10(exp int32) int64 {
	n := int64(1)
	for range exp {
		n *= 10
	}
	return n
}

// Currencies lists the supported currency codes, sorted.
func Currencies() []string {
	out := make([]string, 0, len(exponents))
	for c := range exponents {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}
