package catalog

// Parameter structs mirror Stripe's; the HTTP adapter's form and JSON decoders fill them.
// Pointers distinguish "absent" from a zero value.

// Present records that a parameter was sent, whatever its value (to refuse it clearly).
type Present struct{}

// RecurringParams is recurring{interval, interval_count}.
type RecurringParams struct {
	Interval      *string `json:"interval"`
	IntervalCount *int64  `json:"interval_count"`
}

// PriceDataParams are the amount parts shared by prices, default_price_data and price_data.
type PriceDataParams struct {
	Currency          *string          `json:"currency"`
	UnitAmount        *int64           `json:"unit_amount"`
	UnitAmountDecimal *string          `json:"unit_amount_decimal"`
	Recurring         *RecurringParams `json:"recurring"`
	TaxBehavior       *string          `json:"tax_behavior"` // accepted: only "unspecified"
}

// ProductCreateParams is POST /v1/products.
type ProductCreateParams struct {
	Name             *string                 `json:"name"`
	Description      *string                 `json:"description"`
	Images           []string                `json:"images"`
	Active           *bool                   `json:"active"`
	Metadata         map[string]string       `json:"metadata"`
	DefaultPriceData *DefaultPriceDataParams `json:"default_price_data"`
}

// DefaultPriceDataParams is default_price_data: the product's first price.
type DefaultPriceDataParams struct {
	PriceDataParams
	Metadata map[string]string `json:"metadata"`
}

// ProductUpdateParams is POST /v1/products/:id.
type ProductUpdateParams struct {
	Name         *string           `json:"name"`
	Description  *string           `json:"description"`
	Images       []string          `json:"images"` // an empty list clears them
	Active       *bool             `json:"active"`
	Metadata     map[string]string `json:"metadata"` // an empty value deletes the key
	DefaultPrice *string           `json:"default_price"`
}

// ProductListParams are GET /v1/products' filters.
type ProductListParams struct {
	Active *bool    `json:"active"`
	IDs    []string `json:"ids"`
}

// PriceCreateParams is POST /v1/prices.
type PriceCreateParams struct {
	PriceDataParams
	Product           *string                 `json:"product"`
	ProductData       *PriceProductDataParams `json:"product_data"`
	Active            *bool                   `json:"active"`
	LookupKey         *string                 `json:"lookup_key"`
	TransferLookupKey *bool                   `json:"transfer_lookup_key"`
	Metadata          map[string]string       `json:"metadata"`
}

// PriceProductDataParams is a price's product_data: a new product made with the price.
type PriceProductDataParams struct {
	Name     *string           `json:"name"`
	Active   *bool             `json:"active"`
	Metadata map[string]string `json:"metadata"`
}

// PriceUpdateParams is POST /v1/prices/:id. The amount fields exist only to refuse them clearly.
type PriceUpdateParams struct {
	Active            *bool             `json:"active"`
	LookupKey         *string           `json:"lookup_key"` // empty: removes it
	TransferLookupKey *bool             `json:"transfer_lookup_key"`
	Metadata          map[string]string `json:"metadata"`
	UnitAmount        *Present          `json:"unit_amount"`
	UnitAmountDecimal *Present          `json:"unit_amount_decimal"`
	Currency          *Present          `json:"currency"`
	Recurring         *Present          `json:"recurring"`
}

// PriceListParams are GET /v1/prices' filters.
type PriceListParams struct {
	Product    *string  `json:"product"`
	Active     *bool    `json:"active"`
	Type       *string  `json:"type"`
	Currency   *string  `json:"currency"`
	LookupKeys []string `json:"lookup_keys"`
}
