package checkout

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
)

// The use cases below are what the session's workflow does through its activities. Each is
// idempotent, since Temporal may run an activity more than once.

// events is the TransitionFunc of every change: the events the change stands for.
func (s *Service) events(ctx context.Context) TransitionFunc {
	return func(before, after *Session) ([]event.Event, error) {
		return s.transitionEvents(ctx, before, after, after.Crypto.Payments)
	}
}

// update applies rule to the session under its row lock and records the events it causes.
func (s *Service) update(ctx context.Context, id string, rule func(*Session, []chain.Payment) error) (*Session, error) {
	return s.store.Update(ctx, id, rule, s.events(ctx))
}

// quoteLifetimeOf is how long a quote in a holds: stablecoins until expiry, others a while.
func (s *Service) quoteLifetimeOf(a chain.Asset) time.Duration {
	if a.Peg != "" {
		return 0
	}
	return s.quoteLifetime
}

// quote prices the session's total in asset at the current rate.
func (s *Service) quote(ctx context.Context, sess *Session, assetID string) (chain.Quote, error) {
	asset, ok := s.chains.Asset(assetID)
	if !ok {
		return chain.Quote{}, apperr.Invalid("asset", "parameter_invalid", "Asset %q is no longer configured.", assetID)
	}
	rate, err := s.rates.Rate(ctx, asset, sess.Currency)
	if err != nil {
		return chain.Quote{}, fmt.Errorf("rate of %s in %s: %w", assetID, sess.Currency, err)
	}
	return chain.NewQuote(asset, sess.AmountTotal, sess.Currency, rate, s.now())
}

// AssignAsset quotes the asset and gives the session its deposit address (allocated once,
// never reused), deciding under the row lock whether the asset may still change.
func (s *Service) AssignAsset(ctx context.Context, sessionID, assetID string) (*Session, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.HoldsSelection(assetID, s.now()) {
		return sess, nil // a retry of a selection that already happened
	}
	q, err := s.quote(ctx, sess, assetID)
	if err != nil {
		return nil, err
	}
	if err := s.ensureAddress(ctx, sess, q.Asset.ChainID); err != nil {
		return nil, fmt.Errorf("deposit address of %s: %w", sessionID, err)
	}
	return s.update(ctx, sessionID, func(sess *Session, payments []chain.Payment) error {
		if sess.HoldsSelection(assetID, s.now()) {
			return nil // a selection of the same asset committed meanwhile: its quote stands
		}
		return sess.ApplyQuote(q, s.quoteLifetimeOf(q.Asset), payments)
	})
}

// ensureAddress gives the session its deposit address once: a forwarder bound to the
// merchant's payout address on chainID when settlement says so, else the next xpub address.
func (s *Service) ensureAddress(ctx context.Context, sess *Session, chainID int64) error {
	watchUntil := sess.WatchUntil()
	if sess.Crypto.DepositAddress == "" && s.binder != nil {
		b, ok, err := s.binder.Bind(ctx, sess.MerchantID, sess.Livemode, sess.ID, chainID)
		if err != nil {
			return err
		}
		if ok {
			_, err := s.store.EnsureForwarderAddress(ctx, sess.ID, b, watchUntil)
			return err
		}
	}
	_, err := s.store.EnsureDepositAddress(ctx, sess.ID, AddressBranch(sess.Livemode), s.addrs.DeriveAddress, watchUntil)
	return err
}

// Requote replaces a lapsed quote at the current rate when nothing was paid under it; a
// session whose quote still holds, or that received a payment, is returned unchanged.
func (s *Service) Requote(ctx context.Context, sessionID string) (*Session, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if !sess.Open() || !sess.QuoteLapsed(s.now()) {
		return sess, nil
	}
	q, err := s.quote(ctx, sess, sess.Crypto.AssetID)
	if err != nil {
		return nil, err
	}
	after, err := s.update(ctx, sessionID, func(sess *Session, payments []chain.Payment) error {
		return sess.Requote(q, s.quoteLifetimeOf(q.Asset), payments)
	})
	if apperr.IsKind(err, apperr.KindConflict) {
		return s.store.LoadSession(ctx, sessionID) // paid meanwhile, or closed: the quote stays
	}
	return after, err
}

// Reconcile sums the session's payments under its row lock, stores the resulting state
// (completing the session when confirmed funds cover it) and returns the session as it now is.
func (s *Service) Reconcile(ctx context.Context, sessionID string) (*Session, error) {
	return s.update(ctx, sessionID, func(sess *Session, payments []chain.Payment) error {
		sess.Settle(payments, s.now())
		return nil
	})
}

// ExpireAt expires an open session at deadline (expires_at, or the moment of an expire
// request) and records its event in the same transaction. A session no longer open is
// returned as it is; a payment confirming is a Conflict (the caller waits for it).
func (s *Service) ExpireAt(ctx context.Context, sessionID string, deadline time.Time) (*Session, error) {
	sess, err := s.update(ctx, sessionID, func(sess *Session, payments []chain.Payment) error {
		if !sess.Open() {
			return errAlreadyClosed
		}
		return sess.Expire(deadline, payments)
	})
	if errors.Is(err, errAlreadyClosed) {
		return s.store.LoadSession(ctx, sessionID)
	}
	return sess, err
}

