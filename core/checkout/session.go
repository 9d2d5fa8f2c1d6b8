// Package checkout holds checkout sessions: their states, the rules for creating and
// expiring them, and the ports the use cases need.
package checkout

import (
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
)

// Status is Stripe's checkout session status.
type Status string

const (
	StatusOpen     Status = "open"
	StatusComplete Status = "complete"
	StatusExpired  Status = "expired"
)

// PaymentStatus is Stripe's payment_status.
type PaymentStatus string

const (
	PaymentUnpaid PaymentStatus = "unpaid"
	PaymentPaid   PaymentStatus = "paid"
)

// Mode is Stripe's checkout mode.
type Mode string

const (
	ModePayment      Mode = "payment"
	ModeSubscription Mode = "subscription"
)

// Limits the SPEC sets on a session.
const (
	MaxLineItems    = 100
	MaxQuantity     = 999_999
	MinExpiry       = 30 * time.Minute
	MaxExpiry       = 24 * time.Hour
	DefaultExpiry   = 60 * time.Minute
	ExpirySkew      = time.Minute // tolerated clock skew between merchant and us on expires_at
	MaxURLLength    = 5000
	MaxClientRefLen = 200
	MaxNameLength   = 250
	MaxDescLength   = 500
	MaxImages       = 8
)

// Session is a checkout session as stored.
type Session struct {
	ID                string
	MerchantID        string
	Livemode          bool
	Mode              Mode
	Status            Status
	PaymentStatus     PaymentStatus
	Currency          string
	AmountSubtotal    int64
	AmountTotal       int64
	ClientReferenceID string
	CustomerEmail     string
	SuccessURL        string
	CancelURL         string
	UIMode            UIMode
	ReturnURL         string // embedded: where the shopper goes after paying
	ClientSecret      string // embedded: mounts the page on the merchant's site
	PaymentLink       string
	Metadata          map[string]string
	ExpiresAt         time.Time
	ExtendedTo        time.Time  // the deadline outages of its chain pushed past ExpiresAt (zero: none did)
	ExpiredAt         *time.Time // when it actually expired: at its due time, or earlier by request
	CompletedAt       *time.Time
	CreatedAt         time.Time
	LineItems         []LineItem // loaded only where asked for
	Crypto            Crypto
	WorkflowStarted   bool             // its workflow is known to exist (false: the start after commit is pending)
	Subscription      SubscriptionData // mode=subscription: what the subscription it creates starts with
	SubscriptionID    string           // the subscription its payment created, once it did
	InvoiceID         string           // the invoice it collects (a renewal's session)
	Resolution        Resolution       // the merchant's decision on an outcome the price did not settle
	AmountRefunded    int64            // minor units of Currency given back by succeeded refunds
}

// SubscriptionData is Stripe's subscription_data: kept on the session until its payment
// creates the subscription.
type SubscriptionData struct {
	Description string
	Metadata    map[string]string
}

// Crypto is the on-chain side of a session.
type Crypto struct {
	AcceptedAssets   []string        // asset IDs the shopper may pick from
	PreselectAsset   string          // crypto[asset]: selected by the workflow right after creation
	TolerancePercent decimal.Decimal // shortfall accepted, in percent
	AssetID          string          // the selected asset; empty until the shopper picks
	ChainID          int64
	Decimals         int32
	DepositAddress   string
	Rate             decimal.Decimal // fiat per whole asset unit, locked for the quote's lifetime
	AmountDue        *big.Int        // base units
	QuotedAt         time.Time
	QuoteExpiresAt   time.Time // when the quote lapses if nothing was paid; zero: it holds until expiry
	AmountReceived   *big.Int  // confirmed base units that count
	State            chain.CryptoState
	PaymentsSeen     int             // payments above dust on record; payment_detected fires when it grows
	PaymentsLive     int             // of those, not reverted; a reinstated payment makes it grow again
	Payments         []chain.Payment // loaded where asked for
	// SettlementDestination is the payout address a forwarder deposit address is bound to, on
	// SettlementChainID; empty for an xpub address.
	SettlementDestination string
	SettlementChainID     int64
}

// Due is when the session expires unless it is paid or expired sooner: expires_at, or later
// when outages of its chain's view were given back.
func (s *Session) Due() time.Time {
	if s.ExtendedTo.After(s.ExpiresAt) {
		return s.ExtendedTo
	}
	return s.ExpiresAt
}

// Deadline is the last moment a payment may be mined to count as a sale: the due time, or the
// moment of the merchant's expire request if that came first.
func (s *Session) Deadline() time.Time {
	if due := s.Due(); s.ExpiredAt == nil || !s.ExpiredAt.Before(due) {
		return due
	}
	return *s.ExpiredAt
}

// Terms are what the session's payments are judged against.
func (s *Session) Terms() chain.Terms {
	return chain.Terms{AssetID: s.Crypto.AssetID, AmountDue: s.Crypto.AmountDue,
		TolerancePercent: s.Crypto.TolerancePercent, ExpiresAt: s.Deadline(),
		Completed: s.Status == StatusComplete, Expired: s.Status == StatusExpired}
}

// LineItem is one priced item of a session: a snapshot of the price and product taken at
// creation, so later catalog edits never change it. Ad-hoc items carry their own price and
// product IDs so the object looks like Stripe's, but they are never saved to the library.
type LineItem struct {
	ID                 string
	Position           int
	PriceID            string
	ProductID          string
	Name               string
	ProductDescription string
	Images             []string
	Currency           string
	UnitAmount         *int64          // set when priced in whole minor units
	UnitAmountDecimal  decimal.Decimal // always set; exact unit price in minor units
	Quantity           int64
	AmountSubtotal     int64
	AmountTotal        int64
	LibraryPrice       bool                    // PriceID is a Product Library price (else ad hoc)
	LibraryProduct     bool                    // ProductID is a Product Library product (set at creation only)
	Adjustable         AdjustableQuantity      // the shopper may change Quantity within its bounds
	Recurring          *catalog.RecurringTerms // a subscription's recurring item (nil: charged once)
}

// AdjustableQuantity is Stripe's adjustable_quantity of a line item.
type AdjustableQuantity struct {
	Enabled          bool
	Minimum, Maximum int64
}

// Open reports whether the session can still be paid or expired.
func (s *Session) Open() bool { return s.Status == StatusOpen }
