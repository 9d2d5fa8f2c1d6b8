package checkout

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paging"
)

// MonitoringWindow is how long after expiry a deposit address is still watched, so late
// payments are recorded (paid_late) rather than lost.
const MonitoringWindow = 24 * time.Hour

// DefaultQuoteLifetime is how long a quote in a volatile asset holds when nothing was paid.
const DefaultQuoteLifetime = 15 * time.Minute

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
	Names     MerchantNames
	Library   Library
	Logger    *slog.Logger
	// Settlement binds forwarder deposit addresses; nil gives every session an xpub address.
	Settlement Binder
	// Policies give a new session its default tolerance; nil: sessions without one accept no shortfall.
	Policies Policies
	// Simulator pays test sessions from a dev chain's funded account; nil: no simulated payments.
	Simulator Simulator
	// QuoteLifetime bounds a quote in a volatile asset (0: DefaultQuoteLifetime); pegged
	// stablecoins keep theirs until expiry.
	QuoteLifetime time.Duration
	// Lifetimes bound what a session's expires_at may ask (zero: Stripe's 30 minutes to 24 hours).
	Lifetimes Lifetimes
}

// Service holds the checkout session use cases, called by the HTTP adapter and the activities.
type Service struct {
	sim           Simulator
	store         Store
	orch          Orchestrator
	now           func() time.Time
	chains        chain.Config
	rates         chain.RateSource
	addrs         AddressDeriver
	bals          chain.BalanceReader
	enc           Encoder
	names         MerchantNames
	library       Library
	binder        Binder
	policies      Policies
	log           *slog.Logger
	quoteLifetime time.Duration
	lifetimes     Lifetimes
	starts        chan *Session // created, committed, workflow not started yet
}

// NewService wires the use cases; every dependency is required.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Orch == nil || d.Now == nil || d.Rates == nil || d.Addresses == nil || d.Balances == nil ||
		d.Encoder == nil || d.Names == nil || d.Library == nil || d.Logger == nil {
		return nil, fmt.Errorf("checkout.NewService: nil dependency")
	}
	if err := d.Chains.Validate(); err != nil {
		return nil, fmt.Errorf("checkout.NewService: chains: %w", err)
	}
	if d.QuoteLifetime <= 0 {
		d.QuoteLifetime = DefaultQuoteLifetime
	}
	if err := d.Lifetimes.Validate(); err != nil {
		return nil, fmt.Errorf("checkout.NewService: %w", err)
	}
	return &Service{store: d.Store, orch: d.Orch, now: d.Now, chains: d.Chains, rates: d.Rates, addrs: d.Addresses,
		bals: d.Balances, enc: d.Encoder, names: d.Names, library: d.Library, binder: d.Settlement, policies: d.Policies, sim: d.Simulator, log: d.Logger, quoteLifetime: d.QuoteLifetime, lifetimes: d.Lifetimes,
		starts: make(chan *Session, startQueue)}, nil
}

// Assets lists what the caller's mode can accept.
func (s *Service) Assets(caller merchant.Caller) []chain.Asset {
	return s.chains.Assets(caller.Livemode)
}

// Create validates p and stores the session, and answers once that has committed: the
// workflow is started right after, off the request (RunStarts). The stored row is the start's
// durable intent: if the process dies first, StartPending or the first request that needs
// the workflow (Update-With-Start) starts it.
func (s *Service) Create(ctx context.Context, caller merchant.Caller, p CreateParams) (*Session, error) {
	if p.PaymentLink != nil { // the payment link use case decides what such a session is
		return nil, apperr.Invalid("payment_link", "parameter_invalid", "payment_link is taken by the payment link use case.")
	}
	return s.create(ctx, caller, p, "")
}

// CreateForLink creates a session the payment link linkID made from its own items and options.
func (s *Service) CreateForLink(ctx context.Context, caller merchant.Caller, p CreateParams, linkID string) (*Session, error) {
	p.PaymentLink = nil
	return s.create(ctx, caller, p, linkID)
}

