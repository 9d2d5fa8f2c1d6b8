package chain

import (
	"math/big"
	"testing"
)

func TestRequestPayment(t *testing.T) {
	to := "0x9858effd232b4033e47d90003d41ec34ecaeda94"
	toSum, usdc := "0x9858EfFD232B4033E47d90003D41EC34EcaEda94", "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913" // EIP-55
	cases := []struct {
		name                       string
		asset                      Asset
		amount                     *big.Int
		uri, txTo, value, dataHead string
	}{
		{"native coin", Asset{ChainID: 1337, Decimals: 18}, big.NewInt(1_000_000_000_000_000_000),
			"ethereum:" + toSum + "@1337?value=1000000000000000000", toSum, "0xde0b6b3a7640000", ""},
		{"token", Asset{ChainID: 8453, Decimals: 6, Contract: "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"}, big.NewInt(39_980_000),
			"ethereum:" + usdc + "@8453/transfer?address=" + toSum + "&uint256=39980000",
			usdc, "0x0", "0xa9059cbb0000000000000000000000009858effd232b4033e47d90003d41ec34ecaeda94"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := RequestPayment(c.asset, to, c.amount)
			if r.URI != c.uri || r.To != c.txTo || r.ValueHex != c.value {
				t.Fatalf("got %+v", r)
			}
			if c.dataHead == "" && r.Data != "" || c.dataHead != "" && (len(r.Data) != 2+8+128 || r.Data[:len(c.dataHead)] != c.dataHead) {
				t.Fatalf("calldata %q, want prefix %q and 68 bytes", r.Data, c.dataHead)
			}
			if c.dataHead != "" && r.Data[len(r.Data)-64:] != "0000000000000000000000000000000000000000000000000000000002620be0" {
				t.Fatalf("amount word %s, want 39,980,000 = 0x2620be0", r.Data[len(r.Data)-64:])
			}
		})
	}
}
