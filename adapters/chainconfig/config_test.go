package chainconfig

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadReadsDustThresholds(t *testing.T) {
	file := `{"chains": [{"key": "base", "id": 8453, "rpc_url": "https://base.example", "livemode": true, "confirmations": 10,
		"native": {"symbol": "ETH", "decimals": 18, "dust": "0.00001"},
		"tokens": [{"symbol": "USDC", "contract": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913", "decimals": 6, "peg": "usd"},
			{"symbol": "EURC", "contract": "0x60a3e35cc302bfa44cb288bc5a4f316fdb1adb42", "decimals": 6, "peg": "eur", "dust": "0.5"}]}]}`
	path := filepath.Join(t.TempDir(), "chains.json")
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]int64{"eth@base": 10_000_000_000_000, "usdc@base": 10_000, "eurc@base": 500_000} {
		a, ok := f.Config().Asset(id)
		if !ok || a.Dust.Cmp(big.NewInt(want)) != 0 {
			t.Errorf("%s: dust %v, want %d", id, a.Dust, want)
		}
	}
	bad := strings.Replace(file, `"dust": "0.5"`, `"dust": "half a euro"`, 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path, nil); err == nil || !strings.Contains(err.Error(), "dust") {
		t.Fatalf("a bad dust threshold was accepted: %v", err)
	}
}
