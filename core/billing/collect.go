package billing

import (
	"context"
	"fmt"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
)

// MandateOffer is what the hosted page asks a shopper's wallet to sign so the subscription
// renews by itself: the terms and the two calls that set them up.
type MandateOffer struct {
	Terms                      MandateTerms
	ApproveData, AuthorizeData []byte
}

// MandateOffer is the automatic collection a subscription session can offer now, or why it
// cannot (an apperr, for the page to leave the offer out): only while it is open and nothing
// has been paid, so the mandate is in place before the payment that creates the subscription.
func (s *Service) MandateOffer(sess *checkout.Session, items []checkout.LineItem) (MandateOffer, error) {
	if s.d.Collectors == nil {
		return MandateOffer{}, refuse("no_collector", "Automatic collection is not configured.")
	}
	if !sess.Open() || sess.Crypto.PaymentsSeen > 0 {
		return MandateOffer{}, refuse("session_not_fresh", "Session %s is no longer waiting for its first payment.", sess.ID)
	}
	t, err := MandateTermsOf(sess, items, s.d.Chains)
	if err != nil {
		return MandateOffer{}, err
	}
	approve, authorize, err := s.d.Collectors.AuthorizeCalls(t)
	if err != nil {
		return MandateOffer{}, fmt.Errorf("mandate calls of session %s: %w", sess.ID, err)
	}
	return MandateOffer{Terms: t, ApproveData: approve, AuthorizeData: authorize}, nil
}

// mandateOf is the mandate the shopper authorized for the subscription sess creates, read on
// chain and checked against its terms; nil when there is none, and the subscription is
// collected by invoice.
func (s *Service) mandateOf(ctx context.Context, sess *checkout.Session, items []checkout.LineItem) (*MandateTerms, error) {
	if s.d.Collectors == nil {
		return nil, nil
	}
	t, err := MandateTermsOf(sess, items, s.d.Chains)
	if err != nil {
		return nil, nil //nolint:nilerr // not eligible: collected by invoice
	}
	m, err := s.d.Collectors.Mandate(ctx, t.ChainID, t.Collector, t.ID)
	if err != nil {
		return nil, fmt.Errorf("mandate of session %s: %w", sess.ID, err)
	}
	if m.Payer == "" {
		return nil, nil
	}
	payments, err := s.d.Sessions.PaymentsOf(ctx, []string{sess.ID})
	if err != nil {
		return nil, fmt.Errorf("payments of session %s: %w", sess.ID, err)
	}
	var payers []string
	for _, p := range payments[sess.ID] {
		if p.Live() && p.AssetID == t.AssetID {
			payers = append(payers, p.From)
		}
	}
	accepted, err := t.Accept(m, payers)
	if err != nil {
		return nil, nil //nolint:nilerr // a mandate that does not match is not used
	}
	return &accepted, nil
}

// CollectionStep is what the subscription workflow does about its latest invoice: nothing,
// or have the gas wallet send Data to To under Key and wait for it.
type CollectionStep struct {
	InvoiceID string
	Send      bool
	ChainID   int64
	Key, To   string
	Data      []byte
}

// CollectionKey is the gas wallet's business key of an invoice's collection: one per invoice.
func CollectionKey(invoiceID string) string { return "collect/" + invoiceID }

// StartCollection starts the automatic collection of the latest invoice when it is due one:
// if the collector says the collection would succeed, the invoice is marked pending and the
// step says what to send; otherwise the period falls back to the hosted invoice.
func (s *Service) StartCollection(ctx context.Context, subID string) (CollectionStep, error) {
	sub, err := s.d.Store.LoadSubscription(ctx, subID)
	if err != nil {
		return CollectionStep{}, err
	}
	inv, err := s.d.Store.LoadInvoice(ctx, sub.LatestInvoice)
	if err != nil {
		return CollectionStep{}, err
	}
	step := CollectionStep{InvoiceID: inv.ID}
	if inv.AutoCollection != nil && inv.AutoCollection.Status == CollectionPending {
		return s.collectCall(sub, step)
	}
	if !sub.CollectsAutomatically(inv) {
		return step, nil
	}
	if s.d.Collectors == nil || s.d.Txs == nil { // another worker, with the chain's gas wallet, may take it
		return step, fmt.Errorf("this worker sends no collections: no gas wallet for chain %d", sub.Mandate.ChainID)
	}
	m := sub.Mandate
	reason, err := s.d.Collectors.Collectable(ctx, m.ChainID, m.Collector, m.ID, m.Amount)
	if err != nil {
		return step, fmt.Errorf("collectable %s: %w", inv.ID, err)
	}
	if reason != "" {
		return step, s.FailCollection(ctx, subID, inv.ID, reason)
	}
	started := false
	if _, _, err := s.change(ctx, subID, inv.ID, func(sub *Subscription, inv *Invoice) (*Invoice, error) {
		if !sub.CollectsAutomatically(inv) { // canceled meanwhile: nothing to collect
			return nil, nil
		}
		started = true
		return nil, sub.StartCollection(inv)
	}); err != nil || !started {
		return step, err
	}
	return s.collectCall(sub, step)
}

