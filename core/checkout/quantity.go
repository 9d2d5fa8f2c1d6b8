package checkout

import (
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
)

// Stripe's adjustable_quantity bounds.
const (
	DefaultMaxAdjustable = 99
	MaxAdjustable        = 999_999
)

// CheckAdjustable applies adjustable's rules to a line item before any session exists (a
// payment link's items).
func CheckAdjustable(param string, p *AdjustableQuantityParams, qty int64, onlyItem bool) error {
	_, err := adjustable(param, p, qty, onlyItem)
	return err
}

// adjustable checks adjustable_quantity against the item's quantity. Stripe's defaults: a
// minimum of 0 (1 for a session's only item, which cannot go to zero) and a maximum of 99.
func adjustable(param string, p *AdjustableQuantityParams, qty int64, onlyItem bool) (AdjustableQuantity, error) {
	if p == nil {
		return AdjustableQuantity{}, nil
	}
	if p.Enabled == nil {
		return AdjustableQuantity{}, apperr.Missing(param + "[enabled]")
	}
	a := AdjustableQuantity{Enabled: *p.Enabled, Maximum: DefaultMaxAdjustable}
	if onlyItem {
		a.Minimum = 1
	}
	if p.Minimum != nil {
		a.Minimum = *p.Minimum
	}
	if p.Maximum != nil {
		a.Maximum = *p.Maximum
	}
	switch {
	case !a.Enabled && (p.Minimum != nil || p.Maximum != nil):
		return AdjustableQuantity{}, apperr.Invalid(param+"[enabled]", "parameter_invalid",
			"minimum and maximum need adjustable_quantity[enabled]=true.")
	case !a.Enabled:
		return AdjustableQuantity{}, nil
	case a.Minimum < 0 || a.Minimum > MaxAdjustable:
		return a, apperr.Invalid(param+"[minimum]", "parameter_invalid_integer", "minimum must be between 0 and %d.", MaxAdjustable)
	case a.Maximum < 1 || a.Maximum > MaxAdjustable || a.Maximum < a.Minimum:
		return a, apperr.Invalid(param+"[maximum]", "parameter_invalid_integer",
			"maximum must be between 1 and %d and at least the minimum.", MaxAdjustable)
	case qty < a.Minimum || qty > a.Maximum:
		return a, apperr.Invalid(param, "parameter_invalid",
			"The quantity %d must lie between adjustable_quantity's minimum %d and maximum %d.", qty, a.Minimum, a.Maximum)
	}
	return a, nil
}

// SetQuantity is the shopper's change of an adjustable item on the hosted page. It is allowed
// while the session is open and no asset was picked (no quote exists yet to follow the total);
// the totals are computed again and must stay above zero. LineItems must be loaded.
func (s *Session) SetQuantity(itemID string, qty int64) error {
	if err := s.quantitiesAdjustable(); err != nil {
		return err
	}
	for i := range s.LineItems {
		li := &s.LineItems[i]
		if li.ID != itemID {
			continue
		}
		a := li.Adjustable
		if !a.Enabled {
			return apperr.Invalid("quantity", "parameter_invalid", "The quantity of this item cannot be changed.")
		}
		if qty < a.Minimum || qty > a.Maximum {
			return apperr.Invalid("quantity", "parameter_invalid_integer", "The quantity must be between %d and %d.", a.Minimum, a.Maximum)
		}
		li.Quantity = qty
		if err := li.lineTotal("quantity"); err != nil {
			return err
		}
		return s.total()
	}
	return apperr.Invalid("item", "resource_missing", "No such line item: '%s'", itemID)
}

// QuantitiesAdjustable reports whether the shopper may still change adjustable quantities.
func (s *Session) QuantitiesAdjustable() bool { return s.quantitiesAdjustable() == nil }

func (s *Session) quantitiesAdjustable() error {
	if !s.Open() {
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is %s; its quantities no longer change.", s.ID, s.Status)
	}
	if s.Crypto.AssetID != "" {
		return apperr.Conflict("quantity_locked", "The quantities can no longer change: the amount in crypto was already quoted.")
	}
	return nil
}

// LibraryIDs are the library prices and products p's line items name, for the lookup that
// Build's listing comes from.
func (p CreateParams) LibraryIDs() (prices, products []string) {
	for _, it := range p.LineItems {
		switch {
		case it.Price != nil:
			prices = append(prices, *it.Price)
		case it.Product != nil:
			products = append(products, *it.Product)
		case it.PriceData != nil && it.PriceData.Product != nil:
			products = append(products, *it.PriceData.Product)
		}
	}
	return prices, products
}

// emptyListing is what a session without library items is built from.
var emptyListing = catalog.Listing{}
