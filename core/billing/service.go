package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/metadata"
	"github.com/chaincheckout/checkout/core/paging"
)

// InvoiceSessionLifetime is how long each invoice session (one quote) stays payable; a
// lapsed one is replaced by a fresh quote at the next try or visit of the invoice page.
const InvoiceSessionLifetime = checkout.MaxExpiry

// Deps are the ports and settings of the billing use cases.
type Deps struct {
	Store    Store
	Sessions Sessions
	Orch     Orchestrator
	Encoder  Encoder
	Now      func() time.Time
	Dunning  Dunning
	Terms    Terms
	// Automatic collection: Collectors offers and reads mandates (nil: every subscription is
	// send_invoice); Txs follows collections, on the workers that send them.
	Collectors Collectors
	Txs        CollectionTxs
	Chains     chain.Config
}

// Service holds the subscription and invoice use cases.
type Service struct{ d Deps }

// NewService checks the dependencies and the merchant-wide rules.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Sessions == nil || d.Orch == nil || d.Encoder == nil || d.Now == nil {
		return nil, fmt.Errorf("billing.NewService: nil dependency")
	}
	if err := d.Dunning.Validate(); err != nil {
		return nil, err
	}
	if err := d.Terms.Validate(); err != nil {
		return nil, err
	}
	return &Service{d: d}, nil
}

// Dunning is the retry schedule the workflows follow.
func (s *Service) Dunning() Dunning { return s.d.Dunning }

// SessionCompleted is called once a session completes: a subscription-mode session creates
// its subscription (and starts its workflow), a renewal's session tells its subscription.
// Other sessions are none of billing's business. Idempotent.
func (s *Service) SessionCompleted(ctx context.Context, sessionID string) error {
	sess, err := s.d.Sessions.LoadSession(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("load session %s: %w", sessionID, err)
	}
	if sess.Status != checkout.StatusComplete {
		return nil
	}
	if sess.InvoiceID != "" {
		inv, err := s.d.Store.LoadInvoice(ctx, sess.InvoiceID)
		if err != nil {
			return fmt.Errorf("invoice of session %s: %w", sessionID, err)
		}
		return s.d.Orch.InvoicePaid(ctx, inv.SubscriptionID, inv.ID, sessionID)
	}
	if sess.Mode != checkout.ModeSubscription {
		return nil
	}
	items, err := s.d.Sessions.LoadLineItems(ctx, sessionID)
	if err != nil {
		return fmt.Errorf("line items of session %s: %w", sessionID, err)
	}
	sub, inv, err := FromSession(sess, items, s.d.Terms)
	if err != nil {
		return err
	}
	if sub.Mandate, err = s.mandateOf(ctx, sess, items); err != nil {
		return err
	}
	if sub.Mandate != nil {
		sub.CollectionMethod = ChargeAutomatically
	}
	events, err := eventsOf(ctx, s.d.Encoder, s.d.Now(), nil, sub, invoiceChange{nil, inv})
	if err != nil {
		return err
	}
	if sub, err = s.d.Store.Create(ctx, sub, inv, events); err != nil {
		return fmt.Errorf("create subscription of session %s: %w", sessionID, err)
	}
	return s.d.Orch.StartSubscription(ctx, sub)
}

// change runs rule under the store's lock and records the events of what it changed.
func (s *Service) change(ctx context.Context, id, invoiceID string, rule func(*Subscription, *Invoice) (*Invoice, error)) (*Subscription, *Invoice, error) {
	return s.d.Store.Update(ctx, id, invoiceID, func(sub *Subscription, inv *Invoice) (*Invoice, []event.Event, error) {
		before, invBefore := sub.snapshot(), *inv
		renewed, err := rule(sub, inv)
		if err != nil {
			return nil, nil, err
		}
		changes := []invoiceChange{{&invBefore, inv}}
		if renewed != nil {
			changes = append(changes, invoiceChange{nil, renewed})
		}
		events, err := eventsOf(ctx, s.d.Encoder, s.d.Now(), before, sub, changes...)
		return renewed, events, err
	})
}

// Advance applies what is due now (Subscription.Advance) and returns the subscription with
// its latest invoice; a renewal's invoice gets its first session.
func (s *Service) Advance(ctx context.Context, id string) (*Subscription, *Invoice, error) {
	if err := s.payLatestIfSettled(ctx, id); err != nil {
		return nil, nil, err
	}
	var step Step
	sub, inv, err := s.change(ctx, id, "", func(sub *Subscription, inv *Invoice) (*Invoice, error) {
		step = sub.Advance(inv, s.d.Dunning, s.d.Now())
		return step.Renewed, nil
	})
	if err != nil {
		return nil, nil, err
	}
	if step.Renewed != nil {
		inv = step.Renewed
	}
	if inv.Status == InvoiceOpen && (step.Renewed != nil || step.Failed > 0) && !sub.CollectsAutomatically(inv) {
		if _, err := s.InvoiceSession(ctx, inv.ID); err != nil {
			return nil, nil, err
		}
	}
	return sub, inv, nil
}

