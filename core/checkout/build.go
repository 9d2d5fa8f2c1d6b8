package checkout

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/text"
)

// Build validates p and returns the session it describes, not yet stored, with Stripe's
// bounds on expires_at (Lifetimes{}).
func Build(p CreateParams, caller merchant.Caller, now time.Time, assets []chain.Asset, lib catalog.Listing) (*Session, error) {
	return Lifetimes{}.Build(p, caller, now, assets, lib)
}

// Lifetimes bounds what expires_at may ask. Min is the operator's shortest lifetime (0:
// Stripe's MinExpiry), between MinLifetimeFloor and MinExpiry.
type Lifetimes struct {
	Min time.Duration
}

// MinLifetimeFloor is the shortest Min an operator may set: a shopper needs a minute to pay.
const MinLifetimeFloor = time.Minute

// Validate refuses a Min outside [MinLifetimeFloor, MinExpiry]; 0 is the default.
func (l Lifetimes) Validate() error {
	if l.Min != 0 && (l.Min < MinLifetimeFloor || l.Min > MinExpiry) {
		return fmt.Errorf("the shortest session lifetime must be between %s and %s, not %s", MinLifetimeFloor, MinExpiry, l.Min)
	}
	return nil
}

func (l Lifetimes) min() time.Duration {
	if l.Min == 0 {
		return MinExpiry
	}
	return l.Min
}

// Build validates p and returns the session it describes, not yet stored.
// Every rule lives here so that form and JSON requests are judged alike.
//
// lib holds the library prices and products the line items name (see LibraryIDs).
func (l Lifetimes) Build(p CreateParams, caller merchant.Caller, now time.Time, assets []chain.Asset, lib catalog.Listing) (*Session, error) {
	now = now.UTC().Truncate(time.Second)
	if p.Mode == nil {
		return nil, apperr.Missing("mode")
	}
	switch Mode(*p.Mode) {
	case ModePayment, ModeSubscription:
	default:
		return nil, apperr.Invalid("mode", "parameter_invalid",
			"Invalid mode: must be one of payment or subscription.")
	}
	s := &Session{
		ID:            ident.NewModed("cs", caller.Livemode),
		MerchantID:    caller.MerchantID,
		Livemode:      caller.Livemode,
		Mode:          Mode(*p.Mode),
		Status:        StatusOpen,
		PaymentStatus: PaymentUnpaid,
		CreatedAt:     now,
		ExpiresAt:     now.Add(DefaultExpiry),
		Metadata:      map[string]string{},
		Crypto:        Crypto{State: chain.StateAwaitingAsset},
	}
	if err := buildLineItems(s, p.LineItems, lib); err != nil {
		return nil, err
	}
	if err := buildSubscriptionData(s, p.SubscriptionData); err != nil {
		return nil, err
	}
	if err := buildUIMode(s, p); err != nil {
		return nil, err
	}
	if err := buildReferences(s, p); err != nil {
		return nil, err
	}
	var err error
	if s.Metadata, err = ValidateMetadata("metadata", p.Metadata); err != nil {
		return nil, err
	}
	if s.Crypto, err = buildCrypto(p.Crypto, caller.Livemode, assets); err != nil {
		return nil, err
	}
	if p.ExpiresAt != nil {
		at := time.Unix(*p.ExpiresAt, 0).UTC()
		if at.Before(now.Add(l.min()-min(ExpirySkew, l.min()/2))) || at.After(now.Add(MaxExpiry+ExpirySkew)) {
			return nil, apperr.Invalid("expires_at", "parameter_invalid_integer",
				"The `expires_at` timestamp must be between %s and 24 hours from Checkout Session creation.", inWords(l.min()))
		}
		s.ExpiresAt = at
	}
	return s, nil
}

