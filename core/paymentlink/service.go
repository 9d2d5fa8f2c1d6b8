package paymentlink

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// Store persists links, scoped by merchant and mode (LoadLink by ID alone, for the public URL).
type Store interface {
	// CreateLink stores a link and its events in one transaction.
	CreateLink(ctx context.Context, l Link, events []event.Event) error
	GetLink(ctx context.Context, merchantID string, livemode bool, id string) (Link, error)
	LoadLink(ctx context.Context, id string) (Link, error)
	// UpdateLink loads the link under its row lock, applies change and saves it with the
	// events change returns, in one transaction.
	UpdateLink(ctx context.Context, merchantID string, livemode bool, id string, change func(*Link) ([]event.Event, error)) (Link, error)
	ListLinks(ctx context.Context, q Query) (paging.Page[Link], error)
}

// Query selects a merchant's links, newest first.
type Query struct {
	MerchantID string
	Livemode   bool
	Page       paging.Params
	Active     *bool
}

// Sessions makes a link's sessions through the session use case (checkout.Service).
type Sessions interface {
	CreateForLink(ctx context.Context, caller merchant.Caller, p checkout.CreateParams, linkID string) (*checkout.Session, error)
}

// Service holds the payment link use cases.
type Service struct {
	store    Store
	library  checkout.Library
	sessions Sessions
	chains   chain.Config
	enc      Encoder
	now      func() time.Time
}

// NewService wires the use cases; every dependency is required. enc renders the links of the
// events a merchant's changes record.
func NewService(store Store, library checkout.Library, sessions Sessions, chains chain.Config, enc Encoder,
	now func() time.Time) (*Service, error) {
	if store == nil || library == nil || sessions == nil || enc == nil || now == nil {
		return nil, fmt.Errorf("paymentlink.NewService: nil dependency")
	}
	return &Service{store: store, library: library, sessions: sessions, chains: chains, enc: enc, now: now}, nil
}

func (s *Service) assets(livemode bool) []string {
	var ids []string
	for _, a := range s.chains.Assets(livemode) {
		ids = append(ids, a.ID)
	}
	return ids
}

// Create stores a link of the caller's library prices.
func (s *Service) Create(ctx context.Context, c merchant.Caller, p CreateParams) (Link, error) {
	var ids []string
	for _, it := range p.LineItems {
		if it.Price != nil {
			ids = append(ids, *it.Price)
		}
	}
	lib, err := s.library.ForSale(ctx, c.MerchantID, c.Livemode, ids, nil)
	if err != nil {
		return Link{}, err
	}
	now := s.now().UTC().Truncate(time.Second)
	l, err := New(p, c, now, lib, s.assets(c.Livemode))
	if err != nil {
		return Link{}, err
	}
	events, err := eventsOf(ctx, s.enc, now, nil, &l)
	if err != nil {
		return Link{}, err
	}
	return l, s.store.CreateLink(ctx, l, events)
}

// Get returns one of the caller's links.
func (s *Service) Get(ctx context.Context, c merchant.Caller, id string) (Link, error) {
	return s.store.GetLink(ctx, c.MerchantID, c.Livemode, id)
}

// Update changes active, metadata and the options of a link.
func (s *Service) Update(ctx context.Context, c merchant.Caller, id string, u UpdateParams) (Link, error) {
	assets := s.assets(c.Livemode)
	return s.store.UpdateLink(ctx, c.MerchantID, c.Livemode, id, func(l *Link) ([]event.Event, error) {
		before := l.snapshot()
		if err := l.Apply(u, assets); err != nil {
			return nil, err
		}
		return eventsOf(ctx, s.enc, s.now().UTC().Truncate(time.Second), before, l)
	})
}

// List returns the caller's links, newest first.
func (s *Service) List(ctx context.Context, c merchant.Caller, pg paging.Params, f ListParams) (paging.Page[Link], error) {
	if err := pg.Normalize(); err != nil {
		return paging.Page[Link]{}, err
	}
	return s.store.ListLinks(ctx, Query{MerchantID: c.MerchantID, Livemode: c.Livemode, Page: pg, Active: f.Active})
}

// Line is a link's item with its price and product as they are now.
type Line struct {
	Item    Item
	Price   catalog.Price
	Product catalog.Product
}

// LineItems lists a link's items in their order.
func (s *Service) LineItems(ctx context.Context, c merchant.Caller, id string, pg paging.Params) (paging.Page[Line], error) {
	if err := pg.Normalize(); err != nil {
		return paging.Page[Line]{}, err
	}
	l, err := s.store.GetLink(ctx, c.MerchantID, c.Livemode, id)
	if err != nil {
		return paging.Page[Line]{}, err
	}
	lib, err := s.library.ForSale(ctx, c.MerchantID, c.Livemode, l.PriceIDs(), nil)
	if err != nil {
		return paging.Page[Line]{}, err
	}
	lines := make([]Line, 0, len(l.LineItems))
	for _, it := range l.LineItems {
		pr, prod, _ := lib.Price(it.PriceID) // a link's prices cannot be deleted (their product is in use)
		lines = append(lines, Line{Item: it, Price: pr, Product: prod})
	}
	return paging.InMemory(lines, func(x Line) string { return x.Item.ID }, "line item", pg)
}

// Open is a visit to the link's public URL: a fresh session (and workflow) every time, unless
// the link is inactive or sold out (Link.CanOpen).
func (s *Service) Open(ctx context.Context, id string, v Visit) (*checkout.Session, error) {
	l, err := s.store.LoadLink(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := l.CanOpen(); err != nil {
		return nil, err
	}
	return s.sessions.CreateForLink(ctx, merchant.Caller{MerchantID: l.MerchantID, Livemode: l.Livemode},
		l.sessionParams(v, s.now()), l.ID)
}

// CreateSession is POST /v1/checkout/sessions with payment_link: the caller's own link, open.
func (s *Service) CreateSession(ctx context.Context, c merchant.Caller, req checkout.CreateParams) (*checkout.Session, error) {
	l, err := s.store.GetLink(ctx, c.MerchantID, c.Livemode, *req.PaymentLink)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return nil, apperr.Invalid("payment_link", "resource_missing", "No such payment link: '%s'", *req.PaymentLink)
	}
	if err != nil {
		return nil, err
	}
	if err := l.CanOpen(); err != nil {
		e, _ := apperr.As(err)
		return nil, apperr.Invalid("payment_link", e.Code, "%s", e.Message)
	}
	p, err := l.SessionParams(req, s.now())
	if err != nil {
		return nil, err
	}
	return s.sessions.CreateForLink(ctx, c, p, l.ID)
}
