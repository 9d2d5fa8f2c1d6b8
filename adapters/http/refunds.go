package http

import (
	"context"
	"encoding/json"
	"math"
	"math/big"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/refund"
)

// refundJSON is Stripe's refund object. A crypto refund is paid from the merchant's own
// wallet, so what was sent, where and in which transaction sits under "crypto" (our addition);
// next_action names the shopper's claim page while the destination is awaited.
type refundJSON struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Amount             int64             `json:"amount"`
	BalanceTransaction *string           `json:"balance_transaction"`
	Charge             *string           `json:"charge"`
	CheckoutSession    string            `json:"checkout_session"`
	Created            int64             `json:"created"`
	Currency           string            `json:"currency"`
	FailureReason      *string           `json:"failure_reason"`
	Livemode           bool              `json:"livemode"`
	Metadata           map[string]string `json:"metadata"`
	NextAction         *refundNextAction `json:"next_action"`
	PaymentIntent      *string           `json:"payment_intent"`
	Reason             *string           `json:"reason"`
	Status             string            `json:"status"`
	Crypto             refundCryptoJSON  `json:"crypto"`
}

type refundNextAction struct {
	Type  string          `json:"type"`
	Claim claimNextAction `json:"claim"`
}

type claimNextAction struct {
	URL       string `json:"url"`
	ExpiresAt int64  `json:"expires_at"`
}

type refundCryptoJSON struct {
	Asset                string  `json:"asset"`
	ChainID              int64   `json:"chain_id"`
	Amount               string  `json:"amount"`
	AmountDecimal        string  `json:"amount_decimal"`
	RoundedUp            bool    `json:"rounded_up"`
	Destination          *string `json:"destination"`
	DestinationSource    *string `json:"destination_source"`
	ClaimURL             *string `json:"claim_url"`
	ClaimExpiresAt       *int64  `json:"claim_expires_at"`
	TransactionHash      *string `json:"transaction_hash"`
	LastTransactionError *string `json:"last_transaction_error"`
	BlockNumber          *uint64 `json:"block_number"`
}

// claimURL is the public page where the shopper names the refund's destination.
func (s *Renderer) claimURL(secret string) string { return s.publicURL + claimAction(secret) }

// EncodeRefund implements refund.Encoder: the refund as the API shows it, for its events.
func (s *Renderer) EncodeRefund(_ context.Context, r refund.Refund) (json.RawMessage, error) {
	return json.Marshal(s.renderRefund(r))
}

func (s *Renderer) renderRefund(r refund.Refund) refundJSON {
	out := refundJSON{ID: r.ID, Object: "refund", Amount: r.Amount, CheckoutSession: r.SessionID, Created: r.Created.Unix(),
		Currency: r.Currency, Livemode: r.Livemode, Metadata: nonNilMap(r.Metadata), Reason: opt(r.Reason),
		Status: string(r.Status), BalanceTransaction: opt(r.BalanceTransaction), Crypto: refundCryptoJSON{Asset: r.AssetID, ChainID: r.ChainID, Amount: "0",
			AmountDecimal: chain.FormatUnits(r.CryptoAmount, r.Decimals), RoundedUp: r.RoundedUp,
			DestinationSource: opt(r.DestinationBy), TransactionHash: opt(r.TxHash), LastTransactionError: opt(r.LastTxError)}}
	if r.CryptoAmount != nil {
		out.Crypto.Amount = r.CryptoAmount.String()
	}
	if r.Status == refund.StatusFailed {
		out.FailureReason = opt(r.FailureReason)
	}
	if r.Destination != "" {
		out.Crypto.Destination = opt(chain.Checksum(r.Destination))
	}
	if !r.ClaimExpiresAt.IsZero() {
		at := r.ClaimExpiresAt.Unix()
		out.Crypto.ClaimExpiresAt = &at
	}
	if r.Status == refund.StatusRequiresAction && r.ClaimSecret != "" {
		u := s.claimURL(r.ClaimSecret)
		out.Crypto.ClaimURL = &u
		out.NextAction = &refundNextAction{Type: "claim", Claim: claimNextAction{URL: u, ExpiresAt: r.ClaimExpiresAt.Unix()}}
	}
	if r.TxBlock > 0 {
		b := r.TxBlock
		out.Crypto.BlockNumber = &b
	}
	return out
}

// baseUnits is crypto[amount]: a whole number of the asset's base units, sent as a string of
// digits (a JSON number is read the same way), never as a float.
type baseUnits struct{ *big.Int }

// maxBaseUnitDigits is the length of the largest uint256; no amount on an EVM chain is longer.
const maxBaseUnitDigits = 78

