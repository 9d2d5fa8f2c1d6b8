package catalog

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Service holds the Product Library's use cases.
type Service struct {
	products Products
	prices   Prices
	enc      Encoder
	now      func() time.Time
}

// NewService wires the use cases; every dependency is required. enc renders the objects of
// the events every change records.
func NewService(products Products, prices Prices, enc Encoder, now func() time.Time) (*Service, error) {
	if products == nil || prices == nil || enc == nil || now == nil {
		return nil, fmt.Errorf("catalog.NewService: nil dependency")
	}
	return &Service{products: products, prices: prices, enc: enc, now: now}, nil
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Second) }

func (s *Service) events(ctx context.Context, now time.Time) *events {
	return &events{ctx: ctx, enc: s.enc, now: now}
}

// CreateProduct stores a product and its default price, if default_price_data was given.
func (s *Service) CreateProduct(ctx context.Context, c merchant.Caller, p ProductCreateParams) (Product, error) {
	now := s.clock()
	prod, price, err := NewProduct(p, c, now)
	if err != nil {
		return Product{}, err
	}
	ev := s.events(ctx, now)
	if err := ev.product(nil, &prod); err != nil {
		return Product{}, err
	}
	if price != nil {
		if err := ev.price(nil, price); err != nil {
			return Product{}, err
		}
	}
	return prod, s.products.CreateProduct(ctx, prod, price, ev.out)
}

// GetProduct returns one of the caller's products.
func (s *Service) GetProduct(ctx context.Context, c merchant.Caller, id string) (Product, error) {
	return s.products.GetProduct(ctx, c.MerchantID, c.Livemode, id)
}

// UpdateProduct applies an update; a default_price is looked up first, then checked
// against the product under its lock.
func (s *Service) UpdateProduct(ctx context.Context, c merchant.Caller, id string, u ProductUpdateParams) (Product, error) {
	var dp *Price
	if u.DefaultPrice != nil && *u.DefaultPrice != "" {
		pr, err := s.prices.GetPrice(ctx, c.MerchantID, c.Livemode, *u.DefaultPrice)
		if err != nil && !apperr.IsKind(err, apperr.KindNotFound) {
			return Product{}, err
		}
		if err == nil {
			dp = &pr
		}
	}
	now := s.clock()
	return s.products.UpdateProduct(ctx, c.MerchantID, c.Livemode, id, func(p *Product) ([]event.Event, error) {
		before := p.snapshot()
		if err := p.Apply(u, dp, now); err != nil {
			return nil, err
		}
		ev := s.events(ctx, now)
		err := ev.product(before, p)
		return ev.out, err
	})
}

// DeleteProduct deletes a product nothing refers to (Product.CheckDelete).
func (s *Service) DeleteProduct(ctx context.Context, c merchant.Caller, id string) error {
	return s.products.DeleteProduct(ctx, c.MerchantID, c.Livemode, id, func(p Product, u Usage) ([]event.Event, error) {
		if err := p.CheckDelete(u); err != nil {
			return nil, err
		}
		ev := s.events(ctx, s.clock())
		err := ev.deleted(p, u.Prices)
		return ev.out, err
	})
}

// ListProducts returns the caller's products, newest first.
func (s *Service) ListProducts(ctx context.Context, c merchant.Caller, pg paging.Params, f ProductListParams) (paging.Page[Product], error) {
	if err := pg.Normalize(); err != nil {
		return paging.Page[Product]{}, err
	}
	if len(f.IDs) > MaxIDsFilter {
		return paging.Page[Product]{}, apperr.Invalid("ids", "parameter_invalid", "At most %d ids can be given.", MaxIDsFilter)
	}
	return s.products.ListProducts(ctx, ProductQuery{MerchantID: c.MerchantID, Livemode: c.Livemode, Page: pg,
		Active: f.Active, IDs: f.IDs})
}

// CreatePrice stores a price of an existing product, or with a new one (product_data).
func (s *Service) CreatePrice(ctx context.Context, c merchant.Caller, p PriceCreateParams) (Price, error) {
	var prod *Product
	if p.Product != nil && p.ProductData == nil {
		got, err := s.products.GetProduct(ctx, c.MerchantID, c.Livemode, *p.Product)
		if apperr.IsKind(err, apperr.KindNotFound) {
			return Price{}, apperr.Invalid("product", "resource_missing", "No such product: '%s'", *p.Product)
		}
		if err != nil {
			return Price{}, err
		}
		prod = &got
	}
	now := s.clock()
	pr, made, err := NewPrice(p, c, now, prod)
	if err != nil {
		return Price{}, err
	}
	ev := s.events(ctx, now)
	if made != nil {
		if err := ev.product(nil, made); err != nil {
			return Price{}, err
		}
	}
	if err := ev.price(nil, &pr); err != nil {
		return Price{}, err
	}
	return pr, s.prices.CreatePrice(ctx, pr, made, p.TransferLookupKey != nil && *p.TransferLookupKey, ev.out)
}

// GetPrice returns one of the caller's prices.
func (s *Service) GetPrice(ctx context.Context, c merchant.Caller, id string) (Price, error) {
	return s.prices.GetPrice(ctx, c.MerchantID, c.Livemode, id)
}

// UpdatePrice changes a price's active flag, lookup_key or metadata (Price.Apply).
func (s *Service) UpdatePrice(ctx context.Context, c merchant.Caller, id string, u PriceUpdateParams) (Price, error) {
	return s.prices.UpdatePrice(ctx, c.MerchantID, c.Livemode, id, func(p *Price) ([]event.Event, error) {
		before := p.snapshot()
		if err := p.Apply(u); err != nil {
			return nil, err
		}
		ev := s.events(ctx, s.clock())
		err := ev.price(before, p)
		return ev.out, err
	}, u.TransferLookupKey != nil && *u.TransferLookupKey)
}

// ListPrices returns the caller's prices, newest first.
func (s *Service) ListPrices(ctx context.Context, c merchant.Caller, pg paging.Params, f PriceListParams) (paging.Page[Price], error) {
	if err := pg.Normalize(); err != nil {
		return paging.Page[Price]{}, err
	}
	q := PriceQuery{MerchantID: c.MerchantID, Livemode: c.Livemode, Page: pg, Active: f.Active, LookupKeys: f.LookupKeys}
	if f.Product != nil {
		q.Product = *f.Product
	}
	if f.Currency != nil {
		q.Currency = strings.ToLower(*f.Currency)
	}
	if f.Type != nil {
		switch t := PriceType(*f.Type); t {
		case OneTime, Recurring:
			q.Type = t
		default:
			return paging.Page[Price]{}, apperr.Invalid("type", "parameter_invalid", "Invalid type: must be one of one_time or recurring.")
		}
	}
	if len(f.LookupKeys) > 10 {
		return paging.Page[Price]{}, apperr.Invalid("lookup_keys", "parameter_invalid", "At most 10 lookup_keys can be given.")
	}
	return s.prices.ListPrices(ctx, q)
}