func (s *Service) collectCall(sub *Subscription, step CollectionStep) (CollectionStep, error) {
	if sub.Mandate == nil || s.d.Collectors == nil {
		return step, fmt.Errorf("subscription %s cannot send its collection from this worker", sub.ID)
	}
	data, err := s.d.Collectors.CollectCall(sub.Mandate.ID, sub.Mandate.Amount)
	if err != nil {
		return step, err
	}
	step.Send, step.ChainID, step.Key, step.To, step.Data = true, sub.Mandate.ChainID, CollectionKey(step.InvoiceID), sub.Mandate.Collector, data
	return step, nil
}

// FailCollection records why an invoice was not collected automatically and gives it its
// hosted page (a checkout session), as a send_invoice period.
func (s *Service) FailCollection(ctx context.Context, subID, invoiceID, reason string) error {
	inv, err := s.d.Store.LoadInvoice(ctx, invoiceID)
	if err != nil {
		return err
	}
	// The session comes first, so the invoice.updated that sends the shopper the invoice
	// carries its hosted_invoice_url.
	sess, k, err := s.invoiceSession(ctx, inv)
	if err != nil && !apperr.IsKind(err, apperr.KindConflict) { // conflict: no longer payable, nothing to send
		return err
	}
	_, _, err = s.change(ctx, subID, invoiceID, func(sub *Subscription, inv *Invoice) (*Invoice, error) {
		sub.FailCollection(inv, reason)
		if k > 0 && inv.Sessions < k {
			inv.Session, inv.Sessions = sess.ID, k
		}
		return nil, nil
	})
	return err
}

// CheckCollection looks for an invoice's collect transaction: confirmed and successful, the
// invoice is paid; reverted, the period falls back to the hosted invoice. It reports where the
// collection stands.
func (s *Service) CheckCollection(ctx context.Context, subID, invoiceID string) (CollectionStatus, error) {
	sub, err := s.d.Store.LoadSubscription(ctx, subID)
	if err != nil {
		return "", err
	}
	inv, err := s.d.Store.LoadInvoice(ctx, invoiceID)
	if err != nil {
		return "", err
	}
	if inv.AutoCollection == nil || inv.AutoCollection.Status != CollectionPending || sub.Mandate == nil {
		return collectionStatusOf(inv), nil
	}
	ch, ok := s.d.Chains.Chain(sub.Mandate.ChainID)
	if s.d.Txs == nil {
		return CollectionPending, fmt.Errorf("this process follows no gas wallet's transactions")
	}
	if !ok {
		return CollectionPending, fmt.Errorf("chain %d is not configured", sub.Mandate.ChainID)
	}
	tx, found, err := s.d.Txs.Mined(ctx, ch.ID, CollectionKey(invoiceID))
	if err != nil || !found || tx.Confirmations < ch.Confirmations {
		return CollectionPending, err
	}
	if !tx.Succeeded {
		return CollectionFailed, s.FailCollection(ctx, subID, invoiceID, ReasonReverted)
	}
	_, paid, err := s.change(ctx, subID, invoiceID, func(sub *Subscription, inv *Invoice) (*Invoice, error) {
		return nil, sub.Collected(inv, tx.Hash, s.d.Now())
	})
	if err != nil {
		return CollectionPending, err
	}
	return collectionStatusOf(paid), nil
}

func collectionStatusOf(inv *Invoice) CollectionStatus {
	if inv.AutoCollection == nil {
		return CollectionFailed
	}
	return inv.AutoCollection.Status
}
