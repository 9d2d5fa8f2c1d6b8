package http

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/paging"
)

// subscriptionJSON is Stripe's subscription (the fields this server can fill).
type subscriptionJSON struct {
	ID                 string                       `json:"id"`
	Object             string                       `json:"object"`
	BillingCycleAnchor int64                        `json:"billing_cycle_anchor"`
	CancelAt           *int64                       `json:"cancel_at"`
	CancelAtPeriodEnd  bool                         `json:"cancel_at_period_end"`
	CanceledAt         *int64                       `json:"canceled_at"`
	CollectionMethod   string                       `json:"collection_method"`
	Created            int64                        `json:"created"`
	Currency           string                       `json:"currency"`
	CurrentPeriodStart int64                        `json:"current_period_start"`
	CurrentPeriodEnd   int64                        `json:"current_period_end"`
	Customer           *string                      `json:"customer"`
	DaysUntilDue       *int                         `json:"days_until_due"`
	Description        *string                      `json:"description"`
	EndedAt            *int64                       `json:"ended_at"`
	Items              listObject[subscriptionItem] `json:"items"`
	LatestInvoice      string                       `json:"latest_invoice"`
	Livemode           bool                         `json:"livemode"`
	Metadata           map[string]string            `json:"metadata"`
	StartDate          int64                        `json:"start_date"`
	Status             string                       `json:"status"`
	TestClock          *string                      `json:"test_clock"`
	CheckoutSession    string                       `json:"checkout_session"` // our addition: the session that created it
	AcceptedAssets     []string                     `json:"accepted_assets"`  // our addition: what each invoice may be paid with
	Mandate            *mandateJSON                 `json:"mandate"`          // our addition: charge_automatically's authorization on chain
}

// mandateJSON is the shopper's mandate on a chain's SubscriptionCollector.
type mandateJSON struct {
	ID              string `json:"id"`
	Object          string `json:"object"`
	Asset           string `json:"asset"`
	ChainID         int64  `json:"chain_id"`
	Collector       string `json:"collector"`
	Token           string `json:"token"`
	Payer           string `json:"payer"`
	Payee           string `json:"payee"`
	AmountPerPeriod string `json:"amount_per_period"` // token base units, exact
	MinInterval     uint64 `json:"min_interval"`      // seconds
}

func renderMandate(m *billing.MandateTerms) *mandateJSON {
	if m == nil {
		return nil
	}
	return &mandateJSON{ID: m.ID, Object: "subscription_mandate", Asset: m.AssetID, ChainID: m.ChainID, Collector: m.Collector,
		Token: m.Token, Payer: m.Payer, Payee: m.Payee, AmountPerPeriod: m.Amount.String(), MinInterval: m.MinInterval}
}

type subscriptionItem struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Created            int64             `json:"created"`
	CurrentPeriodStart int64             `json:"current_period_start"`
	CurrentPeriodEnd   int64             `json:"current_period_end"`
	Metadata           map[string]string `json:"metadata"`
	Price              subscriptionPrice `json:"price"`
	Quantity           int64             `json:"quantity"`
	Subscription       string            `json:"subscription"`
}

type subscriptionPrice struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"`
	Currency          string        `json:"currency"`
	Product           string        `json:"product"`
	Recurring         recurringJSON `json:"recurring"`
	Type              string        `json:"type"`
	UnitAmountDecimal string        `json:"unit_amount_decimal"`
}

func unixOrNil(t *time.Time) *int64 {
	if t == nil {
		return nil
	}
	u := t.Unix()
	return &u
}

func renderSubscription(s *billing.Subscription) subscriptionJSON {
	out := subscriptionJSON{ID: s.ID, Object: "subscription", BillingCycleAnchor: s.Anchor.Unix(),
		CancelAtPeriodEnd: s.CancelAtPeriodEnd, CanceledAt: unixOrNil(s.CanceledAt), CollectionMethod: string(s.CollectionMethod),
		Created: s.Created.Unix(), Currency: s.Currency, CurrentPeriodStart: s.CurrentPeriodStart.Unix(),
		CurrentPeriodEnd: s.CurrentPeriodEnd.Unix(), Description: opt(s.Description), EndedAt: unixOrNil(s.EndedAt),
		LatestInvoice: s.LatestInvoice, Livemode: s.Livemode, Metadata: s.Metadata, StartDate: s.Created.Unix(),
		Status: string(s.Status), TestClock: opt(s.TestClock()), CheckoutSession: s.Session, AcceptedAssets: s.AcceptedAssets,
		Mandate: renderMandate(s.Mandate)}
	if s.CollectionMethod == billing.SendInvoice {
		out.DaysUntilDue = &s.DaysUntilDue
	}
	if s.CancelAtPeriodEnd {
		out.CancelAt = unixOrNil(&s.CurrentPeriodEnd)
	}
	items := paging.Page[billing.Item]{Data: s.Items}
	out.Items = newList("/v1/subscription_items?subscription="+s.ID, items, func(it billing.Item) subscriptionItem {
		return subscriptionItem{ID: it.ID, Object: "subscription_item", Created: s.Created.Unix(),
			CurrentPeriodStart: s.CurrentPeriodStart.Unix(), CurrentPeriodEnd: s.CurrentPeriodEnd.Unix(),
			Metadata: map[string]string{}, Quantity: it.Quantity, Subscription: s.ID,
			Price: subscriptionPrice{ID: it.PriceID, Object: "price", Currency: it.Currency, Product: it.ProductID, Type: "recurring",
				Recurring:         renderRecurring(s.Plan.Interval, s.Plan.IntervalCount),
				UnitAmountDecimal: it.UnitAmountDecimal.String()}}
	})
	return out
}

