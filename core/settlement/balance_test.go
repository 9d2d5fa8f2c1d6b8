package settlement

import (
	"math/big"
	"reflect"
	"testing"
)

// TestPendingBalance: lines in no payout add up per asset and per currency; lines in a payout
// and fiat-less lines' currency do not count.
func TestPendingBalance(t *testing.T) {
	line := func(asset string, amount int64, currency string, fiat int64, payout string) BalanceTransaction {
		return BalanceTransaction{AssetID: asset, Amount: big.NewInt(amount), Currency: currency, FiatAmount: fiat, PayoutID: payout}
	}
	amt := func(asset string, v int64) AssetAmount { return AssetAmount{AssetID: asset, Amount: big.NewInt(v)} }
	tests := []struct {
		name  string
		lines []BalanceTransaction
		want  Balance
	}{
		{"nothing", nil, Balance{}},
		{"one asset, one currency", []BalanceTransaction{line("tusd@sim", 39_980_000, "usd", 3998, ""), line("tusd@sim", 1_000_000, "usd", 100, "")},
			Balance{Assets: []AssetAmount{amt("tusd@sim", 40_980_000)}, Fiat: []FiatAmount{{"usd", 4098}}, Lines: 2}},
		{"lines in a payout are the payout's", []BalanceTransaction{line("tusd@sim", 5, "usd", 1, "po_1"), line("tusd@sim", 7, "usd", 2, "")},
			Balance{Assets: []AssetAmount{amt("tusd@sim", 7)}, Fiat: []FiatAmount{{"usd", 2}}, Lines: 1}},
		{"several assets and currencies, sorted", []BalanceTransaction{line("tusd@sim", 10, "usd", 10, ""), line("eth@sim", 3, "eur", 5, ""),
			line("eth@sim", 4, "usd", 6, "")},
			Balance{Assets: []AssetAmount{amt("eth@sim", 7), amt("tusd@sim", 10)}, Fiat: []FiatAmount{{"eur", 5}, {"usd", 16}}, Lines: 3}},
		{"a payment in another asset has no fiat value", []BalanceTransaction{line("eth@sim", 9, "usd", 0, "")},
			Balance{Assets: []AssetAmount{amt("eth@sim", 9)}, Lines: 1}},
		{"beyond int64 in base units", []BalanceTransaction{line("eth@sim", 9e18, "usd", 1, ""), line("eth@sim", 9e18, "usd", 1, "")},
			Balance{Assets: []AssetAmount{{AssetID: "eth@sim", Amount: new(big.Int).Mul(big.NewInt(9e18), big.NewInt(2))}}, Fiat: []FiatAmount{{"usd", 2}}, Lines: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PendingBalance(tt.lines)
			if got.Lines != tt.want.Lines || !reflect.DeepEqual(got.Fiat, tt.want.Fiat) || len(got.Assets) != len(tt.want.Assets) {
				t.Fatalf("PendingBalance = %+v, want %+v", got, tt.want)
			}
			for i, a := range got.Assets {
				if a.AssetID != tt.want.Assets[i].AssetID || a.Amount.Cmp(tt.want.Assets[i].Amount) != 0 {
					t.Fatalf("asset %d = %s %s, want %s %s", i, a.AssetID, a.Amount, tt.want.Assets[i].AssetID, tt.want.Assets[i].Amount)
				}
			}
		})
	}
}
