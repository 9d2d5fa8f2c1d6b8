package settlement

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
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

// Settings are a merchant's settlement choices. A change applies to sessions that get their
// address afterwards; an address already handed out stays bound to its destination.
type Settings struct {
	MerchantID string
	Mode       DepositMode
	Payouts    map[int64]Address // by chain ID; AllChains is the default
	UpdatedAt  time.Time
}

// NewSettings are the settings of a merchant that never set any.
func NewSettings(merchantID string) Settings {
	return Settings{MerchantID: merchantID, Mode: DefaultMode, Payouts: map[int64]Address{}}
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

// Bind decides a session's deposit address on a chain: a forwarder bound to the payout
// address when the merchant uses forwarders, has a payout address for the chain and the
// chain has a factory; otherwise none (ok false), and the session gets an xpub address.
func (s Settings) Bind(sessionID string, chainID int64, factory string) (Binding, bool, error) {
	dest, hasPayout := s.PayoutFor(chainID)
	if s.Mode != ModeForwarder || !hasPayout || factory == "" {
		return Binding{}, false, nil
	}
	f, err := ParseAddress(factory)
	if err != nil {
		return Binding{}, false, fmt.Errorf("forwarder factory of chain %d: %w", chainID, err)
	}
	nonce := SessionNonce(sessionID)
	return Binding{ChainID: chainID, Factory: f, Destination: dest, Nonce: nonce,
		Address: ForwarderAddress(f, dest, nonce)}, true, nil
}

// Store persists settings, one row set per merchant.
type Store interface {
	// Settings returns a merchant's settings, NewSettings when it never set any.
	Settings(ctx context.Context, merchantID string) (Settings, error)
	// UpdateSettings loads the settings under a lock, applies change and saves them in one transaction.
	UpdateSettings(ctx context.Context, merchantID string, change func(*Settings) error) (Settings, error)
}