// CreateForInvoice creates the session that collects a subscription's invoice, under the ID
// the invoice chose (a retried create finds it: apperr Conflict "session_exists").
func (s *Service) CreateForInvoice(ctx context.Context, caller merchant.Caller, p CreateParams, invoiceID, sessionID string) (*Session, error) {
	sess, err := s.lifetimes.Build(p, caller, s.now(), s.chains.Assets(caller.Livemode), emptyListing)
	if err != nil {
		return nil, err
	}
	sess.ID, sess.InvoiceID = sessionID, invoiceID
	if err := s.defaultTolerance(ctx, sess, p); err != nil {
		return nil, err
	}
	if err := s.store.CreateSession(ctx, sess, func(context.Context) { s.queueStart(sess) }); err != nil {
		return nil, fmt.Errorf("create session %s of invoice %s: %w", sessionID, invoiceID, err)
	}
	return sess, nil
}

func (s *Service) create(ctx context.Context, caller merchant.Caller, p CreateParams, linkID string) (*Session, error) {
	lib, err := s.listing(ctx, caller, p)
	if err != nil {
		return nil, err
	}
	sess, err := s.lifetimes.Build(p, caller, s.now(), s.chains.Assets(caller.Livemode), lib)
	if err != nil {
		return nil, err
	}
	sess.PaymentLink = linkID
	if err := s.defaultTolerance(ctx, sess, p); err != nil {
		return nil, err
	}
	if err := s.store.CreateSession(ctx, sess, func(context.Context) { s.queueStart(sess) }); err != nil {
		return nil, fmt.Errorf("create session %s: %w", sess.ID, err)
	}
	return sess, nil
}

// defaultTolerance gives a session whose request named no tolerance its merchant's default.
func (s *Service) defaultTolerance(ctx context.Context, sess *Session, p CreateParams) error {
	if s.policies == nil || p.GivesTolerance() {
		return nil
	}
	pol, err := s.policies.CreationPolicy(ctx, sess.MerchantID, sess.Livemode)
	if err != nil {
		return fmt.Errorf("default tolerance of %s: %w", sess.ID, err)
	}
	sess.Crypto.TolerancePercent = pol.UnderpaymentTolerancePercent
	return nil
}

// listing loads the library prices and products p names (none: no query).
func (s *Service) listing(ctx context.Context, caller merchant.Caller, p CreateParams) (catalog.Listing, error) {
	prices, products := p.LibraryIDs()
	if len(prices) == 0 && len(products) == 0 {
		return emptyListing, nil
	}
	lib, err := s.library.ForSale(ctx, caller.MerchantID, caller.Livemode, prices, products)
	if err != nil {
		return lib, fmt.Errorf("load library items: %w", err)
	}
	return lib, nil
}

// SetQuantity is the shopper's quantity change on the hosted page (Session.SetQuantity),
// decided under the session's row lock so it cannot cross an asset selection.
func (s *Service) SetQuantity(ctx context.Context, id, itemID string, qty int64) (*Session, error) {
	return s.store.UpdateItems(ctx, id, func(sess *Session) error { return sess.SetQuantity(itemID, qty) })
}

// startQueue bounds the sessions waiting for their start in memory; past it they wait for
// StartPending, which reads them from Postgres.
const startQueue = 10_000

func (s *Service) queueStart(sess *Session) {
	select {
	case s.starts <- sess:
	default:
		s.log.Warn("start queue full; the session's workflow is started by the next sweep", "session", sess.ID)
	}
}

