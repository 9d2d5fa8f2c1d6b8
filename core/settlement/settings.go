package settlement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
)

// DepositMode is how a merchant's sessions get deposit addresses.
type DepositMode string

const (
	// ModeForwarder: a forwarder (CREATE2) address bound to the payout address; the default.
	ModeForwarder DepositMode = "forwarder"
	// ModeXPub: an address derived from the merchant's xpub, swept by the merchant's own wallet.
	ModeXPub DepositMode = "xpub"
)

// DefaultMode is the mode of a merchant that never chose one.
const DefaultMode = ModeForwarder

// AllChains keys the payout address used on chains without one of their own.
const AllChains int64 = 0

// Settings are a merchant's settlement choices in one mode (livemode): test and live keep
// separate settings, so a test key never decides where live funds go. A change applies to
// sessions that get their address afterwards; an address already handed out stays bound.
type Settings struct {
	MerchantID string
	Livemode   bool
	Mode       DepositMode
	Payouts    map[int64]Address // by chain ID; AllChains is the default
	Policy     ResolutionPolicy  // how mismatched payments of the mode's sessions settle
	UpdatedAt  time.Time
}

// NewSettings are the settings of a merchant that never set any in that mode.
func NewSettings(merchantID string, livemode bool) Settings {
	return Settings{MerchantID: merchantID, Livemode: livemode, Mode: DefaultMode, Payouts: map[int64]Address{},
		Policy: DefaultResolutionPolicy()}
}

// SetMode chooses forwarder or xpub deposit addresses.
func (s *Settings) SetMode(mode string) error {
	switch m := DepositMode(mode); m {
	case ModeForwarder, ModeXPub:
		s.Mode = m
		return nil
	}
	return apperr.Invalid("deposit_addresses", "parameter_invalid", "deposit_addresses must be %q or %q.", ModeForwarder, ModeXPub)
}

// SetPayout sets the payout address of a chain (AllChains: the default); an empty address
// removes it. param names the request field for errors.
func (s *Settings) SetPayout(chainID int64, address, param string) error {
	if s.Payouts == nil {
		s.Payouts = map[int64]Address{}
	}
	if address == "" {
		delete(s.Payouts, chainID)
		return nil
	}
	a, err := ParseAddress(address)
	if err != nil {
		return apperr.Invalid(param, "parameter_invalid", "%s is not an address: %v.", param, err)
	}
	if a.IsZero() {
		return apperr.Invalid(param, "parameter_invalid", "The zero address cannot receive payouts.")
	}
	s.Payouts[chainID] = a
	return nil
}

// PayoutFor is where funds of chainID go: the chain's own payout address, else the default.
func (s Settings) PayoutFor(chainID int64) (Address, bool) {
	if a, ok := s.Payouts[chainID]; ok {
		return a, true
	}
	a, ok := s.Payouts[AllChains]
	return a, ok
}

// Binding is a forwarder deposit address and what it is bound to.
type Binding struct {
	ChainID     int64
	Factory     Address
	Destination Address
	Nonce       Nonce
	Address     Address
}

// Bind decides a session's deposit address on chain ch: a forwarder bound to the payout
// address when the merchant uses forwarders, has a payout address for the chain and the
// chain has a factory; otherwise none (ok false), and the session gets an xpub address.
// Settings only ever bind sessions on chains of their own mode: anything else is an error.
func (s Settings) Bind(sessionID string, ch chain.Chain) (Binding, bool, error) {
	if ch.Livemode != s.Livemode {
		return Binding{}, false, fmt.Errorf("settlement settings of %s (livemode %v) cannot bind a session on chain %s (livemode %v)",
			s.MerchantID, s.Livemode, ch.Key, ch.Livemode)
	}
	dest, hasPayout := s.PayoutFor(ch.ID)
	if s.Mode != ModeForwarder || !hasPayout || ch.ForwarderFactory == "" {
		return Binding{}, false, nil
	}
	f, err := ParseAddress(ch.ForwarderFactory)
	if err != nil {
		return Binding{}, false, fmt.Errorf("forwarder factory of chain %d: %w", ch.ID, err)
	}
	nonce := SessionNonce(sessionID)
	return Binding{ChainID: ch.ID, Factory: f, Destination: dest, Nonce: nonce,
		Address: ForwarderAddress(f, dest, nonce)}, true, nil
}

// PayoutChain is the chain a per-chain payout address of mode livemode names by key: it must
// be configured and of the same mode, so a test key cannot set a live chain's payout address.
// param names the request field for errors.
func PayoutChain(chains chain.Config, key string, livemode bool, param string) (chain.Chain, error) {
	for _, ch := range chains.Chains {
		if !strings.EqualFold(ch.Key, key) {
			continue
		}
		if ch.Livemode != livemode {
			return chain.Chain{}, apperr.Invalid(param, "parameter_invalid",
				"Chain %q is a %s chain: a %s key sets payout addresses of %s chains only.", key, merchant.ModeName(ch.Livemode), merchant.ModeName(livemode), merchant.ModeName(livemode))
		}
		return ch, nil
	}
	return chain.Chain{}, apperr.Invalid(param, "parameter_invalid", "No chain %q is configured.", key)
}

// CanSet refuses live settings while no live chain is configured: nothing live could use
// them (as merchant keys are not issued in live mode then).
func CanSet(chains chain.Config, livemode bool) error {
	if livemode && !chains.HasLive() {
		return apperr.Invalid("livemode", "parameter_invalid",
			"No live chain is configured, so there are no live settlement settings: configure a chain with \"livemode\": true first.")
	}
	return nil
}

// Store persists settings, one row set per merchant and mode.
type Store interface {
	// Settings returns a merchant's settings of a mode, NewSettings when it never set any.
	Settings(ctx context.Context, merchantID string, livemode bool) (Settings, error)
	// Policy returns only the resolution policy of a merchant's mode (DefaultResolutionPolicy
	// when it never set one): every session creation reads it, so it is one query.
	Policy(ctx context.Context, merchantID string, livemode bool) (ResolutionPolicy, error)
	// UpdateSettings loads the mode's settings under a lock, applies change and saves them
	// with the events change returns, in one transaction.
	UpdateSettings(ctx context.Context, merchantID string, livemode bool, change func(*Settings) ([]event.Event, error)) (Settings, error)
}