// payLatestIfSettled records a payment of the latest invoice whose news was lost (a signal
// that crossed a continue-as-new): a due try must never fail an invoice that is paid.
func (s *Service) payLatestIfSettled(ctx context.Context, id string) error {
	sub, err := s.d.Store.LoadSubscription(ctx, id)
	if err != nil {
		return err
	}
	inv, err := s.d.Store.LoadInvoice(ctx, sub.LatestInvoice)
	if err != nil || !inv.Payable() || inv.Session == "" {
		return err
	}
	_, err = s.Pay(ctx, id, inv.ID, inv.Session)
	return err
}

// Pay marks an invoice paid once sessionID, one of its sessions (any, not only the latest
// quote), completed (Subscription.Pay).
func (s *Service) Pay(ctx context.Context, subID, invoiceID, sessionID string) (*Subscription, error) {
	sess, err := s.d.Sessions.LoadSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.InvoiceID != invoiceID {
		return nil, fmt.Errorf("session %s does not collect invoice %s", sessionID, invoiceID)
	}
	if sess.Status != checkout.StatusComplete {
		return s.d.Store.LoadSubscription(ctx, subID)
	}
	sub, _, err := s.change(ctx, subID, invoiceID, func(sub *Subscription, inv *Invoice) (*Invoice, error) {
		return nil, sub.Pay(inv, s.d.Now())
	})
	return sub, err
}

// ApplyCancel, ApplyUpdate and ApplyClock are the workflow's side of the merchant's requests.
func (s *Service) ApplyCancel(ctx context.Context, id string) (*Subscription, error) {
	sub, _, err := s.change(ctx, id, "", func(sub *Subscription, inv *Invoice) (*Invoice, error) {
		return nil, sub.Cancel(inv, s.d.Now())
	})
	return sub, err
}

func (s *Service) ApplyUpdate(ctx context.Context, id string, u UpdateRequest) (*Subscription, error) {
	sub, _, err := s.change(event.WithRequest(ctx, u.Request), id, "", func(sub *Subscription, _ *Invoice) (*Invoice, error) {
		var merged map[string]string
		if u.Metadata != nil {
			var err error
			if merged, err = metadata.Merge("metadata", sub.Metadata, u.Metadata); err != nil {
				return nil, err
			}
		}
		return nil, sub.Apply(u, merged, s.d.Now())
	})
	return sub, err
}

func (s *Service) ApplyClock(ctx context.Context, id string, frozen time.Time) (*Subscription, error) {
	sub, _, err := s.change(ctx, id, "", func(sub *Subscription, _ *Invoice) (*Invoice, error) {
		return nil, sub.SetClock(frozen, s.d.Now())
	})
	return sub, err
}

// InvoiceSession returns the open session that collects an invoice now, making a fresh one
// (new quote, new deposit address) when it has none or its last one lapsed. The session's ID
// derives from the invoice and its count, so concurrent callers make one.
func (s *Service) InvoiceSession(ctx context.Context, invoiceID string) (*checkout.Session, error) {
	inv, err := s.d.Store.LoadInvoice(ctx, invoiceID)
	if err != nil {
		return nil, err
	}
	sess, k, err := s.invoiceSession(ctx, inv)
	if err != nil || k == 0 {
		return sess, err
	}
	return sess, s.d.Store.SetInvoiceSession(ctx, inv.ID, sess.ID, k)
}

// invoiceSession returns inv's current session, or creates session k for it (k > 0: not yet
// recorded on inv). The ID derives from inv and k, so a retry finds the session it made.
func (s *Service) invoiceSession(ctx context.Context, inv *Invoice) (*checkout.Session, int, error) {
	if inv.Session != "" {
		cur, err := s.d.Sessions.LoadSession(ctx, inv.Session)
		if err != nil {
			return nil, 0, err
		}
		if cur.Status != checkout.StatusExpired || !inv.Payable() {
			return cur, 0, nil
		}
	}
	if !inv.Payable() {
		return nil, 0, apperr.Conflict("invoice_not_payable", "Invoice %s is %s.", inv.ID, inv.Status)
	}
	sub, err := s.d.Store.LoadSubscription(ctx, inv.SubscriptionID)
	if err != nil {
		return nil, 0, err
	}
	k := inv.Sessions + 1
	id := InvoiceSessionID(inv.ID, k, inv.Livemode)
	sess, err := s.d.Sessions.LoadSession(ctx, id)
	if apperr.IsKind(err, apperr.KindNotFound) {
		sess, err = s.d.Sessions.CreateForInvoice(ctx, merchant.Caller{MerchantID: sub.MerchantID, Livemode: sub.Livemode},
			invoiceSessionParams(sub, inv, s.d.Now()), inv.ID, id)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("session %d of invoice %s: %w", k, inv.ID, err)
	}
	return sess, k, nil
}

