package checkout

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// MonitoringWindow is how long after expiry a deposit address is still watched, so late
// payments are recorded (paid_late) rather than lost.
const MonitoringWindow = 24 * time.Hour

// Deps are the ports the use cases need.
type Deps struct {
	Store     Store
	Orch      Orchestrator
	Now       func() time.Time
	Chains    chain.Config
	Rates     chain.RateSource
	Addresses AddressDeriver
	Balances  chain.BalanceReader
	Encoder   Encoder
}

// Service holds the checkout session use cases, called by the HTTP adapter and the activities.
type Service struct {
	store  Store
	orch   Orchestrator
	now    func() time.Time
	chains chain.Config
	rates  chain.RateSource
	addrs  AddressDeriver
	bals   chain.BalanceReader
	enc    Encoder
}

// NewService wires the use cases; every dependency is required.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Orch == nil || d.Now == nil || d.Rates == nil || d.Addresses == nil || d.Balances == nil || d.Encoder == nil {
		return nil, fmt.Errorf("checkout.NewService: nil dependency")
	}
	if err := d.Chains.Validate(); err != nil {
		return nil, fmt.Errorf("checkout.NewService: chains: %w", err)
	}
	return &Service{store: d.Store, orch: d.Orch, now: d.Now, chains: d.Chains, rates: d.Rates, addrs: d.Addresses,
		bals: d.Balances, enc: d.Encoder}, nil
}

// Assets lists what the caller's mode can accept.
func (s *Service) Assets(caller merchant.Caller) []chain.Asset {
	return s.chains.Assets(caller.Livemode)
}

// Create validates p, stores the session and starts its workflow as one step.
func (s *Service) Create(ctx context.Context, caller merchant.Caller, p CreateParams) (*Session, error) {
	sess, err := Build(p, caller, s.now(), s.chains.Assets(caller.Livemode))
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateSession(ctx, sess, func(ctx context.Context) error {
		return s.orch.StartSession(ctx, sess)
	}); err != nil {
		return nil, fmt.Errorf("create session %s: %w", sess.ID, err)
	}
	return sess, nil
}

// Get returns one of the caller's sessions with its payments, and line items when expandLineItems.
func (s *Service) Get(ctx context.Context, caller merchant.Caller, id string, expandLineItems bool) (*Session, error) {
	sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
	if err != nil {
		return nil, err
	}
	if sess.Crypto.Payments, err = s.store.ListPayments(ctx, sess.ID); err != nil {
		return nil, fmt.Errorf("load payments of %s: %w", id, err)
	}
	if expandLineItems {
		if sess.LineItems, err = s.store.LoadLineItems(ctx, sess.ID); err != nil {
			return nil, fmt.Errorf("load line items of %s: %w", id, err)
		}
	}
	return sess, nil
}

// List returns the caller's sessions, newest first.
func (s *Service) List(ctx context.Context, caller merchant.Caller, q ListQuery) (paging.Page[*Session], error) {
	if err := q.Page.Normalize(); err != nil {
		return paging.Page[*Session]{}, err
	}
	switch q.Status {
	case "", StatusOpen, StatusComplete, StatusExpired:
	default:
		return paging.Page[*Session]{}, apperr.Invalid("status", "parameter_invalid",
			"Invalid status: must be one of open, complete or expired.")
	}
	q.MerchantID, q.Livemode = caller.MerchantID, caller.Livemode
	return s.store.ListSessions(ctx, q)
}

// LineItems lists a session's line items in the order they were given.
func (s *Service) LineItems(ctx context.Context, caller merchant.Caller, id string, p paging.Params) (paging.Page[LineItem], error) {
	if err := p.Normalize(); err != nil {
		return paging.Page[LineItem]{}, err
	}
	return s.store.ListLineItems(ctx, caller.MerchantID, caller.Livemode, id, p)
}

// Expire ends an open session now, through its workflow so that the row and the
// workflow change together.
func (s *Service) Expire(ctx context.Context, caller merchant.Caller, id string) (*Session, error) {
	sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
	if err != nil {
		return nil, err
	}
	if !sess.Open() {
		return nil, notOpen(sess)
	}
	if err := s.orch.ExpireSession(ctx, id); err != nil {
		if !apperr.IsKind(err, apperr.KindConflict) {
			return nil, fmt.Errorf("expire session %s: %w", id, err)
		}
		// Completed or expired between our read and the workflow's: report the state it reached.
		if sess, err = s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id); err != nil {
			return nil, err
		}
		if !sess.Open() {
			return nil, notOpen(sess)
		}
		return nil, fmt.Errorf("expire session %s: workflow refused while row is open", id)
	}
	return s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
}

func notOpen(sess *Session) error {
	return &apperr.Error{Kind: apperr.KindInvalid,
		Message: fmt.Sprintf("Only Checkout Sessions with a status in [\"open\"] can be expired; %s is %s.", sess.ID, sess.Status)}
}

