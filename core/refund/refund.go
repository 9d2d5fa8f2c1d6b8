// Package refund holds refunds of checkout sessions: money the merchant sends back from their
// own wallet. The service never sends it; it records the decision, learns the destination
// (from the merchant or claimed by the shopper) and verifies the merchant's transfer on chain.
package refund

import (
	"math/big"
	"regexp"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Status is Stripe's refund status.
type Status string

const (
	StatusRequiresAction Status = "requires_action" // no destination yet: the shopper's claim is awaited
	StatusPending        Status = "pending"         // waiting for the merchant's transfer, or for its confirmations
	StatusSucceeded      Status = "succeeded"       // the transfer is confirmed on chain
	StatusFailed         Status = "failed"          // the claim expired unclaimed
	StatusCanceled       Status = "canceled"        // the merchant canceled it before sending
)

// Reasons: Stripe's three a merchant may give, and ours for a session's resolution.
const (
	ReasonDuplicate           = "duplicate"
	ReasonFraudulent          = "fraudulent"
	ReasonRequestedByCustomer = "requested_by_customer"
	ReasonOverpayment         = "overpayment"
	ReasonUnderpayment        = "underpayment"
	ReasonLatePayment         = "late_payment"
)

// Who named the destination.
const (
	DestinationByMerchant = "merchant"
	DestinationByCustomer = "customer"
)

// FailureClaimExpired is the failure_reason of a refund whose claim page expired unclaimed.
const FailureClaimExpired = "claim_expired"

// Limits of a refund's claim page.
const (
	DefaultClaimTTL = 7 * 24 * time.Hour
	MinClaimTTL     = time.Hour
	MaxClaimTTL     = 30 * 24 * time.Hour
)

// Refund is a refund as stored.
type Refund struct {
	ID         string
	MerchantID string
	Livemode   bool
	SessionID  string
	Status     Status
	Reason     string
	Amount     int64  // minor units of Currency: the refund's worth at the session's locked rate
	Currency   string // the session's
	AssetID    string // the session's asset: a refund is sent in what was paid
	ChainID    int64
	Decimals   int32
	// CryptoAmount is what the destination must receive, in base units.
	CryptoAmount *big.Int
	// RoundedUp: CryptoAmount is the exact conversion of Amount rounded up by less than one
	// base unit, in the shopper's favour.
	RoundedUp      bool
	Destination    string // lower-case 0x address; "" while the claim is awaited
	DestinationBy  string // DestinationByMerchant or DestinationByCustomer
	ClaimSecret    string // the claim page's capability (requires_action refunds)
	ClaimExpiresAt time.Time
	TxHash         string // the merchant's transfer, once marked sent
	TxBlock        uint64 // the block it was mined in, once confirmed
	SentAt         *time.Time
	LastTxError    string // why the last transaction named was refused ("" if none was)
	FailureReason  string
	Metadata       map[string]string
	Created        time.Time
	SucceededAt    *time.Time
	CanceledAt     *time.Time
	// BalanceTransaction is the negative line the refund's success wrote.
	BalanceTransaction string
}

// Counts reports whether the refund takes from what the session can still refund: every
// refund except a failed or canceled one.
func (r *Refund) Counts() bool { return r.Status != StatusFailed && r.Status != StatusCanceled }

// Final reports whether nothing more can happen to the refund.
func (r *Refund) Final() bool {
	return r.Status == StatusSucceeded || r.Status == StatusFailed || r.Status == StatusCanceled
}

// Sent reports whether the merchant named a transaction that is still being verified.
func (r *Refund) Sent() bool { return r.TxHash != "" }

// Claim sets the destination the shopper typed on the claim page.
func (r *Refund) Claim(address string, now time.Time) error {
	switch {
	case r.Status != StatusRequiresAction:
		return apperr.Conflict("refund_already_claimed", "This refund already has a destination (it is %s).", r.Status)
	case !now.Before(r.ClaimExpiresAt):
		return apperr.Conflict("refund_claim_expired", "This refund's claim link expired on %s; ask the merchant for a new one.",
			r.ClaimExpiresAt.UTC().Format(time.RFC1123))
	}
	a, err := ParseDestination("address", address)
	if err != nil {
		return err
	}
	r.Destination, r.DestinationBy, r.Status = a, DestinationByCustomer, StatusPending
	return nil
}

// ExpireClaim fails an unclaimed refund once its claim link has expired; reports whether it did.
func (r *Refund) ExpireClaim(now time.Time) bool {
	if r.Status != StatusRequiresAction || now.Before(r.ClaimExpiresAt) {
		return false
	}
	r.Status, r.FailureReason = StatusFailed, FailureClaimExpired
	return true
}

// Cancel ends a refund the merchant no longer wants to send. Once a transaction is named it
// may already be on its way: that refund cannot be canceled.
func (r *Refund) Cancel(now time.Time) error {
	switch {
	case r.Status == StatusCanceled:
		return nil
	case r.Status != StatusRequiresAction && r.Status != StatusPending:
		return apperr.Conflict("refund_not_cancelable", "Refund %s is %s; only a refund that is requires_action or pending can be canceled.", r.ID, r.Status)
	case r.Sent():
		return apperr.Conflict("refund_not_cancelable",
			"Refund %s was marked sent in %s; it can no longer be canceled.", r.ID, r.TxHash)
	}
	at := now
	r.Status, r.CanceledAt = StatusCanceled, &at
	return nil
}

var txHashPattern = regexp.MustCompile(`^0x[0-9a-f]{64}$`)

// MarkSent records the merchant's transaction. The same hash again is a retry; another hash
// while one is being verified is refused (the first may still be mined).
func (r *Refund) MarkSent(hash string, now time.Time) error {
	hash = strings.ToLower(strings.TrimSpace(hash))
	if !txHashPattern.MatchString(hash) {
		return apperr.Invalid("transaction_hash", "parameter_invalid", "transaction_hash must be a 0x transaction hash of 64 hex digits.")
	}
	switch {
	case r.TxHash == hash:
		return nil
	case r.Status == StatusRequiresAction:
		return apperr.Conflict("refund_requires_destination",
			"Refund %s has no destination yet: the shopper has not claimed it.", r.ID)
	case r.Status != StatusPending:
		return apperr.Conflict("refund_not_pending", "Refund %s is %s; only a pending refund can be marked sent.", r.ID, r.Status)
	case r.Sent():
		return apperr.Conflict("refund_already_sent",
			"Refund %s is already verifying transaction %s.", r.ID, r.TxHash)
	}
	at := now
	r.TxHash, r.SentAt, r.LastTxError = hash, &at, ""
	return nil
}

// ParseDestination reads an address a refund may be sent to: 0x and 40 hex digits, in one
// case or with a correct EIP-55 checksum (a mistyped mixed-case address is refused), never
// the zero address. It returns the lower-case form.
func ParseDestination(param, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", apperr.Missing(param)
	}
	a, err := settlement.ParseAddress(s)
	if err != nil {
		return "", apperr.Invalid(param, "parameter_invalid", "%s is not an address: it must be 0x followed by 40 hex digits.", param)
	}
	rest := s[2:]
	if rest != strings.ToLower(rest) && rest != strings.ToUpper(rest) && chain.Checksum(s) != s {
		return "", apperr.Invalid(param, "parameter_invalid",
			"%s fails its EIP-55 checksum: a character is probably mistyped. Copy the address again.", param)
	}
	if a.IsZero() {
		return "", apperr.Invalid(param, "parameter_invalid", "The zero address cannot receive a refund.")
	}
	return a.String(), nil
}