// RunStarts starts the workflows of newly created sessions with workers goroutines until ctx
// ends, then starts what is still queued (within drainLimit) before it returns: a process that
// stops after its last request (its HTTP server drained first) leaves no start to the sweep.
// The starts are noted in Postgres in batches (one UPDATE for those started meanwhile, not one
// each); a note lost in a crash only makes the sweep start an existing workflow again.
// Run it in every process that creates sessions.
func (s *Service) RunStarts(ctx context.Context, workers int) {
	started := make(chan string, startQueue)
	marked := make(chan struct{})
	go func() { s.markStartedBatches(context.WithoutCancel(ctx), started); close(marked) }()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					s.drainStarts(ctx, started)
					return
				case sess := <-s.starts:
					s.start(context.WithoutCancel(ctx), sess, started)
				}
			}
		}()
	}
	wg.Wait()
	close(started)
	<-marked
}

// markBatch bounds the sessions one UPDATE notes as started.
const markBatch = 500

// markStartedBatches notes the started sessions until started is closed: each UPDATE takes
// every ID waiting, so under a burst one statement notes many, and alone one is noted at once.
func (s *Service) markStartedBatches(ctx context.Context, started <-chan string) {
	for id := range started {
		ids := []string{id}
	more:
		for len(ids) < markBatch {
			select {
			case next, ok := <-started:
				if !ok {
					break more
				}
				ids = append(ids, next)
			default:
				break more
			}
		}
		s.noteStarted(ctx, ids)
	}
}

// markTimeout bounds one batch's note, so a stalled database neither holds the starters (they
// wait to hand over IDs) nor a shutdown for long: an unnoted start is the sweep's, harmlessly.
const markTimeout = 5 * time.Second

func (s *Service) noteStarted(ctx context.Context, ids []string) {
	ctx, cancel := context.WithTimeout(ctx, markTimeout)
	defer cancel()
	if err := s.store.MarkWorkflowStarted(ctx, ids...); err != nil {
		s.log.WarnContext(ctx, "could not note started workflows; the sweep will start them again, harmlessly",
			"sessions", len(ids), "err", err)
	}
}

// drainLimit bounds the starts made after RunStarts was told to stop; the rest are StartPending's.
const drainLimit = 10 * time.Second

func (s *Service) drainStarts(ctx context.Context, started chan<- string) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drainLimit)
	defer cancel()
	for dctx.Err() == nil {
		select {
		case sess := <-s.starts:
			s.start(dctx, sess, started)
		default:
			return
		}
	}
}

// start starts one session's workflow and hands its ID to the batch that notes it.
func (s *Service) start(ctx context.Context, sess *Session, started chan<- string) {
	if err := s.orch.StartSession(ctx, sess); err != nil {
		s.log.WarnContext(ctx, "session stored, its workflow not started yet; it will be retried", "session", sess.ID, "err", err)
		return
	}
	started <- sess.ID
}

func (s *Service) startWorkflow(ctx context.Context, sess *Session) error {
	if err := s.orch.StartSession(ctx, sess); err != nil {
		return err
	}
	return s.store.MarkWorkflowStarted(ctx, sess.ID)
}

// markStarted notes that an Update-With-Start found or started the session's workflow.
func (s *Service) markStarted(ctx context.Context, sess *Session) {
	if sess.WorkflowStarted {
		return
	}
	if err := s.store.MarkWorkflowStarted(ctx, sess.ID); err != nil {
		s.log.WarnContext(ctx, "could not note the workflow as started; the sweep will", "session", sess.ID, "err", err)
	}
}

// startGrace is how long a new session's own request has to start its workflow before
// StartPending steps in.
const startGrace = 30 * time.Second

