package checkout

import (
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/text"
)

// Build validates p and returns the session it describes, not yet stored.
// Every rule lives here so that form and JSON requests are judged alike.
func Build(p CreateParams, caller merchant.Caller, now time.Time, assets []chain.Asset) (*Session, error) {
	now = now.UTC().Truncate(time.Second)
	if p.Mode == nil {
		return nil, apperr.Missing("mode")
	}
	switch Mode(*p.Mode) {
	case ModePayment:
	case ModeSubscription:
		return nil, apperr.Invalid("mode", "parameter_invalid",
			"mode=subscription is not available on this server yet; use mode=payment.")
	default:
		return nil, apperr.Invalid("mode", "parameter_invalid",
			"Invalid mode: must be one of payment or subscription.")
	}
	s := &Session{
		ID:            ident.NewModed("cs", caller.Livemode),
		MerchantID:    caller.MerchantID,
		Livemode:      caller.Livemode,
		Mode:          ModePayment,
		Status:        StatusOpen,
		PaymentStatus: PaymentUnpaid,
		CreatedAt:     now,
		ExpiresAt:     now.Add(DefaultExpiry),
		Metadata:      map[string]string{},
		Crypto:        Crypto{State: chain.StateAwaitingAsset},
	}
	if err := buildLineItems(s, p.LineItems); err != nil {
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
		if at.Before(now.Add(MinExpiry-ExpirySkew)) || at.After(now.Add(MaxExpiry+ExpirySkew)) {
			return nil, apperr.Invalid("expires_at", "parameter_invalid_integer",
				"The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.")
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
		d, err := decimal.NewFromString(*p.PaymentTolerancePercent)
		if err != nil || d.Sign() < 0 || d.GreaterThan(decimal.NewFromInt(10)) || d.Exponent() < -4 {
			return c, apperr.Invalid("crypto[payment_tolerance_percent]", "parameter_invalid",
				"crypto[payment_tolerance_percent] must be a decimal from 0 to 10 with at most 4 decimals.")
		}
		c.TolerancePercent = d
	}
	return c, nil
}

func buildLineItems(s *Session, items []LineItemParams) error {
	if len(items) == 0 {
		return apperr.Missing("line_items")
	}
	if len(items) > MaxLineItems {
		return apperr.Invalid("line_items", "parameter_invalid",
			"A Checkout Session can have at most %d line items; you passed %d.", MaxLineItems, len(items))
	}
	var subtotal int64
	for i, it := range items {
		param := fmt.Sprintf("line_items[%d]", i)
		li, err := buildLineItem(param, it)
		if err != nil {
			return err
		}
		li.Position = i
		if s.Currency == "" {
			s.Currency = li.Currency
		} else if li.Currency != s.Currency {
			return apperr.Invalid(param+"[price_data][currency]", "parameter_invalid",
				"All line items must use the same currency: %s was given after %s.", li.Currency, s.Currency)
		}
		subtotal += li.AmountTotal // each line is at most MaxAmount and there are at most 100: no overflow
		if subtotal > money.MaxAmount {
			return apperr.Invalid("line_items", "amount_too_large",
				"The total amount must be at most %s %s.", money.Format(money.MaxAmount, exp(s.Currency)), strings.ToUpper(s.Currency))
		}
		s.LineItems = append(s.LineItems, li)
	}
	s.AmountSubtotal, s.AmountTotal = subtotal, subtotal
	if subtotal < 1 {
		return apperr.Invalid("line_items", "amount_too_small", "The total amount must be greater than zero.")
	}
	return nil
}

func exp(cur string) int32 { e, _ := money.Exponent(cur); return e }

// priceSource checks that exactly one of price, product and price_data is given.
func priceSource(param string, it LineItemParams) error {
	set := 0
	for _, present := range []bool{it.Price != nil, it.Product != nil, it.PriceData != nil} {
		if present {
			set++
		}
	}
	switch {
	case set == 0:
		return apperr.Invalid(param, "parameter_missing", "Each line item needs one of price, price_data or product.")
	case set > 1:
		return apperr.Invalid(param, "parameters_exclusive",
			"You may only specify one of these parameters: price, price_data, product.")
	case it.Price != nil:
		// The product library is not part of this server yet, so no price ID can exist.
		return apperr.Invalid(param+"[price]", "resource_missing", "No such price: '%s'", *it.Price)
	case it.Product != nil:
		return apperr.Invalid(param+"[product]", "resource_missing", "No such product: '%s'", *it.Product)
	}
	return nil
}

// adHocProduct fills the item's product from price_data[product_data] (never saved).
func adHocProduct(li *LineItem, pp string, pd *PriceDataParams) error {
	switch {
	case pd.Product != nil && pd.ProductData != nil:
		return apperr.Invalid(pp+"[product]", "parameters_exclusive",
			"You may only specify one of these parameters: product, product_data.")
	case pd.Product != nil:
		return apperr.Invalid(pp+"[product]", "resource_missing", "No such product: '%s'", *pd.Product)
	case pd.ProductData == nil:
		return apperr.Missing(pp + "[product_data]")
	}
	return fillProduct(li, pp+"[product_data]", pd.ProductData)
}

func buildLineItem(param string, it LineItemParams) (LineItem, error) {
	if err := priceSource(param, it); err != nil {
		return LineItem{}, err
	}
	if it.Quantity == nil {
		return LineItem{}, apperr.Missing(param + "[quantity]")
	}
	qty := *it.Quantity
	if qty < 1 || qty > MaxQuantity {
		return LineItem{}, apperr.Invalid(param+"[quantity]", "parameter_invalid_integer",
			"Quantity must be between 1 and %d.", MaxQuantity)
	}
	pd := it.PriceData
	pp := param + "[price_data]"
	if pd.Currency == nil {
		return LineItem{}, apperr.Missing(pp + "[currency]")
	}
	cur := strings.ToLower(*pd.Currency)
	if !money.Supported(cur) {
		return LineItem{}, apperr.Invalid(pp+"[currency]", "parameter_invalid",
			"Invalid currency: %s. Use a three-letter ISO code such as usd or eur.", *pd.Currency)
	}
	li := LineItem{ID: ident.New("li"), PriceID: ident.New("price"), Currency: cur, Quantity: qty}
	if err := fillUnitPrice(&li, pp, pd); err != nil {
		return LineItem{}, err
	}
	total, ok := money.LineTotal(li.UnitAmountDecimal, qty)
	if !ok || total > money.MaxAmount {
		return LineItem{}, apperr.Invalid(param, "amount_too_large",
			"The line item's amount (unit price × quantity) must be at most %d.", money.MaxAmount)
	}
	if total < 1 {
		return LineItem{}, apperr.Invalid(param, "amount_too_small", "The line item's amount rounds to zero.")
	}
	li.AmountSubtotal, li.AmountTotal = total, total
	return li, adHocProduct(&li, pp, pd)
}

// fillUnitPrice takes the unit price from unit_amount (whole minor units) or
// unit_amount_decimal (sub-minor precision), exactly one of them.
func fillUnitPrice(li *LineItem, pp string, pd *PriceDataParams) error {
	switch {
	case pd.UnitAmount != nil && pd.UnitAmountDecimal != nil:
		return apperr.Invalid(pp+"[unit_amount]", "parameters_exclusive",
			"You may only specify one of these parameters: unit_amount, unit_amount_decimal.")
	case pd.UnitAmount != nil:
		ua := *pd.UnitAmount
		if ua < 1 {
			return apperr.Invalid(pp+"[unit_amount]", "amount_too_small",
				"unit_amount must be a positive integer in the currency's smallest unit.")
		}
		if ua > money.MaxAmount {
			return apperr.Invalid(pp+"[unit_amount]", "amount_too_large", "unit_amount must be at most %d.", money.MaxAmount)
		}
		li.UnitAmount, li.UnitAmountDecimal = &ua, decimal.NewFromInt(ua)
		return nil
	case pd.UnitAmountDecimal != nil:
		return fillUnitDecimal(li, pp+"[unit_amount_decimal]", *pd.UnitAmountDecimal)
	}
	return apperr.Missing(pp + "[unit_amount]")
}

func fillUnitDecimal(li *LineItem, param, raw string) error {
	d, err := decimal.NewFromString(raw)
	if err != nil || d.Exponent() < -12 {
		return apperr.Invalid(param, "parameter_invalid", "unit_amount_decimal must be a decimal string with at most 12 decimal places.")
	}
	if d.Sign() <= 0 {
		return apperr.Invalid(param, "amount_too_small", "unit_amount_decimal must be greater than zero.")
	}
	if d.GreaterThan(decimal.NewFromInt(money.MaxAmount)) {
		return apperr.Invalid(param, "amount_too_large", "unit_amount_decimal must be at most %d.", money.MaxAmount)
	}
	li.UnitAmountDecimal = d
	if d.IsInteger() {
		ua := d.IntPart()
		li.UnitAmount = &ua
	}
	return nil
}

func fillProduct(li *LineItem, param string, pd *ProductDataParams) error {
	if pd.Name == nil || strings.TrimSpace(*pd.Name) == "" {
		return apperr.Missing(param + "[name]")
	}
	if err := text.Check(param+"[name]", *pd.Name, MaxNameLength); err != nil {
		return err
	}
	li.Name = *pd.Name
	li.ProductID = ident.New("prod")
	if pd.Description != nil {
		if err := text.Check(param+"[description]", *pd.Description, MaxDescLength); err != nil {
			return err
		}
		li.ProductDescription = *pd.Description
	}
	if len(pd.Images) > MaxImages {
		return apperr.Invalid(param+"[images]", "parameter_invalid", "At most %d images are allowed.", MaxImages)
	}
	for i, img := range pd.Images {
		p := fmt.Sprintf("%s[images][%d]", param, i)
		u, err := optionalURL(p, &img)
		if err != nil {
			return err
		}
		li.Images = append(li.Images, u)
	}
	if _, err := ValidateMetadata(param+"[metadata]", pd.Metadata); err != nil {
		return err
	}
	return nil
}

// optionalURL accepts an absolute http(s) URL; {CHECKOUT_SESSION_ID} is kept verbatim for later substitution.
func optionalURL(param string, raw *string) (string, error) {
	if raw == nil || *raw == "" {
		return "", nil
	}
	if len(*raw) > MaxURLLength {
		return "", apperr.Invalid(param, "url_invalid", "%s must be at most %d characters.", param, MaxURLLength)
	}
	if err := text.Check(param, *raw, MaxURLLength); err != nil {
		return "", err
	}
	probe := strings.ReplaceAll(*raw, "{CHECKOUT_SESSION_ID}", "cs_x")
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", apperr.Invalid(param, "url_invalid", "Not a valid URL: %s must be an absolute http or https URL.", param)
	}
	return *raw, nil
}

// ValidateMetadata applies the metadata rules (see package metadata).
func ValidateMetadata(param string, md map[string]string) (map[string]string, error) {
	return metadata.Validate(param, md)
}
