package settlement

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// PayoutReader is the read side of the ledger that the API and the operator use: payouts and
// balance transactions of one merchant and mode (apperr NotFound for another's).
type PayoutReader interface {
	Payout(ctx context.Context, merchantID string, livemode bool, id string) (Payout, error)
	ListPayouts(ctx context.Context, merchantID string, livemode bool, f PayoutFilter) (paging.Page[Payout], error)
	ListBalanceTransactions(ctx context.Context, merchantID string, livemode bool, f LineFilter) (paging.Page[Line], error)
	BalanceTransaction(ctx context.Context, merchantID string, livemode bool, id string) (Line, error)
}

// Payouts holds the read use cases of payouts and balance transactions, each scoped to the
// caller's merchant and mode.
type Payouts struct {
	store PayoutReader
}

// NewPayouts wires the payout read use cases.
func NewPayouts(store PayoutReader) (*Payouts, error) {
	if store == nil {
		return nil, errors.New("settlement.NewPayouts: nil store")
	}
	return &Payouts{store: store}, nil
}

// Retrieve returns one of the caller's payouts.
func (s *Payouts) Retrieve(ctx context.Context, c merchant.Caller, id string) (Payout, error) {
	return s.store.Payout(ctx, c.MerchantID, c.Livemode, id)
}

// List pages through the caller's payouts, newest first.
func (s *Payouts) List(ctx context.Context, c merchant.Caller, f PayoutFilter) (paging.Page[Payout], error) {
	if err := f.Check(); err != nil {
		return paging.Page[Payout]{}, err
	}
	return s.store.ListPayouts(ctx, c.MerchantID, c.Livemode, f)
}

// ListLines pages through the caller's balance transactions, newest first; with a payout, the
// lines it paid out (the reconciliation view), which must be one of the caller's payouts.
func (s *Payouts) ListLines(ctx context.Context, c merchant.Caller, f LineFilter) (paging.Page[Line], error) {
	if err := f.Check(); err != nil {
		return paging.Page[Line]{}, err
	}
	if f.PayoutID != "" {
		if _, err := s.store.Payout(ctx, c.MerchantID, c.Livemode, f.PayoutID); err != nil {
			if apperr.IsKind(err, apperr.KindNotFound) {
				return paging.Page[Line]{}, apperr.Invalid("payout", "resource_missing", "No such payout: '%s'", f.PayoutID)
			}
			return paging.Page[Line]{}, err
		}
	}
	return s.store.ListBalanceTransactions(ctx, c.MerchantID, c.Livemode, f)
}

// Line returns one of the caller's balance transactions.
func (s *Payouts) Line(ctx context.Context, c merchant.Caller, id string) (Line, error) {
	return s.store.BalanceTransaction(ctx, c.MerchantID, c.Livemode, id)
}

// Export returns one of the caller's payouts with every line it holds (all pages), newest
// first, for an accountant's file.
func (s *Payouts) Export(ctx context.Context, c merchant.Caller, payoutID string) (Payout, []Line, error) {
	p, err := s.Retrieve(ctx, c, payoutID)
	if err != nil {
		return Payout{}, nil, err
	}
	var lines []Line
	f := LineFilter{PayoutID: payoutID, Params: paging.Params{Limit: paging.MaxLimit}}
	for {
		page, err := s.store.ListBalanceTransactions(ctx, c.MerchantID, c.Livemode, f)
		if err != nil {
			return Payout{}, nil, err
		}
		lines = append(lines, page.Data...)
		if !page.HasMore || len(page.Data) == 0 {
			return p, lines, nil
		}
		f.Params.StartingAfter = page.Data[len(page.Data)-1].ID
	}
}

// Check normalizes the paging and refuses an unknown status.
func (f *PayoutFilter) Check() error {
	if err := f.Params.Normalize(); err != nil {
		return err
	}
	switch PayoutStatus(f.Status) {
	case "", PayoutPending, PayoutInTransit, PayoutPaid, PayoutFailed:
		return nil
	}
	return apperr.Invalid("status", "parameter_invalid", "Invalid status %q: must be one of %s, %s, %s or %s.",
		f.Status, PayoutPending, PayoutInTransit, PayoutPaid, PayoutFailed)
}

// Check normalizes the paging and refuses an unknown type.
func (f *LineFilter) Check() error {
	if err := f.Params.Normalize(); err != nil {
		return err
	}
	switch f.Type {
	case "", TypePayment, TypeAdjustment, TypeRefund:
		return nil
	}
	return apperr.Invalid("type", "parameter_invalid", "Invalid type %q: must be %s, %s or %s.", f.Type, TypePayment, TypeAdjustment, TypeRefund)
}

// PayoutEventType names the event a change of a payout from before to after stands for:
// payout.paid or payout.failed when it reaches that status, "" otherwise (a retried change,
// before == after, emits nothing).
func PayoutEventType(before, after Payout) string {
	if before.Status == after.Status {
		return ""
	}
	switch after.Status {
	case PayoutPaid:
		return event.PayoutPaid
	case PayoutFailed:
		return event.PayoutFailed
	}
	return ""
}

// PayoutEvents builds the event of a payout's change from before to after, with the payout as
// the API shows it now, for UpdatePayout to record with the change: none unless it was paid
// or failed. Payout events are about no session.
func PayoutEvents(ctx context.Context, enc Encoder, before, after Payout, now time.Time) ([]event.Event, error) {
	typ := PayoutEventType(before, after)
	if typ == "" {
		return nil, nil
	}
	obj, err := enc.EncodePayout(ctx, after)
	if err != nil {
		return nil, fmt.Errorf("encode payout %s: %w", after.ID, err)
	}
	prev, err := json.Marshal(map[string]any{"status": before.Status})
	if err != nil {
		return nil, err
	}
	return []event.Event{{ID: ident.New("evt"), Type: typ, MerchantID: after.MerchantID, Livemode: after.Livemode,
		Created: now, Object: obj, PreviousAttributes: prev, Request: event.RequestFrom(ctx)}}, nil
}
