package settlement

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

// Service holds the settlement use cases.
type Service struct {
	store  Store
	chains chain.Config
	now    func() time.Time
}

// NewService wires the settlement use cases.
func NewService(store Store, chains chain.Config, now func() time.Time) (*Service, error) {
	if store == nil || now == nil {
		return nil, fmt.Errorf("settlement.NewService: nil dependency")
	}
	return &Service{store: store, chains: chains, now: now}, nil
}

// Change is a settings update: each field set only when given.
type Change struct {
	Mode          *string           `json:"deposit_addresses"`
	PayoutAddress *string           `json:"payout_address"`   // the default for every chain; "" removes it
	ChainPayouts  map[string]string `json:"payout_addresses"` // by chain key; "" removes one
}

// Settings returns the merchant's settings.
func (s *Service) Settings(ctx context.Context, merchantID string) (Settings, error) {
	return s.store.Settings(ctx, merchantID)
}

// Update applies a change to the merchant's settings; it affects sessions that get their
// deposit address afterwards only.
func (s *Service) Update(ctx context.Context, merchantID string, c Change) (Settings, error) {
	chainIDs := map[string]int64{}
	for key := range c.ChainPayouts {
		ch, ok := s.chainByKey(key)
		if !ok {
			return Settings{}, apperr.Invalid("payout_addresses["+key+"]", "parameter_invalid", "No chain %q is configured.", key)
		}
		chainIDs[key] = ch.ID
	}
	return s.store.UpdateSettings(ctx, merchantID, func(set *Settings) error {
		if c.Mode != nil {
			if err := set.SetMode(*c.Mode); err != nil {
				return err
			}
		}
		if c.PayoutAddress != nil {
			if err := set.SetPayout(AllChains, *c.PayoutAddress, "payout_address"); err != nil {
				return err
			}
		}
		for key, addr := range c.ChainPayouts {
			if err := set.SetPayout(chainIDs[key], addr, "payout_addresses["+key+"]"); err != nil {
				return err
			}
		}
		set.UpdatedAt = s.now()
		return nil
	})
}

// Bind decides the deposit address of a session of merchantID about to pay on chainID.
func (s *Service) Bind(ctx context.Context, merchantID, sessionID string, chainID int64) (Binding, bool, error) {
	set, err := s.store.Settings(ctx, merchantID)
	if err != nil {
		return Binding{}, false, err
	}
	ch, ok := s.chainByID(chainID)
	if !ok {
		return Binding{}, false, nil
	}
	return set.Bind(sessionID, chainID, ch.ForwarderFactory)
}

// ChainKey names a chain ID for display ("" for AllChains or an unknown chain).
func (s *Service) ChainKey(chainID int64) string {
	ch, _ := s.chainByID(chainID)
	return ch.Key
}

func (s *Service) chainByKey(key string) (chain.Chain, bool) {
	for _, ch := range s.chains.Chains {
		if strings.EqualFold(ch.Key, key) {
			return ch, true
		}
	}
	return chain.Chain{}, false
}

func (s *Service) chainByID(id int64) (chain.Chain, bool) {
	for _, ch := range s.chains.Chains {
		if ch.ID == id {
			return ch, true
		}
	}
	return chain.Chain{}, false
}
