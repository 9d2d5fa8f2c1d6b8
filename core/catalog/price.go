package catalog

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/text"
)

// sub names a child parameter in bracket notation ("" + "currency" is "currency").
func sub(param, key string) string {
	if param == "" {
		return key
	}
	return param + "[" + key + "]"
}

// PriceFromData checks the amount parts of a price (under param: "" for /v1/prices,
// "default_price_data", "line_items[0][price_data]") and returns a price holding them.
func PriceFromData(param string, d PriceDataParams) (Price, error) {
	if d.Currency == nil {
		return Price{}, apperr.Missing(sub(param, "currency"))
	}
	cur := strings.ToLower(*d.Currency)
	if !money.Supported(cur) {
		return Price{}, apperr.Invalid(sub(param, "currency"), "parameter_invalid",
			"Invalid currency: %s. Use a three-letter ISO code such as usd or eur.", *d.Currency)
	}
	if d.TaxBehavior != nil && *d.TaxBehavior != "unspecified" {
		return Price{}, apperr.Invalid(sub(param, "tax_behavior"), "parameter_invalid",
			"Taxes are not computed by this server: tax_behavior can only be unspecified.")
	}
	p := Price{Currency: cur, Type: OneTime}
	if err := p.fillUnit(param, d); err != nil {
		return Price{}, err
	}
	if d.Recurring != nil {
		r, err := recurringTerms(sub(param, "recurring"), *d.Recurring)
		if err != nil {
			return Price{}, err
		}
		p.Type, p.Recurring = Recurring, &r
	}
	return p, nil
}

// fillUnit takes the unit price from unit_amount (whole minor units) or unit_amount_decimal
// (sub-minor precision, at most 12 decimals), exactly one of them, greater than zero.
func (p *Price) fillUnit(param string, d PriceDataParams) error {
	switch {
	case d.UnitAmount != nil && d.UnitAmountDecimal != nil:
		return apperr.Invalid(sub(param, "unit_amount"), "parameters_exclusive",
			"You may only specify one of these parameters: unit_amount, unit_amount_decimal.")
	case d.UnitAmount != nil:
		ua, q := *d.UnitAmount, sub(param, "unit_amount")
		if ua < 1 {
			return apperr.Invalid(q, "amount_too_small", "unit_amount must be a positive integer in the currency's smallest unit.")
		}
		if ua > money.MaxAmount {
			return apperr.Invalid(q, "amount_too_large", "unit_amount must be at most %d.", money.MaxAmount)
		}
		p.UnitAmount, p.UnitAmountDecimal = &ua, decimal.NewFromInt(ua)
		return nil
	case d.UnitAmountDecimal != nil:
		return p.fillDecimal(sub(param, "unit_amount_decimal"), *d.UnitAmountDecimal)
	}
	return apperr.Missing(sub(param, "unit_amount"))
}

func (p *Price) fillDecimal(param, raw string) error {
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
	p.UnitAmountDecimal = d
	if d.IsInteger() {
		ua := d.IntPart()
		p.UnitAmount = &ua
	}
	return nil
}

// maxIntervalCount is three years in each interval, Stripe's longest period.
var maxIntervalCount = map[Interval]int64{Day: 1095, Week: 156, Month: 36, Year: 3}

// recurringTerms checks recurring{interval, interval_count}: at most three years per period.
func recurringTerms(param string, r RecurringParams) (RecurringTerms, error) {
	if r.Interval == nil {
		return RecurringTerms{}, apperr.Missing(sub(param, "interval"))
	}
	iv := Interval(*r.Interval)
	most, ok := maxIntervalCount[iv]
	if !ok {
		return RecurringTerms{}, apperr.Invalid(sub(param, "interval"), "parameter_invalid",
			"Invalid interval: must be one of day, week, month or year.")
	}
	t := RecurringTerms{Interval: iv, IntervalCount: 1}
	if r.IntervalCount != nil {
		t.IntervalCount = *r.IntervalCount
	}
	if t.IntervalCount < 1 || t.IntervalCount > most {
		return RecurringTerms{}, apperr.Invalid(sub(param, "interval_count"), "parameter_invalid_integer",
			"interval_count must be at least 1, and the period at most three years (3 years, 36 months, 156 weeks or 1095 days).")
	}
	return t, nil
}

