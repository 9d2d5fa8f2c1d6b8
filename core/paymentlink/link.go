// Package paymentlink holds payment links: a permanent public URL that makes a fresh checkout
// session of library prices on every visit, until it is deactivated or sold out.
package paymentlink

import (
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/text"
)

// AfterCompletion types, Stripe's.
const (
	HostedConfirmation = "hosted_confirmation"
	Redirect           = "redirect"
)

// Limits of a link.
const (
	MaxLineItems         = 20 // Stripe's limit for payment links
	MaxConfirmationChars = 500
)

// Link is a payment link.
type Link struct {
	ID                  string
	MerchantID          string
	Livemode            bool
	Active              bool
	LineItems           []Item
	Currency            string
	Metadata            map[string]string
	AfterCompletion     string // HostedConfirmation or Redirect
	RedirectURL         string
	ConfirmationMessage string
	CompletedLimit      int64 // 0: no limit
	CompletedSessions   int64 // sessions of the link that completed, counted as they complete
	AcceptedAssets      []string
	ExpiresAfter        time.Duration // each session's lifetime; 0: the session default
	Created             time.Time
}

// Item is one line of a link: a library price and its quantity.
type Item struct {
	ID         string                             `json:"id"`
	PriceID    string                             `json:"price"`
	Quantity   int64                              `json:"quantity"`
	Adjustable *checkout.AdjustableQuantityParams `json:"adjustable_quantity,omitempty"`
	Recurring  bool                               `json:"recurring,omitempty"` // a subscription's price
}

// Subscription reports whether the link sells a subscription: it has a recurring price.
func (l Link) Subscription() bool {
	for _, it := range l.LineItems {
		if it.Recurring {
			return true
		}
	}
	return false
}

// PriceIDs are the prices the link sells.
func (l Link) PriceIDs() []string {
	ids := make([]string, 0, len(l.LineItems))
	for _, it := range l.LineItems {
		ids = append(ids, it.PriceID)
	}
	return ids
}

// New checks POST /v1/payment_links against the library prices it names and the assets of
// the caller's mode.
func New(p CreateParams, c merchant.Caller, now time.Time, lib catalog.Listing, assets []string) (Link, error) {
	l := Link{ID: ident.New("plink"), MerchantID: c.MerchantID, Livemode: c.Livemode, Active: true,
		AfterCompletion: HostedConfirmation, Created: now}
	if err := l.setItems(p.LineItems, lib); err != nil {
		return Link{}, err
	}
	var err error
	if l.Metadata, err = metadata.Validate("metadata", p.Metadata); err != nil {
		return Link{}, err
	}
	if err := l.setOptions(p.Options, assets); err != nil {
		return Link{}, err
	}
	return l, nil
}

// setItems takes line_items: 1 to 20 active one-time prices in one currency.
func (l *Link) setItems(items []ItemParams, lib catalog.Listing) error {
	if len(items) == 0 {
		return apperr.Missing("line_items")
	}
	if len(items) > MaxLineItems {
		return apperr.Invalid("line_items", "parameter_invalid", "A payment link can have at most %d line items.", MaxLineItems)
	}
	var plan *catalog.RecurringTerms
	for i, it := range items {
		param := fmt.Sprintf("line_items[%d]", i)
		if it.Price == nil {
			return apperr.Missing(param + "[price]")
		}
		pr, prod, ok := lib.Price(*it.Price)
		if !ok {
			return apperr.Invalid(param+"[price]", "resource_missing", "No such price: '%s'", *it.Price)
		}
		if err := pr.CheckSellable(param+"[price]", prod, true); err != nil {
			return err
		}
		if pr.Recurring != nil {
			if plan != nil && *plan != *pr.Recurring {
				return apperr.Invalid(param+"[price]", "parameter_invalid",
					"All recurring prices of a payment link must share one billing period.")
			}
			plan = pr.Recurring
		}
		if l.Currency == "" {
			l.Currency = pr.Currency
		} else if pr.Currency != l.Currency {
			return apperr.Invalid(param+"[price]", "parameter_invalid",
				"All line items must use the same currency: %s was given after %s.", pr.Currency, l.Currency)
		}
		if it.Quantity == nil {
			return apperr.Missing(param + "[quantity]")
		}
		if *it.Quantity < 1 || *it.Quantity > checkout.MaxQuantity {
			return apperr.Invalid(param+"[quantity]", "parameter_invalid_integer", "Quantity must be between 1 and %d.", checkout.MaxQuantity)
		}
		if err := checkout.CheckAdjustable(param+"[adjustable_quantity]", it.AdjustableQuantity, *it.Quantity, len(items) == 1); err != nil {
			return err
		}
		l.LineItems = append(l.LineItems, Item{ID: ident.New("li"), PriceID: pr.ID, Quantity: *it.Quantity,
			Adjustable: it.AdjustableQuantity, Recurring: pr.Recurring != nil})
	}
	return nil
}