// invoiceJSON is Stripe's invoice (the fields this server can fill).
type invoiceJSON struct {
	ID                 string  `json:"id"`
	Object             string  `json:"object"`
	AmountDue          int64   `json:"amount_due"`
	AmountPaid         int64   `json:"amount_paid"`
	AmountRemaining    int64   `json:"amount_remaining"`
	AttemptCount       int     `json:"attempt_count"`
	Attempted          bool    `json:"attempted"`
	BillingReason      string  `json:"billing_reason"`
	CollectionMethod   string  `json:"collection_method"`
	Created            int64   `json:"created"`
	Currency           string  `json:"currency"`
	DueDate            int64   `json:"due_date"`
	HostedInvoiceURL   *string `json:"hosted_invoice_url"`
	Livemode           bool    `json:"livemode"`
	NextPaymentAttempt *int64  `json:"next_payment_attempt"`
	Number             string  `json:"number"`
	Paid               bool    `json:"paid"`
	PeriodStart        int64   `json:"period_start"`
	PeriodEnd          int64   `json:"period_end"`
	Status             string  `json:"status"`
	StatusTransitions  struct {
		PaidAt *int64 `json:"paid_at"`
	} `json:"status_transitions"`
	Subscription    string  `json:"subscription"`
	Total           int64   `json:"total"`
	CheckoutSession *string `json:"checkout_session"` // our addition: the session collecting it now
	// our addition: a charge_automatically renewal's collection through the mandate
	AutomaticCollection *billing.AutoCollection `json:"automatic_collection"`
}

func (s *Renderer) renderInvoice(inv *billing.Invoice) invoiceJSON {
	out := invoiceJSON{ID: inv.ID, Object: "invoice", AmountDue: inv.AmountDue, AmountPaid: inv.AmountPaid,
		AmountRemaining: inv.AmountDue - inv.AmountPaid, AttemptCount: inv.Attempts, Attempted: inv.Attempts > 0 || inv.Status == billing.InvoicePaid,
		BillingReason: inv.BillingReason, CollectionMethod: string(inv.CollectionMethod()), Created: inv.Created.Unix(),
		Currency: inv.Currency, DueDate: inv.DueDate.Unix(), Livemode: inv.Livemode, Paid: inv.Status == billing.InvoicePaid,
		Number: strings.ToUpper(inv.ID[len("in_"):][:8]) + "-" + strconv.Itoa(inv.Period+1), PeriodStart: inv.PeriodStart.Unix(), PeriodEnd: inv.PeriodEnd.Unix(),
		Status: string(inv.Status), Subscription: inv.SubscriptionID, Total: inv.AmountDue, CheckoutSession: opt(inv.Session),
		AutomaticCollection: inv.AutoCollection}
	out.StatusTransitions.PaidAt = unixOrNil(inv.PaidAt)
	if inv.Payable() && inv.Session != "" {
		u := s.publicURL + "/i/" + inv.ID
		out.HostedInvoiceURL = &u
	}
	return out
}

// EncodeSubscription and EncodeInvoice implement billing.Encoder for events.
func (s *Renderer) EncodeSubscription(_ context.Context, sub *billing.Subscription) ([]byte, error) {
	return json.Marshal(renderSubscription(sub))
}

func (s *Renderer) EncodeInvoice(_ context.Context, inv *billing.Invoice) ([]byte, error) {
	return json.Marshal(s.renderInvoice(inv))
}

