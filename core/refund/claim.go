package refund

import (
	"context"
	"crypto/subtle"
	"strings"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/merchant"
)

// ClaimView is what the public claim page shows: no session details beyond the amount.
type ClaimView struct {
	Refund   Refund
	Asset    chain.Asset
	Chain    chain.Chain
	Merchant string
}

// Claimable finds the refund behind a claim link. The secret is a capability: an unknown or
// malformed one is NotFound, never a hint of which refunds exist.
func (s *Service) Claimable(ctx context.Context, secret string) (Refund, error) {
	id, _, ok := strings.Cut(secret, "_claim_")
	if !ok || id == "" {
		return Refund{}, apperr.NotFound("refund", "")
	}
	r, err := s.store.RefundByClaim(ctx, secret)
	if err != nil {
		return Refund{}, err
	}
	if subtle.ConstantTimeCompare([]byte(r.ClaimSecret), []byte(secret)) != 1 {
		return Refund{}, apperr.NotFound("refund", "")
	}
	return r, nil
}

// ClaimPage is the claim page's view of the refund behind secret.
func (s *Service) ClaimPage(ctx context.Context, secret string) (ClaimView, error) {
	r, err := s.Claimable(ctx, secret)
	if err != nil {
		return ClaimView{}, err
	}
	v := ClaimView{Refund: r}
	v.Asset, _ = s.chains.Asset(r.AssetID)
	v.Chain, _ = s.chains.Chain(r.ChainID)
	return v, nil
}

// Claim sets the destination the shopper typed (or their connected wallet gave) on the claim
// page; the refund becomes pending, waiting for the merchant's transfer.
func (s *Service) Claim(ctx context.Context, secret, address string) (Refund, error) {
	r, err := s.Claimable(ctx, secret)
	if err != nil {
		return Refund{}, err
	}
	if r.Destination != "" {
		if a, perr := ParseDestination("address", address); perr == nil && a == r.Destination {
			s.nudge(ctx, r) // the same claim again (a double submit)
			return r, nil
		}
	}
	if err := s.notTheSessions(ctx, r, address); err != nil {
		return Refund{}, err
	}
	return s.updateAndNudge(ctx, r.ID, nil, func(r *Refund) (*Change, error) {
		return nil, r.Claim(address, s.clock())
	})
}

// notTheSessions refuses a claim to the session's own deposit or payout address.
func (s *Service) notTheSessions(ctx context.Context, r Refund, address string) error {
	dest, err := ParseDestination("address", address)
	if err != nil {
		return nil // Claim says what is wrong with it
	}
	sess, err := s.sessions.Get(ctx, merchant.Caller{MerchantID: r.MerchantID, Livemode: r.Livemode}, r.SessionID, false)
	if err != nil {
		return err
	}
	return notTheSessions("address", dest, sess)
}