// setOptions applies what create and update share: after_completion, restrictions, crypto.
func (l *Link) setOptions(o Options, assets []string) error {
	if err := l.setAfterCompletion(o.AfterCompletion); err != nil {
		return err
	}
	if r := o.Restrictions; r != nil && r.CompletedSessions != nil {
		if r.CompletedSessions.Limit == nil {
			return apperr.Missing("restrictions[completed_sessions][limit]")
		}
		if n := *r.CompletedSessions.Limit; n < 1 || n > 10_000 {
			return apperr.Invalid("restrictions[completed_sessions][limit]", "parameter_invalid_integer",
				"The limit of completed sessions must be between 1 and 10000.")
		}
		l.CompletedLimit = *r.CompletedSessions.Limit
	}
	return l.setCrypto(o.Crypto, assets)
}

func (l *Link) setAfterCompletion(a *AfterCompletionParams) error {
	if a == nil {
		return nil
	}
	if a.Type == nil {
		return apperr.Missing("after_completion[type]")
	}
	switch *a.Type {
	case Redirect:
		if a.Redirect == nil || a.Redirect.URL == nil {
			return apperr.Missing("after_completion[redirect][url]")
		}
		if err := text.HTTPURL("after_completion[redirect][url]", *a.Redirect.URL); err != nil {
			return err
		}
		l.AfterCompletion, l.RedirectURL, l.ConfirmationMessage = Redirect, *a.Redirect.URL, ""
	case HostedConfirmation:
		l.AfterCompletion, l.RedirectURL, l.ConfirmationMessage = HostedConfirmation, "", ""
		if h := a.HostedConfirmation; h != nil && h.CustomMessage != nil {
			if err := text.Check("after_completion[hosted_confirmation][custom_message]", *h.CustomMessage, MaxConfirmationChars); err != nil {
				return err
			}
			l.ConfirmationMessage = *h.CustomMessage
		}
	default:
		return apperr.Invalid("after_completion[type]", "parameter_invalid", "Invalid type: must be one of redirect or hosted_confirmation.")
	}
	return nil
}

func (l *Link) setCrypto(c *CryptoParams, assets []string) error {
	if c == nil {
		return nil
	}
	if c.AcceptedAssets != nil {
		known := map[string]bool{}
		for _, a := range assets {
			known[a] = true
		}
		l.AcceptedAssets = nil
		for i, a := range c.AcceptedAssets {
			a = strings.ToLower(a)
			if !known[a] {
				return apperr.Invalid(fmt.Sprintf("crypto[accepted_assets][%d]", i), "parameter_invalid",
					"Unknown asset %q: GET /v1/crypto/assets lists the assets you can accept.", a)
			}
			l.AcceptedAssets = append(l.AcceptedAssets, a)
		}
	}
	if c.ExpiresAfter != nil {
		d := time.Duration(*c.ExpiresAfter) * time.Second
		if d < checkout.MinExpiry || d > checkout.MaxExpiry {
			return apperr.Invalid("crypto[expires_after]", "parameter_invalid_integer",
				"crypto[expires_after] must be between 1800 and 86400 seconds.")
		}
		l.ExpiresAfter = d
	}
	return nil
}

