package checkout

import "github.com/chaincheckout/checkout/core/catalog"

// The parameter structs mirror Stripe's request parameters. Both the form and the JSON
// decoders of the HTTP adapter fill them, so one set of rules validates both encodings.
// Pointers distinguish "absent" from a zero value.

// CreateParams is POST /v1/checkout/sessions.
type CreateParams struct {
	Mode                 *string                 `json:"mode"`
	LineItems            []LineItemParams        `json:"line_items"`
	SuccessURL           *string                 `json:"success_url"`
	CancelURL            *string                 `json:"cancel_url"`
	UIMode               *string                 `json:"ui_mode"`
	ReturnURL            *string                 `json:"return_url"`
	ClientReferenceID    *string                 `json:"client_reference_id"`
	CustomerEmail        *string                 `json:"customer_email"`
	Metadata             map[string]string       `json:"metadata"`
	ExpiresAt            *int64                  `json:"expires_at"`
	PaymentMethodTypes   []string                `json:"payment_method_types"`   // accepted and ignored: crypto is the method
	PaymentMethodOptions map[string]Ignored      `json:"payment_method_options"` // accepted and ignored (SPEC)
	Crypto               *CryptoParams           `json:"crypto"`                 // our addition
	PaymentLink          *string                 `json:"payment_link"`           // our addition: a session of this link
	SubscriptionData     *SubscriptionDataParams `json:"subscription_data"`
}

// GivesTolerance reports whether the request names the session's tolerance itself; otherwise
// the merchant's resolution policy gives it.
func (p CreateParams) GivesTolerance() bool {
	return p.Crypto != nil && p.Crypto.PaymentTolerancePercent != nil
}

// SubscriptionDataParams is subscription_data of a mode=subscription session.
type SubscriptionDataParams struct {
	Description *string           `json:"description"`
	Metadata    map[string]string `json:"metadata"`
}

// CryptoParams are the crypto additions to session creation.
type CryptoParams struct {
	AcceptedAssets          []string `json:"accepted_assets"`
	Asset                   *string  `json:"asset"`
	PaymentTolerancePercent *string  `json:"payment_tolerance_percent"`
}

// SelectAssetParams is POST /v1/checkout/sessions/:id/select_asset.
type SelectAssetParams struct {
	Asset *string `json:"asset"`
}

// LineItemParams is one entry of line_items.
type LineItemParams struct {
	Price              *string                   `json:"price"`
	Product            *string                   `json:"product"`
	PriceData          *PriceDataParams          `json:"price_data"`
	Quantity           *int64                    `json:"quantity"`
	AdjustableQuantity *AdjustableQuantityParams `json:"adjustable_quantity"`
}

// AdjustableQuantityParams lets the shopper change an item's quantity on the hosted page.
type AdjustableQuantityParams struct {
	Enabled *bool  `json:"enabled"`
	Minimum *int64 `json:"minimum"`
	Maximum *int64 `json:"maximum"`
}

// PriceDataParams is an ad-hoc price, for a library product or an ad-hoc one.
type PriceDataParams struct {
	catalog.PriceDataParams
	Product     *string            `json:"product"`
	ProductData *ProductDataParams `json:"product_data"`
}

// ProductDataParams is an ad-hoc product, never saved to the library.
type ProductDataParams struct {
	Name        *string           `json:"name"`
	Description *string           `json:"description"`
	Images      []string          `json:"images"`
	Metadata    map[string]string `json:"metadata"`
}

// Ignored accepts any value; the decoder skips what it holds.
type Ignored struct{}

// ListParams are the filters of GET /v1/checkout/sessions besides paging.
type ListParams struct {
	Status            *string `json:"status"`
	ClientReferenceID *string `json:"client_reference_id"`
	PaymentLink       *string `json:"payment_link"`
}
