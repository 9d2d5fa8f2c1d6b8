package checkout

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

// Simulator pays a test session from a test chain's funded development account (geth --dev),
// through the same code as `checkout dev pay`.
type Simulator interface {
	// Pay sends amount base units of asset to address and returns the transaction hash.
	Pay(ctx context.Context, asset chain.Asset, address string, amount *big.Int) (string, error)
}

// ErrNoSimulator is a simulation asked of a chain without a funded development account.
var ErrNoSimulator = errors.New("no funded development account on this chain")

// SimulationAmount is what a test-mode simulated payment sends: the amount still due, or the
// part the shopper typed (to try an underpayment), never more than the amount due. Live
// sessions are refused: a simulated payment is a test, and test money only exists on test chains.
func (s *Session) SimulationAmount(l chain.Ledger, part string) (*big.Int, error) {
	switch {
	case s.Livemode:
		return nil, apperr.Invalid("livemode", "simulation_live_mode", "Simulated payments exist in test mode only; this is a live session.")
	case !s.Open():
		return nil, apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is no longer open.", s.ID)
	case s.Crypto.AssetID == "" || s.Crypto.DepositAddress == "":
		return nil, apperr.Invalid("asset", "asset_missing", "Choose an asset before simulating a payment.")
	}
	if part == "" {
		if l.Remaining == nil || l.Remaining.Sign() == 0 {
			return nil, apperr.Invalid("amount", "nothing_due", "Nothing is due: the payments seen cover the amount.")
		}
		return new(big.Int).Set(l.Remaining), nil
	}
	v, err := chain.ParseUnits(part, s.Crypto.Decimals)
	if err != nil {
		return nil, apperr.Invalid("amount", "parameter_invalid", "amount: %v.", err)
	}
	if s.Crypto.AmountDue != nil && v.Cmp(s.Crypto.AmountDue) > 0 {
		return nil, apperr.Invalid("amount", "parameter_invalid", "A simulated payment sends at most the amount due (%s).",
			chain.FormatUnits(s.Crypto.AmountDue, s.Crypto.Decimals))
	}
	return v, nil
}

// SimulatePayment pays test session id from the dev account of its chain: what is due, or part.
func (s *Service) SimulatePayment(ctx context.Context, id, part string) (string, error) {
	v, err := s.ShopperView(ctx, id, false)
	if err != nil {
		return "", err
	}
	amount, err := v.Session.SimulationAmount(v.Ledger, part)
	if err != nil {
		return "", err
	}
	asset, ok := s.chains.Asset(v.Session.Crypto.AssetID)
	if !ok || asset.Livemode || s.sim == nil {
		return "", apperr.Invalid("asset", "simulation_unavailable", "Simulated payments need a test chain with a funded development account.")
	}
	hash, err := s.sim.Pay(ctx, asset, v.Session.Crypto.DepositAddress, amount)
	if errors.Is(err, ErrNoSimulator) {
		return "", apperr.Invalid("asset", "simulation_unavailable", "Simulated payments need a test chain with a funded development account (geth --dev).")
	}
	if err != nil {
		return "", apperr.Unavailable("The simulated payment could not be sent; retry.", fmt.Errorf("simulate payment of %s: %w", id, err))
	}
	return hash, nil
}
