package webhook

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/paging"
)

// MaxEndpoints is how many endpoints a merchant may have per mode (Stripe's limit is 16).
const MaxEndpoints = 16

// Endpoint is where a merchant receives events.
type Endpoint struct {
	ID            string
	MerchantID    string
	Livemode      bool
	URL           string
	Description   string
	EnabledEvents []string // event types, or "*"
	Disabled      bool
	Secret        string // whsec_…: signs deliveries; shown to the merchant once
	Metadata      map[string]string
	Created       time.Time
}

// Wants reports whether the endpoint receives events of type t.
func (e Endpoint) Wants(t string) bool {
	if e.Disabled {
		return false
	}
	for _, x := range e.EnabledEvents {
		if x == "*" || x == t {
			return true
		}
	}
	return false
}

// Resolver looks up the addresses a host name resolves to (the SSRF guard checks them all).
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Guard refuses URLs that reach private, loopback, link-local or metadata addresses, unless
// AllowPrivate (development and tests, whose receivers listen on loopback).
type Guard struct {
	Resolver     Resolver
	AllowPrivate bool
}

// Check validates a webhook URL; live mode requires https. It is run at creation and again
// before every delivery, since DNS can change.
func (g Guard) Check(ctx context.Context, raw string, livemode bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || len(raw) > 2048 {
		return apperr.Invalid("url", "url_invalid", "Invalid URL: %s must be an absolute http(s) URL without credentials.", raw)
	}
	if livemode && u.Scheme != "https" {
		return apperr.Invalid("url", "url_invalid", "Live mode webhook endpoints must use https.")
	}
	if g.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	addrs := []netip.Addr{}
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = append(addrs, a)
	} else {
		if addrs, err = g.Resolver.LookupNetIP(ctx, "ip", host); err != nil || len(addrs) == 0 {
			return apperr.Invalid("url", "url_invalid", "The host %s does not resolve.", host)
		}
	}
	for _, a := range addrs {
		if !Public(a) { // the address itself is not shown: the answer must not map internal DNS
			return apperr.Invalid("url", "url_invalid",
				"The URL's host %s is not a public address; webhooks only go to public addresses.", host)
		}
	}
	return nil
}

// EndpointParams are POST /v1/webhook_endpoints (and its update).
type EndpointParams struct {
	URL           *string           `json:"url"`
	EnabledEvents []string          `json:"enabled_events"`
	Description   *string           `json:"description"`
	Disabled      *bool             `json:"disabled"`
	Metadata      map[string]string `json:"metadata"`
	APIVersion    *string           `json:"api_version"` // accepted when it is ours
}

// Store persists endpoints. GetEndpoint and ListEndpoints leave Secret empty: it is shown
// only at creation and roll, and read back only to sign deliveries.
type Store interface {
	// CreateEndpoint stores the endpoint and its events in one transaction; apperr Invalid past max.
	CreateEndpoint(ctx context.Context, e Endpoint, max int, events []event.Event) error
	GetEndpoint(ctx context.Context, merchantID string, livemode bool, id string) (Endpoint, error)
	// UpdateEndpoint loads the endpoint for update (with its secret), applies change and saves
	// it with the events change returns, in one transaction, so concurrent changes (an update
	// and a secret roll) never overwrite each other.
	UpdateEndpoint(ctx context.Context, merchantID string, livemode bool, id string, change func(*Endpoint) ([]event.Event, error)) (Endpoint, error)
	// DeleteEndpoint loads the endpoint for update, deletes it and records the events deleted
	// returns for it, in one transaction.
	DeleteEndpoint(ctx context.Context, merchantID string, livemode bool, id string, deleted func(Endpoint) ([]event.Event, error)) error
	ListEndpoints(ctx context.Context, merchantID string, livemode bool, p paging.Params) (paging.Page[Endpoint], error)
}

// Endpoints holds the endpoint use cases.
type Endpoints struct {
	store Store
	guard Guard
	enc   Encoder
	now   func() time.Time
}

// NewEndpoints wires the use cases; enc renders the endpoints of the events a merchant's
// changes record.
func NewEndpoints(store Store, guard Guard, enc Encoder, now func() time.Time) (*Endpoints, error) {
	if store == nil || guard.Resolver == nil || enc == nil || now == nil {
		return nil, fmt.Errorf("webhook.NewEndpoints: nil dependency")
	}
	return &Endpoints{store: store, guard: guard, enc: enc, now: now}, nil
}

func checkEvents(types []string) error {
	if len(types) == 0 {
		return apperr.Missing("enabled_events")
	}
	for i, t := range types {
		if !event.Known(t) {
			return apperr.Invalid(fmt.Sprintf("enabled_events[%d]", i), "parameter_invalid",
				"Invalid event type %q: use * or one of %s.", t, strings.Join(event.Types, ", "))
		}
	}
	return nil
}

