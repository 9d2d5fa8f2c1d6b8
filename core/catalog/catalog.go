// Package catalog is the merchant's Product Library: products and their prices, the rules
// for creating, changing, deleting and selling them, and the use cases over them.
package catalog

import (
	"time"

	"github.com/shopspring/decimal"
)

// PriceType is Stripe's price type.
type PriceType string

const (
	OneTime   PriceType = "one_time"
	Recurring PriceType = "recurring"
)

// Interval is a recurring price's billing period.
type Interval string

const (
	Day   Interval = "day"
	Week  Interval = "week"
	Month Interval = "month"
	Year  Interval = "year"
)

// Limits of the library (Stripe's where it has one).
const (
	MaxNameLength   = 250
	MaxDescLength   = 500
	MaxImages       = 8
	MaxLookupKeyLen = 200
	MaxIDsFilter    = 100
)

// Product is a thing the merchant sells.
type Product struct {
	ID           string
	MerchantID   string
	Livemode     bool
	Name         string
	Description  string
	Images       []string
	Active       bool
	Metadata     map[string]string
	DefaultPrice string
	Created      time.Time
	Updated      time.Time
}

// RecurringTerms are a recurring price's period.
type RecurringTerms struct {
	Interval      Interval
	IntervalCount int64
}

// Price is what a product costs: once, or per period. Its amount never changes.
type Price struct {
	ID                string
	MerchantID        string
	Livemode          bool
	ProductID         string
	Currency          string
	UnitAmount        *int64          // set when the price is whole minor units
	UnitAmountDecimal decimal.Decimal // always set; exact unit price in minor units
	Type              PriceType
	Recurring         *RecurringTerms // set for Type == Recurring
	Active            bool
	LookupKey         string
	Metadata          map[string]string
	Created           time.Time
}

// Usage is what refers to a product: sold sessions and payment links.
type Usage struct {
	Sold   bool    // a checkout session was created with one of its prices
	Links  int     // payment links that sell one of its prices
	Prices []Price // its prices, deleted with it
}
