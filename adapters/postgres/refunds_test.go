package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/core/settlement"
)

// The shopper's address refunds are sent to in these tests.
const shopper = "0x00000000000000000000000000000000000b0b01"

type refundFixture struct {
	*ledgerFixture
	refunds *Refunds
}

func newRefunds(t *testing.T) *refundFixture {
	t.Helper()
	f := newLedger(t)
	return &refundFixture{ledgerFixture: f, refunds: NewRefunds(f.db)}
}

// paidSession stores a complete session of 39.98 USD that received amount base units of USDC
// (6 decimals, rate 1: 10,000 base units a cent) in a forwarder address.
func (f *refundFixture) paidSession(t *testing.T, merchantID string, livemode bool, amount int64) string {
	t.Helper()
	id, addr := f.session(t, sessionSpec{merchantID: merchantID, livemode: livemode})
	f.pay(t, id, addr, payment{amount: amount})
	if _, err := f.sessions.Update(context.Background(), id, func(s *checkout.Session, _ []chain.Payment) error {
		at := f.t0.Add(time.Minute)
		s.Status, s.PaymentStatus, s.CompletedAt = checkout.StatusComplete, checkout.PaymentPaid, &at
		return nil
	}, noEvents); err != nil {
		t.Fatal(err)
	}
	return id
}

// refundEvent is an event about r, as the refund service records them.
func refundEvent(typ string, r refund.Refund) event.Event {
	return event.Event{ID: ident.New("evt"), Type: typ, MerchantID: r.MerchantID, Livemode: r.Livemode, SessionID: r.SessionID,
		Created: time.Now().UTC().Truncate(time.Microsecond), Object: json.RawMessage(`{"object":"refund"}`),
		PreviousAttributes: json.RawMessage(`{}`)}
}

// create decides a refund of sessionID with the real rules (refund.New) and stores it with its
// refund.created event.
func (f *refundFixture) create(ctx context.Context, sessionID string, p refund.CreateParams) (refund.Refund, error) {
	return f.refunds.CreateRefund(ctx, sessionID, p.ID, func(s *checkout.Session, payments []chain.Payment, refunds []refund.Refund) (refund.Refund, []event.Event, error) {
		r, err := refund.New(p, s, payments, refunds, f.t0.Add(time.Hour))
		return r, []event.Event{refundEvent(event.RefundCreated, r)}, err
	})
}

