package postgres

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/paging"
)

// Sessions implements checkout.Store: sessions, their line items, deposit addresses and
// payments as the session rules read them (see session_payments.go).
type Sessions struct{ db *DB }

// NewSessions returns the sessions repository of db.
func NewSessions(db *DB) *Sessions { return &Sessions{db: db} }

// sessionLockSQL takes a transaction-scoped lock named after the session; SessionRecorded
// takes the same lock, so it waits for the creating transaction to end before looking.
const sessionLockSQL = `pg_advisory_xact_lock(7101, hashtext($1))`

// CreateSession writes the session and its items in one statement and calls committed once
// the transaction holding them has committed. The advisory lock is held until commit, for
// SessionRecorded; workflow_started stays false until MarkWorkflowStarted.
func (r *Sessions) CreateSession(ctx context.Context, sess *checkout.Session, committed func(context.Context)) error {
	args, err := insertSessionArgs(sess)
	if err != nil {
		return err
	}
	err = r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockLibraryProducts(ctx, tx, sess.LineItems); err != nil {
			return err
		}
		return unavailableIf("insert session "+sess.ID, r.db.stmts.exec(ctx, tx, insertSessionSQL, args...))
	})
	if err != nil {
		return err
	}
	r.db.afterCommit(ctx, committed)
	return nil
}

// lockLibraryProducts holds the library products a session sells (KEY SHARE, until commit), so a
// product cannot be deleted between its "never sold" check and this sale; one deleted already
// is refused.
func lockLibraryProducts(ctx context.Context, tx *sqlx.Tx, items []checkout.LineItem) error {
	ids := map[string]bool{}
	for _, li := range items {
		if li.LibraryProduct {
			ids[li.ProductID] = true
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowxContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM products WHERE id = ANY($1) FOR KEY SHARE) p`,
		pq.Array(slices.Collect(maps.Keys(ids)))).Scan(&n); err != nil {
		return unavailable("lock library products", err)
	}
	if n != len(ids) {
		return apperr.Invalid("line_items", "resource_missing", "A product of these line items was deleted meanwhile.")
	}
	return nil
}

// UpdateItems applies change to the session and its line items under the session's row lock.
func (r *Sessions) UpdateItems(ctx context.Context, id string, change func(*checkout.Session) error) (*checkout.Session, error) {
	var sess *checkout.Session
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		if sess, err = loadSession(ctx, tx, id, ` FOR UPDATE`); err != nil {
			return err
		}
		if sess.LineItems, err = lineItemsOf(ctx, tx, id); err != nil {
			return err
		}
		if err := change(sess); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE checkout_sessions SET amount_subtotal = $2, amount_total = $3 WHERE id = $1`,
			id, sess.AmountSubtotal, sess.AmountTotal); err != nil {
			return unavailable("save amounts of "+id, err)
		}
		for _, li := range sess.LineItems {
			if _, err := tx.ExecContext(ctx, `UPDATE checkout_line_items SET quantity = $2, amount_subtotal = $3,
				amount_total = $4 WHERE id = $1`, li.ID, li.Quantity, li.AmountSubtotal, li.AmountTotal); err != nil {
				return unavailable("save line item "+li.ID, err)
			}
		}
		return nil
	})
	return sess, err
}

const markStartedSQL = `UPDATE checkout_sessions SET workflow_started = true WHERE id = ANY($1) AND NOT workflow_started`

// MarkWorkflowStarted notes that the sessions' workflows exist.
func (r *Sessions) MarkWorkflowStarted(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	err := r.db.stmts.execOutside(ctx, markStartedSQL, pq.Array(ids))
	return unavailableIf(fmt.Sprintf("mark the workflows of %d sessions (%s...) started", len(ids), ids[0]), err)
}