var errAlreadyClosed = errors.New("session already closed")

// ScannedPast reports whether the session's chain has been scanned past t: every block mined
// at or before t has then been read, so the payments on record are all there are until t.
// A session without an asset has no address and nothing to wait for.
func (s *Service) ScannedPast(ctx context.Context, sessionID string, t time.Time) (bool, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return false, err
	}
	if sess.Crypto.AssetID == "" || sess.Crypto.DepositAddress == "" {
		return true, nil
	}
	cur, ok, err := s.store.Cursor(ctx, sess.Crypto.ChainID)
	if err != nil || !ok {
		return false, err
	}
	return cur.Time.After(t), nil
}

// DeadlineCheck is where a session stands at its due time.
type DeadlineCheck struct {
	Due   time.Time // its due time, outages of its chain's view given back
	Stale bool      // the chain's view is stale now: nothing can be decided
	Ready bool      // the chain has been scanned past Due: the payments on record are all there are
}

// CheckDeadline looks at an open session's chain at now: while its view is stale the session
// waits; the time the view was stale during the session's life is added to its due time
// (recorded on the session); once scanned past that, it may be decided. A session without an
// address, or no longer open, is ready at its due time.
func (s *Service) CheckDeadline(ctx context.Context, sessionID string) (DeadlineCheck, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return DeadlineCheck{}, err
	}
	v, watched, err := s.chainView(ctx, sess)
	if err != nil {
		return DeadlineCheck{}, err
	}
	if !watched {
		return DeadlineCheck{Due: sess.Due(), Ready: true}, nil
	}
	now := s.now()
	if v.stale(now) { // how much to give back is known once the view is fresh
		return DeadlineCheck{Due: sess.Due(), Stale: true}, nil
	}
	outages, err := s.store.Outages(ctx, v.chain.ID, sess.CreatedAt)
	if err != nil {
		return DeadlineCheck{}, err
	}
	due := chain.GiveBack(sess.CreatedAt, sess.ExpiresAt, outages, now)
	if due.After(sess.Due()) {
		if sess, err = s.update(ctx, sessionID, func(sess *Session, _ []chain.Payment) error {
			sess.ExtendTo(due)
			return nil
		}); err != nil {
			return DeadlineCheck{}, err
		}
	}
	return DeadlineCheck{Due: sess.Due(), Ready: v.cursor.Time.After(sess.Due())}, nil
}

// CheckNativeBalance compares the deposit address's balance with the native payments on
// record, at the block the scanner has reached (so no transfer it will still find is counted
// twice). A surplus is funds a contract sent internally: it is recorded as a payment, which
// the scanner then confirms like any other. Reports whether it recorded one.
func (s *Service) CheckNativeBalance(ctx context.Context, sessionID string) (bool, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return false, err
	}
	asset, ok := s.chains.Asset(sess.Crypto.AssetID)
	if !sess.Open() || !ok || !asset.Native() || sess.Crypto.DepositAddress == "" {
		return false, nil
	}
	cur, ok, err := s.store.Cursor(ctx, asset.ChainID)
	if err != nil || !ok {
		return false, err
	}
	balance, blockTime, err := s.bals.NativeBalance(ctx, asset.ChainID, sess.Crypto.DepositAddress, cur.Number)
	if err != nil {
		return false, fmt.Errorf("balance of %s: %w", sess.Crypto.DepositAddress, err)
	}
	payments, err := s.store.ListPayments(ctx, sessionID)
	if err != nil {
		return false, err
	}
	surplus := unseenNative(balance, asset.ID, payments)
	if surplus.Sign() <= 0 {
		return false, nil // nothing unseen (or the merchant already swept funds)
	}
	return s.store.RecordPayment(ctx, chain.Payment{ID: ident.New("pay"), SessionID: sessionID, ChainID: asset.ChainID,
		AssetID: asset.ID, TxHash: "balance@" + cur.Hash, LogIndex: chain.BalanceLogIndex, BlockNumber: cur.Number,
		BlockHash: cur.Hash, BlockTime: blockTime, To: sess.Crypto.DepositAddress, Amount: surplus,
		Status: chain.PaymentDetected, DetectedAt: s.now()})
}

// unseenNative is the part of balance no recorded native payment accounts for.
func unseenNative(balance *big.Int, assetID string, payments []chain.Payment) *big.Int {
	recorded := new(big.Int)
	for _, p := range payments {
		if p.AssetID == assetID && p.Status != chain.PaymentReverted {
			recorded.Add(recorded, p.Amount)
		}
	}
	return new(big.Int).Sub(balance, recorded)
}

// Accept completes an expired session with what it received, on the merchant's decision
// (Session.Accept), and records checkout.session.completed in the same transaction.
func (s *Service) Accept(ctx context.Context, sessionID string) (*Session, error) {
	return s.update(ctx, sessionID, func(sess *Session, payments []chain.Payment) error {
		return sess.Accept(payments, s.now())
	})
}