// Apply changes what an update may change: active, metadata and the options.
func (l *Link) Apply(u UpdateParams, assets []string) error {
	if u.Active != nil {
		l.Active = *u.Active
	}
	md, err := metadata.Merge("metadata", l.Metadata, u.Metadata)
	if err != nil {
		return err
	}
	l.Metadata = md
	return l.setOptions(u.Options, assets)
}

// SoldOut reports whether the link has had as many completed sessions as its limit allows.
func (l Link) SoldOut() bool { return l.CompletedLimit > 0 && l.CompletedSessions >= l.CompletedLimit }

// CanOpen refuses a visit to an inactive or sold-out link (the page answers 410 Gone).
func (l Link) CanOpen() error {
	switch {
	case !l.Active:
		return apperr.Invalid("", "payment_link_inactive", "The payment link %s is no longer active.", l.ID)
	case l.SoldOut():
		return apperr.Invalid("", "payment_link_sold_out", "The payment link %s is sold out.", l.ID)
	}
	return nil
}

// Visit is what the public URL passes through to the session, as Stripe does.
type Visit struct {
	ClientReferenceID string
	PrefilledEmail    string
}

// sessionParams is the session a visit makes: the link's items and options.
func (l Link) sessionParams(v Visit, now time.Time) checkout.CreateParams {
	mode := checkout.ModePayment
	if l.Subscription() {
		mode = checkout.ModeSubscription
	}
	p := checkout.CreateParams{Mode: ptr(string(mode)), Metadata: map[string]string{}}
	for _, it := range l.LineItems {
		p.LineItems = append(p.LineItems, checkout.LineItemParams{Price: ptr(it.PriceID), Quantity: ptr(it.Quantity),
			AdjustableQuantity: it.Adjustable})
	}
	for k, v := range l.Metadata {
		p.Metadata[k] = v
	}
	if l.RedirectURL != "" {
		p.SuccessURL = ptr(l.RedirectURL)
	}
	if l.AcceptedAssets != nil {
		p.Crypto = &checkout.CryptoParams{AcceptedAssets: l.AcceptedAssets}
	}
	if l.ExpiresAfter > 0 {
		p.ExpiresAt = ptr(now.Add(l.ExpiresAfter).Unix())
	}
	if v.ClientReferenceID != "" {
		p.ClientReferenceID = ptr(v.ClientReferenceID)
	}
	if v.PrefilledEmail != "" {
		p.CustomerEmail = ptr(v.PrefilledEmail)
	}
	return p
}

// SessionParams is what POST /v1/checkout/sessions with payment_link makes: the link's items and
// options, with the request's metadata, client_reference_id and success_url layered on top.
// Anything else in the request is refused: the link decides it.
func (l Link) SessionParams(req checkout.CreateParams, now time.Time) (checkout.CreateParams, error) {
	switch {
	case req.LineItems != nil:
		return req, apperr.Invalid("line_items", "parameters_exclusive", "You may only specify one of these parameters: line_items, payment_link.")
	case req.Crypto != nil:
		return req, apperr.Invalid("crypto", "parameters_exclusive", "A session from a payment link takes the link's crypto options.")
	case req.ExpiresAt != nil:
		return req, apperr.Invalid("expires_at", "parameters_exclusive", "A session from a payment link expires as the link says.")
	}
	p := l.sessionParams(Visit{}, now)
	if req.Mode != nil && *req.Mode != *p.Mode {
		return req, apperr.Invalid("mode", "parameter_invalid", "This payment link makes sessions in mode=%s.", *p.Mode)
	}
	for k, v := range req.Metadata {
		p.Metadata[k] = v
	}
	if req.SuccessURL != nil {
		p.SuccessURL = req.SuccessURL
	}
	p.ClientReferenceID, p.CustomerEmail, p.CancelURL = req.ClientReferenceID, req.CustomerEmail, req.CancelURL
	return p, nil
}

func ptr[T any](v T) *T { return &v }
