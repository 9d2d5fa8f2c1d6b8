package refund

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/metadata"
)

// CreateParams are POST /v1/refunds's parameters (and a resolution's refund).
type CreateParams struct {
	ID           string   // set by a resolution, so that its retries find the refund they made
	Session      string   // checkout_session
	Amount       *int64   // minor units of the session's currency
	CryptoAmount *big.Int // crypto[amount]: base units of the session's asset
	Destination  string   // crypto[destination]: "" asks the shopper through the claim page
	ClaimTTL     time.Duration
	Reason       string
	Metadata     map[string]string
}

var merchantReasons = []string{ReasonDuplicate, ReasonFraudulent, ReasonRequestedByCustomer}

// New decides a refund of sess from what it received and the refunds it already has.
func New(p CreateParams, sess *checkout.Session, payments []chain.Payment, refunds []Refund, now time.Time) (Refund, error) {
	if p.Reason != "" && !slices.Contains(merchantReasons, p.Reason) && !resolutionReason(p.Reason) {
		return Refund{}, apperr.Invalid("reason", "parameter_invalid", "reason must be one of duplicate, fraudulent, requested_by_customer.")
	}
	md, err := metadata.Validate("metadata", p.Metadata)
	if err != nil {
		return Refund{}, err
	}
	ttl, err := claimTTL(p)
	if err != nil {
		return Refund{}, err
	}
	if sess.Crypto.AssetID == "" || sess.Open() {
		return Refund{}, apperr.Conflict("session_not_refundable",
			"Checkout Session %s is %s; only a complete or expired session that received funds can be refunded.", sess.ID, sess.Status)
	}
	rate := Rate{Currency: sess.Currency, Rate: sess.Crypto.Rate, Decimals: sess.Crypto.Decimals}
	left := Refundable(Received(sess.Crypto.AssetID, payments), refunds)
	amt, err := Size(rate, p.Amount, p.CryptoAmount, left)
	if err != nil {
		return Refund{}, err
	}
	id := p.ID
	if id == "" {
		id = ident.New("re")
	}
	r := Refund{ID: id, MerchantID: sess.MerchantID, Livemode: sess.Livemode, SessionID: sess.ID,
		Reason: p.Reason, Amount: amt.Minor, Currency: sess.Currency, AssetID: sess.Crypto.AssetID,
		ChainID: sess.Crypto.ChainID, Decimals: sess.Crypto.Decimals, CryptoAmount: amt.Base, RoundedUp: amt.RoundedUp,
		Metadata: md, Created: now}
	if p.Destination == "" {
		r.Status, r.ClaimSecret, r.ClaimExpiresAt = StatusRequiresAction, r.ID+"_claim_"+ident.Random(32), now.Add(ttl)
		return r, nil
	}
	dest, err := ParseDestination("crypto[destination]", p.Destination)
	if err != nil {
		return Refund{}, err
	}
	if err := notTheSessions("crypto[destination]", dest, sess); err != nil {
		return Refund{}, err
	}
	r.Status, r.Destination, r.DestinationBy = StatusPending, dest, DestinationByMerchant
	return r, nil
}

// notTheSessions refuses the session's own deposit or payout address as a destination: the
// refund would land back with the merchant (and at the deposit address, count as a payment).
func notTheSessions(param, dest string, sess *checkout.Session) error {
	if dest == strings.ToLower(sess.Crypto.DepositAddress) || dest == strings.ToLower(sess.Crypto.SettlementDestination) {
		return apperr.Invalid(param, "parameter_invalid",
			"This is the payment's own deposit or payout address; a refund goes to the shopper's wallet.")
	}
	return nil
}

// CheckReason refuses a reason a merchant may not give (the resolution reasons are the service's).
func CheckReason(reason string) error {
	if reason != "" && !slices.Contains(merchantReasons, reason) {
		return apperr.Invalid("reason", "parameter_invalid", "reason must be one of duplicate, fraudulent, requested_by_customer.")
	}
	return nil
}

func resolutionReason(r string) bool {
	return r == ReasonOverpayment || r == ReasonUnderpayment || r == ReasonLatePayment
}

func claimTTL(p CreateParams) (time.Duration, error) {
	switch {
	case p.ClaimTTL == 0:
		return DefaultClaimTTL, nil
	case p.ClaimTTL < MinClaimTTL || p.ClaimTTL > MaxClaimTTL:
		return 0, apperr.Invalid("crypto[claim_expires_in]", "parameter_invalid",
			"crypto[claim_expires_in] must be between %d and %d seconds.", int(MinClaimTTL.Seconds()), int(MaxClaimTTL.Seconds()))
	}
	return p.ClaimTTL, nil
}
