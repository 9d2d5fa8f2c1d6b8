package settlement

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// The rule against go-ethereum's own CREATE and CREATE2 (test-only import: core stays free of it).
func TestForwarderAddressMatchesCreate2(t *testing.T) {
	for _, tc := range []struct{ factory, destination, session string }{
		{"0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x1111111111111111111111111111111111111111", "cs_test_1"},
		{"0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x2222222222222222222222222222222222222222", "cs_test_1"},
		{"0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", "0x1111111111111111111111111111111111111111", "cs_live_xyz"},
	} {
		factory, _ := ParseAddress(tc.factory)
		dest, _ := ParseAddress(tc.destination)
		nonce := SessionNonce(tc.session)
		impl := crypto.CreateAddress(common.Address(factory), 1)
		if Implementation(factory) != Address(impl) {
			t.Errorf("%s: implementation %s, want %s", tc.factory, Implementation(factory), impl.Hex())
		}
		salt := crypto.Keccak256Hash(common.LeftPadBytes(dest[:], 32), nonce[:])
		if Salt(dest, nonce) != salt {
			t.Errorf("%s: salt differs from keccak256(abi.encode(destination, nonce))", tc.destination)
		}
		want := crypto.CreateAddress2(common.Address(factory), salt, crypto.Keccak256(CloneInitCode(Address(impl), dest)))
		if got := ForwarderAddress(factory, dest, nonce); got != Address(want) {
			t.Errorf("%+v: %s, want %s", tc, got, want.Hex())
		}
	}
	a, _ := ParseAddress("0x1111111111111111111111111111111111111111")
	b, _ := ParseAddress("0x2222222222222222222222222222222222222222")
	f, _ := ParseAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3")
	if ForwarderAddress(f, a, SessionNonce("s")) == ForwarderAddress(f, b, SessionNonce("s")) {
		t.Error("two destinations share a forwarder address")
	}
}

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"0x00000000000000000000000000000000000A11cE", "0x00000000000000000000000000000000000a11ce", true},
		{"0x5fbdb2315678afecb367f032d93f642f64180aa3", "0x5fbdb2315678afecb367f032d93f642f64180aa3", true},
		{"5fbdb2315678afecb367f032d93f642f64180aa3", "", false},
		{"0x5fbdb2315678afecb367f032d93f642f64180a", "", false},
		{"0x5fbdb2315678afecb367f032d93f642f64180aaz", "", false},
		{"0xzzbdb2315678afecb367f032d93f642f64180aa3", "", false},
		{"", "", false},
	} {
		got, err := ParseAddress(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got.String() != tc.want) {
			t.Errorf("ParseAddress(%q) = %s, %v", tc.in, got, err)
		}
	}
}

func TestParseNonce(t *testing.T) {
	n := SessionNonce("cs_test_1")
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{n.String(), true},
		{n.String()[2:], false},
		{n.String()[:65], false},
		{n.String()[:65] + "g", false},
		{"", false},
	} {
		got, err := ParseNonce(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != n) {
			t.Errorf("ParseNonce(%q) = %s, %v", tc.in, got, err)
		}
	}
}
