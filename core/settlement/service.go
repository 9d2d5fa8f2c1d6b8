package settlement

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/ttlcache"
)

// Service holds the settlement use cases.
type Service struct {
	store    Store
	chains   chain.Config
	enc      SettingsEncoder
	now      func() time.Time
	policies *ttlcache.Cache[policyScope, ResolutionPolicy] // CreationPolicy's answers
}

type policyScope struct {
	merchantID string
	livemode   bool
}

// policyCacheLimit bounds the policy cache's memory.
const policyCacheLimit = 10_000

// Option adjusts a Service.
type Option func(*Service)

// CachePolicies lets CreationPolicy reuse a merchant's policy for ttl: a change reaches new
// sessions within ttl, and those this Service creates after its own Update at once.
func CachePolicies(ttl time.Duration) Option {
	return func(s *Service) { s.policies = ttlcache.New[policyScope, ResolutionPolicy](ttl, policyCacheLimit) }
}

// NewService wires the settlement use cases; enc renders the settings of the events a
// merchant's changes record.
func NewService(store Store, chains chain.Config, enc SettingsEncoder, now func() time.Time, opts ...Option) (*Service, error) {
	if store == nil || enc == nil || now == nil {
		return nil, fmt.Errorf("settlement.NewService: nil dependency")
	}
	s := &Service{store: store, chains: chains, enc: enc, now: now, policies: ttlcache.New[policyScope, ResolutionPolicy](0, 1)}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Change is a settings update: each field set only when given.
type Change struct {
	Mode          *string           `json:"deposit_addresses"`
	PayoutAddress *string           `json:"payout_address"`   // the default for every chain; "" removes it
	ChainPayouts  map[string]string `json:"payout_addresses"` // by chain key; "" removes one
	Policy        *PolicyChange     `json:"resolution_policy"`
}

// PolicyChange is a change of the resolution policy: each field set only when given.
type PolicyChange struct {
	Tolerance    *string `json:"underpayment_tolerance_percent"`
	LatePayments *string `json:"late_payments"`
}

// apply sets what the change gives.
func (c *PolicyChange) apply(set *Settings) error {
	if c == nil {
		return nil
	}
	if c.Tolerance != nil {
		if err := set.SetTolerance(*c.Tolerance); err != nil {
			return err
		}
	}
	if c.LatePayments != nil {
		return set.SetLatePayments(*c.LatePayments)
	}
	return nil
}

// Settings returns the caller's settings: its merchant's, of its key's mode.
func (s *Service) Settings(ctx context.Context, c merchant.Caller) (Settings, error) {
	return s.store.Settings(ctx, c.MerchantID, c.Livemode)
}

// Update applies a change to the caller's settings (its merchant's, of its key's mode); it
// affects sessions of that mode that get their deposit address afterwards only. A change
// records settlement_settings.updated with it; one that changes nothing records none.
func (s *Service) Update(ctx context.Context, caller merchant.Caller, c Change) (Settings, error) {
	if err := CanSet(s.chains, caller.Livemode); err != nil {
		return Settings{}, err
	}
	chainIDs := map[string]int64{}
	for key := range c.ChainPayouts {
		ch, err := PayoutChain(s.chains, key, caller.Livemode, "payout_addresses["+key+"]")
		if err != nil {
			return Settings{}, err
		}
		chainIDs[key] = ch.ID
	}
	defer s.policies.Forget(policyScope{caller.MerchantID, caller.Livemode}) // this process's next session sees the change
	return s.store.UpdateSettings(ctx, caller.MerchantID, caller.Livemode, func(set *Settings) ([]event.Event, error) {
		before := set.snapshot()
		if c.Mode != nil {
			if err := set.SetMode(*c.Mode); err != nil {
				return nil, err
			}
		}
		if c.PayoutAddress != nil {
			if err := set.SetPayout(AllChains, *c.PayoutAddress, "payout_address"); err != nil {
				return nil, err
			}
		}
		for key, addr := range c.ChainPayouts {
			if err := set.SetPayout(chainIDs[key], addr, "payout_addresses["+key+"]"); err != nil {
				return nil, err
			}
		}
		if err := c.Policy.apply(set); err != nil {
			return nil, err
		}
		now := s.now()
		set.UpdatedAt = now
		return settingsEvents(ctx, s.enc, now, before, set)
	})
}

// ResolutionPolicy is the policy of a merchant's sessions of mode livemode.
func (s *Service) ResolutionPolicy(ctx context.Context, merchantID string, livemode bool) (ResolutionPolicy, error) {
	pol, err := s.store.Policy(ctx, merchantID, livemode)
	if err != nil {
		return ResolutionPolicy{}, fmt.Errorf("resolution policy of %s: %w", merchantID, err)
	}
	return pol, nil
}

// CreationPolicy is ResolutionPolicy for a session being created, which takes its default
// tolerance from it: with CachePolicies, answered from memory within the cache's bound, which
// takes a read off every create.
func (s *Service) CreationPolicy(ctx context.Context, merchantID string, livemode bool) (ResolutionPolicy, error) {
	return s.policies.Load(policyScope{merchantID, livemode}, s.now(), func() (ResolutionPolicy, error) {
		return s.ResolutionPolicy(ctx, merchantID, livemode)
	})
}

// Bind decides the deposit address of a session of merchantID in mode livemode about to pay
// on chainID: the settings of the session's own mode apply.
func (s *Service) Bind(ctx context.Context, merchantID string, livemode bool, sessionID string, chainID int64) (Binding, bool, error) {
	ch, ok := s.chainByID(chainID)
	if !ok {
		return Binding{}, false, nil
	}
	set, err := s.store.Settings(ctx, merchantID, livemode)
	if err != nil {
		return Binding{}, false, err
	}
	return set.Bind(sessionID, ch)
}

func (s *Service) chainByID(id int64) (chain.Chain, bool) {
	for _, ch := range s.chains.Chains {
		if ch.ID == id {
			return ch, true
		}
	}
	return chain.Chain{}, false
}