func (f *refundFixture) mustCreate(t *testing.T, sessionID string, p refund.CreateParams) refund.Refund {
	t.Helper()
	r, err := f.create(context.Background(), sessionID, p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func base(n int64) *big.Int { return big.NewInt(n) }

// sameRefund fails unless got is want field for field.
func sameRefund(t *testing.T, what string, got, want refund.Refund) {
	t.Helper()
	if got.CryptoAmount.Cmp(want.CryptoAmount) != 0 {
		t.Fatalf("%s: crypto amount %s, want %s", what, got.CryptoAmount, want.CryptoAmount)
	}
	got.CryptoAmount, want.CryptoAmount = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func refundIDs(rs []refund.Refund) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// A refund reads back as it was decided, by ID (in its merchant and mode only), by claim
// secret, and in its merchant's lists: newest first, paged, by session and by status.
func TestRefundsReadBackAndList(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m, other := newMerchant(t, f.testRepos), newMerchant(t, f.testRepos)
	a := f.paidSession(t, m, false, 39_980_000)
	b := f.paidSession(t, m, false, 39_980_000)
	claimed := f.mustCreate(t, a, refund.CreateParams{Amount: ptr(int64(250)), Reason: refund.ReasonRequestedByCustomer,
		Metadata: map[string]string{"ticket": "42"}})
	sent := f.mustCreate(t, a, refund.CreateParams{CryptoAmount: base(1_000_000), Destination: shopper})
	third := f.mustCreate(t, b, refund.CreateParams{CryptoAmount: base(5), Destination: shopper})
	f.mustCreate(t, f.paidSession(t, other, false, 10_000_000), refund.CreateParams{Destination: shopper})
	f.mustCreate(t, f.paidSession(t, m, true, 10_000_000), refund.CreateParams{Destination: shopper})

	if claimed.Status != refund.StatusRequiresAction || claimed.ClaimSecret == "" || claimed.CryptoAmount.Int64() != 2_500_000 ||
		sent.Status != refund.StatusPending || sent.Destination != shopper || sent.Amount != 100 {
		t.Fatalf("decided %+v and %+v", claimed, sent)
	}
	at := f.t0.Add(2 * time.Hour)
	sent, err := f.refunds.UpdateRefund(ctx, sent.ID, func(r *refund.Refund) (refund.Change, error) {
		return refund.Change{}, r.MarkSent("0x"+fmt.Sprintf("%064x", 7), at)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []refund.Refund{claimed, sent, third} {
		got, err := f.refunds.GetRefund(ctx, m, false, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameRefund(t, "get "+want.ID, got, want)
		loaded, err := f.refunds.LoadRefund(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		sameRefund(t, "load "+want.ID, loaded, want)
	}
	byClaim, err := f.refunds.RefundByClaim(ctx, claimed.ClaimSecret)
	if err != nil {
		t.Fatal(err)
	}
	sameRefund(t, "by claim", byClaim, claimed)

	for _, miss := range []struct {
		name string
		err  error
	}{
		{"another merchant's", errOf(f.refunds.GetRefund(ctx, other, false, sent.ID))},
		{"the other mode's", errOf(f.refunds.GetRefund(ctx, m, true, sent.ID))},
		{"an unknown ID", errOf(f.refunds.LoadRefund(ctx, "re_nope"))},
		{"an unknown claim", errOf(f.refunds.RefundByClaim(ctx, claimed.ClaimSecret+"x"))},
		{"no claim", errOf(f.refunds.RefundByClaim(ctx, ""))},
	} {
		if !apperr.IsKind(miss.err, apperr.KindNotFound) {
			t.Fatalf("%s refund: %v, want not found", miss.name, miss.err)
		}
	}

	q := func(mut func(*refund.Query)) refund.Query {
		qq := refund.Query{MerchantID: m, Page: paging.Params{Limit: 10}}
		mut(&qq)
		return qq
	}
	for _, tc := range []struct {
		name string
		q    refund.Query
		want []string
		more bool
	}{
		{"all, newest first", q(func(*refund.Query) {}), []string{third.ID, sent.ID, claimed.ID}, false},
		{"first page", q(func(q *refund.Query) { q.Page.Limit = 2 }), []string{third.ID, sent.ID}, true},
		{"after the first page", q(func(q *refund.Query) { q.Page.Limit, q.Page.StartingAfter = 2, sent.ID }), []string{claimed.ID}, false},
		{"before the last", q(func(q *refund.Query) { q.Page.Limit, q.Page.EndingBefore = 1, claimed.ID }), []string{sent.ID}, true},
		{"one session", q(func(q *refund.Query) { q.SessionID = a }), []string{sent.ID, claimed.ID}, false},
		{"to pay", q(func(q *refund.Query) { q.Statuses = []refund.Status{refund.StatusRequiresAction, refund.StatusPending} }),
			[]string{third.ID, sent.ID, claimed.ID}, false},
		{"awaiting a claim", q(func(q *refund.Query) { q.Statuses = []refund.Status{refund.StatusRequiresAction} }), []string{claimed.ID}, false},
		{"session and status", q(func(q *refund.Query) { q.SessionID, q.Statuses = b, []refund.Status{refund.StatusRequiresAction} }), nil, false},
		{"succeeded", q(func(q *refund.Query) { q.Statuses = []refund.Status{refund.StatusSucceeded} }), nil, false},
	} {
		page, err := f.refunds.ListRefunds(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := refundIDs(page.Data); !slices.Equal(got, tc.want) || page.HasMore != tc.more {
			t.Fatalf("%s: %v (more %v), want %v (more %v)", tc.name, got, page.HasMore, tc.want, tc.more)
		}
	}
	if _, err := f.refunds.ListRefunds(ctx, q(func(q *refund.Query) { q.Page.StartingAfter = "re_nope" })); !apperr.IsKind(err, apperr.KindInvalid) {
		t.Fatalf("unknown cursor: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func errOf[T any](_ T, err error) error { return err }

// A refund created with an ID is created once: the same ID again returns it without deciding.
func TestCreateRefundOnceByID(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	newEndpoint(t, f.testRepos, m, "http://127.0.0.1:9/hook", nil)
	s := f.paidSession(t, m, false, 39_980_000)
	p := refund.CreateParams{ID: ident.New("re"), CryptoAmount: base(1_000_000), Destination: shopper}
	first := f.mustCreate(t, s, p)
	again, err := f.refunds.CreateRefund(ctx, s, p.ID, func(*checkout.Session, []chain.Payment, []refund.Refund) (refund.Refund, []event.Event, error) {
		return refund.Refund{}, nil, errors.New("decide called for a refund that exists")
	})
	if err != nil {
		t.Fatal(err)
	}
	sameRefund(t, "again", again, first)
	if n := f.count(t, `SELECT count(*) FROM refunds WHERE session_id = $1`, s); n != 1 {
		t.Fatalf("%d refunds", n)
	}
	if evs, outbox, _ := f.eventCounts(t, s); evs != 1 || outbox != 1 {
		t.Fatalf("%d events, %d outbox rows", evs, outbox)
	}
	// The ID of another session's refund is not taken over.
	if _, err := f.create(ctx, f.paidSession(t, m, false, 39_980_000), p); err == nil {
		t.Fatal("a refund ID of another session was reused")
	}
}

// A decision that fails writes nothing: no refund, no event, no resolution.
func TestCreateRefundWritesNothingWhenDecideFails(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	newEndpoint(t, f.testRepos, m, "http://127.0.0.1:9/hook", nil)
	s := f.paidSession(t, m, false, 39_980_000)
	refused := errors.New("refused")
	for _, tc := range []struct {
		name    string
		session string
		decide  func(*checkout.Session, []chain.Payment, []refund.Refund) (refund.Refund, []event.Event, error)
		check   func(error) bool
	}{
		{"decide's own error", s, func(sess *checkout.Session, payments []chain.Payment, refunds []refund.Refund) (refund.Refund, []event.Event, error) {
			r, err := refund.New(refund.CreateParams{Destination: shopper}, sess, payments, refunds, f.t0)
			sess.Resolution = checkout.ResolutionRefunded
			if err != nil {
				t.Fatal(err)
			}
			return r, []event.Event{refundEvent(event.RefundCreated, r)}, refused
		}, func(err error) bool { return err == refused }},
		{"a rule's refusal", s, func(sess *checkout.Session, payments []chain.Payment, refunds []refund.Refund) (refund.Refund, []event.Event, error) {
			sess.Resolution = checkout.ResolutionRefunded
			r, err := refund.New(refund.CreateParams{CryptoAmount: base(39_980_001), Destination: shopper}, sess, payments, refunds, f.t0)
			return r, nil, err
		}, func(err error) bool { e, ok := apperr.As(err); return ok && e.Code == "amount_too_large" }},
		{"an unknown session", "cs_test_nope", func(*checkout.Session, []chain.Payment, []refund.Refund) (refund.Refund, []event.Event, error) {
			t.Fatal("decide called without a session")
			return refund.Refund{}, nil, nil
		}, func(err error) bool { return apperr.IsKind(err, apperr.KindNotFound) }},
	} {
		if _, err := f.refunds.CreateRefund(ctx, tc.session, "", tc.decide); !tc.check(err) {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM refunds`); n != 0 {
		t.Fatalf("%d refunds kept", n)
	}
	if evs, outbox, _ := f.eventCounts(t, s); evs != 0 || outbox != 0 {
		t.Fatalf("%d events, %d outbox rows kept", evs, outbox)
	}
	if sess, err := f.sessions.LoadSession(ctx, s); err != nil || sess.Resolution != checkout.ResolutionNone {
		t.Fatalf("resolution %q kept (%v)", sess.Resolution, err)
	}
}

// Refunds of one session created at once are decided one after another under the session's
// lock: together they never exceed what the session received.
func TestConcurrentRefundsNeverExceedWhatWasReceived(t *testing.T) {
	const received, callers = 10_000_000, 8
	for _, tc := range []struct {
		name    string
		params  refund.CreateParams
		created int
	}{
		{"a third each", refund.CreateParams{CryptoAmount: base(3_000_000), Destination: shopper}, 3},
		{"all that is left", refund.CreateParams{Destination: shopper}, 1},
		{"in cents, awaiting claims", refund.CreateParams{Amount: ptr(int64(400))}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newRefunds(t)
			ctx := context.Background()
			m := newMerchant(t, f.testRepos)
			s := f.paidSession(t, m, false, received)
			var mu sync.Mutex
			var made []refund.Refund
			err := concurrently(callers, func(int) error {
				r, err := f.create(ctx, s, tc.params)
				if e, ok := apperr.As(err); ok && (e.Code == "amount_too_large" || e.Code == "charge_already_refunded") {
					return nil // refused: too little is left
				}
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				made = append(made, r)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sum := new(big.Int)
			for _, r := range made {
				sum.Add(sum, r.CryptoAmount)
			}
			var stored string
			if err := f.db.pool.Get(&stored, `SELECT COALESCE(sum(crypto_amount), 0)::text FROM refunds WHERE session_id = $1`, s); err != nil {
				t.Fatal(err)
			}
			if len(made) != tc.created || sum.Cmp(base(received)) > 0 || stored != sum.String() {
				t.Fatalf("%d refunds of %s in all (%s stored) from %d received, want %d refunds", len(made), sum, stored, received, tc.created)
			}
		})
	}
}

// The success of a refund writes the refund, its events with their outbox rows, its balance
// line and the session's amount refunded in one transaction: all of them, or none.
func TestUpdateRefundWritesItsChangeTogether(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	newEndpoint(t, f.testRepos, m, "http://127.0.0.1:9/hook", nil)
	s := f.paidSession(t, m, false, 39_980_000)
	r := f.mustCreate(t, s, refund.CreateParams{Amount: ptr(int64(1500)), Destination: shopper})
	at := f.t0.Add(2 * time.Hour)
	hash := fmt.Sprintf("0x%064x", 99)
	if _, err := f.refunds.UpdateRefund(ctx, r.ID, func(r *refund.Refund) (refund.Change, error) {
		return refund.Change{Events: []event.Event{refundEvent(event.RefundUpdated, *r)}}, r.MarkSent(hash, at)
	}); err != nil {
		t.Fatal(err)
	}
	succeed := func(lineMerchant string) func(r *refund.Refund) (refund.Change, error) {
		return func(r *refund.Refund) (refund.Change, error) {
			line, err := r.Succeed(refund.Transfer{Found: true, Succeeded: true, BlockNumber: 77, Confirmations: 9, Paid: r.CryptoAmount}, at)
			line.MerchantID = lineMerchant
			return refund.Change{Events: []event.Event{refundEvent(event.RefundUpdated, *r)}, Line: &line, Refunded: r.Amount}, err
		}
	}
	// A change whose line cannot be written (no such merchant) keeps nothing of the change.
	if _, err := f.refunds.UpdateRefund(ctx, r.ID, succeed("acct_nope")); err == nil {
		t.Fatal("a line of an unknown merchant was written")
	}
	if got, _ := f.refunds.LoadRefund(ctx, r.ID); got.Status != refund.StatusPending {
		t.Fatalf("status %s after a failed change", got.Status)
	}
	if sess, _ := f.sessions.LoadSession(ctx, s); sess.AmountRefunded != 0 {
		t.Fatalf("amount refunded %d after a failed change", sess.AmountRefunded)
	}
	if evs, outbox, _ := f.eventCounts(t, s); evs != 2 || outbox != 2 {
		t.Fatalf("%d events, %d outbox rows after a failed change, want created and updated", evs, outbox)
	}

	done, err := f.refunds.UpdateRefund(ctx, r.ID, succeed(m))
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != refund.StatusSucceeded || done.TxBlock != 77 || done.SucceededAt == nil || !done.SucceededAt.Equal(at) {
		t.Fatalf("succeeded refund %+v", done)
	}
	stored, err := f.refunds.LoadRefund(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	sameRefund(t, "succeeded", stored, done)
	if sess, _ := f.sessions.LoadSession(ctx, s); sess.AmountRefunded != 1500 {
		t.Fatalf("amount refunded %d, want 1500", sess.AmountRefunded)
	}
	if evs, outbox, byType := f.eventCounts(t, s); evs != 3 || outbox != 3 || byType[event.RefundUpdated] != 2 {
		t.Fatalf("%d events (%v), %d outbox rows", evs, byType, outbox)
	}
	page, err := f.payouts.ListBalanceTransactions(ctx, m, false, settlement.LineFilter{Type: settlement.TypeRefund, Params: paging.Params{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 1 {
		t.Fatalf("%d refund lines", len(page.Data))
	}
	l := page.Data[0]
	if l.SessionID != s || l.PaymentID != "" || l.PayoutID != "" || !l.Address.IsZero() || l.Amount.Cmp(new(big.Int).Neg(r.CryptoAmount)) != 0 ||
		l.FiatAmount != -1500 || l.Currency != "usd" || l.Status != settlement.BalanceAvailable || !l.AvailableOn.Equal(at) {
		t.Fatalf("refund line %+v", l)
	}
	// A change of what was decided under the session's lock is refused.
	if _, err := f.refunds.UpdateRefund(ctx, r.ID, func(r *refund.Refund) (refund.Change, error) {
		r.CryptoAmount.Add(r.CryptoAmount, big.NewInt(1))
		return refund.Change{}, nil
	}); err == nil {
		t.Fatal("an update changed the refund's amount")
	}
	if _, err := f.refunds.UpdateRefund(ctx, "re_nope", func(*refund.Refund) (refund.Change, error) {
		return refund.Change{}, nil
	}); !apperr.IsKind(err, apperr.KindNotFound) {
		t.Fatalf("update of an unknown refund: %v", err)
	}
}

// A transaction pays one refund: a second refund naming it is refused with the API's error,
// and TxHashUsed sees it while the first still counts.
func TestTransactionPaysOneRefund(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	first := f.mustCreate(t, f.paidSession(t, m, false, 10_000_000), refund.CreateParams{CryptoAmount: base(1), Destination: shopper})
	second := f.mustCreate(t, f.paidSession(t, m, false, 10_000_000), refund.CreateParams{CryptoAmount: base(1), Destination: shopper})
	hash := fmt.Sprintf("0x%064x", 5)
	markSent := func(id string) error {
		_, err := f.refunds.UpdateRefund(ctx, id, func(r *refund.Refund) (refund.Change, error) {
			return refund.Change{}, r.MarkSent(hash, f.t0)
		})
		return err
	}
	if err := markSent(first.ID); err != nil {
		t.Fatal(err)
	}
	err := markSent(second.ID)
	if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || e.Param != "transaction_hash" || e.Code != "refund_transfer_mismatch" {
		t.Fatalf("the same transaction for a second refund: %v", err)
	}
	if got, _ := f.refunds.LoadRefund(ctx, second.ID); got.TxHash != "" {
		t.Fatalf("second refund kept %s", got.TxHash)
	}
	setStatus := func(st refund.Status) {
		if _, err := f.refunds.UpdateRefund(ctx, first.ID, func(r *refund.Refund) (refund.Change, error) {
			r.Status = st // as stored whatever the rules say: only the status is under test
			return refund.Change{}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		status       refund.Status
		chainID      int64
		except, want bool
	}{
		{refund.StatusPending, testChainID, false, true},
		{refund.StatusPending, testChainID, true, false}, // the refund itself
		{refund.StatusPending, 1, false, false},          // another chain
		{refund.StatusSucceeded, testChainID, false, true},
		{refund.StatusFailed, testChainID, false, false},
		{refund.StatusCanceled, testChainID, false, false},
	} {
		setStatus(tc.status)
		except := second.ID
		if tc.except {
			except = first.ID
		}
		used, err := f.refunds.TxHashUsed(ctx, tc.chainID, hash, except)
		if err != nil || used != tc.want {
			t.Fatalf("%s on chain %d except %s: used %v (%v), want %v", tc.status, tc.chainID, except, used, err, tc.want)
		}
	}
	// A refused transaction is cleared: it no longer blocks another refund.
	setStatus(refund.StatusPending)
	if _, err := f.refunds.UpdateRefund(ctx, first.ID, func(r *refund.Refund) (refund.Change, error) {
		r.RefuseTx("it reverted")
		return refund.Change{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := markSent(second.ID); err != nil {
		t.Fatalf("a refused transaction still blocks: %v", err)
	}
}

// The session's resolution, set by a session rule (Accept) or by a refund's decision, and its
// amount refunded read back wherever the session is read.
func TestSessionResolutionRoundTrips(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	under, addr := f.session(t, sessionSpec{merchantID: m})
	f.pay(t, under, addr, payment{amount: 20_000_000})
	expired := f.t0.Add(time.Hour)
	if _, err := f.sessions.Update(ctx, under, func(s *checkout.Session, _ []chain.Payment) error {
		s.Status, s.ExpiredAt = checkout.StatusExpired, &expired
		return nil
	}, noEvents); err != nil {
		t.Fatal(err)
	}
	accepted, err := f.sessions.Update(ctx, under, func(s *checkout.Session, payments []chain.Payment) error {
		return s.Accept(payments, expired.Add(time.Minute))
	}, noEvents)
	if err != nil || accepted.Resolution != checkout.ResolutionAcceptedUnderpayment {
		t.Fatalf("accepted %+v: %v", accepted, err)
	}

	over := f.paidSession(t, m, false, 40_000_000)
	if _, err := f.refunds.CreateRefund(ctx, over, "", func(s *checkout.Session, payments []chain.Payment, refunds []refund.Refund) (refund.Refund, []event.Event, error) {
		s.Resolution = checkout.ResolutionRefunded
		r, err := refund.New(refund.CreateParams{CryptoAmount: base(20_000), Destination: shopper, Reason: refund.ReasonOverpayment}, s, payments, refunds, f.t0)
		return r, nil, err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.pool.Exec(`UPDATE checkout_sessions SET amount_refunded = 2 WHERE id = $1`, over); err != nil {
		t.Fatal(err)
	}
	// A later save of the session (any rule's) keeps both.
	if _, err := f.sessions.Update(ctx, over, func(*checkout.Session, []chain.Payment) error { return nil }, noEvents); err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		resolution checkout.Resolution
		refunded   int64
	}{under: {checkout.ResolutionAcceptedUnderpayment, 0}, over: {checkout.ResolutionRefunded, 2}}
	page, err := f.sessions.ListSessions(ctx, checkout.ListQuery{MerchantID: m, Page: paging.Params{Limit: 10}})
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		got, err := f.sessions.GetSession(ctx, m, false, id)
		if err != nil {
			t.Fatal(err)
		}
		listed := page.Data[slices.IndexFunc(page.Data, func(s *checkout.Session) bool { return s.ID == id })]
		for _, s := range []*checkout.Session{got, listed} {
			if s.Resolution != w.resolution || s.AmountRefunded != w.refunded {
				t.Fatalf("session %s: resolution %q, amount refunded %d; want %q, %d", id, s.Resolution, s.AmountRefunded, w.resolution, w.refunded)
			}
		}
	}
}

// A refund's line is money that left the merchant's wallet: no settlement takes it for a
// deposit to sweep, and the balance still to pay out does not count it.
func TestRefundLinesAreNotDeposits(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	s := f.paidSession(t, m, false, 39_980_000)
	p, covered := f.openPayout(t, m)
	if len(covered) != 1 {
		t.Fatalf("payout %s of %d deposits", p.ID, len(covered))
	}
	r := f.mustCreate(t, s, refund.CreateParams{Amount: ptr(int64(1000)), Destination: shopper})
	at := f.t0.Add(3 * time.Hour)
	if _, err := f.refunds.UpdateRefund(ctx, r.ID, func(r *refund.Refund) (refund.Change, error) {
		if err := r.MarkSent(fmt.Sprintf("0x%064x", 1), at); err != nil {
			return refund.Change{}, err
		}
		line, err := r.Succeed(refund.Transfer{Found: true, Succeeded: true, BlockNumber: 9, Confirmations: 5, Paid: r.CryptoAmount}, at)
		return refund.Change{Line: &line, Refunded: r.Amount}, err
	}); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM balance_transactions WHERE type = $1 AND payout_id IS NULL`, settlement.TypeRefund); n != 1 {
		t.Fatalf("%d refund lines", n)
	}
	keys, err := f.payouts.Unswept(ctx)
	if err != nil || len(keys) != 0 {
		t.Fatalf("settlements waiting: %v (%v)", keys, err)
	}
	if ds := f.record(t, m, false); len(ds) != 0 {
		t.Fatalf("deposits to sweep: %v", paymentIDs(ds))
	}
	unpaid, err := f.payouts.ListBalanceTransactions(ctx, m, false, settlement.LineFilter{Unpaid: true, Params: paging.Params{Limit: 100}})
	if err != nil {
		t.Fatal(err)
	}
	lines := make([]settlement.BalanceTransaction, len(unpaid.Data))
	for i, l := range unpaid.Data {
		lines[i] = l.BalanceTransaction
	}
	if b := settlement.PendingBalance(lines); b.Lines != 0 || len(b.Assets) != 0 || len(b.Fiat) != 0 {
		t.Fatalf("pending balance %+v from the refund's line", b)
	}
}

// Overdue finds the refunds a workflow should already have moved: an expired claim, or a
// transaction marked sent a while ago; not a fresh claim, a pending refund with nothing sent,
// or a final one.
func TestOverdueRefunds(t *testing.T) {
	f := newRefunds(t)
	ctx := context.Background()
	m := newMerchant(t, f.testRepos)
	created := f.t0.Add(time.Hour) // what f.create decides at; claims last refund.DefaultClaimTTL
	claim := f.mustCreate(t, f.paidSession(t, m, false, 39_980_000), refund.CreateParams{Amount: ptr(int64(100))})
	pending := f.mustCreate(t, f.paidSession(t, m, false, 39_980_000), refund.CreateParams{Amount: ptr(int64(100)), Destination: shopper})
	sent := f.mustCreate(t, f.paidSession(t, m, false, 39_980_000), refund.CreateParams{Amount: ptr(int64(100)), Destination: shopper})
	if _, err := f.refunds.UpdateRefund(ctx, sent.ID, func(r *refund.Refund) (refund.Change, error) {
		return refund.Change{}, r.MarkSent("0x"+strings.Repeat("ab", 32), created.Add(time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		before time.Time
		want   []string
	}{
		{"before anything was due", created.Add(time.Minute), nil},
		{"after the transaction was sent", created.Add(2 * time.Minute), []string{sent.ID}},
		{"after the claim expired", created.Add(refund.DefaultClaimTTL + time.Second), []string{claim.ID, sent.ID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.refunds.Overdue(ctx, c.before, 10)
			if err != nil {
				t.Fatal(err)
			}
			if ids := refundIDs(got); !slices.Equal(ids, c.want) {
				t.Fatalf("overdue = %v, want %v (pending %s never)", ids, c.want, pending.ID)
			}
		})
	}
}
