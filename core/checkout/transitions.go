package checkout

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

// Every change of a session's state is one of the methods below. Each checks its rule against
// the session and its payments as they are under the row lock, and changes the session in
// memory; the repository saves the result and the events it stands for in one transaction.

// Address branches of the merchant's account xpub (non-hardened): live sessions use the
// receiving branch wallets scan (0); test sessions use a branch of their own, so test traffic
// never consumes (or leaves gaps in) the addresses of the merchant's live wallet.
const (
	LiveAddressBranch uint32 = 0
	TestAddressBranch uint32 = 7357
)

// AddressBranch is the derivation branch for a session's deposit address.
func AddressBranch(livemode bool) uint32 {
	if livemode {
		return LiveAddressBranch
	}
	return TestAddressBranch
}

// CanSelect is the one rule for picking (or switching) the asset: the session accepts it, is
// still open, and no payment above dust stands in another asset.
func (s *Session) CanSelect(assetID string, payments []chain.Payment) error {
	assetID = strings.ToLower(assetID)
	if assetID == "" {
		return apperr.Missing("asset")
	}
	if !slices.Contains(s.Crypto.AcceptedAssets, assetID) {
		return apperr.Invalid("asset", "parameter_invalid",
			"%q is not an asset this session accepts (%s).", assetID, strings.Join(s.Crypto.AcceptedAssets, ", "))
	}
	if !s.Open() {
		return apperr.Conflict("checkout_session_not_open",
			"The Checkout Session %s is %s; an asset can only be selected while it is open.", s.ID, s.Status)
	}
	if s.Crypto.AssetID == assetID {
		return nil
	}
	for _, p := range payments {
		if p.Live() {
			return apperr.Conflict("payment_already_received",
				"A payment was already received in %s; the asset can no longer change.", p.AssetID)
		}
	}
	return nil
}

// CanPayOn refuses a chain other than the one a forwarder deposit address is bound to: the
// address is the factory's on that chain, for that chain's payout address.
func (s *Session) CanPayOn(chainID int64) error {
	if s.Crypto.SettlementChainID != 0 && s.Crypto.SettlementChainID != chainID {
		return apperr.Invalid("asset", "asset_chain_unavailable",
			"The deposit address of %s is bound to chain %d; pick an asset on that chain.", s.ID, s.Crypto.SettlementChainID)
	}
	return nil
}

// AssetLocked reports whether the shopper can no longer change the asset (the page hides the choice).
func (s *Session) AssetLocked(payments []chain.Payment) bool {
	if !s.Open() {
		return true
	}
	return slices.ContainsFunc(payments, chain.Payment.Live)
}

// ApplyQuote makes q the session's price in its asset. The deposit address must be assigned
// already; lifetime bounds how long a volatile asset's quote holds (0: until expiry).
func (s *Session) ApplyQuote(q chain.Quote, lifetime time.Duration, payments []chain.Payment) error {
	if err := s.CanSelect(q.Asset.ID, payments); err != nil {
		return err
	}
	if err := s.CanPayOn(q.Asset.ChainID); err != nil {
		return err
	}
	if s.Crypto.DepositAddress == "" {
		return fmt.Errorf("session %s has no deposit address to quote for", s.ID)
	}
	s.setQuote(q, lifetime)
	s.Settle(payments, q.QuotedAt)
	return nil
}

func (s *Session) setQuote(q chain.Quote, lifetime time.Duration) {
	s.Crypto.AssetID, s.Crypto.ChainID, s.Crypto.Decimals = q.Asset.ID, q.Asset.ChainID, q.Asset.Decimals
	s.Crypto.Rate, s.Crypto.AmountDue, s.Crypto.QuotedAt = q.Rate, q.AmountDue, q.QuotedAt
	s.Crypto.QuoteExpiresAt = time.Time{}
	if until := q.QuotedAt.Add(lifetime); lifetime > 0 && until.Before(s.ExpiresAt) {
		s.Crypto.QuoteExpiresAt = until
	}
}

