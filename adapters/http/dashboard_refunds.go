package http

import (
	"context"
	"encoding/json"
	"html/template"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/refund"
)

// The dashboard's refunds: the refunds to pay and every refund, a refund's page where an owner
// pays it from a browser wallet or types the hash of a transfer sent another way, and the
// session page's resolution and refund forms. Every action goes through refund.Service, in the
// mode the user views, as /v1 does.

// dashRefundRoutes registers the refund pages: read for every user, write for owners.
func (s *Server) dashRefundRoutes(read, write *gin.RouterGroup) {
	read.GET("/refunds", s.dashRefunds)
	read.GET("/refunds/:id", s.dashRefund)
	write.POST("/refunds/:id/mark_sent", s.dashRefundMarkSent)
	write.POST("/refunds/:id/cancel", s.dashRefundCancel)
	write.POST("/payments/:id/resolve", s.dashRefundResolve)
	write.POST("/payments/:id/refunds", s.dashRefundCreate)
}

// refundPageRow is a refund as the lists show it.
type refundPageRow struct {
	ID, Session, Status         string
	Amount, Crypto              string // in the session's currency; in the asset, with its symbol
	Destination, DestinationURL string // EIP-55; "" while the shopper's claim is awaited
	ClaimURL                    string // owners only: the link lets its holder choose where the money goes
	ClaimExpires                time.Time
	TxHash, TxURL               string
	LastTxError, FailureReason  string
	Created                     time.Time
}

// refundPageTable is a list of refunds; Key keeps the copy buttons' element IDs unique when a
// refund shows in two lists of a page.
type refundPageTable struct {
	Key  string
	Rows []refundPageRow
}

// refundPageOwner reports whether the signed-in user may act on refunds (dashOwner refuses
// the others' POSTs; this only decides what the pages offer).
func refundPageOwner(c *gin.Context) bool {
	p := principal(c)
	return p.User.CanWrite()
}

// refundPageUnits shows base units of a refund's asset in whole units with its symbol.
func (s *Server) refundPageUnits(assetID string, decimals int32, v *big.Int) string {
	if v == nil {
		v = new(big.Int)
	}
	symbol := assetID
	if a, ok := s.chains.Asset(assetID); ok {
		symbol = a.Symbol
	}
	return chain.FormatUnits(v, decimals) + " " + symbol
}

func (s *Server) refundPageRowOf(r refund.Refund, owner bool) refundPageRow {
	row := refundPageRow{ID: r.ID, Session: r.SessionID, Status: string(r.Status), Amount: formatMoney(r.Amount, r.Currency),
		Crypto: s.refundPageUnits(r.AssetID, r.Decimals, r.CryptoAmount), TxHash: r.TxHash, LastTxError: r.LastTxError,
		FailureReason: r.FailureReason, Created: r.Created}
	ch, _ := s.chains.Chain(r.ChainID)
	if r.Destination != "" {
		row.Destination, row.DestinationURL = chain.Checksum(r.Destination), ch.AddressURL(r.Destination)
	}
	if r.Status == refund.StatusRequiresAction {
		row.ClaimExpires = r.ClaimExpiresAt
		if owner {
			row.ClaimURL = s.publicURL + claimAction(r.ClaimSecret)
		}
	}
	row.TxURL = ch.TxURL(r.TxHash)
	return row
}

func (s *Server) refundPageRows(rs []refund.Refund, owner bool) []refundPageRow {
	rows := make([]refundPageRow, 0, len(rs))
	for _, r := range rs {
		rows = append(rows, s.refundPageRowOf(r, owner))
	}
	return rows
}

// ---- The list ----

type refundPageList struct {
	ToPay      refundPageTable // requires_action and pending: on the first page only
	MoreToPay  bool
	Paged      bool // a later page of the list
	All        refundPageTable
	Next, Prev template.URL
}

func (s *Server) dashRefunds(c *gin.Context) {
	ctx, caller, owner := c.Request.Context(), dashCaller(c), refundPageOwner(c)
	pg := dashPage(c)
	b := refundPageList{Paged: pg.StartingAfter != "" || pg.EndingBefore != "", ToPay: refundPageTable{Key: "topay"},
		All: refundPageTable{Key: "all"}}
	if !b.Paged {
		due, err := s.refunds.List(ctx, caller, refund.Query{Page: paging.Params{Limit: paging.MaxLimit},
			Statuses: []refund.Status{refund.StatusRequiresAction, refund.StatusPending}})
		if err != nil {
			s.dashError(c, err)
			return
		}
		b.ToPay.Rows, b.MoreToPay = s.refundPageRows(due.Data, owner), due.HasMore
	}
	page, err := s.refunds.List(ctx, caller, refund.Query{Page: pg})
	if err != nil {
		s.dashError(c, err)
		return
	}
	b.All.Rows = s.refundPageRows(page.Data, owner)
	b.Next, b.Prev = dashPager(c, page.HasMore, pg, func(r refundPageRow) string { return r.ID }, b.All.Rows)
	s.dashRender(c, http.StatusOK, "refunds", "Refunds", "refunds", b)
}