// StartPending starts the workflows of sessions whose start after commit never happened (the
// process died in between). Starting one that exists is harmless. Returns how many it started.
func (s *Service) StartPending(ctx context.Context) (int, error) {
	pending, err := s.store.UnstartedSessions(ctx, s.now().Add(-startGrace), 100)
	if err != nil {
		return 0, err
	}
	for i, sess := range pending {
		if err := s.startWorkflow(ctx, sess); err != nil {
			return i, fmt.Errorf("start workflow of %s: %w", sess.ID, err)
		}
	}
	return len(pending), nil
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

// List returns the caller's sessions, newest first, each with its payments (and its line items
// when q.ExpandLineItems), as retrieving one shows it.
func (s *Service) List(ctx context.Context, caller merchant.Caller, q ListQuery) (paging.Page[*Session], error) {
	if err := q.Check(); err != nil {
		return paging.Page[*Session]{}, err
	}
	q.MerchantID, q.Livemode = caller.MerchantID, caller.Livemode
	page, err := s.store.ListSessions(ctx, q)
	if err != nil || len(page.Data) == 0 {
		return page, err
	}
	return page, s.fillListed(ctx, page.Data, q.ExpandLineItems)
}

// fillListed loads the payments (and line items) of listed sessions, a query for all of them.
func (s *Service) fillListed(ctx context.Context, sessions []*Session, lineItems bool) error {
	ids := make([]string, len(sessions))
	for i, sess := range sessions {
		ids[i] = sess.ID
	}
	payments, err := s.store.PaymentsOf(ctx, ids)
	if err != nil {
		return fmt.Errorf("load payments of listed sessions: %w", err)
	}
	var items map[string][]LineItem
	if lineItems {
		if items, err = s.store.LineItemsOf(ctx, ids); err != nil {
			return fmt.Errorf("load line items of listed sessions: %w", err)
		}
	}
	for _, sess := range sessions {
		sess.Crypto.Payments = append([]chain.Payment{}, payments[sess.ID]...)
		if lineItems {
			sess.LineItems = append([]LineItem{}, items[sess.ID]...)
		}
	}
	return nil
}

// LineItems lists a session's line items in the order they were given.
func (s *Service) LineItems(ctx context.Context, caller merchant.Caller, id string, p paging.Params) (paging.Page[LineItem], error) {
	if err := p.Normalize(); err != nil {
		return paging.Page[LineItem]{}, err
	}
	return s.store.ListLineItems(ctx, caller.MerchantID, caller.Livemode, id, p)
}

// Expire is the merchant's expire request. It goes through the session's workflow, which
// expires the session once its chain has been scanned past the moment of the request, so that
// a payment mined before it still makes a sale. Refused (409) while a payment is confirming.
func (s *Service) Expire(ctx context.Context, caller merchant.Caller, id string) (*Session, error) {
	sess, err := s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id)
	if err != nil {
		return nil, err
	}
	if !sess.Open() {
		return nil, notOpen(sess)
	}
	if err := s.orch.RequestExpiry(ctx, sess); err != nil {
		if !apperr.IsKind(err, apperr.KindConflict) {
			return nil, fmt.Errorf("expire session %s: %w", id, err)
		}
		return nil, err
	}
	s.markStarted(ctx, sess)
	if sess, err = s.store.GetSession(ctx, caller.MerchantID, caller.Livemode, id); err != nil {
		return nil, err
	}
	if sess.Status == StatusComplete {
		return nil, apperr.Conflict("checkout_session_completed",
			"The Checkout Session %s completed: a payment mined before the expire request covered it.", id)
	}
	return sess, nil
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

// selectAsset refuses early what the rule refuses, assigns the asset in the store (decided
// again under the row lock), then tells the workflow, which reads it back: the request waits
// for Postgres and one signal, not for a workflow task and an activity.
func (s *Service) selectAsset(ctx context.Context, sess *Session, assetID string) (*Session, error) {
	payments, err := s.store.ListPayments(ctx, sess.ID)
	if err != nil {
		return nil, err
	}
	if err := sess.CanSelect(assetID, payments); err != nil {
		return nil, err
	}
	assigned, err := s.AssignAsset(ctx, sess.ID, strings.ToLower(assetID))
	if err != nil {
		return nil, err
	}
	// A failed signal fails the request: its retry finds the asset assigned and signals again.
	if err := s.orch.AssetAssigned(ctx, assigned); err != nil {
		return nil, err
	}
	s.markStarted(ctx, sess)
	return assigned, nil
}