// invoiceSessionParams is a payment session for the invoice's amount, its items as they were sold.
func invoiceSessionParams(sub *Subscription, inv *Invoice, now time.Time) checkout.CreateParams {
	p := checkout.CreateParams{Mode: ptr(string(checkout.ModePayment)), ExpiresAt: ptr(now.Add(InvoiceSessionLifetime).Unix()),
		Metadata: map[string]string{"subscription": sub.ID, "invoice": inv.ID},
		Crypto:   &checkout.CryptoParams{AcceptedAssets: sub.AcceptedAssets}}
	for _, it := range sub.Items {
		name := it.Name
		pd := checkout.PriceDataParams{ProductData: &checkout.ProductDataParams{Name: &name}}
		pd.Currency, pd.UnitAmountDecimal = ptr(it.Currency), ptr(it.UnitAmountDecimal.String())
		p.LineItems = append(p.LineItems, checkout.LineItemParams{PriceData: &pd, Quantity: ptr(it.Quantity)})
	}
	return p
}

func ptr[T any](v T) *T { return &v }

// Get returns the caller's subscription.
func (s *Service) Get(ctx context.Context, c merchant.Caller, id string) (*Subscription, error) {
	return s.d.Store.Subscription(ctx, c.MerchantID, c.Livemode, id)
}

// List returns the caller's subscriptions.
func (s *Service) List(ctx context.Context, c merchant.Caller, q ListQuery) (paging.Page[*Subscription], error) {
	if err := q.Page.Normalize(); err != nil {
		return paging.Page[*Subscription]{}, err
	}
	switch q.Status {
	case "": // Stripe's default: every subscription but the canceled ones
		q.Exclude = StatusCanceled
	case "all":
		q.Status = ""
	case StatusActive, StatusPastDue, StatusCanceled, StatusUnpaid, StatusIncomplete:
	default:
		return paging.Page[*Subscription]{}, apperr.Invalid("status", "parameter_invalid",
			"Invalid status: must be one of active, past_due, unpaid, canceled, incomplete or all.")
	}
	q.MerchantID, q.Livemode = c.MerchantID, c.Livemode
	return s.d.Store.ListSubscriptions(ctx, q)
}

// Cancel cancels the caller's subscription now, through its workflow.
func (s *Service) Cancel(ctx context.Context, c merchant.Caller, id string) (*Subscription, error) {
	sub, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if sub.Ended() {
		return nil, apperr.Invalid("", "resource_missing", "The subscription %s is already canceled.", id)
	}
	if err := s.d.Orch.Cancel(ctx, sub); err != nil {
		return nil, err
	}
	return s.Get(ctx, c, id)
}

// Update changes the caller's subscription, through its workflow.
func (s *Service) Update(ctx context.Context, c merchant.Caller, id string, u UpdateRequest) (*Subscription, error) {
	sub, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if _, err := metadata.Merge("metadata", sub.Metadata, u.Metadata); err != nil {
		return nil, err
	}
	if err := sub.snapshot().Apply(u, nil, s.d.Now()); err != nil {
		return nil, err
	}
	u.Request = event.RequestFrom(ctx)
	if err := s.d.Orch.Update(ctx, sub, u); err != nil {
		return nil, err
	}
	return s.Get(ctx, c, id)
}

// AdvanceClock moves a test subscription's clock (test_helpers/test_clocks/:id/advance).
func (s *Service) AdvanceClock(ctx context.Context, c merchant.Caller, clockID string, frozen time.Time) (*Subscription, error) {
	sub, err := s.Clock(ctx, c, clockID)
	if err != nil {
		return nil, err
	}
	if err := sub.snapshot().SetClock(frozen, s.d.Now()); err != nil {
		return nil, err
	}
	if err := s.d.Orch.SetClock(ctx, sub, frozen); err != nil {
		return nil, err
	}
	return s.Get(ctx, c, sub.ID)
}

// Clock returns the subscription of a test clock.
func (s *Service) Clock(ctx context.Context, c merchant.Caller, clockID string) (*Subscription, error) {
	subID, ok := SubscriptionOfClock(clockID)
	if !ok || c.Livemode {
		return nil, apperr.NotFound("test_clock", clockID)
	}
	sub, err := s.d.Store.Subscription(ctx, c.MerchantID, c.Livemode, subID)
	if apperr.IsKind(err, apperr.KindNotFound) {
		return nil, apperr.NotFound("test_clock", clockID)
	}
	return sub, err
}

// Invoice returns the caller's invoice.
func (s *Service) Invoice(ctx context.Context, c merchant.Caller, id string) (*Invoice, error) {
	return s.d.Store.Invoice(ctx, c.MerchantID, c.Livemode, id)
}

// Invoices lists the caller's invoices.
func (s *Service) Invoices(ctx context.Context, c merchant.Caller, q InvoiceQuery) (paging.Page[*Invoice], error) {
	if err := q.Page.Normalize(); err != nil {
		return paging.Page[*Invoice]{}, err
	}
	switch q.Status {
	case "", InvoiceOpen, InvoicePaid, InvoiceVoid, InvoiceUncollectible:
	default:
		return paging.Page[*Invoice]{}, apperr.Invalid("status", "parameter_invalid",
			"Invalid status: must be one of open, paid, void or uncollectible.")
	}
	q.MerchantID, q.Livemode = c.MerchantID, c.Livemode
	return s.d.Store.ListInvoices(ctx, q)
}
