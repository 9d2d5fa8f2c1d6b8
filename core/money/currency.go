// Package money holds fiat currencies and amount arithmetic. Amounts are integers in the
// currency's minor unit (as in Stripe) or decimals; never floats.
package money

import "strings"

// MaxAmount is the largest amount in minor units one session may total (Stripe's 8-digit limit).
const MaxAmount int64 = 99_999_999

// exponents maps ISO 4217 codes (lower case, as Stripe writes them) to minor-unit digits.
var exponents = map[string]int32{
	"usd": 2, "eur": 2, "gbp": 2, "chf": 2, "cad": 2, "aud": 2, "nzd": 2, "sgd": 2, "hkd": 2,
	"sek": 2, "nok": 2, "dkk": 2, "pln": 2, "czk": 2, "huf": 2, "ron": 2, "bgn": 2, "try": 2,
	"mxn": 2, "brl": 2, "ars": 2, "cop": 2, "pen": 2, "zar": 2, "inr": 2, "cny": 2, "twd": 2,
	"thb": 2, "myr": 2, "php": 2, "idr": 2, "ils": 2, "aed": 2, "sar": 2, "qar": 2, "egp": 2,
	"ngn": 2, "kes": 2, "ghs": 2, "mad": 2, "uah": 2, "pkr": 2, "bdt": 2, "lkr": 2, "npr": 2,
	"jpy": 0, "krw": 0, "vnd": 0, "clp": 0, "pyg": 0, "ugx": 0, "xaf": 0, "xof": 0, "isk": 0,
	"rwf": 0, "kmf": 0, "gnf": 0, "djf": 0, "mga": 0, "vuv": 0, "xpf": 0,
	"kwd": 3, "bhd": 3, "jod": 3, "omr": 3, "tnd": 3,
}

// Exponent returns the minor-unit digits of an ISO currency code, case-insensitively.
func Exponent(code string) (int32, bool) {
	e, ok := exponents[strings.ToLower(code)]
	return e, ok
}

// Supported reports whether code is a currency sessions may be priced in.
func Supported(code string) bool {
	_, ok := Exponent(code)
	return ok
}