func (b *baseUnits) bindParam(node any, path string) error {
	var s string
	switch n := node.(type) {
	case string:
		s = n
	case json.Number:
		s = n.String()
	default:
		return apperr.Invalid(path, "parameter_invalid_integer", "Invalid integer: %s must be a whole number of base units, as a string of digits.", path)
	}
	if s == "" || len(s) > maxBaseUnitDigits || !digitsOnly(s) {
		return apperr.Invalid(path, "parameter_invalid_integer",
			"Invalid integer: %s must be a positive whole number of base units written with digits only (\"1500000\"), "+
				"no sign, decimal point or exponent; got %q.", path, truncate(s, 90))
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return apperr.Invalid(path, "parameter_invalid_integer", "Invalid integer: %s must be a whole number of base units.", path)
	}
	b.Int = v
	return nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// refundFields are the parameters of a refund, for POST /v1/refunds and a resolution's refund.
type refundFields struct {
	Amount   *int64             `json:"amount"`
	Reason   *string            `json:"reason"`
	Metadata map[string]string  `json:"metadata"`
	Crypto   *refundCryptoInput `json:"crypto"`
}

type refundCryptoInput struct {
	Amount         *baseUnits `json:"amount"`
	Destination    *string    `json:"destination"`
	ClaimExpiresIn *int64     `json:"claim_expires_in"`
}

type createRefundParams struct {
	CheckoutSession *string `json:"checkout_session"`
	refundFields
}

// given reports the first refund parameter sent, for refusing them where they do not apply.
func (f refundFields) given() string {
	switch {
	case f.Amount != nil:
		return "amount"
	case f.Reason != nil:
		return "reason"
	case f.Metadata != nil:
		return "metadata"
	case f.Crypto != nil:
		return "crypto"
	}
	return ""
}

// params are the refund use case's parameters for the session sessionID.
func (f refundFields) params(sessionID string) refund.CreateParams {
	p := refund.CreateParams{Session: sessionID, Amount: f.Amount, Metadata: f.Metadata}
	if f.Reason != nil {
		p.Reason = *f.Reason
	}
	if c := f.Crypto; c != nil {
		if c.Amount != nil {
			p.CryptoAmount = c.Amount.Int
		}
		if c.Destination != nil {
			p.Destination = *c.Destination
		}
		if c.ClaimExpiresIn != nil {
			p.ClaimTTL = claimTTL(*c.ClaimExpiresIn)
		}
	}
	return p
}

// claimTTL converts crypto[claim_expires_in] (seconds). Values no duration can hold stay out of
// range (and 0 is not taken as "the default") so that core's range check refuses them.
func claimTTL(secs int64) time.Duration {
	switch {
	case secs <= 0:
		return -1
	case secs > math.MaxInt64/int64(time.Second):
		return refund.MaxClaimTTL + time.Second
	}
	return time.Duration(secs) * time.Second
}

type listRefundsParams struct {
	pageParams
	CheckoutSession *string `json:"checkout_session"`
	Status          *string `json:"status"`
}

var refundStatuses = []refund.Status{refund.StatusRequiresAction, refund.StatusPending, refund.StatusSucceeded,
	refund.StatusFailed, refund.StatusCanceled}

type markSentParams struct {
	TransactionHash *string `json:"transaction_hash"`
}

type resolveParams struct {
	Action *string `json:"action"`
	refundFields
}

func (s *Server) createRefund(c *gin.Context) {
	var p createRefundParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	if p.CheckoutSession == nil || *p.CheckoutSession == "" {
		s.writeError(c, apperr.Missing("checkout_session"))
		return
	}
	r, err := s.refunds.Create(c.Request.Context(), callerOf(c), p.params(*p.CheckoutSession))
	s.respond(c, err, func() any { return s.renderRefund(r) })
}

func (s *Server) getRefund(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.refunds.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return s.renderRefund(r) })
}

func (s *Server) listRefunds(c *gin.Context) {
	var p listRefundsParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	q := refund.Query{Page: p.paging()}
	if p.CheckoutSession != nil {
		q.SessionID = *p.CheckoutSession
	}
	if p.Status != nil {
		st := refund.Status(*p.Status)
		if !slices.Contains(refundStatuses, st) {
			s.writeError(c, apperr.Invalid("status", "parameter_invalid",
				"status must be one of requires_action, pending, succeeded, failed, canceled."))
			return
		}
		q.Statuses = []refund.Status{st}
	}
	page, err := s.refunds.List(c.Request.Context(), callerOf(c), q)
	s.respond(c, err, func() any { return newList("/v1/refunds", page, s.renderRefund) })
}

func (s *Server) cancelRefund(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	r, err := s.refunds.Cancel(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return s.renderRefund(r) })
}

func (s *Server) markRefundSent(c *gin.Context) {
	var p markSentParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	if p.TransactionHash == nil || *p.TransactionHash == "" {
		s.writeError(c, apperr.Missing("transaction_hash"))
		return
	}
	r, err := s.refunds.MarkSent(c.Request.Context(), callerOf(c), c.Param("id"), *p.TransactionHash)
	s.respond(c, err, func() any { return s.renderRefund(r) })
}

// resolveSession applies the merchant's resolution of a session through its workflow: the
// refund it made for action=refund, the session for action=accept.
func (s *Server) resolveSession(c *gin.Context) {
	var p resolveParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	rp := refund.ResolveParams{}
	if p.Action != nil {
		rp.Action = *p.Action
	}
	if err := rp.Check(); err != nil {
		s.writeError(c, err)
		return
	}
	if k := p.given(); rp.Action == refund.ActionAccept && k != "" {
		s.writeError(c, apperr.Invalid(k, "parameter_invalid", "%s applies to action=refund only.", k))
		return
	}
	ctx, caller, id := c.Request.Context(), callerOf(c), c.Param("id")
	rp.Refund = p.params(id)
	res, err := s.refunds.Resolve(ctx, caller, id, rp)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if rp.Action == refund.ActionRefund {
		r, err := s.refunds.Get(ctx, caller, res.Refund)
		s.respond(c, err, func() any { return s.renderRefund(r) })
		return
	}
	sess, err := s.sessions.Get(ctx, caller, id, false)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.renderSession(ctx, sess))
}
