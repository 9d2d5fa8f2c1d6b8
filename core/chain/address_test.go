package chain

import (
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// Checksum against go-ethereum's own EIP-55 rendering (a test-only import: core stays free of it).
func TestChecksum(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", common.HexToAddress("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").Hex()},
		{"0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359", common.HexToAddress("0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359").Hex()},
		{"0x0000000000000000000000000000000000000000", "0x0000000000000000000000000000000000000000"},
		{"0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", common.HexToAddress("0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb").Hex()},
		{"", ""},
		{"0x12", "0x12"},
		{"5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
		{"0xzzaeb6053f3e94c9b9a09f33669435e7ef1beaed", "0xzzaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
	} {
		if got := Checksum(tc.in); got != tc.want {
			t.Errorf("Checksum(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for i := 0; i < 50; i++ { // and on addresses of every shape
		a := common.BytesToAddress([]byte(strings.Repeat(string(rune('a'+i%26)), i%20+1)))
		if got := Checksum(strings.ToLower(a.Hex())); got != a.Hex() {
			t.Errorf("Checksum(%s) = %s", a.Hex(), got)
		}
	}
}
