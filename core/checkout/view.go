package checkout

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
)

// ShopperView is what the hosted page shows: the session with its items and payments, whom
// it pays, and how far each chain has been scanned (for confirmations).
type ShopperView struct {
	Session      *Session
	MerchantName string
	LineItems    []LineItem
	Heights      map[int64]uint64
	Ledger       chain.Ledger
	AssetLocked  bool // the shopper can no longer change the asset
	ChainStale   bool // the open session's chain cannot be watched right now (an outage)
}

// ShopperView loads a session for its hosted page; the session ID is the shopper's credential.
// withItems is false for the page's status poll, which shows no items.
func (s *Service) ShopperView(ctx context.Context, id string, withItems bool) (*ShopperView, error) {
	sess, err := s.store.LoadSession(ctx, id)
	if err != nil {
		return nil, err
	}
	if sess.Crypto.Payments, err = s.store.ListPayments(ctx, id); err != nil {
		return nil, fmt.Errorf("load payments of %s: %w", id, err)
	}
	v := &ShopperView{Session: sess, Ledger: chain.Account(sess.Terms(), sess.Crypto.Payments),
		AssetLocked: sess.AssetLocked(sess.Crypto.Payments)}
	if len(sess.Crypto.Payments) > 0 {
		if v.Heights, err = s.store.ScannedHeights(ctx); err != nil {
			return nil, fmt.Errorf("scanned heights: %w", err)
		}
	}
	if v.ChainStale, err = s.chainStale(ctx, sess); err != nil {
		return nil, err
	}
	if !withItems {
		return v, nil
	}
	if v.MerchantName, err = s.names.MerchantName(ctx, sess.MerchantID); err != nil {
		return nil, fmt.Errorf("merchant of %s: %w", id, err)
	}
	if v.LineItems, err = s.store.LoadLineItems(ctx, id); err != nil {
		return nil, fmt.Errorf("load line items of %s: %w", id, err)
	}
	return v, nil
}

// ScannedHeights is how far each chain has been scanned: confirmations are counted from it.
func (s *Service) ScannedHeights(ctx context.Context) (map[int64]uint64, error) {
	return s.store.ScannedHeights(ctx)
}

// chainView is an open session's chain with how far its scanner has read; ok is false when
// there is nothing to watch (closed, no address yet, or a chain no longer configured).
type chainView struct {
	chain   chain.Chain
	cursor  chain.BlockRef
	scanned bool
}

func (s *Service) chainView(ctx context.Context, sess *Session) (chainView, bool, error) {
	ch, ok := s.chains.Chain(sess.Crypto.ChainID)
	if !sess.Open() || sess.Crypto.DepositAddress == "" || !ok {
		return chainView{}, false, nil
	}
	cur, scanned, err := s.store.Cursor(ctx, ch.ID)
	if err != nil {
		return chainView{}, false, fmt.Errorf("cursor of chain %d: %w", ch.ID, err)
	}
	return chainView{chain: ch, cursor: cur, scanned: scanned}, true, nil
}

func (v chainView) stale(now time.Time) bool { return v.chain.ViewStale(v.cursor, v.scanned, now) }

// chainStale reports whether an open session's chain's view is stale now: the page then says
// payments are still being watched and the session waits for them.
func (s *Service) chainStale(ctx context.Context, sess *Session) (bool, error) {
	v, ok, err := s.chainView(ctx, sess)
	return ok && v.stale(s.now()), err
}