// ---- A refund's page ----

// refundPagePay is the transaction an owner's browser wallet sends to pay the refund
// (refund.Refund.Payment), as the page's script reads it.
type refundPagePay struct {
	URI                            template.URL // ethereum: (EIP-681), built from validated parts
	ChainHex, To, Value, Data      string
	ChainName, PublicRPC, Explorer string
	NativeSymbol                   string
	NativeDecimals                 int32
}

type refundPageDetail struct {
	refundPageRow
	Reason, By, Asset, Chain, Base string // Base: the amount in base units
	RoundedUp                      bool
	Block                          uint64
	SentAt, Succeeded, Canceled    time.Time
	Metadata                       []metaRow
	Pay                            *refundPagePay // owners, while the refund waits for its transfer
	CanMarkSent, CanCancel         bool
	Hash, Err                      string // the hash typed, and why it was refused
}

func (b refundPageDetail) FormError() string { return b.Err }

func (s *Server) dashRefund(c *gin.Context) { s.refundPageShow(c, http.StatusOK, "", "") }

// refundPageShow renders refund :id's page with status, and the hash typed and its error if any.
func (s *Server) refundPageShow(c *gin.Context, status int, hash, errMsg string) {
	r, err := s.refunds.Get(c.Request.Context(), dashCaller(c), c.Param("id"))
	if err != nil {
		s.dashError(c, err)
		return
	}
	b := s.refundPageDetailOf(r, refundPageOwner(c))
	b.Hash, b.Err = hash, errMsg
	s.dashRender(c, status, "refund", "Refund "+r.ID, "refunds", b)
}

// refundPageDetailOf is r's page; an owner is offered what the refund's state allows (the
// refund's own rules decide: Payment, Cancel).
func (s *Server) refundPageDetailOf(r refund.Refund, owner bool) refundPageDetail {
	b := refundPageDetail{refundPageRow: s.refundPageRowOf(r, owner), Reason: r.Reason, By: r.DestinationBy,
		Asset: r.AssetID, RoundedUp: r.RoundedUp, Block: r.TxBlock}
	if r.CryptoAmount != nil {
		b.Base = r.CryptoAmount.String()
	}
	ch, _ := s.chains.Chain(r.ChainID)
	b.Chain = ch.Name
	b.SentAt, b.Succeeded, b.Canceled = refundPageAt(r.SentAt), refundPageAt(r.SucceededAt), refundPageAt(r.CanceledAt)
	for _, k := range slices.Sorted(maps.Keys(r.Metadata)) {
		b.Metadata = append(b.Metadata, metaRow{Key: k, Value: r.Metadata[k]})
	}
	if !owner {
		return b
	}
	asset, _ := s.chains.Asset(r.AssetID)
	if req, err := r.Payment(asset); err == nil {
		b.CanMarkSent = true
		b.Pay = &refundPagePay{URI: template.URL(req.URI), ChainHex: req.ChainIDHex, To: req.To, Value: req.ValueHex,
			Data: req.Data, ChainName: ch.Name, PublicRPC: ch.PublicRPCURL, Explorer: ch.ExplorerURL,
			NativeSymbol: ch.Native.Symbol, NativeDecimals: ch.Native.Decimals}
	}
	probe := r
	b.CanCancel = r.Status != refund.StatusCanceled && probe.Cancel(s.now()) == nil
	return b
}

func refundPageAt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// refundPageError is the message and status of an error the user can act on: invalid input, a
// state that forbids the action, or the chain that could not be read for a moment.
func refundPageError(err error) (string, int, bool) {
	e, ok := apperr.As(err)
	if !ok || e.Kind == apperr.KindInternal || e.Kind == apperr.KindNotFound {
		return "", 0, false
	}
	return e.Message, kindStatus(e.Kind), true
}

