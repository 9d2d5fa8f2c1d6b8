// Package rates implements the rate-source port: fixed rates from configuration and
// Chainlink price feeds read on chain.
package rates

import (
	"context"
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/chain"
)

// Fixed prices assets from a table (asset ID or symbol → currency → fiat per unit);
// a stablecoin is worth 1 in the currency it is pegged to.
type Fixed struct {
	table map[string]map[string]decimal.Decimal
}

// NewFixed parses a table such as {"eth": {"usd": "3000"}}; keys are asset IDs or symbols.
func NewFixed(table map[string]map[string]string) (*Fixed, error) {
	f := &Fixed{table: map[string]map[string]decimal.Decimal{}}
	for asset, byCur := range table {
		asset = strings.ToLower(asset)
		f.table[asset] = map[string]decimal.Decimal{}
		for cur, v := range byCur {
			d, err := decimal.NewFromString(v)
			if err != nil || d.Sign() <= 0 {
				return nil, fmt.Errorf("rate %s/%s: %q is not a positive decimal", asset, cur, v)
			}
			f.table[asset][strings.ToLower(cur)] = d
		}
	}
	return f, nil
}

// Rate implements chain.RateSource.
func (f *Fixed) Rate(_ context.Context, a chain.Asset, currency string) (decimal.Decimal, error) {
	currency = strings.ToLower(currency)
	if a.Peg != "" && a.Peg == currency {
		return decimal.NewFromInt(1), nil
	}
	for _, key := range []string{a.ID, strings.ToLower(a.Symbol)} {
		if r, ok := f.table[key][currency]; ok {
			return r, nil
		}
	}
	return decimal.Decimal{}, fmt.Errorf("%w: no rate for %s in %s", chain.ErrNoRate, a.ID, currency)
}