// NewPrice checks POST /v1/prices. product is the existing product it prices (nil with
// product_data, when the price comes with a new product, returned too).
func NewPrice(p PriceCreateParams, c merchant.Caller, now time.Time, product *Product) (Price, *Product, error) {
	pr, err := PriceFromData("", p.PriceDataParams)
	if err != nil {
		return Price{}, nil, err
	}
	pr.ID, pr.MerchantID, pr.Livemode, pr.Active, pr.Created = ident.New("price"), c.MerchantID, c.Livemode, true, now
	if p.Active != nil {
		pr.Active = *p.Active
	}
	if pr.Metadata, err = metadata.Validate("metadata", p.Metadata); err != nil {
		return Price{}, nil, err
	}
	if p.LookupKey != nil {
		if pr.LookupKey, err = lookupKey(*p.LookupKey); err != nil {
			return Price{}, nil, err
		}
	}
	var made *Product
	switch {
	case p.Product != nil && p.ProductData != nil:
		return Price{}, nil, apperr.Invalid("product", "parameters_exclusive",
			"You may only specify one of these parameters: product, product_data.")
	case p.ProductData != nil:
		np, err := productFromData(p.ProductData, c, now)
		if err != nil {
			return Price{}, nil, err
		}
		made, product = &np, &np
	case product == nil:
		return Price{}, nil, apperr.Missing("product")
	}
	pr.ProductID = product.ID
	return pr, made, nil
}

func productFromData(d *PriceProductDataParams, c merchant.Caller, now time.Time) (Product, error) {
	p := Product{ID: ident.New("prod"), MerchantID: c.MerchantID, Livemode: c.Livemode, Active: true, Created: now, Updated: now}
	var err error
	if p.Name, err = requiredName("product_data[name]", d.Name); err != nil {
		return p, err
	}
	if d.Active != nil {
		p.Active = *d.Active
	}
	p.Metadata, err = metadata.Validate("product_data[metadata]", d.Metadata)
	return p, err
}

func lookupKey(k string) (string, error) {
	if err := text.Check("lookup_key", k, MaxLookupKeyLen); err != nil {
		return "", err
	}
	return k, nil
}

// Apply changes what a price may change: active, lookup_key and metadata. Its amount,
// currency and period never change, as in Stripe: a new price replaces it.
func (p *Price) Apply(u PriceUpdateParams) error {
	for param, sent := range map[string]bool{"unit_amount": u.UnitAmount != nil,
		"unit_amount_decimal": u.UnitAmountDecimal != nil, "currency": u.Currency != nil, "recurring": u.Recurring != nil} {
		if sent {
			return apperr.Invalid(param, "parameter_invalid",
				"A price's amount, currency and period cannot change: create a new price and deactivate this one.")
		}
	}
	if u.Active != nil {
		p.Active = *u.Active
	}
	if u.LookupKey != nil {
		k, err := lookupKey(*u.LookupKey)
		if err != nil {
			return err
		}
		p.LookupKey = k
	}
	md, err := metadata.Merge("metadata", p.Metadata, u.Metadata)
	if err != nil {
		return err
	}
	p.Metadata = md
	return nil
}

// CheckSellable refuses a price that cannot be sold now in a session of the given kind;
// param names the line item's field (line_items[1][price]). A subscription takes one-time
// prices beside its recurring ones: they are charged with the first period only.
func (p Price) CheckSellable(param string, prod Product, subscription bool) error {
	switch {
	case !p.Active:
		return apperr.Invalid(param, "parameter_invalid",
			"The price %s is not active; this field requires that all prices be active.", p.ID)
	case !prod.Active:
		return apperr.Invalid(param, "parameter_invalid",
			"The product %s of price %s is not active; activate it or sell another product.", prod.ID, p.ID)
	case p.Type == Recurring && !subscription:
		return apperr.Invalid(param, "parameter_invalid",
			"You specified `payment` mode but passed a recurring price (%s). Either switch to `subscription` mode or use only one-time prices.", p.ID)
	}
	return nil
}

// String is a short description for logs.
func (p Price) String() string {
	return fmt.Sprintf("%s (%s %s)", p.ID, p.UnitAmountDecimal, p.Currency)
}