// UnstartedSessions returns up to limit sessions created before olderThan whose workflow
// start has not been confirmed: their start after commit failed or never ran.
func (r *Sessions) UnstartedSessions(ctx context.Context, olderThan time.Time, limit int) ([]*checkout.Session, error) {
	var rows []sessionRow
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT `+sessionColumns+` FROM checkout_sessions
		WHERE NOT workflow_started AND created_at < $1 ORDER BY created_at LIMIT $2`, olderThan, limit); err != nil {
		return nil, unavailable("list unstarted sessions", err)
	}
	return sessionsOf(rows)
}

// sessionsOf decodes rows in order.
func sessionsOf(rows []sessionRow) ([]*checkout.Session, error) {
	out := make([]*checkout.Session, 0, len(rows))
	for _, row := range rows {
		sess, err := row.session()
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, nil
}

// SessionRecorded waits out the creating transaction, then looks for the row.
func (r *Sessions) SessionRecorded(ctx context.Context, id string) (bool, error) {
	var found bool
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT `+sessionLockSQL, id); err != nil {
			return unavailable("wait for session lock", err)
		}
		// A new statement takes a new snapshot under READ COMMITTED, so it sees the commit we waited for.
		return tx.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM checkout_sessions WHERE id = $1)`, id).Scan(&found)
	})
	return found, err
}

// GetSession returns the caller's session.
func (r *Sessions) GetSession(ctx context.Context, merchantID string, livemode bool, id string) (*checkout.Session, error) {
	return loadSession(ctx, r.db.pool, id, ` AND merchant_id = $2 AND livemode = $3`, merchantID, livemode)
}

// LoadSession returns a session by ID alone.
func (r *Sessions) LoadSession(ctx context.Context, id string) (*checkout.Session, error) {
	return loadSession(ctx, r.db.pool, id, "")
}

// loadSession reads session id with the further conditions (and their arguments, from $2) of where.
func loadSession(ctx context.Context, q sqlx.QueryerContext, id, where string, args ...any) (*checkout.Session, error) {
	var row sessionRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+sessionColumns+` FROM checkout_sessions WHERE id = $1`+where,
		append([]any{id}, args...)...)
	if isNoRows(err) {
		return nil, apperr.NotFound("checkout.session", id)
	}
	if err != nil {
		return nil, unavailable("load session "+id, err)
	}
	return row.session()
}

// Update applies change to the session under its row lock, with its payments read in the same
// transaction, then saves the session and the events derived from before and after.
func (r *Sessions) Update(ctx context.Context, id string, change func(*checkout.Session, []chain.Payment) error, events checkout.TransitionFunc) (*checkout.Session, error) {
	var after *checkout.Session
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		before, payments, err := lockSession(ctx, tx, id)
		if err != nil {
			return err
		}
		after = cloneSession(before)
		if err := change(after, payments); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, saveSessionSQL, saveSessionArgs(after)...); err != nil {
			return unavailable("save session "+id, err)
		}
		if after.Due().After(before.Due()) { // its address is watched as long past the new due time
			if _, err := tx.ExecContext(ctx, `UPDATE deposit_addresses SET watch_until = GREATEST(watch_until, $2)
				WHERE session_id = $1`, id, after.WatchUntil()); err != nil {
				return unavailable("watch the address of "+id+" longer", err)
			}
		}
		evs, err := events(before, after)
		if err != nil {
			return err
		}
		if link := checkout.CompletesLinkSession(before, after); link != "" {
			if err := countLinkCompletion(ctx, tx, link); err != nil {
				return err
			}
		}
		return insertEvents(ctx, tx, evs)
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// lockSession reads session id under its row lock, with its payments read in the same
// transaction: what a rule deciding on the session's money sees.
func lockSession(ctx context.Context, tx *sqlx.Tx, id string) (*checkout.Session, []chain.Payment, error) {
	sess, err := loadSession(ctx, tx, id, ` FOR UPDATE`)
	if err != nil {
		return nil, nil, err
	}
	payments, err := listPayments(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	sess.Crypto.Payments = payments
	return sess, payments, nil
}

// cloneSession copies what a rule may change, so before stays as it was.
func cloneSession(s *checkout.Session) *checkout.Session {
	c := *s
	c.Crypto.Payments = slices.Clone(s.Crypto.Payments)
	return &c
}

// ListSessions pages through the caller's sessions, newest first.
func (r *Sessions) ListSessions(ctx context.Context, q checkout.ListQuery) (paging.Page[*checkout.Session], error) {
	f := scoped(q.MerchantID, q.Livemode)
	if q.Status != "" {
		f.add("status = ?", string(q.Status))
	}
	if q.ClientReferenceID != "" {
		f.add("client_reference_id = ?", q.ClientReferenceID)
	}
	if q.PaymentLink != "" {
		f.add("payment_link = ?", q.PaymentLink)
	}
	f.created(q.Created)
	spec := listSpec{table: "checkout_sessions", columns: sessionColumns, object: "checkout.session"}
	return listPage(ctx, r.db, spec, f, q.Page, sessionRow.session)
}

// LoadLineItems returns all of a session's items in order.
func (r *Sessions) LoadLineItems(ctx context.Context, sessionID string) ([]checkout.LineItem, error) {
	return lineItemsOf(ctx, r.db.pool, sessionID)
}

func lineItemsOf(ctx context.Context, q sqlx.QueryerContext, sessionID string) ([]checkout.LineItem, error) {
	items, err := lineItemsOfMany(ctx, q, []string{sessionID})
	return append([]checkout.LineItem{}, items[sessionID]...), err
}

// LineItemsOf returns each session's items in order, in one query.
func (r *Sessions) LineItemsOf(ctx context.Context, sessionIDs []string) (map[string][]checkout.LineItem, error) {
	return lineItemsOfMany(ctx, r.db.pool, sessionIDs)
}

func lineItemsOfMany(ctx context.Context, q sqlx.QueryerContext, sessionIDs []string) (map[string][]checkout.LineItem, error) {
	var rows []struct {
		SessionID string `db:"session_id"`
		lineItemRow
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT session_id, `+lineItemSelect+` FROM checkout_line_items
		WHERE session_id = ANY($1) ORDER BY session_id, position`, pq.Array(sessionIDs)); err != nil {
		return nil, unavailable("load line items", err)
	}
	out := make(map[string][]checkout.LineItem, len(sessionIDs))
	for _, row := range rows {
		li, err := row.item()
		if err != nil {
			return nil, err
		}
		out[row.SessionID] = append(out[row.SessionID], li)
	}
	return out, nil
}

// ListLineItems pages through a session's items in their given order.
func (r *Sessions) ListLineItems(ctx context.Context, merchantID string, livemode bool, sessionID string, p paging.Params) (paging.Page[checkout.LineItem], error) {
	if _, err := r.GetSession(ctx, merchantID, livemode, sessionID); err != nil {
		return paging.Page[checkout.LineItem]{}, err
	}
	items, err := r.LoadLineItems(ctx, sessionID)
	if err != nil {
		return paging.Page[checkout.LineItem]{}, err
	}
	// At most 100 items per session: paging in memory is simpler and as fast as in SQL.
	return paging.InMemory(items, func(li checkout.LineItem) string { return li.ID }, "line item", p)
}
