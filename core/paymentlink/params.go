package paymentlink

import "github.com/chaincheckout/checkout/core/checkout"

// CreateParams is POST /v1/payment_links.
type CreateParams struct {
	LineItems []ItemParams      `json:"line_items"`
	Metadata  map[string]string `json:"metadata"`
	Options
}

// UpdateParams is POST /v1/payment_links/:id.
type UpdateParams struct {
	Active   *bool             `json:"active"`
	Metadata map[string]string `json:"metadata"` // an empty value deletes the key
	Options
}

// Options are what create and update share.
type Options struct {
	AfterCompletion *AfterCompletionParams `json:"after_completion"`
	Restrictions    *RestrictionsParams    `json:"restrictions"`
	Crypto          *CryptoParams          `json:"crypto"` // our addition
}

// ItemParams is one entry of line_items.
type ItemParams struct {
	Price              *string                            `json:"price"`
	Quantity           *int64                             `json:"quantity"`
	AdjustableQuantity *checkout.AdjustableQuantityParams `json:"adjustable_quantity"`
}

// AfterCompletionParams is after_completion.
type AfterCompletionParams struct {
	Type     *string `json:"type"`
	Redirect *struct {
		URL *string `json:"url"`
	} `json:"redirect"`
	HostedConfirmation *struct {
		CustomMessage *string `json:"custom_message"`
	} `json:"hosted_confirmation"`
}

// RestrictionsParams is restrictions[completed_sessions][limit].
type RestrictionsParams struct {
	CompletedSessions *struct {
		Limit *int64 `json:"limit"`
	} `json:"completed_sessions"`
}

// CryptoParams are the crypto options every session of the link gets.
type CryptoParams struct {
	AcceptedAssets []string `json:"accepted_assets"`
	ExpiresAfter   *int64   `json:"expires_after"` // seconds, 1800..86400
}

// ListParams are GET /v1/payment_links' filters.
type ListParams struct {
	Active *bool `json:"active"`
}