// dashRefundMarkSent records the transaction that pays the refund: typed in the form, or posted
// by the page's script once the browser wallet sent it. A transfer already mined to the wrong
// address or of too little is refused here, on the page.
func (s *Server) dashRefundMarkSent(c *gin.Context) {
	id, hash := c.Param("id"), strings.TrimSpace(c.PostForm("transaction_hash"))
	_, err := s.refunds.MarkSent(c.Request.Context(), dashCaller(c), id, hash)
	if msg, status, ok := refundPageError(err); ok {
		if status == http.StatusServiceUnavailable {
			s.log.Warn("dashboard mark_sent: chain unreadable", "refund", id, "err", err)
		}
		s.refundPageShow(c, status, hash, msg)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/refunds/"+url.PathEscape(id)+"?notice=refund_sent")
}

func (s *Server) dashRefundCancel(c *gin.Context) {
	id := c.Param("id")
	_, err := s.refunds.Cancel(c.Request.Context(), dashCaller(c), id)
	if msg, status, ok := refundPageError(err); ok {
		s.refundPageShow(c, status, "", msg)
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/refunds/"+url.PathEscape(id)+"?notice=refund_canceled")
}

// ---- The session page's refunds ----

// refundPageFormKey holds the resolve or refund form a failed POST shows again, for the
// session page's renderer (renderPayment) to pass on.
const refundPageFormKey = "dashboard.refund_form"

// refundPageForm is the resolve or refund form of a session's page, as the user typed it.
type refundPageForm struct {
	Action                      string // refund.ActionAccept, refund.ActionRefund, or "create" for a plain refund
	Amount, Destination, Reason string
}

// params is the refund the form asks for: an amount typed in the session's currency (empty:
// the default of the use case), a destination (empty: the shopper claims it).
func (f refundPageForm) params(sessionID, currency string) (refund.CreateParams, error) {
	p := refund.CreateParams{Session: sessionID, Destination: strings.TrimSpace(f.Destination), Reason: f.Reason}
	if strings.TrimSpace(f.Amount) == "" {
		return p, nil
	}
	minor, err := money.MinorUnits("amount", f.Amount, currency)
	if err != nil {
		return p, err
	}
	p.Amount = &minor
	return p, nil
}

// refundPageSession is the session page's refunds section.
type refundPageSession struct {
	Refunded              string // amount_refunded, in the session's currency
	Resolution, Resolved  string // the code, and in words
	Outcome, OutcomeWords string // what the payments left to resolve ("" nothing)
	Resolve               bool   // an owner may resolve: the outcome awaits the merchant's decision
	CanAccept             bool
	NoAccept              string // why an underpaid or late session cannot be accepted now
	Refundable            bool   // something received is left to refund
	Left                  string // how much, in the asset
	Currency              string
	Reasons               []string
	Table                 refundPageTable
	More                  bool // the session has more refunds than listed
	Form                  refundPageForm
	FormKey               string // one per rendering: a form sent twice (a double click) makes one refund
}

var refundPageResolutions = map[checkout.Resolution]string{
	checkout.ResolutionAcceptedUnderpayment: "The underpayment was accepted as the payment.",
	checkout.ResolutionAcceptedLate:         "The late payment was accepted as the payment.",
	checkout.ResolutionRefunded:             "Resolved by a refund.",
}

// refundPageSessionOf builds the refunds section of sess's page, with the session's refunds.
func (s *Server) refundPageSessionOf(c *gin.Context, sess *checkout.Session) (*refundPageSession, error) {
	page, err := s.refunds.List(c.Request.Context(), dashCaller(c), refund.Query{SessionID: sess.ID,
		Page: paging.Params{Limit: paging.MaxLimit}})
	if err != nil {
		return nil, err
	}
	b := s.refundPageSessionFrom(sess, page.Data, refundPageOwner(c))
	b.More = page.HasMore
	if f, ok := c.Get(refundPageFormKey); ok {
		b.Form, _ = f.(refundPageForm)
	}
	return b, nil
}

// refundPageSessionFrom is the refunds section from the session and the payments the page
// already loaded: the rules are the session's (Excess, CanAccept) and the refunds' (Received,
// Refundable).
func (s *Server) refundPageSessionFrom(sess *checkout.Session, refunds []refund.Refund, owner bool) *refundPageSession {
	payments, cr := sess.Crypto.Payments, sess.Crypto
	b := &refundPageSession{FormKey: ident.Random(24), Refunded: formatMoney(sess.AmountRefunded, sess.Currency), Resolution: string(sess.Resolution),
		Resolved: refundPageResolutions[sess.Resolution], Currency: strings.ToUpper(sess.Currency),
		Reasons: []string{refund.ReasonRequestedByCustomer, refund.ReasonDuplicate, refund.ReasonFraudulent},
		Table:   refundPageTable{Key: "session", Rows: s.refundPageRows(refunds, owner)}}
	outcome, excess := sess.Excess(payments)
	if outcome != checkout.OutcomeSettled {
		b.Outcome, b.Resolve = string(outcome), sess.Resolution == checkout.ResolutionNone
		b.OutcomeWords = refundPageOutcome(outcome, s.refundPageUnits(cr.AssetID, cr.Decimals, excess))
		if _, err := sess.CanAccept(payments); err == nil {
			b.CanAccept = true
		} else if e, ok := apperr.As(err); ok && outcome != checkout.OutcomeOverpaid {
			b.NoAccept = e.Message
		}
	}
	if cr.AssetID != "" && !sess.Open() {
		left := refund.Refundable(refund.Received(cr.AssetID, payments), refunds)
		b.Refundable, b.Left = left.Sign() > 0, s.refundPageUnits(cr.AssetID, cr.Decimals, left)
	}
	return b
}

func refundPageOutcome(o checkout.Outcome, amount string) string {
	switch o {
	case checkout.OutcomeOverpaid:
		return "Overpaid: " + amount + " arrived beyond the amount due."
	case checkout.OutcomeUnderpaid:
		return "Underpaid: " + amount + " arrived before it expired, less than the amount due."
	case checkout.OutcomeLate:
		return "Paid late: " + amount + " arrived in all, some of it after it expired."
	}
	return ""
}

// refundPageAgain shows the session's page again with the form f and the error err, when the
// user can act on err, and reports whether it did.
func (s *Server) refundPageAgain(c *gin.Context, f refundPageForm, err error) bool {
	msg, status, ok := refundPageError(err)
	if ok {
		c.Set(refundPageFormKey, f)
		s.renderPayment(c, status, msg)
	}
	return ok
}

// dashRefundResolve resolves the session: accept what it received as its payment, or refund
// (part of) it, through the session's workflow (refund.Service.Resolve).
func (s *Server) dashRefundResolve(c *gin.Context) {
	ctx, caller := refundPageKeyed(c), dashCaller(c)
	f := refundPageForm{Action: c.PostForm("action"), Amount: c.PostForm("amount"), Destination: c.PostForm("destination")}
	sess, err := s.sessions.Get(ctx, caller, c.Param("id"), false)
	if err != nil {
		s.dashError(c, err)
		return
	}
	p := refund.ResolveParams{Action: f.Action}
	if f.Action == refund.ActionRefund {
		p.Refund, err = f.params(sess.ID, sess.Currency)
	}
	var res refund.Resolved
	if err == nil {
		res, err = s.refunds.Resolve(ctx, caller, sess.ID, p)
	}
	if s.refundPageAgain(c, f, err) {
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	if res.Refund != "" {
		c.Redirect(http.StatusSeeOther, "/dashboard/refunds/"+url.PathEscape(res.Refund)+"?notice=refund_created")
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/payments/"+url.PathEscape(sess.ID)+"?notice=session_accepted#refunds")
}

// dashRefundCreate refunds (part of) a session outside a resolution: a paid order given back.
func (s *Server) dashRefundCreate(c *gin.Context) {
	ctx, caller := refundPageKeyed(c), dashCaller(c)
	f := refundPageForm{Action: "create", Amount: c.PostForm("amount"), Destination: c.PostForm("destination"),
		Reason: c.PostForm("reason")}
	sess, err := s.sessions.Get(ctx, caller, c.Param("id"), false)
	if err != nil {
		s.dashError(c, err)
		return
	}
	p, err := f.params(sess.ID, sess.Currency)
	var r refund.Refund
	if err == nil {
		r, err = s.refunds.Create(ctx, caller, p)
	}
	if s.refundPageAgain(c, f, err) {
		return
	}
	if err != nil {
		s.dashError(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/dashboard/refunds/"+url.PathEscape(r.ID)+"?notice=refund_created")
}

// refundPageEventObject is an event's object as the event page shows it: a refund's claim link
// chooses where the money goes, so only owners see it there too.
func refundPageEventObject(obj json.RawMessage, owner bool) string {
	var r map[string]any
	if owner || json.Unmarshal(obj, &r) != nil || r["object"] != "refund" {
		return string(obj)
	}
	if r["next_action"] != nil {
		r["next_action"] = "(claim link: owners only)"
	}
	if cr, ok := r["crypto"].(map[string]any); ok && cr["claim_url"] != nil {
		cr["claim_url"] = "(owners only)"
	}
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "{}"
	}
	return string(out)
}

// refundPageKeyed is the request's context under the form's one-time key, as an API request
// under its Idempotency-Key: the refund's ID derives from it, so the same form sent twice
// finds the refund the first made.
func refundPageKeyed(c *gin.Context) context.Context {
	key, caller := c.PostForm("form_key"), dashCaller(c)
	if len(key) < 16 || len(key) > 64 {
		return c.Request.Context()
	}
	return idempotency.WithKey(c.Request.Context(), idempotency.Key{
		Scope: idempotency.Scope{MerchantID: caller.MerchantID, Livemode: caller.Livemode}, Value: "dashboard-form:" + key})
}