// testClockJSON is Stripe's test clock: one per test subscription here, never frozen (it
// runs with real time from wherever it was advanced to).
type testClockJSON struct {
	ID           string `json:"id"`
	Object       string `json:"object"`
	Created      int64  `json:"created"`
	FrozenTime   int64  `json:"frozen_time"`
	Livemode     bool   `json:"livemode"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	Subscription string `json:"subscription"` // our addition
}

func (s *Server) renderClock(sub *billing.Subscription) testClockJSON {
	return testClockJSON{ID: sub.TestClock(), Object: "test_helpers.test_clock", Created: sub.Created.Unix(),
		FrozenTime: sub.Now(s.now()).Unix(), Name: "Clock of " + sub.ID, Status: "ready", Subscription: sub.ID}
}

type subscriptionListParams struct {
	pageParams
	Status  *string        `json:"status"`
	Price   *string        `json:"price"`
	Created *createdFilter `json:"created"`
}

type invoiceListParams struct {
	pageParams
	Status       *string `json:"status"`
	Subscription *string `json:"subscription"`
}

type subscriptionUpdateParams struct {
	CancelAtPeriodEnd *bool             `json:"cancel_at_period_end"`
	Description       *string           `json:"description"`
	Metadata          map[string]string `json:"metadata"`
}

type clockAdvanceParams struct {
	FrozenTime *int64 `json:"frozen_time"`
}

func (s *Server) billingRoutes(v1 *gin.RouterGroup) {
	v1.GET("/subscriptions", s.listSubscriptions)
	v1.GET("/subscriptions/:id", s.getSubscription)
	v1.POST("/subscriptions/:id", s.updateSubscription)
	v1.DELETE("/subscriptions/:id", s.cancelSubscription)
	v1.GET("/invoices", s.listInvoices)
	v1.GET("/invoices/:id", s.getInvoice)
	v1.GET("/test_helpers/test_clocks/:id", s.getTestClock)
	v1.POST("/test_helpers/test_clocks/:id/advance", s.advanceTestClock)
}

func (s *Server) listSubscriptions(c *gin.Context) {
	var p subscriptionListParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	q := billing.ListQuery{Page: p.paging(), Status: billing.Status(deref(p.Status)), Price: deref(p.Price)}
	if p.Created != nil {
		q.Created = p.Created.TimeRange
	}
	page, err := s.billing.List(c.Request.Context(), callerOf(c), q)
	s.respond(c, err, func() any { return newList("/v1/subscriptions", page, renderSubscription) })
}

func (s *Server) getSubscription(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	sub, err := s.billing.Get(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return renderSubscription(sub) })
}

func (s *Server) updateSubscription(c *gin.Context) {
	var p subscriptionUpdateParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	sub, err := s.billing.Update(c.Request.Context(), callerOf(c), c.Param("id"),
		billing.UpdateRequest{CancelAtPeriodEnd: p.CancelAtPeriodEnd, Description: p.Description, Metadata: p.Metadata})
	s.respond(c, err, func() any { return renderSubscription(sub) })
}

func (s *Server) cancelSubscription(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	sub, err := s.billing.Cancel(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return renderSubscription(sub) })
}

func (s *Server) listInvoices(c *gin.Context) {
	var p invoiceListParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	page, err := s.billing.Invoices(c.Request.Context(), callerOf(c), billing.InvoiceQuery{Page: p.paging(),
		Status: billing.InvoiceStatus(deref(p.Status)), Subscription: deref(p.Subscription)})
	s.respond(c, err, func() any { return newList("/v1/invoices", page, s.renderInvoice) })
}

func (s *Server) getInvoice(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	inv, err := s.billing.Invoice(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return s.renderInvoice(inv) })
}

func (s *Server) getTestClock(c *gin.Context) {
	if _, err := params(c, nil); err != nil {
		s.writeError(c, err)
		return
	}
	sub, err := s.billing.Clock(c.Request.Context(), callerOf(c), c.Param("id"))
	s.respond(c, err, func() any { return s.renderClock(sub) })
}

func (s *Server) advanceTestClock(c *gin.Context) {
	var p clockAdvanceParams
	if _, err := params(c, &p); err != nil {
		s.writeError(c, err)
		return
	}
	if p.FrozenTime == nil {
		s.writeError(c, apperr.Missing("frozen_time"))
		return
	}
	sub, err := s.billing.AdvanceClock(c.Request.Context(), callerOf(c), c.Param("id"), time.Unix(*p.FrozenTime, 0).UTC())
	s.respond(c, err, func() any { return s.renderClock(sub) })
}

// hostedInvoice is /i/<invoice>: the invoice's current session, a fresh one when the last
// quote lapsed; a paid or void invoice has none.
func (s *Server) hostedInvoice(c *gin.Context) {
	sess, err := s.billing.InvoiceSession(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Redirect(303, s.publicURL+"/c/"+sess.ID)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
