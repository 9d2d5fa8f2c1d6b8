package refund

import (
	"math/big"
	"strings"
	"testing"

	"github.com/chaincheckout/checkout/core/chain"
)

func TestPaymentIsTheTransferTheWalletSends(t *testing.T) {
	const (
		destSum = "0x8ba1f109551bD432803012645Ac136ddd64DBA72" // dest, EIP-55
		usdcSum = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
	)
	usdc := chain.Asset{ID: "usdc@base", ChainID: 8453, Decimals: 6, Contract: strings.ToLower(usdcSum)}
	eth := chain.Asset{ID: "eth@base", ChainID: 8453, Decimals: 18}
	of := func(a chain.Asset, amount *big.Int, change func(*Refund)) Refund {
		r := Refund{ID: "re_pay", Status: StatusPending, AssetID: a.ID, ChainID: a.ChainID, Decimals: a.Decimals,
			CryptoAmount: amount, Destination: dest, DestinationBy: DestinationByCustomer}
		if change != nil {
			change(&r)
		}
		return r
	}
	five := big.NewInt(5_000_000) // 5 USDC = 0x4c4b40
	cases := []struct {
		name            string
		refund          Refund
		asset           chain.Asset
		to, value, data string
		code            string // "" for a request, an apperr code, or "other"
	}{
		{name: "token: transfer(destination, amount) to the contract, no value",
			refund: of(usdc, five, nil), asset: usdc, to: usdcSum, value: "0x0",
			data: "0xa9059cbb" + "000000000000000000000000" + dest[2:] + strings.Repeat("0", 58) + "4c4b40"},
		{name: "native coin: the amount as value to the destination, no data",
			refund: of(eth, big10("10000000000000000"), nil), asset: eth, to: destSum, value: "0x2386f26fc10000"},
		{name: "awaiting the shopper's claim", asset: usdc,
			refund: of(usdc, five, func(r *Refund) { r.Status, r.Destination = StatusRequiresAction, "" }), code: "refund_requires_destination"},
		{name: "a transaction is being verified", asset: usdc,
			refund: of(usdc, five, func(r *Refund) { r.TxHash = hash }), code: "refund_already_sent"},
		{name: "canceled", asset: usdc, refund: of(usdc, five, func(r *Refund) { r.Status = StatusCanceled }), code: "refund_not_pending"},
		{name: "succeeded", asset: usdc,
			refund: of(usdc, five, func(r *Refund) { r.Status, r.TxHash = StatusSucceeded, hash }), code: "refund_not_pending"},
		{name: "failed", asset: usdc, refund: of(usdc, five, func(r *Refund) { r.Status = StatusFailed }), code: "refund_not_pending"},
		{name: "another asset than the refund's", refund: of(usdc, five, nil), asset: eth, code: "other"},
		{name: "no amount", refund: of(usdc, nil, nil), asset: usdc, code: "other"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, err := c.refund.Payment(c.asset)
			if got := codeOf(err); got != c.code {
				t.Fatalf("error %v (code %q), want code %q", err, got, c.code)
			}
			if c.code != "" {
				return
			}
			if req.To != c.to || req.ValueHex != c.value || req.Data != c.data || req.ChainIDHex != "0x2105" {
				t.Fatalf("got to %s value %s data %s chain %s\nwant to %s value %s data %s chain 0x2105",
					req.To, req.ValueHex, req.Data, req.ChainIDHex, c.to, c.value, c.data)
			}
			if len(req.Data) != 0 && len(req.Data) != 2+2*(4+32+32) {
				t.Fatalf("calldata is %d hex digits, want selector and two words", len(req.Data)-2)
			}
		})
	}
}
