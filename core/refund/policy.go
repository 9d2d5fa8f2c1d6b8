package refund

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Policies gives the resolution policy of a merchant's sessions of a mode (settlement.Service).
type Policies interface {
	ResolutionPolicy(ctx context.Context, merchantID string, livemode bool) (settlement.ResolutionPolicy, error)
}

// LateAction is the resolution the merchant's late-payment policy gives a session: ActionAccept
// or ActionRefund, or "" to leave it to the merchant. Only an unresolved session holding late
// funds qualifies; "accept" takes only what covers the price within the session's tolerance
// (less is an underpayment, for the merchant to judge) and never a subscription's session.
func LateAction(late settlement.LatePayments, s *checkout.Session, payments []chain.Payment) string {
	if s.Resolution != checkout.ResolutionNone {
		return ""
	}
	if outcome, _ := s.Excess(payments); outcome != checkout.OutcomeLate {
		return ""
	}
	switch late {
	case settlement.LateRefund:
		return ActionRefund
	case settlement.LateAccept:
		if r, err := s.CanAccept(payments); err != nil || r != checkout.ResolutionAcceptedLate {
			return ""
		}
		l := chain.Account(s.Terms(), payments)
		if new(big.Int).Add(l.Received, l.Late).Cmp(s.Terms().Threshold()) < 0 {
			return ""
		}
		return ActionAccept
	}
	return ""
}

// LatePolicyRefundID names the refund the late-payment policy makes of a session: one per
// session, so a retried or replayed application finds it instead of making another.
func LatePolicyRefundID(sessionID string) string {
	h := sha256.Sum256([]byte("late-policy|" + sessionID))
	return "re_" + hex.EncodeToString(h[:12])
}

// errNotQualified: under the session's lock, the policy found nothing (left) to apply.
var errNotQualified = errors.New("session no longer qualifies for the late-payment policy")

// ApplyLatePolicy applies the merchant's late-payment policy to a session of theirs paid after
// it expired (the session workflow's activity). It does nothing (a zero Resolved) when the
// policy is manual or the session no longer qualifies: resolved meanwhile, or nothing left.
func (s *Service) ApplyLatePolicy(ctx context.Context, c merchant.Caller, sessionID string) (Resolved, error) {
	sess, err := s.sessions.Get(ctx, c, sessionID, false)
	if err != nil {
		return Resolved{}, err
	}
	pol, err := s.policies.ResolutionPolicy(ctx, sess.MerchantID, sess.Livemode)
	if err != nil {
		return Resolved{}, err
	}
	switch LateAction(pol.LatePayments, sess, sess.Crypto.Payments) {
	case ActionAccept:
		return s.Apply(ctx, sess.ID, ResolveParams{Action: ActionAccept})
	case ActionRefund:
		return s.refundLate(ctx, sess.ID)
	}
	return Resolved{}, nil
}

// refundLate refunds what the session received, to be claimed by the shopper, deciding again
// under the session's lock.
func (s *Service) refundLate(ctx context.Context, sessionID string) (Resolved, error) {
	p := CreateParams{ID: LatePolicyRefundID(sessionID), Session: sessionID, Reason: ReasonLatePayment}
	r, err := s.create(ctx, p, func(sess *checkout.Session, payments []chain.Payment, refunds []Refund) (Refund, error) {
		_, excess := sess.Excess(payments)
		if LateAction(settlement.LateRefund, sess, payments) != ActionRefund || Refundable(excess, refunds).Sign() == 0 {
			return Refund{}, errNotQualified
		}
		return resolveRefund(p, sess, payments, refunds, s.clock())
	})
	if errors.Is(err, errNotQualified) {
		return Resolved{}, nil
	}
	return Resolved{SessionID: sessionID, Refund: r.ID}, err
}