// QuoteLapsed reports whether the quote's lifetime has run out by now.
func (s *Session) QuoteLapsed(now time.Time) bool {
	return !s.Crypto.QuoteExpiresAt.IsZero() && !now.Before(s.Crypto.QuoteExpiresAt)
}

// HoldsSelection reports whether assetID is already selected, with its deposit address and a
// quote that still holds: selecting it again (a retry, or a request racing another) changes nothing.
func (s *Session) HoldsSelection(assetID string, now time.Time) bool {
	return s.Crypto.AssetID == assetID && s.Crypto.DepositAddress != "" && !s.QuoteLapsed(now)
}

// Requote replaces a lapsed quote at the current rate. A quote is only replaced while nothing
// was paid: a payment mined under a quote is judged against it, whenever it is seen.
func (s *Session) Requote(q chain.Quote, lifetime time.Duration, payments []chain.Payment) error {
	switch {
	case !s.Open():
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is %s.", s.ID, s.Status)
	case q.Asset.ID != s.Crypto.AssetID:
		return fmt.Errorf("requote of %s in %s, but its asset is %q", s.ID, q.Asset.ID, s.Crypto.AssetID)
	case !s.QuoteLapsed(q.QuotedAt):
		return apperr.Conflict("quote_still_valid", "The quote of %s holds until %s.", s.ID, s.Crypto.QuoteExpiresAt.Format(time.RFC3339))
	case slices.ContainsFunc(payments, chain.Payment.Live):
		return apperr.Conflict("payment_already_received", "A payment was received under the current quote of %s.", s.ID)
	}
	s.setQuote(q, lifetime)
	s.Settle(payments, q.QuotedAt)
	return nil
}

// Settle sums the payments into the session's crypto state; when confirmed funds cover the
// amount due, an open session completes (Stripe's status complete, payment_status paid).
func (s *Session) Settle(payments []chain.Payment, now time.Time) chain.Ledger {
	l := chain.Account(s.Terms(), payments)
	s.Crypto.State, s.Crypto.AmountReceived = l.State, l.Received
	s.Crypto.PaymentsSeen = max(s.Crypto.PaymentsSeen, l.Seen)
	s.Crypto.PaymentsLive = l.Live
	if l.Covered && s.Open() {
		s.Status, s.PaymentStatus = StatusComplete, PaymentPaid
		at := now
		s.CompletedAt = &at
	}
	return l
}

// Expire ends an open session at the deadline "at" (expires_at, or the moment an expire
// request was made). Payments mined by then still make a sale: a payment confirming refuses
// the expiry (the caller waits for it), and funds that already cover the due complete the
// session instead. Callers make sure the chain was scanned past "at" first.
func (s *Session) Expire(at time.Time, payments []chain.Payment) error {
	if !s.Open() {
		return apperr.Conflict("checkout_session_not_open",
			"Only Checkout Sessions with a status in [\"open\"] can be expired; %s is %s.", s.ID, s.Status)
	}
	at = at.UTC()
	if at.After(s.Due()) {
		at = s.Due()
	}
	open := *s
	open.ExpiredAt = &at // judge payments against this deadline, still open
	l := chain.Account(open.Terms(), payments)
	if l.Pending.Sign() > 0 {
		return apperr.Conflict("payment_confirming",
			"A payment to %s is confirming; the session cannot expire until it is confirmed or reverted.", s.ID)
	}
	if l.Covered {
		s.Settle(payments, at)
		return nil
	}
	s.Status, s.ExpiredAt = StatusExpired, &at
	s.Settle(payments, at)
	return nil
}

// ExtendTo pushes an open session's due time to to, when that is later: the time its chain's
// view was stale is given back (chain.GiveBack). Reports whether it changed.
func (s *Session) ExtendTo(to time.Time) bool {
	if !s.Open() || !to.After(s.Due()) {
		return false
	}
	s.ExtendedTo = to.UTC()
	return true
}
