package settlement

import (
	"context"
	"math/big"
	"sort"

	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Balance is what a merchant's confirmed payments hold in their deposit addresses that no
// payout has taken yet: the next sweeps' funds.
type Balance struct {
	Assets []AssetAmount // per asset, base units, by asset ID
	Fiat   []FiatAmount  // per currency, at the sessions' locked rates, by currency
	Lines  int           // the balance transactions counted
}

// FiatAmount is an amount in minor units of a currency.
type FiatAmount struct {
	Currency string
	Amount   int64
}

// PendingBalance adds up the lines that are in no payout yet, per asset and per currency; a
// line already in a payout (on its way or paid) is the payout's, not the balance's. A line
// with no fiat value (a payment in another asset than its session's) counts in its asset only.
// A refund's line is money that left the merchant's own wallet, never the forwarders': it is
// not waiting for a sweep.
func PendingBalance(lines []BalanceTransaction) Balance {
	assets, fiat := map[string]*big.Int{}, map[string]int64{}
	var b Balance
	for _, l := range lines {
		if l.PayoutID != "" || l.Amount == nil || l.Type == TypeRefund {
			continue
		}
		b.Lines++
		if assets[l.AssetID] == nil {
			assets[l.AssetID] = new(big.Int)
		}
		assets[l.AssetID].Add(assets[l.AssetID], l.Amount)
		if l.Currency != "" && l.FiatAmount != 0 {
			fiat[l.Currency] += l.FiatAmount
		}
	}
	for id, v := range assets {
		b.Assets = append(b.Assets, AssetAmount{AssetID: id, Amount: v})
	}
	sort.Slice(b.Assets, func(i, j int) bool { return b.Assets[i].AssetID < b.Assets[j].AssetID })
	for cur, v := range fiat {
		b.Fiat = append(b.Fiat, FiatAmount{Currency: cur, Amount: v})
	}
	sort.Slice(b.Fiat, func(i, j int) bool { return b.Fiat[i].Currency < b.Fiat[j].Currency })
	return b
}

// Balance returns the caller's balance still to pay out (see PendingBalance), reading every
// line of its merchant and mode that is in no payout yet.
func (s *Payouts) Balance(ctx context.Context, c merchant.Caller) (Balance, error) {
	var lines []BalanceTransaction
	f := LineFilter{Unpaid: true, Params: paging.Params{Limit: paging.MaxLimit}}
	for {
		page, err := s.store.ListBalanceTransactions(ctx, c.MerchantID, c.Livemode, f)
		if err != nil {
			return Balance{}, err
		}
		for _, l := range page.Data {
			lines = append(lines, l.BalanceTransaction)
		}
		if !page.HasMore || len(page.Data) == 0 {
			return PendingBalance(lines), nil
		}
		f.Params.StartingAfter = page.Data[len(page.Data)-1].ID
	}
}
