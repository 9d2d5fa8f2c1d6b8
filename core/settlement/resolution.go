package settlement

import (
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
)

// LatePayments is what happens to a session paid after it expired, without the merchant's
// own resolution.
type LatePayments string

const (
	LateManual LatePayments = "manual" // the merchant resolves it (the default)
	LateAccept LatePayments = "accept" // accepted as the session's payment
	LateRefund LatePayments = "refund" // refunded to the shopper, who claims it
)

// ResolutionPolicy is how a merchant's sessions of one mode settle payments that do not match
// their price, without a decision each time: applied at creation (the tolerance) and by the
// session's workflow (a late payment).
type ResolutionPolicy struct {
	// UnderpaymentTolerancePercent is the crypto[payment_tolerance_percent] of a new session
	// whose create request gives none.
	UnderpaymentTolerancePercent decimal.Decimal
	LatePayments                 LatePayments
}

// DefaultResolutionPolicy leaves every mismatch to the merchant.
func DefaultResolutionPolicy() ResolutionPolicy {
	return ResolutionPolicy{UnderpaymentTolerancePercent: decimal.Zero, LatePayments: LateManual}
}

// Equal reports whether two policies decide alike.
func (p ResolutionPolicy) Equal(o ResolutionPolicy) bool {
	return p.LatePayments == o.LatePayments && p.UnderpaymentTolerancePercent.Equal(o.UnderpaymentTolerancePercent)
}

// Param names of the policy in a settings request.
const (
	ParamTolerance    = "resolution_policy[underpayment_tolerance_percent]"
	ParamLatePayments = "resolution_policy[late_payments]"
)

// SetTolerance sets the default tolerance of new sessions (chain.ParseTolerance's rule).
func (s *Settings) SetTolerance(v string) error {
	d, ok := chain.ParseTolerance(v)
	if !ok {
		return apperr.Invalid(ParamTolerance, "parameter_invalid",
			"%s must be a decimal from 0 to %d with at most 4 decimals.", ParamTolerance, chain.MaxTolerancePercent)
	}
	s.Policy.UnderpaymentTolerancePercent = d
	return nil
}

// SetLatePayments chooses what happens to late payments.
func (s *Settings) SetLatePayments(v string) error {
	switch l := LatePayments(v); l {
	case LateManual, LateAccept, LateRefund:
		s.Policy.LatePayments = l
		return nil
	}
	return apperr.Invalid(ParamLatePayments, "parameter_invalid", "%s must be %q, %q or %q.",
		ParamLatePayments, LateManual, LateAccept, LateRefund)
}