// buildReferences takes the redirect URLs and what identifies the buyer and the order.
func buildReferences(s *Session, p CreateParams) error {
	var err error
	if s.SuccessURL, err = optionalURL("success_url", p.SuccessURL); err != nil {
		return err
	}
	if s.CancelURL, err = optionalURL("cancel_url", p.CancelURL); err != nil {
		return err
	}
	if p.ClientReferenceID != nil {
		if err := text.Check("client_reference_id", *p.ClientReferenceID, MaxClientRefLen); err != nil {
			return err
		}
		s.ClientReferenceID = *p.ClientReferenceID
	}
	if p.CustomerEmail == nil || *p.CustomerEmail == "" {
		return nil
	}
	if err := text.Check("customer_email", *p.CustomerEmail, 512); err != nil {
		return err
	}
	addr, err := mail.ParseAddress(*p.CustomerEmail)
	if err != nil || addr.Address != *p.CustomerEmail || len(addr.Address) > 512 {
		return apperr.Invalid("customer_email", "email_invalid", "Invalid email address: %s", *p.CustomerEmail)
	}
	s.CustomerEmail = addr.Address
	return nil
}

// buildCrypto checks the crypto additions against the assets of the key's mode.
func buildCrypto(p *CryptoParams, livemode bool, assets []chain.Asset) (Crypto, error) {
	c := Crypto{State: chain.StateAwaitingAsset}
	byID := map[string]bool{}
	for _, a := range assets {
		if a.Livemode == livemode {
			byID[a.ID] = true
			c.AcceptedAssets = append(c.AcceptedAssets, a.ID)
		}
	}
	if p == nil {
		return c, nil
	}
	if p.AcceptedAssets != nil {
		c.AcceptedAssets = nil
		seen := map[string]bool{}
		for i, id := range p.AcceptedAssets {
			id = strings.ToLower(id)
			if !byID[id] {
				return c, apperr.Invalid(fmt.Sprintf("crypto[accepted_assets][%d]", i), "parameter_invalid",
					"Unknown asset %q: GET /v1/crypto/assets lists the assets you can accept.", id)
			}
			if !seen[id] {
				seen[id] = true
				c.AcceptedAssets = append(c.AcceptedAssets, id)
			}
		}
	}
	if len(c.AcceptedAssets) == 0 {
		return c, apperr.Invalid("crypto[accepted_assets]", "parameter_invalid",
			"No asset is configured for this mode, so nothing could be paid.")
	}
	if p.Asset != nil {
		id := strings.ToLower(*p.Asset)
		if !slices.Contains(c.AcceptedAssets, id) {
			return c, apperr.Invalid("crypto[asset]", "parameter_invalid",
				"crypto[asset] %q is not one of the session's accepted assets.", id)
		}
		c.PreselectAsset = id
	}
	if p.PaymentTolerancePercent != nil {
		d, ok := chain.ParseTolerance(*p.PaymentTolerancePercent)
		if !ok {
			return c, apperr.Invalid("crypto[payment_tolerance_percent]", "parameter_invalid",
				"crypto[payment_tolerance_percent] must be a decimal from 0 to 10 with at most 4 decimals.")
		}
		c.TolerancePercent = d
	}
	return c, nil
}

func buildLineItems(s *Session, items []LineItemParams, lib catalog.Listing) error {
	if len(items) == 0 {
		return apperr.Missing("line_items")
	}
	if len(items) > MaxLineItems {
		return apperr.Invalid("line_items", "parameter_invalid",
			"A Checkout Session can have at most %d line items; you passed %d.", MaxLineItems, len(items))
	}
	for i, it := range items {
		param := fmt.Sprintf("line_items[%d]", i)
		li, sourceParam, err := buildLineItem(param, it, lib, len(items) == 1, s.Mode == ModeSubscription)
		if err != nil {
			return err
		}
		li.Position = i
		if s.Currency == "" {
			s.Currency = li.Currency
		} else if li.Currency != s.Currency {
			return apperr.Invalid(sourceParam, "parameter_invalid",
				"All line items must use the same currency: %s was given after %s.", li.Currency, s.Currency)
		}
		s.LineItems = append(s.LineItems, li)
	}
	if err := s.checkPlan(); err != nil {
		return err
	}
	return s.total()
}

func exp(cur string) int32 { e, _ := money.Exponent(cur); return e }

