// Package event holds the events that record what happened to an object (Stripe's event
// resource); webhooks deliver them.
package event

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/chaincheckout/checkout/core/paging"
)

// APIVersion is the version events are rendered in; the official Stripe libraries check its
// release train when they verify a webhook, so it follows the one they are built for.
const APIVersion = "2026-02-25.clover"

// Types of checkout session events: Stripe's, then our crypto additions.
const (
	SessionCompleted       = "checkout.session.completed"
	SessionExpired         = "checkout.session.expired"
	SessionPaymentDetected = "checkout.session.payment_detected"
	SessionUnderpaid       = "checkout.session.underpaid"
	SessionPaidLate        = "checkout.session.paid_late"
	SessionPaymentReverted = "checkout.session.payment_reverted"
)

// Types of payout events (Stripe's names): a sweep's funds reached the payout address, or its
// sweep reverted. They are about no session: their SessionID is "".
const (
	PayoutPaid   = "payout.paid"
	PayoutFailed = "payout.failed"
)

// Types of subscription and invoice events (Stripe's names). They are about no session.
const (
	SubscriptionCreated        = "customer.subscription.created"
	SubscriptionUpdated        = "customer.subscription.updated"
	SubscriptionDeleted        = "customer.subscription.deleted"
	InvoiceCreated             = "invoice.created"
	InvoicePaid                = "invoice.paid"
	InvoiceUpdated             = "invoice.updated"
	InvoicePaymentFailed       = "invoice.payment_failed"
	InvoiceVoided              = "invoice.voided"
	InvoiceMarkedUncollectible = "invoice.marked_uncollectible"
)

// Types of Product Library and payment link events (Stripe's names): a merchant's change of
// them. They are about no session.
const (
	ProductCreated     = "product.created"
	ProductUpdated     = "product.updated"
	ProductDeleted     = "product.deleted"
	PriceCreated       = "price.created"
	PriceUpdated       = "price.updated"
	PriceDeleted       = "price.deleted"
	PaymentLinkCreated = "payment_link.created"
	PaymentLinkUpdated = "payment_link.updated"
)

// Types of events of a merchant's settings (our additions: Stripe has none): its webhook
// endpoints, its API keys (never with their secret) and its settlement settings. They are
// about no session.
const (
	WebhookEndpointCreated    = "webhook_endpoint.created"
	WebhookEndpointUpdated    = "webhook_endpoint.updated"
	WebhookEndpointDeleted    = "webhook_endpoint.deleted"
	APIKeyCreated             = "api_key.created"
	APIKeyUpdated             = "api_key.updated"
	SettlementSettingsUpdated = "settlement_settings.updated"
)

// Types of refund events (Stripe's names). They name the refund's session.
const (
	RefundCreated = "refund.created"
	RefundUpdated = "refund.updated"
	RefundFailed  = "refund.failed"
)

// Types lists every type an endpoint may subscribe to.
var Types = []string{SessionCompleted, SessionExpired, SessionPaymentDetected, SessionUnderpaid,
	SessionPaidLate, SessionPaymentReverted, PayoutPaid, PayoutFailed, SubscriptionCreated, SubscriptionUpdated,
	SubscriptionDeleted, InvoiceCreated, InvoicePaid, InvoiceUpdated, InvoicePaymentFailed, InvoiceVoided, InvoiceMarkedUncollectible,
	ProductCreated, ProductUpdated, ProductDeleted, PriceCreated, PriceUpdated, PriceDeleted, PaymentLinkCreated, PaymentLinkUpdated,
	WebhookEndpointCreated, WebhookEndpointUpdated, WebhookEndpointDeleted, APIKeyCreated, APIKeyUpdated,
	SettlementSettingsUpdated, RefundCreated, RefundUpdated, RefundFailed}

// Request is the API request that caused an event (Stripe's event.request). Events the chain
// or a timer caused have none: the zero Request, rendered as nulls.
type Request struct {
	ID             string // the request's Request-Id (req_…)
	IdempotencyKey string // its Idempotency-Key, if it sent one
}

type requestCtx struct{}

// WithRequest marks ctx as serving the API request r: events its changes cause carry it.
func WithRequest(ctx context.Context, r Request) context.Context {
	return context.WithValue(ctx, requestCtx{}, r)
}

// RequestFrom returns the API request ctx serves, or the zero Request.
func RequestFrom(ctx context.Context) Request {
	r, _ := ctx.Value(requestCtx{}).(Request)
	return r
}

// Event is one thing that happened, with the object as it was right after it.
type Event struct {
	ID                 string
	Type               string
	MerchantID         string
	Livemode           bool
	SessionID          string
	Created            time.Time
	Object             json.RawMessage // the API representation of the object
	PreviousAttributes json.RawMessage // the fields that changed, as they were before
	Request            Request         // the API request that caused it, if one did
	// PendingWebhooks is, when the event is read, how many endpoints have not yet received it
	// successfully (PendingWebhooks in core/webhook counts them).
	PendingWebhooks int
}

// ListQuery selects a merchant's events, newest first. Service.List sets the merchant and
// the mode from the caller.
type ListQuery struct {
	MerchantID string
	Livemode   bool
	Page       paging.Params
	Types      []string
	SessionID  string
	Created    paging.TimeRange
}

// Store reads events; they are written by the stores of the objects they describe, in the
// same transaction as the change.
type Store interface {
	GetEvent(ctx context.Context, merchantID string, livemode bool, id string) (Event, error)
	ListEvents(ctx context.Context, q ListQuery) (paging.Page[Event], error)
}

// Known reports whether t is an event type (or "*").
func Known(t string) bool { return t == "*" || slices.Contains(Types, t) }
