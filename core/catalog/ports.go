package catalog

import (
	"context"

	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
)

// Encoder renders products and prices as the API shows them, for events.
type Encoder interface {
	EncodeProduct(ctx context.Context, p Product) ([]byte, error)
	EncodePrice(ctx context.Context, p Price) ([]byte, error)
}

// Products stores products. Every read is scoped by merchant and mode: another merchant's
// or the other mode's product is apperr NotFound.
type Products interface {
	// CreateProduct writes the product, its default price (if any) and their events in one
	// transaction.
	CreateProduct(ctx context.Context, p Product, defaultPrice *Price, events []event.Event) error
	GetProduct(ctx context.Context, merchantID string, livemode bool, id string) (Product, error)
	// UpdateProduct loads the product under its row lock, applies change and saves it with
	// the events change returns, in one transaction.
	UpdateProduct(ctx context.Context, merchantID string, livemode bool, id string, change func(*Product) ([]event.Event, error)) (Product, error)
	// DeleteProduct locks the product against new sales, counts what refers to it, lets
	// check decide, and deletes it with its prices, recording the events check returns, in
	// one transaction.
	DeleteProduct(ctx context.Context, merchantID string, livemode bool, id string, check func(Product, Usage) ([]event.Event, error)) error
	ListProducts(ctx context.Context, q ProductQuery) (paging.Page[Product], error)
}

// Prices stores prices, scoped like Products.
type Prices interface {
	// CreatePrice writes the price, and newProduct first when the price came with one, with
	// their events in one transaction. A lookup_key another price holds is refused, or moved
	// when transferLookupKey.
	CreatePrice(ctx context.Context, p Price, newProduct *Product, transferLookupKey bool, events []event.Event) error
	GetPrice(ctx context.Context, merchantID string, livemode bool, id string) (Price, error)
	// UpdatePrice loads the price under its row lock, applies change and saves it with the
	// events change returns (the lookup_key rule as in CreatePrice).
	UpdatePrice(ctx context.Context, merchantID string, livemode bool, id string, change func(*Price) ([]event.Event, error), transferLookupKey bool) (Price, error)
	ListPrices(ctx context.Context, q PriceQuery) (paging.Page[Price], error)
	// ForSale loads the named prices with their products, and the named products with their
	// default prices; missing IDs are simply absent from the listing.
	ForSale(ctx context.Context, merchantID string, livemode bool, priceIDs, productIDs []string) (Listing, error)
}

// ProductQuery selects a merchant's products, newest first.
type ProductQuery struct {
	MerchantID string
	Livemode   bool
	Page       paging.Params
	Active     *bool
	IDs        []string
}

// PriceQuery selects a merchant's prices, newest first.
type PriceQuery struct {
	MerchantID string
	Livemode   bool
	Page       paging.Params
	Product    string
	Active     *bool
	Type       PriceType
	Currency   string
	LookupKeys []string
}

// Listing is the part of a library a session is built from.
type Listing struct {
	Prices   map[string]Price
	Products map[string]Product
}

// Price returns a price with its product, if both are listed.
func (l Listing) Price(id string) (Price, Product, bool) {
	pr, ok := l.Prices[id]
	if !ok {
		return Price{}, Product{}, false
	}
	prod, ok := l.Products[pr.ProductID]
	return pr, prod, ok
}