// lineTotal prices one line: unit price × quantity, rounded half up once, within the cap.
func (li *LineItem) lineTotal(param string) error {
	total, ok := money.LineTotal(li.UnitAmountDecimal, li.Quantity)
	if !ok || total > money.MaxAmount {
		return apperr.Invalid(param, "amount_too_large",
			"The line item's amount (unit price × quantity) must be at most %d.", money.MaxAmount)
	}
	if total < 1 && li.Quantity > 0 {
		return apperr.Invalid(param, "amount_too_small", "The line item's amount rounds to zero.")
	}
	li.AmountSubtotal, li.AmountTotal = total, total
	return nil
}

// total sums the lines into the session's amounts: above zero and within the cap.
func (s *Session) total() error {
	var subtotal int64
	for _, li := range s.LineItems {
		subtotal += li.AmountTotal // each line is at most MaxAmount and there are at most 100: no overflow
		if subtotal > money.MaxAmount {
			return apperr.Invalid("line_items", "amount_too_large",
				"The total amount must be at most %s %s.", money.Format(money.MaxAmount, exp(s.Currency)), strings.ToUpper(s.Currency))
		}
	}
	if subtotal < 1 {
		return apperr.Invalid("line_items", "amount_too_small", "The total amount must be greater than zero.")
	}
	s.AmountSubtotal, s.AmountTotal = subtotal, subtotal
	return nil
}

// itemSource resolves what a line item sells: a library price (given as price, or as product
// for its default price) or an ad-hoc price_data. It returns the parameter that names it.
func itemSource(param string, it LineItemParams, lib catalog.Listing, sub bool) (catalog.Price, catalog.Product, string, error) {
	set := 0
	for _, present := range []bool{it.Price != nil, it.Product != nil, it.PriceData != nil} {
		if present {
			set++
		}
	}
	switch {
	case set == 0:
		return catalog.Price{}, catalog.Product{}, param, apperr.Invalid(param, "parameter_missing", "Each line item needs one of price, price_data or product.")
	case set > 1:
		return catalog.Price{}, catalog.Product{}, param, apperr.Invalid(param, "parameters_exclusive",
			"You may only specify one of these parameters: price, price_data, product.")
	case it.Price != nil:
		pp := param + "[price]"
		pr, prod, ok := lib.Price(*it.Price)
		if !ok {
			return pr, prod, pp, apperr.Invalid(pp, "resource_missing", "No such price: '%s'", *it.Price)
		}
		return pr, prod, pp, pr.CheckSellable(pp, prod, sub)
	case it.Product != nil:
		return defaultPriceOf(param+"[product]", *it.Product, lib, sub)
	}
	pr, prod, err := adHocPrice(param+"[price_data]", it.PriceData, lib, sub)
	return pr, prod, param + "[price_data][currency]", err
}

// defaultPriceOf is {product, quantity}: the product's default price.
func defaultPriceOf(pp, id string, lib catalog.Listing, sub bool) (catalog.Price, catalog.Product, string, error) {
	prod, ok := lib.Products[id]
	if !ok {
		return catalog.Price{}, prod, pp, apperr.Invalid(pp, "resource_missing", "No such product: '%s'", id)
	}
	pr, _, ok := lib.Price(prod.DefaultPrice)
	if !ok {
		return pr, prod, pp, apperr.Invalid(pp, "parameter_invalid",
			"The product %s has no default_price; give the line item a price instead.", id)
	}
	return pr, prod, pp, pr.CheckSellable(pp, prod, sub)
}

