package billing

import (
	"fmt"
	"maps"
	"time"

	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/ident"
)

// Terms are the merchant-wide rules a new subscription takes.
type Terms struct {
	DaysUntilDue int // send_invoice: how many days after a period starts its invoice is due (at least 1)
}

// Validate refuses a due delay under a day: the shopper needs time to pay a new invoice.
func (t Terms) Validate() error {
	if t.DaysUntilDue < 1 || t.DaysUntilDue > 365 {
		return fmt.Errorf("days until due: from 1 to 365, got %d", t.DaysUntilDue)
	}
	return nil
}

// FromSession makes the subscription a paid subscription-mode session creates, with its
// first invoice already paid by that session. Its periods are anchored at the payment's
// completion; its ID derives from the session's, so a retried creation finds the same one.
func FromSession(s *checkout.Session, items []checkout.LineItem, t Terms) (*Subscription, *Invoice, error) {
	plan, ok := checkout.PlanOf(items)
	if s.Mode != checkout.ModeSubscription || !ok {
		return nil, nil, fmt.Errorf("session %s is not a subscription session", s.ID)
	}
	if s.Status != checkout.StatusComplete || s.CompletedAt == nil {
		return nil, nil, fmt.Errorf("session %s is not complete", s.ID)
	}
	anchor := s.CompletedAt.UTC().Truncate(time.Second)
	sub := &Subscription{ID: SubscriptionID(s.ID), MerchantID: s.MerchantID, Livemode: s.Livemode, Status: StatusActive,
		Currency: s.Currency, Plan: Plan{Interval: plan.Interval, IntervalCount: plan.IntervalCount}, Anchor: anchor,
		CurrentPeriodStart: anchor, CollectionMethod: SendInvoice, DaysUntilDue: t.DaysUntilDue, Session: s.ID,
		AcceptedAssets: s.Crypto.AcceptedAssets, Description: s.Subscription.Description,
		Metadata: maps.Clone(s.Subscription.Metadata), Created: anchor}
	if sub.Metadata == nil {
		sub.Metadata = map[string]string{}
	}
	sub.CurrentPeriodEnd = sub.Plan.PeriodBoundary(anchor, 1)
	for _, li := range items {
		if li.Recurring == nil {
			continue
		}
		sub.Items = append(sub.Items, Item{ID: "si_" + ident.Random(24), PriceID: li.PriceID, ProductID: li.ProductID,
			Name: li.Name, Currency: li.Currency, UnitAmountDecimal: li.UnitAmountDecimal, Quantity: li.Quantity,
			Amount: li.AmountTotal})
	}
	if len(sub.Items) == 0 {
		return nil, nil, fmt.Errorf("session %s has no recurring line item", s.ID)
	}
	paidAt := anchor
	inv := &Invoice{ID: InvoiceID(sub.ID, 0), MerchantID: s.MerchantID, Livemode: s.Livemode, SubscriptionID: sub.ID,
		Status: InvoicePaid, BillingReason: ReasonCreate, Currency: s.Currency, AmountDue: s.AmountTotal,
		AmountPaid: s.AmountTotal, PeriodStart: anchor, PeriodEnd: sub.CurrentPeriodEnd, DueDate: anchor,
		Session: s.ID, Sessions: 1, PaidAt: &paidAt, Created: anchor}
	sub.LatestInvoice = inv.ID
	return sub, inv, nil
}
