package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/idempotency"
	"github.com/chaincheckout/checkout/core/ident"
)

const testAsset = "usdc@dev"

// newSessionRow is a new open session of merchantID selling one $10 item, asset not chosen.
func newSessionRow(merchantID string) *checkout.Session {
	now := time.Now().UTC().Truncate(time.Microsecond)
	unit := int64(1000)
	return &checkout.Session{ID: ident.New("cs_test"), MerchantID: merchantID, Mode: checkout.ModePayment,
		Status: checkout.StatusOpen, PaymentStatus: checkout.PaymentUnpaid, Currency: "usd", AmountSubtotal: unit,
		AmountTotal: unit, Metadata: map[string]string{}, ExpiresAt: now.Add(time.Hour), CreatedAt: now,
		LineItems: []checkout.LineItem{{ID: ident.New("li"), PriceID: "price_1", ProductID: "prod_1", Name: "Tea",
			Currency: "usd", UnitAmount: &unit, UnitAmountDecimal: decimal.NewFromInt(unit), Quantity: 1,
			AmountSubtotal: unit, AmountTotal: unit}},
		Crypto: checkout.Crypto{AcceptedAssets: []string{testAsset}, State: chain.StateAwaitingAsset}}
}

// newOpenSession stores an open session of merchantID whose asset is chosen: due is owed in testAsset.
func newOpenSession(t *testing.T, st *testRepos, merchantID string, due int64) string {
	t.Helper()
	ctx := context.Background()
	sess := newSessionRow(merchantID)
	now := sess.CreatedAt
	if err := st.sessions.CreateSession(ctx, sess, func(context.Context) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.sessions.Update(ctx, sess.ID, func(s *checkout.Session, _ []chain.Payment) error {
		s.Crypto.AssetID, s.Crypto.ChainID, s.Crypto.Decimals = testAsset, testChainID, 6
		s.Crypto.AmountDue, s.Crypto.Rate, s.Crypto.QuotedAt = big.NewInt(due), decimal.NewFromInt(1), now
		s.Crypto.State = chain.StateAwaitingPayment
		return nil
	}, noEvents); err != nil {
		t.Fatal(err)
	}
	return sess.ID
}

const testChainID = 1337

func noEvents(_, _ *checkout.Session) ([]event.Event, error) { return nil, nil }

// transitionEvents records the events core names for a change, as the session service does.
func transitionEvents(before, after *checkout.Session) ([]event.Event, error) {
	var evs []event.Event
	for _, typ := range checkout.TransitionEvents(before, after) {
		evs = append(evs, event.Event{ID: ident.New("evt"), Type: typ, MerchantID: after.MerchantID, SessionID: after.ID,
			Created: time.Now().UTC(), Object: json.RawMessage(`{}`), PreviousAttributes: json.RawMessage(`{}`)})
	}
	return evs, nil
}

// confirmedPayment is payment n of a session, confirmed on time.
func confirmedPayment(sessionID string, n int, amount int64) chain.Payment {
	at := time.Now().UTC().Truncate(time.Microsecond)
	return chain.Payment{ID: ident.New("pay"), SessionID: sessionID, ChainID: testChainID, AssetID: testAsset,
		TxHash: fmt.Sprintf("0x%s%02d", sessionID, n), LogIndex: int64(n), BlockNumber: uint64(100 + n), BlockHash: "0xb",
		BlockTime: at, From: "0xpayer", To: "0xaddr", Amount: big.NewInt(amount), Status: chain.PaymentConfirmed,
		DetectedAt: at}
}

// concurrently runs fn(i) for i in [0, n) at once and returns the first error.
func concurrently(n int, fn func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	return errors.Join(errs...)
}

func (st *testRepos) eventCounts(t *testing.T, sessionID string) (events, outbox int, byType map[string]int) {
	t.Helper()
	var rows []struct {
		Type string `db:"type"`
		N    int    `db:"n"`
	}
	if err := st.db.pool.Select(&rows, `SELECT type, count(*) AS n FROM events WHERE session_id = $1 GROUP BY type`, sessionID); err != nil {
		t.Fatal(err)
	}
	byType = map[string]int{}
	for _, r := range rows {
		byType[r.Type] = r.N
		events += r.N
	}
	outbox = st.count(t, `SELECT count(*) FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
		WHERE e.session_id = $1`, sessionID)
	return events, outbox, byType
}

// checkLedger checks that the stored amount received is the ledger of the stored payments, and want.
func (st *testRepos) checkLedger(t *testing.T, sessionID string, want int64) *checkout.Session {
	t.Helper()
	got, err := st.sessions.LoadSession(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := st.sessions.ListPayments(context.Background(), sessionID)
	if err != nil {
		t.Fatal(err)
	}
	ledger := chain.Account(got.Terms(), stored)
	if got.Crypto.AmountReceived.Cmp(ledger.Received) != 0 || ledger.Received.Int64() != want {
		t.Fatalf("amount_received %s, ledger %s, want %d", got.Crypto.AmountReceived, ledger.Received, want)
	}
	return got
}

// Many credits of one session at once, each under the session's row lock: none is lost or
// counted twice, the stored amount is the ledger's, and each event is recorded once.
func TestConcurrentCreditsNeverDoubleCount(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	newEndpoint(t, st, m, "http://127.0.0.1:9/hook", nil)
	const credits, amount = 8, 250_000
	cases := []struct {
		name string
		// credit records payment i of sess (or finds it recorded) and updates the session.
		credit func(sess string, p chain.Payment) error
		// recordFirst stores every payment before the credits start.
		recordFirst bool
	}{
		{"each adds its payment's amount", func(sess string, p chain.Payment) error {
			if _, err := st.sessions.RecordPayment(ctx, p); err != nil {
				return err
			}
			_, err := st.sessions.Update(ctx, sess, func(s *checkout.Session, _ []chain.Payment) error {
				s.Crypto.AmountReceived = new(big.Int).Add(s.Crypto.AmountReceived, p.Amount)
				return nil
			}, noEvents)
			return err
		}, false},
		{"each settles the same payments", func(sess string, _ chain.Payment) error {
			_, err := st.sessions.Update(ctx, sess, func(s *checkout.Session, payments []chain.Payment) error {
				s.Settle(payments, time.Now().UTC())
				return nil
			}, transitionEvents)
			return err
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sess := newOpenSession(t, st, m, credits*amount)
			payments := make([]chain.Payment, credits)
			for i := range payments {
				payments[i] = confirmedPayment(sess, i, amount)
				if tc.recordFirst {
					if _, err := st.sessions.RecordPayment(ctx, payments[i]); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := concurrently(credits, func(i int) error { return tc.credit(sess, payments[i]) }); err != nil {
				t.Fatal(err)
			}
			got := st.checkLedger(t, sess, credits*amount)
			events, outbox, byType := st.eventCounts(t, sess)
			if outbox != events {
				t.Fatalf("%d outbox rows for %d events", outbox, events)
			}
			if tc.recordFirst && (got.Status != checkout.StatusComplete || byType[event.SessionCompleted] != 1 ||
				byType[event.SessionPaymentDetected] != 1 || events != 2) {
				t.Fatalf("status %s, events %v: want complete, one completed and one payment_detected", got.Status, byType)
			}
		})
	}
}

// expireInRequest expires the session inside an idempotent request's transaction, which then
// answers status (a later step of the request decides).
func (st *testRepos) expireInRequest(merchantID, sess string, events checkout.TransitionFunc, status int) error {
	scope := idempotency.Scope{MerchantID: merchantID}
	_, res, err := st.idempotency.Run(context.Background(), scope, ident.New("key"), "fp", time.Now(), idempotency.InTransaction,
		func(ctx context.Context) idempotency.Response {
			if _, err := st.sessions.Update(ctx, sess, expireNow, events); err != nil {
				return idempotency.Response{StatusCode: 500}
			}
			return idempotency.Response{StatusCode: status}
		})
	if err == nil && res.StatusCode != 200 {
		err = fmt.Errorf("request answered %d", res.StatusCode)
	}
	return err
}

func expireNow(s *checkout.Session, payments []chain.Payment) error {
	return s.Expire(time.Now().UTC(), payments)
}

// The events of a change and their outbox rows commit with the change or not at all: also
// when what fails comes after the events were derived (their insert, or the request that
// made the change).
func TestEventsAndOutboxCommitWithTheChange(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	m := newMerchant(t, st)
	newEndpoint(t, st, m, "http://127.0.0.1:9/a", nil)
	newEndpoint(t, st, m, "http://127.0.0.1:9/b", nil)
	update := func(sess string, events checkout.TransitionFunc) error {
		_, err := st.sessions.Update(ctx, sess, expireNow, events)
		return err
	}
	duplicated := func(before, after *checkout.Session) ([]event.Event, error) { // the second insert fails
		evs, err := transitionEvents(before, after)
		return append(evs, evs...), err
	}
	failing := func(_, _ *checkout.Session) ([]event.Event, error) { return nil, errors.New("encode failed") }
	inRequest := func(status int) func(string, checkout.TransitionFunc) error {
		return func(sess string, events checkout.TransitionFunc) error {
			return st.expireInRequest(m, sess, events, status)
		}
	}
	cases := []struct {
		name      string
		change    func(sess string) error
		committed bool
	}{
		{"committed", func(s string) error { return update(s, transitionEvents) }, true},
		{"deriving the events fails", func(s string) error { return update(s, failing) }, false},
		{"inserting the events fails half way", func(s string) error { return update(s, duplicated) }, false},
		{"the request fails after the change", func(s string) error { return inRequest(400)(s, transitionEvents) }, false},
		{"the request succeeds", func(s string) error { return inRequest(200)(s, transitionEvents) }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sess := newOpenSession(t, st, m, 1_000_000)
			if err := tc.change(sess); (err == nil) != tc.committed {
				t.Fatalf("change: %v, want committed %v", err, tc.committed)
			}
			got, err := st.sessions.LoadSession(ctx, sess)
			if err != nil {
				t.Fatal(err)
			}
			events, outbox, _ := st.eventCounts(t, sess)
			want := struct {
				status         checkout.Status
				events, outbox int
			}{checkout.StatusOpen, 0, 0}
			if tc.committed {
				want.status, want.events, want.outbox = checkout.StatusExpired, 1, 2
			}
			if got.Status != want.status || events != want.events || outbox != want.outbox {
				t.Fatalf("status %s, %d events, %d outbox rows; want %s, %d, %d", got.Status, events, outbox,
					want.status, want.events, want.outbox)
			}
		})
	}
}

// Sessions whose workflow start was not noted are the sweep's; one statement notes a batch of
// them, and a batch naming one already noted or unknown notes the rest all the same.
func TestMarkWorkflowsStartedInABatch(t *testing.T) {
	ctx := context.Background()
	st := newStore(t)
	m := newMerchant(t, st)
	a, b, c := newOpenSession(t, st, m, 1), newOpenSession(t, st, m, 1), newOpenSession(t, st, m, 1)
	unstarted := func() map[string]bool {
		t.Helper()
		got, err := st.sessions.UnstartedSessions(ctx, time.Now().Add(time.Minute), 100)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, s := range got {
			ids[s.ID] = true
		}
		return ids
	}
	if got := unstarted(); !got[a] || !got[b] || !got[c] {
		t.Fatalf("before any note, unstarted: %v", got)
	}
	if err := st.sessions.MarkWorkflowStarted(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := st.sessions.MarkWorkflowStarted(ctx, a, b, "cs_test_unknown"); err != nil {
		t.Fatal(err)
	}
	if got := unstarted(); got[a] || got[b] || !got[c] {
		t.Fatalf("after noting a, then a and b: unstarted %v, want only %s", got, c)
	}
	if err := st.sessions.MarkWorkflowStarted(ctx); err != nil {
		t.Fatalf("an empty batch: %v", err)
	}
}

// A pool of one connection: the statements are prepared before a transaction takes it, never
// from inside one (which would wait forever for a second connection).
func TestStatementsPreparedOnAPoolOfOne(t *testing.T) {
	st := newStore(t)
	ctx := context.Background()
	one, err := Open(ctx, st.url, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	small := reposOf(one)
	merchantID := newMerchant(t, small)
	done := make(chan struct{})
	go func() {
		defer close(done)
		newOpenSession(t, small, merchantID, 1_000_000)
		_, res, err := small.idempotency.Run(ctx, idempotency.Scope{MerchantID: merchantID}, ident.New("key"), "fp", time.Now(),
			idempotency.InTransaction, func(ctx context.Context) idempotency.Response {
				sess := newSessionRow(merchantID) // stored in the request's transaction
				if err := small.sessions.CreateSession(ctx, sess, func(context.Context) {}); err != nil {
					return idempotency.Response{StatusCode: 500, Body: []byte(err.Error())}
				}
				return idempotency.Response{StatusCode: 200, Body: []byte(`{}`)}
			})
		if err != nil || res.StatusCode != 200 {
			t.Errorf("create under an idempotency key: %d %s (%v)", res.StatusCode, res.Body, err)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("creates on a pool of one connection did not finish in 20 s")
	}
	for _, q := range hotStatements {
		if _, ok := one.stmts.get(q); !ok {
			t.Errorf("not prepared: %.40s…", q)
		}
	}
	if n := small.count(t, `SELECT count(*) FROM checkout_sessions WHERE merchant_id = $1`, merchantID); n != 2 {
		t.Fatalf("%d sessions stored, want 2", n)
	}
}
