package checkout

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/money"
)

// The amount rules: whatever unit price (integer or decimal string), quantity and currency,
// Build refuses with a 400 naming a parameter, or totals exactly the line's amount rounded
// half up once, within (0, MaxAmount].
func FuzzBuildAmounts(f *testing.F) {
	f.Add(int64(1999), "", int64(2), "usd")
	f.Add(int64(0), "0.5", int64(3), "usd")
	f.Add(int64(0), "0.000000000001", int64(1), "jpy")
	f.Add(int64(99_999_999), "", int64(1), "eur")
	f.Add(int64(99_999_999), "", int64(2), "usd")
	f.Add(int64(-1), "", int64(1), "usd")
	f.Add(int64(1), "", int64(-9223372036854775808), "usd")
	f.Add(int64(0), "1e5", int64(1), "usd")
	f.Add(int64(0), "-0.4", int64(1), "usd")
	f.Add(int64(0), "99999999.5", int64(1), "xyz")
	f.Fuzz(func(t *testing.T, unit int64, unitDecimal string, qty int64, currency string) {
		pd := &PriceDataParams{PriceDataParams: catalog.PriceDataParams{Currency: &currency},
			ProductData: &ProductDataParams{Name: ptr("Thing")}}
		if unitDecimal != "" {
			pd.UnitAmountDecimal = &unitDecimal
		} else {
			pd.UnitAmount = &unit
		}
		s, err := Build(CreateParams{Mode: ptr("payment"), LineItems: []LineItemParams{{PriceData: pd, Quantity: &qty}}},
			caller, now, testAssets, catalog.Listing{})
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Param == "" {
				t.Fatalf("error %v is not a 400 naming a parameter", err)
			}
			return
		}
		if s.AmountTotal <= 0 || s.AmountTotal > money.MaxAmount || len(s.LineItems) != 1 {
			t.Fatalf("total %d out of (0, %d]", s.AmountTotal, money.MaxAmount)
		}
		price := decimal.NewFromInt(unit)
		if unitDecimal != "" {
			price = decimal.RequireFromString(unitDecimal)
		}
		if want := price.Mul(decimal.NewFromInt(qty)).Round(0).IntPart(); s.AmountTotal != want {
			t.Fatalf("total %d; want %s × %d rounded = %d", s.AmountTotal, price, qty, want)
		}
	})
}
