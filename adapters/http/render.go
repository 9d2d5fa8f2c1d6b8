package http

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/paging"
)

// Renderer turns domain objects into the API's JSON shapes; the server uses it for responses
// and the core (through checkout.Encoder) for event payloads.
type Renderer struct {
	publicURL    string
	chains       chain.Config
	heightSource HeightReader
	log          *slog.Logger
}

// NewRenderer renders hosted-page URLs under publicURL; UseHeights says where confirmations
// are counted from (the session service, built after the renderer it encodes events with).
func NewRenderer(publicURL string, chains chain.Config, log *slog.Logger) *Renderer {
	return &Renderer{publicURL: strings.TrimRight(publicURL, "/"), chains: chains, log: log}
}

// UseHeights sets the source of the scanners' heights; without one, confirmations show as 0.
func (s *Renderer) UseHeights(h HeightReader) { s.heightSource = h }

// EncodeSession implements checkout.Encoder.
func (s *Renderer) EncodeSession(ctx context.Context, sess *checkout.Session) (json.RawMessage, error) {
	return json.Marshal(s.renderSession(ctx, sess))
}

// The JSON shapes below follow Stripe's objects field for field where Stripe has the field,
// so the official clients decode them; crypto additions sit under "crypto".

type listObject[T any] struct {
	Object  string `json:"object"`
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
	URL     string `json:"url"`
}

func newList[S, T any](url string, p paging.Page[S], f func(S) T) listObject[T] {
	out := listObject[T]{Object: "list", Data: make([]T, 0, len(p.Data)), HasMore: p.HasMore, URL: url}
	for _, x := range p.Data {
		out.Data = append(out.Data, f(x))
	}
	return out
}

type sessionObject struct {
	ID                 string                    `json:"id"`
	Object             string                    `json:"object"`
	AmountSubtotal     int64                     `json:"amount_subtotal"`
	AmountTotal        int64                     `json:"amount_total"`
	CancelURL          *string                   `json:"cancel_url"`
	ClientReferenceID  *string                   `json:"client_reference_id"`
	Created            int64                     `json:"created"`
	Currency           string                    `json:"currency"`
	Customer           *string                   `json:"customer"`
	CustomerEmail      *string                   `json:"customer_email"`
	ExpiresAt          int64                     `json:"expires_at"`
	LineItems          *listObject[lineItemJSON] `json:"line_items,omitempty"`
	Livemode           bool                      `json:"livemode"`
	Metadata           map[string]string         `json:"metadata"`
	Mode               string                    `json:"mode"`
	PaymentIntent      *string                   `json:"payment_intent"`
	PaymentLink        *string                   `json:"payment_link"`
	PaymentMethodTypes []string                  `json:"payment_method_types"`
	PaymentStatus      string                    `json:"payment_status"`
	Status             string                    `json:"status"`
	Subscription       *string                   `json:"subscription"`
	Invoice            *string                   `json:"invoice"`
	SuccessURL         *string                   `json:"success_url"`
	TotalDetails       totalDetails              `json:"total_details"`
	UIMode             string                    `json:"ui_mode"`
	ReturnURL          *string                   `json:"return_url"`
	ClientSecret       *string                   `json:"client_secret"`
	URL                *string                   `json:"url"`
	AmountRefunded     int64                     `json:"amount_refunded"` // addition: minor units given back by succeeded refunds
	Resolution         *string                   `json:"resolution"`      // addition: the merchant's decision on a mismatched payment
	Crypto             cryptoJSON                `json:"crypto"`
}

type totalDetails struct {
	AmountDiscount int64 `json:"amount_discount"`
	AmountShipping int64 `json:"amount_shipping"`
	AmountTax      int64 `json:"amount_tax"`
}

// cryptoJSON is our addition. Until the shopper picks an asset only the state is known.
type cryptoJSON struct {
	Asset                   *string       `json:"asset"`
	ChainID                 *int64        `json:"chain_id"`
	DepositAddress          *string       `json:"deposit_address"`
	SettlementDestination   *string       `json:"settlement_destination"`
	Rate                    *string       `json:"rate"`
	AmountDue               *string       `json:"amount_due"`
	AmountDueDecimal        *string       `json:"amount_due_decimal"`
	QuoteExpiresAt          *int64        `json:"quote_expires_at"`
	DeadlineExtendedTo      *int64        `json:"deadline_extended_to"` // expires_at pushed later by an outage of the chain's view
	AmountReceived          string        `json:"amount_received"`
	AmountReceivedDecimal   *string       `json:"amount_received_decimal"`
	State                   string        `json:"state"`
	AcceptedAssets          []string      `json:"accepted_assets"`
	PaymentTolerancePercent string        `json:"payment_tolerance_percent"`
	Payments                []paymentJSON `json:"payments"`
}

