package ethereum

import "testing"

func TestDemoXPubDerivesPublishedVector(t *testing.T) {
	addr, err := HD{}.Address(DemoXPub, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	// BIP-39 "abandon ×11 about", m/44'/60'/0'/0/0: a widely published Ethereum test vector.
	if got, want := addr.Hex(), "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"; got != want {
		t.Fatalf("address 0 = %s, want %s", got, want)
	}
	next, err := HD{}.Address(DemoXPub, 0, 1)
	if err != nil || next == addr {
		t.Fatalf("index 1 must give another address, got %s (%v)", next.Hex(), err)
	}
}

// Test sessions derive on a branch of their own: index 0 there is not the wallet's 0/0.
func TestTestBranchIsSeparate(t *testing.T) {
	live, err := HD{}.Address(DemoXPub, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	test, err := HD{}.Address(DemoXPub, 7357, 0)
	if err != nil || test == live {
		t.Fatalf("branch 7357 index 0 = %s (%v), must differ from the live 0/0 %s", test.Hex(), err, live.Hex())
	}
	if _, err := (HD{}).Address(DemoXPub, 1<<31, 0); err == nil {
		t.Fatal("a hardened branch must be refused: an xpub cannot derive it")
	}
}

func TestValidateXPub(t *testing.T) {
	cases := []struct {
		name, key string
		ok        bool
	}{
		{"account xpub", DemoXPub, true},
		{"garbage", "xpub-not-a-key", false},
		{"empty", "", false},
		{"bad checksum", DemoXPub[:len(DemoXPub)-1] + "u", false},
		// Master private key of BIP-32 test vector 1: refused, we never take private keys.
		{"xprv", "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi", false},
		// Master public key of the same vector: depth 0, not an account key.
		{"master xpub", "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := HD{}.ValidateXPub(tc.key)
			if (err == nil) != tc.ok {
				t.Fatalf("ValidateXPub(%q) error = %v, want ok=%v", tc.key, err, tc.ok)
			}
		})
	}
}