func checkVersion(v *string) error {
	if v != nil && *v != event.APIVersion {
		return apperr.Invalid("api_version", "parameter_invalid", "Unsupported api_version %q: this server renders %s.", *v, event.APIVersion)
	}
	return nil
}

// Create registers an endpoint and returns it with its secret (the only time it is shown).
func (s *Endpoints) Create(ctx context.Context, c merchant.Caller, p EndpointParams) (Endpoint, error) {
	if p.URL == nil {
		return Endpoint{}, apperr.Missing("url")
	}
	if err := s.guard.Check(ctx, *p.URL, c.Livemode); err != nil {
		return Endpoint{}, err
	}
	if err := checkEvents(p.EnabledEvents); err != nil {
		return Endpoint{}, err
	}
	if err := checkVersion(p.APIVersion); err != nil {
		return Endpoint{}, err
	}
	md, err := metadata.Validate("metadata", p.Metadata)
	if err != nil {
		return Endpoint{}, err
	}
	e := Endpoint{ID: ident.New("we"), MerchantID: c.MerchantID, Livemode: c.Livemode, URL: *p.URL,
		EnabledEvents: p.EnabledEvents, Secret: NewSecret(), Metadata: md, Created: s.now()}
	if p.Description != nil {
		e.Description = *p.Description
	}
	if p.Disabled != nil {
		e.Disabled = *p.Disabled
	}
	events, err := endpointEvents(ctx, s.enc, e.Created, nil, &e)
	if err != nil {
		return Endpoint{}, err
	}
	if err := s.store.CreateEndpoint(ctx, e, MaxEndpoints, events); err != nil {
		return Endpoint{}, err
	}
	return e, nil
}

// Update changes the URL, events, description, disabled flag or metadata. The parameters are
// checked first (the URL's DNS lookup stays outside the row lock), then applied to the row.
func (s *Endpoints) Update(ctx context.Context, c merchant.Caller, id string, p EndpointParams) (Endpoint, error) {
	if p.URL != nil {
		if err := s.guard.Check(ctx, *p.URL, c.Livemode); err != nil {
			return Endpoint{}, err
		}
	}
	if p.EnabledEvents != nil {
		if err := checkEvents(p.EnabledEvents); err != nil {
			return Endpoint{}, err
		}
	}
	if err := checkVersion(p.APIVersion); err != nil {
		return Endpoint{}, err
	}
	return s.store.UpdateEndpoint(ctx, c.MerchantID, c.Livemode, id, func(e *Endpoint) ([]event.Event, error) {
		before := e.snapshot()
		if err := p.apply(e); err != nil {
			return nil, err
		}
		return endpointEvents(ctx, s.enc, s.now(), before, e)
	})
}

// apply writes the given parameters onto e; an empty metadata value deletes the key.
func (p EndpointParams) apply(e *Endpoint) error {
	if p.URL != nil {
		e.URL = *p.URL
	}
	if p.EnabledEvents != nil {
		e.EnabledEvents = p.EnabledEvents
	}
	if p.Description != nil {
		e.Description = *p.Description
	}
	if p.Disabled != nil {
		e.Disabled = *p.Disabled
	}
	var err error
	e.Metadata, err = metadata.Merge("metadata", e.Metadata, p.Metadata)
	return err
}

// NewSecret makes an endpoint signing secret.
func NewSecret() string { return "whsec_" + ident.Random(32) }

// RollSecret replaces the endpoint's signing secret and returns the endpoint with the new one
// (shown this once). Deliveries signed from now on use it.
func (s *Endpoints) RollSecret(ctx context.Context, c merchant.Caller, id string) (Endpoint, error) {
	return s.store.UpdateEndpoint(ctx, c.MerchantID, c.Livemode, id, func(e *Endpoint) ([]event.Event, error) {
		before := e.snapshot()
		e.Secret = NewSecret()
		return endpointEvents(ctx, s.enc, s.now(), before, e)
	})
}

// Get, List and Delete pass through with the caller's scope.
func (s *Endpoints) Get(ctx context.Context, c merchant.Caller, id string) (Endpoint, error) {
	return s.store.GetEndpoint(ctx, c.MerchantID, c.Livemode, id)
}

func (s *Endpoints) List(ctx context.Context, c merchant.Caller, p paging.Params) (paging.Page[Endpoint], error) {
	if err := p.Normalize(); err != nil {
		return paging.Page[Endpoint]{}, err
	}
	return s.store.ListEndpoints(ctx, c.MerchantID, c.Livemode, p)
}

func (s *Endpoints) Delete(ctx context.Context, c merchant.Caller, id string) error {
	return s.store.DeleteEndpoint(ctx, c.MerchantID, c.Livemode, id, func(e Endpoint) ([]event.Event, error) {
		return endpointEvents(ctx, s.enc, s.now(), &e, nil)
	})
}
