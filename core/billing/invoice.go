package billing

import "time"

// InvoiceStatus is Stripe's invoice status.
type InvoiceStatus string

const (
	InvoiceOpen          InvoiceStatus = "open"
	InvoicePaid          InvoiceStatus = "paid"
	InvoiceVoid          InvoiceStatus = "void"          // canceled with its subscription: never owed
	InvoiceUncollectible InvoiceStatus = "uncollectible" // retries ran out: owed, written off (still payable)
)

// Billing reasons (Stripe's): the first invoice is paid by the session that created the
// subscription; the others open at each renewal.
const (
	ReasonCreate = "subscription_create"
	ReasonCycle  = "subscription_cycle"
)

// Invoice is what one period of a subscription costs and how it was paid.
type Invoice struct {
	ID             string
	MerchantID     string
	Livemode       bool
	SubscriptionID string
	Period         int // the subscription period it bills
	Status         InvoiceStatus
	BillingReason  string
	Currency       string
	AmountDue      int64
	AmountPaid     int64
	PeriodStart    time.Time
	PeriodEnd      time.Time
	DueDate        time.Time
	Attempts       int    // payment tries that failed (invoice.payment_failed sent for each)
	Session        string // the checkout session that collects it now
	Sessions       int    // how many sessions it has had: each lapsed one is replaced by a fresh quote
	PaidAt         *time.Time
	AutoCollection *AutoCollection // a renewal collected through the mandate: how it went (nil: never tried)
	Created        time.Time
}

// Payable reports whether a payment can still settle it.
func (i *Invoice) Payable() bool {
	return i.Status == InvoiceOpen || i.Status == InvoiceUncollectible
}
