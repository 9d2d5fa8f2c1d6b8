package billing

import (
	"time"

	"github.com/shopspring/decimal"
)

// Status is Stripe's subscription status.
type Status string

const (
	StatusIncomplete Status = "incomplete" // its first payment is not complete (not stored: a subscription is made by its paid session)
	StatusActive     Status = "active"
	StatusPastDue    Status = "past_due" // the latest invoice is past its due date and still being retried
	StatusCanceled   Status = "canceled" // ended for good
	StatusUnpaid     Status = "unpaid"   // retries ran out; renewals stop until the open invoice is paid
)

// CollectionMethod is how each period's invoice is collected (Stripe's names).
type CollectionMethod string

const (
	// SendInvoice: each period a new checkout session is the invoice's hosted page.
	SendInvoice CollectionMethod = "send_invoice"
	// ChargeAutomatically: the period's amount is pulled through the shopper's allowance.
	ChargeAutomatically CollectionMethod = "charge_automatically"
)

// Item is one recurring line of a subscription, snapshot of the price it was sold at.
type Item struct {
	ID                string
	PriceID           string
	ProductID         string
	Name              string
	Currency          string
	UnitAmountDecimal decimal.Decimal // minor units, exact
	Quantity          int64
	Amount            int64 // minor units per period
}

// Subscription is a shopper's recurring purchase from a merchant.
type Subscription struct {
	ID                 string
	MerchantID         string
	Livemode           bool
	Status             Status
	Currency           string
	Items              []Item
	Plan               Plan
	Anchor             time.Time // billing_cycle_anchor: periods are counted from it
	AnchorPeriod       int       // the period that starts at Anchor (0 unless re-anchored by a late payment)
	Period             int       // index of the current period, 0 for the first
	CurrentPeriodStart time.Time
	CurrentPeriodEnd   time.Time
	CancelAtPeriodEnd  bool
	CanceledAt         *time.Time
	EndedAt            *time.Time
	CollectionMethod   CollectionMethod
	Mandate            *MandateTerms // charge_automatically: the shopper's mandate, found on chain
	DaysUntilDue       int
	LatestInvoice      string
	Session            string   // the checkout session whose payment created it
	AcceptedAssets     []string // what the shopper may pay each invoice with: the first session's
	Description        string
	Metadata           map[string]string
	ClockOffset        time.Duration // test mode: how far its test clock is ahead of real time
	Created            time.Time
}

// Amount is what one period costs, in minor units.
func (s *Subscription) Amount() int64 {
	var n int64
	for _, it := range s.Items {
		n += it.Amount
	}
	return n
}

// Ended reports whether nothing more will happen to it.
func (s *Subscription) Ended() bool { return s.Status == StatusCanceled }

// Now is the subscription's time at real time now: its test clock's, in test mode.
func (s *Subscription) Now(now time.Time) time.Time { return now.Add(s.ClockOffset) }

// TestClock is the ID of the subscription's test clock ("" in live mode): one clock per test
// subscription, so advancing one never moves another.
func (s *Subscription) TestClock() string {
	if s.Livemode {
		return ""
	}
	return TestClockID(s.ID)
}
