package refund

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
)

// Resolution actions of POST /v1/checkout/sessions/:id/resolve.
const (
	ActionAccept = "accept"
	ActionRefund = "refund"
)

// ResolveParams are a resolution: accept what was received, or refund (part of) it.
type ResolveParams struct {
	Action string
	Refund CreateParams // action=refund; its Session is the resolved session
}

// Resolved is what a resolution did: the session's resolution and, for a refund, the refund.
type Resolved struct {
	SessionID string
	Refund    string
}

// Check refuses what the action cannot do, before it is sent to the session's workflow.
func (p ResolveParams) Check() error {
	switch p.Action {
	case ActionAccept, ActionRefund:
		return nil
	case "":
		return apperr.Missing("action")
	}
	return apperr.Invalid("action", "parameter_invalid", "action must be accept or refund.")
}

// reasonOf is the refund reason a resolution's outcome stands for.
func reasonOf(o checkout.Outcome) string {
	switch o {
	case checkout.OutcomeOverpaid:
		return ReasonOverpayment
	case checkout.OutcomeLate:
		return ReasonLatePayment
	}
	return ReasonUnderpayment
}

// resolveRefund decides a resolution's refund: by default what the session's refunds have not
// yet given back of the excess (the overpayment, the late funds, or the underpayment).
func resolveRefund(p CreateParams, s *checkout.Session, payments []chain.Payment, refunds []Refund, now time.Time) (Refund, error) {
	outcome, excess := s.Excess(payments)
	if outcome == checkout.OutcomeSettled {
		return Refund{}, apperr.Conflict("session_not_resolvable",
			"Checkout Session %s has nothing to resolve: it is %s with its price paid exactly, or received nothing.", s.ID, s.Status)
	}
	if p.Amount == nil && p.CryptoAmount == nil {
		rest := Refundable(excess, refunds) // the excess the session's refunds have not given back yet
		if rest.Sign() == 0 {
			return Refund{}, apperr.Conflict("session_not_resolvable",
				"The excess of Checkout Session %s is already refunded or being refunded.", s.ID)
		}
		p.CryptoAmount = minInt(rest, Refundable(Received(s.Crypto.AssetID, payments), refunds))
	}
	if p.Reason == "" {
		p.Reason = reasonOf(outcome)
	}
	r, err := New(p, s, payments, refunds, now)
	if err != nil {
		return Refund{}, err
	}
	s.Resolution = checkout.ResolutionRefunded
	return r, nil
}

func minInt(a, b *big.Int) *big.Int {
	if a.Cmp(b) < 0 {
		return new(big.Int).Set(a)
	}
	return new(big.Int).Set(b)
}

// Resolve sends the caller's resolution of a session to its workflow, which validates it
// against the session's state and applies it; once the workflow's watch is over, it is
// applied here, under the same row lock and rules.
func (s *Service) Resolve(ctx context.Context, c merchant.Caller, sessionID string, p ResolveParams) (Resolved, error) {
	if err := p.Check(); err != nil {
		return Resolved{}, err
	}
	sess, err := s.sessions.Get(ctx, c, sessionID, false)
	if err != nil {
		return Resolved{}, err
	}
	p.Refund.Session = sess.ID
	if p.Action == ActionRefund {
		p.Refund.ID = refundIDFor(ctx, c, sess.ID, "resolve")
	}
	res, ok, err := s.resolver.Resolve(ctx, sess, p)
	if err != nil || ok {
		return res, err
	}
	return s.Apply(ctx, sess.ID, p)
}

// refundIDFor names the refund a request makes: derived from the request's Idempotency-Key
// when it has one, so a retry after a crash finds the refund instead of making a second one,
// even when a resolution is applied without the session's workflow.
func refundIDFor(ctx context.Context, c merchant.Caller, sessionID, purpose string) string {
	k, ok := idempotency.KeyFrom(ctx)
	if !ok {
		return ident.New("re")
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%t|%s|%s|%s", c.MerchantID, c.Livemode, k.Value, sessionID, purpose))
	return "re_" + hex.EncodeToString(h[:12])
}

// Apply carries out a resolution of the session (the workflow's activity). A retry of an
// accepted session's acceptance finds it complete and returns it as it is.
func (s *Service) Apply(ctx context.Context, sessionID string, p ResolveParams) (Resolved, error) {
	if p.Action == ActionAccept {
		_, err := s.sessions.Accept(ctx, sessionID)
		return Resolved{SessionID: sessionID}, err
	}
	p.Refund.Session = sessionID
	r, err := s.create(ctx, p.Refund, func(sess *checkout.Session, payments []chain.Payment, refunds []Refund) (Refund, error) {
		return resolveRefund(p.Refund, sess, payments, refunds, s.clock())
	})
	return Resolved{SessionID: sessionID, Refund: r.ID}, err
}