// SelectAsset is the merchant's POST .../select_asset.
func (s *Service) SelectAsset(ctx context.Context, caller merchant.Caller, id, assetID string) (*Session, error) {
	sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
	if err != nil {
		return nil, err
	}
	return s.selectAsset(ctx, sess, assetID)
}

// SelectAssetForShopper is the hosted page's choice; the session ID is the shopper's credential.
func (s *Service) SelectAssetForShopper(ctx context.Context, id, assetID string) (*Session, error) {
	sess, err := s.store.LoadSession(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.selectAsset(ctx, sess, assetID)
}

func (s *Service) selectAsset(ctx context.Context, sess *Session, assetID string) (*Session, error) {
	if err := s.checkSelectable(ctx, sess, assetID); err != nil {
		return nil, err
	}
	if err := s.orch.SelectAsset(ctx, sess.ID, strings.ToLower(assetID)); err != nil {
		return nil, err
	}
	return s.store.LoadSession(ctx, sess.ID)
}

// checkSelectable holds the rules for picking an asset; the workflow's activity applies them again.
func (s *Service) checkSelectable(ctx context.Context, sess *Session, assetID string) error {
	assetID = strings.ToLower(assetID)
	if assetID == "" {
		return apperr.Missing("asset")
	}
	if !slices.Contains(sess.Crypto.AcceptedAssets, assetID) {
		return apperr.Invalid("asset", "parameter_invalid",
			"%q is not an asset this session accepts (%s).", assetID, strings.Join(sess.Crypto.AcceptedAssets, ", "))
	}
	if !sess.Open() {
		return apperr.Conflict("checkout_session_not_open", "The Checkout Session %s is %s; an asset can only be selected while it is open.", sess.ID, sess.Status)
	}
	if sess.Crypto.AssetID == assetID {
		return nil
	}
	payments, err := s.store.ListPayments(ctx, sess.ID)
	if err != nil {
		return err
	}
	for _, p := range payments {
		if p.Status != chain.PaymentReverted {
			return apperr.Conflict("payment_already_received",
				"A payment was already received in %s; the asset can no longer change.", p.AssetID)
		}
	}
	return nil
}

// AssignAsset quotes the asset and gives the session its deposit address (allocated once,
// never reused). Idempotent: the workflow's activity calls it and Temporal may retry.
func (s *Service) AssignAsset(ctx context.Context, sessionID, assetID string) (*Session, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	if sess.Crypto.AssetID == assetID && sess.Crypto.DepositAddress != "" {
		return sess, nil // a retry of a selection that already happened
	}
	if err := s.checkSelectable(ctx, sess, assetID); err != nil {
		return nil, err
	}
	asset, ok := s.chains.Asset(assetID)
	if !ok {
		return nil, apperr.Invalid("asset", "parameter_invalid", "Asset %q is no longer configured.", assetID)
	}
	rate, err := s.rates.Rate(ctx, asset, sess.Currency)
	if err != nil {
		return nil, fmt.Errorf("rate of %s in %s: %w", assetID, sess.Currency, err)
	}
	q, err := chain.NewQuote(asset, sess.AmountTotal, sess.Currency, rate, s.now())
	if err != nil {
		return nil, err
	}
	return s.store.AssignDeposit(ctx, sessionID, q, s.addrs.DeriveAddress, sess.ExpiresAt.Add(MonitoringWindow))
}

// Reconcile sums the session's payments, stores the resulting state (completing the
// session when confirmed funds cover it) and returns the session as it now is.
func (s *Service) Reconcile(ctx context.Context, sessionID string) (*Session, chain.Ledger, error) {
	sess, err := s.store.LoadSession(ctx, sessionID)
	if err != nil {
		return nil, chain.Ledger{}, err
	}
	payments, err := s.store.ListPayments(ctx, sessionID)
	if err != nil {
		return nil, chain.Ledger{}, err
	}
	ledger := chain.Account(sess.Terms(), payments)
	sess, err = s.store.ApplyLedger(ctx, sessionID, ledger, s.now(), func(before, after *Session) ([]event.Event, error) {
		return s.transitionEvents(ctx, before, after, payments)
	})
	if err != nil {
		return nil, chain.Ledger{}, err
	}
	sess.Crypto.Payments = payments
	return sess, ledger, nil
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
	recorded := new(big.Int)
	for _, p := range payments {
		if p.AssetID == asset.ID && p.Status != chain.PaymentReverted {
			recorded.Add(recorded, p.Amount)
		}
	}
	surplus := new(big.Int).Sub(balance, recorded)
	if surplus.Sign() <= 0 {
		return false, nil // nothing unseen (or the merchant already swept funds)
	}
	return s.store.RecordPayment(ctx, chain.Payment{ID: ident.New("pay"), SessionID: sessionID, ChainID: asset.ChainID,
		AssetID: asset.ID, TxHash: "balance@" + cur.Hash, LogIndex: chain.BalanceLogIndex, BlockNumber: cur.Number,
		BlockHash: cur.Hash, BlockTime: blockTime, To: sess.Crypto.DepositAddress, Amount: surplus,
		Status: chain.PaymentDetected, DetectedAt: s.now()})
}