// adHocPrice is price_data: a price never saved, for a library product or an ad-hoc one.
func adHocPrice(pp string, pd *PriceDataParams, lib catalog.Listing, sub bool) (catalog.Price, catalog.Product, error) {
	pr, err := catalog.PriceFromData(pp, pd.PriceDataParams)
	if err != nil {
		return pr, catalog.Product{}, err
	}
	pr.ID, pr.Active = ident.New("price"), true
	var prod catalog.Product
	switch {
	case pd.Product != nil && pd.ProductData != nil:
		return pr, prod, apperr.Invalid(pp+"[product]", "parameters_exclusive",
			"You may only specify one of these parameters: product, product_data.")
	case pd.Product != nil:
		var ok bool
		if prod, ok = lib.Products[*pd.Product]; !ok {
			return pr, prod, apperr.Invalid(pp+"[product]", "resource_missing", "No such product: '%s'", *pd.Product)
		}
	case pd.ProductData == nil:
		return pr, prod, apperr.Missing(pp + "[product_data]")
	default:
		if prod, err = adHocProduct(pp+"[product_data]", pd.ProductData); err != nil {
			return pr, prod, err
		}
	}
	if err := pr.CheckSellable(pp, prod, sub); err != nil {
		return pr, prod, err
	}
	pr.Active = false // shown as Stripe shows an ad-hoc price
	return pr, prod, nil
}

func buildLineItem(param string, it LineItemParams, lib catalog.Listing, onlyItem, sub bool) (LineItem, string, error) {
	pr, prod, sourceParam, err := itemSource(param, it, lib, sub)
	if err != nil {
		return LineItem{}, sourceParam, err
	}
	if it.Quantity == nil {
		return LineItem{}, sourceParam, apperr.Missing(param + "[quantity]")
	}
	qty := *it.Quantity
	if qty < 1 || qty > MaxQuantity {
		return LineItem{}, sourceParam, apperr.Invalid(param+"[quantity]", "parameter_invalid_integer",
			"Quantity must be between 1 and %d.", MaxQuantity)
	}
	li := LineItem{ID: ident.New("li"), PriceID: pr.ID, ProductID: prod.ID, Name: prod.Name,
		ProductDescription: prod.Description, Images: prod.Images, Currency: pr.Currency, UnitAmount: pr.UnitAmount,
		UnitAmountDecimal: pr.UnitAmountDecimal, Quantity: qty, LibraryPrice: pr.Active,
		LibraryProduct: prod.MerchantID != "", // ad-hoc products belong to no merchant
		Recurring:      pr.Recurring}
	if li.Adjustable, err = adjustable(param+"[adjustable_quantity]", it.AdjustableQuantity, qty, onlyItem); err != nil {
		return LineItem{}, sourceParam, err
	}
	return li, sourceParam, li.lineTotal(param)
}

// adHocProduct is price_data[product_data], never saved to the library.
func adHocProduct(param string, pd *ProductDataParams) (catalog.Product, error) {
	p := catalog.Product{ID: ident.New("prod"), Active: true}
	if pd.Name == nil || strings.TrimSpace(*pd.Name) == "" {
		return p, apperr.Missing(param + "[name]")
	}
	if err := text.Check(param+"[name]", *pd.Name, MaxNameLength); err != nil {
		return p, err
	}
	p.Name = *pd.Name
	if pd.Description != nil {
		if err := text.Check(param+"[description]", *pd.Description, MaxDescLength); err != nil {
			return p, err
		}
		p.Description = *pd.Description
	}
	var err error
	if p.Images, err = catalog.CheckImages(param+"[images]", pd.Images); err != nil {
		return p, err
	}
	_, err = ValidateMetadata(param+"[metadata]", pd.Metadata)
	return p, err
}

// optionalURL accepts an absolute http(s) URL; {CHECKOUT_SESSION_ID} is kept verbatim for later substitution.
func optionalURL(param string, raw *string) (string, error) {
	if raw == nil || *raw == "" {
		return "", nil
	}
	if err := text.HTTPURL(param, *raw); err != nil {
		return "", err
	}
	return *raw, nil
}

// ValidateMetadata applies the metadata rules (see package metadata).
func ValidateMetadata(param string, md map[string]string) (map[string]string, error) {
	return metadata.Validate(param, md)
}

// inWords says a whole number of minutes (or seconds) as a person would: "30 minutes".
func inWords(d time.Duration) string {
	n, unit := int64(d/time.Second), "second"
	if d%time.Minute == 0 {
		n, unit = int64(d/time.Minute), "minute"
	}
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
