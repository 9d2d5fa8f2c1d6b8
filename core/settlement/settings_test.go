package settlement

import (
	"testing"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
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
			s := NewSettings("m", false)
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
	withPayout := NewSettings("m", false)
	_ = withPayout.SetPayout(AllChains, payA, "p")
	xpub := withPayout
	xpub.Mode = ModeXPub
	live := NewSettings("m", true)
	_ = live.SetPayout(AllChains, payA, "p")
	factory, _ := ParseAddress(factoryHex)
	dest, _ := ParseAddress(payA)
	testChain := chain.Chain{Key: "dev", ID: 1337, ForwarderFactory: factoryHex}
	liveChain := chain.Chain{Key: "dev", ID: 1337, ForwarderFactory: factoryHex, Livemode: true}
	for _, tc := range []struct {
		name    string
		set     Settings
		chain   chain.Chain
		bound   bool
		refused bool // settings of one mode asked to bind a session on a chain of the other
	}{
		{"forwarder with payout and factory", withPayout, testChain, true, false},
		{"live settings on a live chain", live, liveChain, true, false},
		{"no payout address", NewSettings("m", false), testChain, false, false},
		{"chain without a factory", withPayout, chain.Chain{Key: "dev", ID: 1337}, false, false},
		{"xpub mode", xpub, testChain, false, false},
		{"test settings never bind a live session", withPayout, liveChain, false, true},
		{"live settings never bind a test session", live, testChain, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, ok, err := tc.set.Bind("cs_test_1", tc.chain)
			if (err != nil) != tc.refused || ok != tc.bound {
				t.Fatalf("bound %v, %v; want %v (refused %v)", ok, err, tc.bound, tc.refused)
			}
			if ok && (b.Destination != dest || b.ChainID != 1337 ||
				b.Address != ForwarderAddress(factory, dest, SessionNonce("cs_test_1"))) {
				t.Fatalf("binding %+v", b)
			}
		})
	}
}

// Which chains a key of each mode may name for a per-chain payout address, and whether live
// settings may be set at all: a test key never reaches a live chain's payout address.
func TestModeRules(t *testing.T) {
	both := chain.Config{Chains: []chain.Chain{{Key: "sim", ID: 1337}, {Key: "base", ID: 8453, Livemode: true}}}
	testOnly := chain.Config{Chains: []chain.Chain{{Key: "sim", ID: 1337}}}
	for _, tc := range []struct {
		name     string
		chains   chain.Config
		key      string
		livemode bool
		chainID  int64  // PayoutChain's answer when accepted
		refusal  string // PayoutChain's error param, "" when accepted
		canSet   bool   // CanSet(chains, livemode)
	}{
		{"test key, test chain", both, "sim", false, 1337, "", true},
		{"test key names a live chain", both, "base", false, 0, "payout_addresses[base]", true},
		{"live key, live chain", both, "BASE", true, 8453, "", true},
		{"live key names a test chain", both, "sim", true, 0, "payout_addresses[sim]", true},
		{"unknown chain", both, "mainnet", false, 0, "payout_addresses[mainnet]", true},
		{"live settings without a live chain", testOnly, "sim", true, 0, "payout_addresses[sim]", false},
		{"test settings without a live chain", testOnly, "sim", false, 1337, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := PayoutChain(tc.chains, tc.key, tc.livemode, "payout_addresses["+tc.key+"]")
			if e, ok := apperr.As(err); (tc.refusal == "" && (err != nil || ch.ID != tc.chainID)) ||
				(tc.refusal != "" && (!ok || e.Param != tc.refusal)) {
				t.Fatalf("PayoutChain = %d, %v; want %d or refusal %q", ch.ID, err, tc.chainID, tc.refusal)
			}
			if err := CanSet(tc.chains, tc.livemode); (err == nil) != tc.canSet {
				t.Fatalf("CanSet = %v, want allowed %v", err, tc.canSet)
			}
		})
	}
}