type lineItemJSON struct {
	ID             string    `json:"id"`
	Object         string    `json:"object"`
	AmountDiscount int64     `json:"amount_discount"`
	AmountSubtotal int64     `json:"amount_subtotal"`
	AmountTax      int64     `json:"amount_tax"`
	AmountTotal    int64     `json:"amount_total"`
	Currency       string    `json:"currency"`
	Description    string    `json:"description"`
	Price          priceJSON `json:"price"`
	Quantity       int64     `json:"quantity"`
}

type priceJSON struct {
	ID                string            `json:"id"`
	Object            string            `json:"object"`
	Active            bool              `json:"active"`
	BillingScheme     string            `json:"billing_scheme"`
	Created           int64             `json:"created"`
	Currency          string            `json:"currency"`
	Livemode          bool              `json:"livemode"`
	LookupKey         *string           `json:"lookup_key"`
	Metadata          map[string]string `json:"metadata"`
	Nickname          *string           `json:"nickname"`
	Product           string            `json:"product"`
	Recurring         *recurringJSON    `json:"recurring"`
	TaxBehavior       string            `json:"tax_behavior"`
	Type              string            `json:"type"`
	UnitAmount        *int64            `json:"unit_amount"`
	UnitAmountDecimal string            `json:"unit_amount_decimal"`
}

type recurringJSON struct {
	Interval        string  `json:"interval"`
	IntervalCount   int64   `json:"interval_count"`
	Meter           *string `json:"meter"`
	TrialPeriodDays *int64  `json:"trial_period_days"`
	UsageType       string  `json:"usage_type"`
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Renderer) sessionURL(id string) string { return s.publicURL + "/c/" + id }

// renderSession renders with confirmations counted from the scanners' heights.
func (s *Renderer) renderSession(ctx context.Context, sess *checkout.Session) sessionObject {
	var heights map[int64]uint64
	if len(sess.Crypto.Payments) > 0 {
		heights = s.heights(ctx)
	}
	return s.renderSessionAt(sess, heights)
}

func (s *Renderer) renderSessionAt(sess *checkout.Session, heights map[int64]uint64) sessionObject {
	o := sessionObject{
		ID: sess.ID, Object: "checkout.session",
		AmountSubtotal: sess.AmountSubtotal, AmountTotal: sess.AmountTotal,
		CancelURL: opt(sess.CancelURL), ClientReferenceID: opt(sess.ClientReferenceID),
		Created: sess.CreatedAt.Unix(), Currency: sess.Currency, CustomerEmail: opt(sess.CustomerEmail),
		ExpiresAt: sess.ExpiresAt.Unix(), Livemode: sess.Livemode, Metadata: sess.Metadata,
		Mode: string(sess.Mode), PaymentLink: opt(sess.PaymentLink), Subscription: opt(sess.SubscriptionID), Invoice: opt(sess.InvoiceID), PaymentMethodTypes: []string{"crypto"},
		PaymentStatus: string(sess.PaymentStatus), Status: string(sess.Status), SuccessURL: opt(sess.SuccessURL),
		UIMode: string(sess.UI()), ReturnURL: opt(sess.ReturnURL), ClientSecret: opt(sess.ClientSecret),
		AmountRefunded: sess.AmountRefunded, Resolution: opt(string(sess.Resolution)),
	}
	s.fillCrypto(&o.Crypto, sess, heights)
	if o.Metadata == nil {
		o.Metadata = map[string]string{}
	}
	if sess.Open() && sess.UI() != checkout.UIEmbedded { // as in Stripe: only while it can be paid, never for embedded
		o.URL = opt(s.sessionURL(sess.ID))
	}
	if sess.LineItems != nil {
		l := newList(s.lineItemsURL(sess.ID), paging.Page[checkout.LineItem]{Data: sess.LineItems},
			func(li checkout.LineItem) lineItemJSON { return renderLineItem(li, sess) })
		o.LineItems = &l
	}
	return o
}

func (s *Renderer) lineItemsURL(id string) string {
	return "/v1/checkout/sessions/" + id + "/line_items"
}

func renderLineItem(li checkout.LineItem, sess *checkout.Session) lineItemJSON {
	return lineItemJSON{
		ID: li.ID, Object: "item", AmountSubtotal: li.AmountSubtotal, AmountTotal: li.AmountTotal,
		Currency: li.Currency, Description: li.Name, Quantity: li.Quantity,
		Price: priceJSON{ // the price as sold: a library price was active then; an ad-hoc one never is
			ID: li.PriceID, Object: "price", Active: li.LibraryPrice, BillingScheme: "per_unit",
			Created: sess.CreatedAt.Unix(), Currency: li.Currency, Livemode: sess.Livemode,
			Metadata: map[string]string{}, Product: li.ProductID, TaxBehavior: "unspecified",
			Type: "one_time", UnitAmount: li.UnitAmount, UnitAmountDecimal: li.UnitAmountDecimal.String(),
		},
	}
}
