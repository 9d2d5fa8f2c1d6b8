package settlement

import (
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
)

const (
	factoryHex = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
	payA       = "0x00000000000000000000000000000000000000a1"
	payB       = "0x00000000000000000000000000000000000000b2"
)

func TestSettingsRules(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(*Settings) error
		param   string // of the refusal, "" when accepted
		chainID int64
		payout  string // PayoutFor(chainID) afterwards, "" for none
	}{
		{"default mode is forwarder, no payout", func(*Settings) error { return nil }, "", 1, ""},
		{"bad mode", func(s *Settings) error { return s.SetMode("custodial") }, "deposit_addresses", 1, ""},
		{"bad address", func(s *Settings) error { return s.SetPayout(AllChains, "0x12", "payout_address") }, "payout_address", 1, ""},
		{"zero address", func(s *Settings) error {
			return s.SetPayout(AllChains, "0x0000000000000000000000000000000000000000", "payout_address")
		}, "payout_address", 1, ""},
		{"default applies to every chain", func(s *Settings) error { return s.SetPayout(AllChains, payA, "payout_address") }, "", 8453, payA},
		{"a chain's own wins", func(s *Settings) error {
			if err := s.SetPayout(AllChains, payA, "p"); err != nil {
				return err
			}
			return s.SetPayout(1337, payB, "p")
		}, "", 1337, payB},
		{"an empty address removes it", func(s *Settings) error {
			_ = s.SetPayout(1337, payB, "p")
			return s.SetPayout(1337, "", "p")
		}, "", 1337, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSettings("m")
			err := tc.change(&s)
			if e, ok := apperr.As(err); (tc.param == "" && err != nil) || (tc.param != "" && (!ok || e.Param != tc.param)) {
				t.Fatalf("err = %v, want param %q", err, tc.param)
			}
			got, ok := s.PayoutFor(tc.chainID)
			if (tc.payout == "" && ok) || (tc.payout != "" && got.String() != tc.payout) {
				t.Fatalf("payout of %d = %s (%v), want %q", tc.chainID, got, ok, tc.payout)
			}
		})
	}
}

func TestBind(t *testing.T) {
	withPayout := NewSettings("m")
	_ = withPayout.SetPayout(AllChains, payA, "p")
	xpub := withPayout
	xpub.Mode = ModeXPub
	factory, _ := ParseAddress(factoryHex)
	dest, _ := ParseAddress(payA)
	for _, tc := range []struct {
		name    string
		set     Settings
		factory string
		bound   bool
	}{
		{"forwarder with payout and factory", withPayout, factoryHex, true},
		{"no payout address", NewSettings("m"), factoryHex, false},
		{"chain without a factory", withPayout, "", false},
		{"xpub mode", xpub, factoryHex, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ok, err := tc.set.Bind("cs_test_1", 1337, tc.factory)
			if err != nil || ok != tc.bound {
				t.Fatalf("bound %v, %v; want %v", ok, err, tc.bound)
			}
			if ok && (b.Destination != dest || b.ChainID != 1337 ||
				b.Address != ForwarderAddress(factory, dest, SessionNonce("cs_test_1"))) {
				t.Fatalf("binding %+v", b)
			}
		})
	}
}
