package chain

import "testing"

func TestExplorerLinks(t *testing.T) {
	base := Config{Chains: []Chain{{Key: "dev", ID: 1, Name: "Dev", RPCURL: "http://x", Confirmations: 1,
		Native: Token{Symbol: "ETH", Decimals: 18}}}}
	for _, tc := range []struct {
		explorer, tx, addr string
		valid              bool
	}{
		{"", "", "", true},
		{"https://basescan.org", "https://basescan.org/tx/0xab", "https://basescan.org/address/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", true},
		{"https://explorer.example/base/", "https://explorer.example/base/tx/0xab", "https://explorer.example/base/address/0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", true},
		{"javascript:alert(1)", "", "", false},
		{"https://x.example/?q=1", "", "", false},
		{"/relative", "", "", false},
	} {
		cfg := base
		cfg.Chains = []Chain{base.Chains[0]}
		cfg.Chains[0].ExplorerURL = tc.explorer
		if err := cfg.Validate(); (err == nil) != tc.valid {
			t.Errorf("%q: Validate() = %v, want valid %v", tc.explorer, err, tc.valid)
			continue
		}
		if !tc.valid {
			continue
		}
		ch := cfg.Chains[0]
		if got := ch.TxURL("0xab"); got != tc.tx {
			t.Errorf("%q: TxURL = %q, want %q", tc.explorer, got, tc.tx)
		}
		if got := ch.AddressURL("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"); got != tc.addr {
			t.Errorf("%q: AddressURL = %q, want %q", tc.explorer, got, tc.addr)
		}
	}
}
