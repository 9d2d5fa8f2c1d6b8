package checkout

import (
	"fmt"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/text"
)

// MaxSubscriptionDescLength is Stripe's limit on subscription_data[description].
const MaxSubscriptionDescLength = 500

// Plan is the period of a subscription-mode session: the one interval its recurring items
// share (ok false for a payment session).
func (s *Session) Plan() (catalog.RecurringTerms, bool) { return PlanOf(s.LineItems) }

// PlanOf is the period the recurring items among items share (ok false: none is recurring).
func PlanOf(items []LineItem) (catalog.RecurringTerms, bool) {
	for _, li := range items {
		if li.Recurring != nil {
			return *li.Recurring, true
		}
	}
	return catalog.RecurringTerms{}, false
}

// RenewalAmount is what each later period of a subscription session costs: its recurring
// items only (one-time items are charged with the first period).
func RenewalAmount(items []LineItem) int64 {
	var n int64
	for _, li := range items {
		if li.Recurring != nil {
			n += li.AmountTotal
		}
	}
	return n
}

// checkPlan: a subscription needs at least one recurring item, all on one interval (one-time
// items are charged with the first period); a payment session has none (CheckSellable).
func (s *Session) checkPlan() error {
	if s.Mode != ModeSubscription {
		return nil
	}
	plan, ok := s.Plan()
	if !ok {
		return apperr.Invalid("line_items", "parameter_invalid",
			"You must provide at least one recurring price in `subscription` mode when using prices.")
	}
	for i, li := range s.LineItems {
		if li.Recurring != nil && *li.Recurring != plan {
			return apperr.Invalid(fmt.Sprintf("line_items[%d]", i), "parameter_invalid",
				"All recurring prices of a subscription must share one billing period: %d %s was given after %d %s.",
				li.Recurring.IntervalCount, li.Recurring.Interval, plan.IntervalCount, plan.Interval)
		}
	}
	return nil
}

// buildSubscriptionData takes subscription_data, only in subscription mode.
func buildSubscriptionData(s *Session, p *SubscriptionDataParams) error {
	if p == nil {
		return nil
	}
	if s.Mode != ModeSubscription {
		return apperr.Invalid("subscription_data", "parameter_invalid",
			"subscription_data can only be used in `subscription` mode.")
	}
	if p.Description != nil {
		if err := text.Check("subscription_data[description]", *p.Description, MaxSubscriptionDescLength); err != nil {
			return err
		}
		s.Subscription.Description = *p.Description
	}
	md, err := ValidateMetadata("subscription_data[metadata]", p.Metadata)
	if err != nil {
		return err
	}
	s.Subscription.Metadata = md
	return nil
}
