package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/paging"
)

// sessionLockSQL takes a transaction-scoped lock named after the session; SessionRecorded
// takes the same lock, so it waits for the creating transaction to end before looking.
const sessionLockSQL = `pg_advisory_xact_lock(7101, hashtext($1))`

const sessionColumns = `seq, id, merchant_id, livemode, mode, status, payment_status, currency,
	amount_subtotal, amount_total, client_reference_id, customer_email, success_url, cancel_url,
	payment_link, metadata, expires_at, created_at, expired_at, accepted_assets, preselect_asset,
	payment_tolerance_percent, asset_id, chain_id, asset_decimals, deposit_address, rate, amount_due::text,
	quoted_at, quote_expires_at, crypto_state, amount_received::text, completed_at, payments_seen, payments_live`

type sessionRow struct {
	Seq               int64               `db:"seq"`
	ID                string              `db:"id"`
	MerchantID        string              `db:"merchant_id"`
	Livemode          bool                `db:"livemode"`
	Mode              string              `db:"mode"`
	Status            string              `db:"status"`
	PaymentStatus     string              `db:"payment_status"`
	Currency          string              `db:"currency"`
	AmountSubtotal    int64               `db:"amount_subtotal"`
	AmountTotal       int64               `db:"amount_total"`
	ClientReferenceID sql.NullString      `db:"client_reference_id"`
	CustomerEmail     sql.NullString      `db:"customer_email"`
	SuccessURL        sql.NullString      `db:"success_url"`
	CancelURL         sql.NullString      `db:"cancel_url"`
	PaymentLink       sql.NullString      `db:"payment_link"`
	Metadata          []byte              `db:"metadata"`
	ExpiresAt         time.Time           `db:"expires_at"`
	CreatedAt         time.Time           `db:"created_at"`
	ExpiredAt         sql.NullTime        `db:"expired_at"`
	AcceptedAssets    pq.StringArray      `db:"accepted_assets"`
	PreselectAsset    sql.NullString      `db:"preselect_asset"`
	Tolerance         decimal.Decimal     `db:"payment_tolerance_percent"`
	AssetID           sql.NullString      `db:"asset_id"`
	ChainID           sql.NullInt64       `db:"chain_id"`
	AssetDecimals     sql.NullInt32       `db:"asset_decimals"`
	DepositAddress    sql.NullString      `db:"deposit_address"`
	Rate              decimal.NullDecimal `db:"rate"`
	AmountDue         sql.NullString      `db:"amount_due"`
	QuotedAt          sql.NullTime        `db:"quoted_at"`
	QuoteExpiresAt    sql.NullTime        `db:"quote_expires_at"`
	CryptoState       string              `db:"crypto_state"`
	AmountReceived    string              `db:"amount_received"`
	CompletedAt       sql.NullTime        `db:"completed_at"`
	PaymentsSeen      int                 `db:"payments_seen"`
	PaymentsLive      int                 `db:"payments_live"`
}

func (r sessionRow) session() (*checkout.Session, error) {
	s := &checkout.Session{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Mode: checkout.Mode(r.Mode),
		Status: checkout.Status(r.Status), PaymentStatus: checkout.PaymentStatus(r.PaymentStatus),
		Currency: r.Currency, AmountSubtotal: r.AmountSubtotal, AmountTotal: r.AmountTotal,
		ClientReferenceID: r.ClientReferenceID.String, CustomerEmail: r.CustomerEmail.String,
		SuccessURL: r.SuccessURL.String, CancelURL: r.CancelURL.String, PaymentLink: r.PaymentLink.String,
		ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(),
	}
	s.ExpiredAt, s.CompletedAt = timeOrNil(r.ExpiredAt), timeOrNil(r.CompletedAt)
	s.Crypto = checkout.Crypto{
		AcceptedAssets: []string(r.AcceptedAssets), PreselectAsset: r.PreselectAsset.String,
		TolerancePercent: r.Tolerance, AssetID: r.AssetID.String, ChainID: r.ChainID.Int64,
		Decimals: r.AssetDecimals.Int32, DepositAddress: r.DepositAddress.String, Rate: r.Rate.Decimal,
		QuotedAt: r.QuotedAt.Time.UTC(), State: chain.CryptoState(r.CryptoState), AmountReceived: bigOf(r.AmountReceived),
		PaymentsSeen: r.PaymentsSeen, PaymentsLive: r.PaymentsLive,
	}
	if r.QuoteExpiresAt.Valid {
		s.Crypto.QuoteExpiresAt = r.QuoteExpiresAt.Time.UTC()
	}
	if r.AmountDue.Valid {
		s.Crypto.AmountDue = bigOf(r.AmountDue.String)
	}
	if err := json.Unmarshal(r.Metadata, &s.Metadata); err != nil {
		return nil, fmt.Errorf("decode metadata of %s: %w", r.ID, err)
	}
	return s, nil
}

func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func timeOrNil(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	at := t.Time.UTC()
	return &at
}

func nullTimePtr(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return nullTime(*t)
}

// CreateSession writes the session and its items in one statement and calls committed once
// the transaction holding them has committed. The advisory lock is held until commit, for
// SessionRecorded; workflow_started stays false until MarkWorkflowStarted.
func (s *Store) CreateSession(ctx context.Context, sess *checkout.Session, committed func(context.Context)) error {
	md, err := json.Marshal(sess.Metadata)
	if err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	n := len(sess.LineItems)
	var (
		ids, prices, products, names, descs, images, currencies = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		positions                     = make([]int64, n)
		unitAmounts                   = make([]sql.NullInt64, n)
		unitDecimals                  = make([]string, n)
		quantities, subtotals, totals = make([]int64, n), make([]int64, n), make([]int64, n)
	)
	for i, li := range sess.LineItems {
		img, err := json.Marshal(append([]string{}, li.Images...))
		if err != nil {
			return fmt.Errorf("encode images: %w", err)
		}
		ids[i], prices[i], products[i], names[i], descs[i], images[i], currencies[i] =
			li.ID, li.PriceID, li.ProductID, li.Name, li.ProductDescription, string(img), li.Currency
		positions[i] = int64(li.Position)
		if li.UnitAmount != nil {
			unitAmounts[i] = sql.NullInt64{Int64: *li.UnitAmount, Valid: true}
		}
		unitDecimals[i] = li.UnitAmountDecimal.String()
		quantities[i], subtotals[i], totals[i] = li.Quantity, li.AmountSubtotal, li.AmountTotal
	}
	nullInts := make([]any, n)
	for i, v := range unitAmounts {
		if v.Valid {
			nullInts[i] = v.Int64
		}
	}
	err = s.inTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			WITH lock AS (SELECT `+sessionLockSQL+`),
			sess AS (
				INSERT INTO checkout_sessions (id, merchant_id, livemode, mode, status, payment_status, currency,
					amount_subtotal, amount_total, client_reference_id, customer_email, success_url, cancel_url,
					payment_link, metadata, expires_at, created_at, accepted_assets, preselect_asset,
					payment_tolerance_percent, crypto_state, workflow_started)
				SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $31, $32, $33, $34, false FROM lock
				RETURNING id)
			INSERT INTO checkout_line_items (session_id, id, position, price_id, product_id, name,
				product_description, images, currency, unit_amount, unit_amount_decimal, quantity,
				amount_subtotal, amount_total)
			SELECT sess.id, li.* FROM sess, unnest($18::text[], $19::int[], $20::text[], $21::text[], $22::text[],
				$23::text[], $24::jsonb[], $25::text[], $26::bigint[], $27::numeric[], $28::bigint[], $29::bigint[],
				$30::bigint[]) AS li`,
			sess.ID, sess.MerchantID, sess.Livemode, sess.Mode, sess.Status, sess.PaymentStatus, sess.Currency,
			sess.AmountSubtotal, sess.AmountTotal, nullable(sess.ClientReferenceID), nullable(sess.CustomerEmail),
			nullable(sess.SuccessURL), nullable(sess.CancelURL), nullable(sess.PaymentLink), md,
			sess.ExpiresAt, sess.CreatedAt,
			pq.Array(ids), pq.Array(positions), pq.Array(prices), pq.Array(products), pq.Array(names),
			pq.Array(descs), pq.Array(images), pq.Array(currencies), pq.GenericArray{A: nullInts},
			pq.Array(unitDecimals), pq.Array(quantities), pq.Array(subtotals), pq.Array(totals),
			pq.Array(sess.Crypto.AcceptedAssets), nullable(sess.Crypto.PreselectAsset),
			sess.Crypto.TolerancePercent, string(sess.Crypto.State))
		return unavailableIf("insert session "+sess.ID, err)
	})
	if err != nil {
		return err
	}
	s.afterCommit(ctx, committed)
	return nil
}

// MarkWorkflowStarted notes that the session's workflow exists.
func (s *Store) MarkWorkflowStarted(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE checkout_sessions SET workflow_started = true WHERE id = $1 AND NOT workflow_started`, id)
	return unavailableIf("mark workflow of "+id+" started", err)
}

// UnstartedSessions returns up to limit sessions created before olderThan whose workflow
// start has not been confirmed: their start after commit failed or never ran.
func (s *Store) UnstartedSessions(ctx context.Context, olderThan time.Time, limit int) ([]*checkout.Session, error) {
	var rows []sessionRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+sessionColumns+` FROM checkout_sessions
		WHERE NOT workflow_started AND created_at < $1 ORDER BY created_at LIMIT $2`, olderThan, limit); err != nil {
		return nil, unavailable("list unstarted sessions", err)
	}
	out := make([]*checkout.Session, 0, len(rows))
	for _, r := range rows {
		sess, err := r.session()
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, nil
}

// SessionRecorded waits out the creating transaction, then looks for the row.
func (s *Store) SessionRecorded(ctx context.Context, id string) (bool, error) {
	var found bool
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT `+sessionLockSQL, id); err != nil {
			return unavailable("wait for session lock", err)
		}
		// A new statement takes a new snapshot under READ COMMITTED, so it sees the commit we waited for.
		return tx.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM checkout_sessions WHERE id = $1)`, id).Scan(&found)
	})
	return found, err
}

// GetSession returns the caller's session.
func (s *Store) GetSession(ctx context.Context, merchantID string, livemode bool, id string) (*checkout.Session, error) {
	var r sessionRow
	err := s.db.QueryRowxContext(ctx, `SELECT `+sessionColumns+` FROM checkout_sessions
		WHERE id = $1 AND merchant_id = $2 AND livemode = $3`, id, merchantID, livemode).StructScan(&r)
	if isNoRows(err) {
		return nil, apperr.NotFound("checkout.session", id)
	}
	if err != nil {
		return nil, unavailable("load session "+id, err)
	}
	return r.session()
}

// LoadSession returns a session by ID alone.
func (s *Store) LoadSession(ctx context.Context, id string) (*checkout.Session, error) {
	var r sessionRow
	err := s.db.QueryRowxContext(ctx, `SELECT `+sessionColumns+` FROM checkout_sessions WHERE id = $1`, id).StructScan(&r)
	if isNoRows(err) {
		return nil, apperr.NotFound("checkout.session", id)
	}
	if err != nil {
		return nil, unavailable("load session "+id, err)
	}
	return r.session()
}

// Update applies change to the session under its row lock, with its payments read in the same
// transaction, then saves the session and the events derived from before and after.
func (s *Store) Update(ctx context.Context, id string, change func(*checkout.Session, []chain.Payment) error, events checkout.TransitionFunc) (*checkout.Session, error) {
	var after *checkout.Session
	err := s.inTx(ctx, func(tx *sqlx.Tx) error {
		before, err := loadSessionTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		payments, err := listPayments(ctx, tx, id)
		if err != nil {
			return err
		}
		before.Crypto.Payments = payments
		after = cloneSession(before)
		if err := change(after, payments); err != nil {
			return err
		}
		if err := saveSession(ctx, tx, after); err != nil {
			return err
		}
		evs, err := events(before, after)
		if err != nil {
			return err
		}
		return insertEvents(ctx, tx, evs)
	})
	if err != nil {
		return nil, err
	}
	return after, nil
}

// cloneSession copies what a rule may change, so before stays as it was.
func cloneSession(s *checkout.Session) *checkout.Session {
	c := *s
	c.Crypto.Payments = slices.Clone(s.Crypto.Payments)
	return &c
}

// saveSession writes every field a rule may change.
func saveSession(ctx context.Context, tx *sqlx.Tx, s *checkout.Session) error {
	cr := s.Crypto
	var due sql.NullString
	if cr.AmountDue != nil {
		due = sql.NullString{String: cr.AmountDue.String(), Valid: true}
	}
	received := "0"
	if cr.AmountReceived != nil {
		received = cr.AmountReceived.String()
	}
	_, err := tx.ExecContext(ctx, `UPDATE checkout_sessions SET status = $2, payment_status = $3, expired_at = $4,
		completed_at = $5, asset_id = $6, chain_id = $7, asset_decimals = $8, rate = $9, amount_due = $10::numeric,
		quoted_at = $11, quote_expires_at = $12, crypto_state = $13, amount_received = $14::numeric,
		payments_seen = $15, payments_live = $16 WHERE id = $1`,
		s.ID, string(s.Status), string(s.PaymentStatus), nullTimePtr(s.ExpiredAt), nullTimePtr(s.CompletedAt),
		nullable(cr.AssetID), sql.NullInt64{Int64: cr.ChainID, Valid: cr.AssetID != ""},
		sql.NullInt32{Int32: cr.Decimals, Valid: cr.AssetID != ""}, decimal.NullDecimal{Decimal: cr.Rate, Valid: cr.AssetID != ""},
		due, nullTime(cr.QuotedAt), nullTime(cr.QuoteExpiresAt), string(cr.State), received, cr.PaymentsSeen, cr.PaymentsLive)
	return unavailableIf("save session "+s.ID, err)
}

func loadSessionTx(ctx context.Context, tx *sqlx.Tx, id string, lock bool) (*checkout.Session, error) {
	q := `SELECT ` + sessionColumns + ` FROM checkout_sessions WHERE id = $1`
	if lock {
		q += ` FOR UPDATE`
	}
	var r sessionRow
	err := tx.QueryRowxContext(ctx, q, id).StructScan(&r)
	if isNoRows(err) {
		return nil, apperr.NotFound("checkout.session", id)
	}
	if err != nil {
		return nil, unavailable("load session "+id, err)
	}
	return r.session()
}

// ListSessions pages through the caller's sessions, newest first.
func (s *Store) ListSessions(ctx context.Context, q checkout.ListQuery) (paging.Page[*checkout.Session], error) {
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
	cursor, err := s.cursor(ctx, "checkout_sessions", "checkout.session", q.MerchantID, q.Livemode, q.Page)
	if err != nil {
		return paging.Page[*checkout.Session]{}, err
	}
	var rows []sessionRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+sessionColumns+` FROM checkout_sessions WHERE `+
		f.page(cursor, q.Page.Limit), f.args...); err != nil {
		return paging.Page[*checkout.Session]{}, unavailable("list sessions", err)
	}
	var page paging.Page[*checkout.Session]
	rows, page.HasMore = pageOf(rows, q.Page.Limit, cursor)
	for _, r := range rows {
		sess, err := r.session()
		if err != nil {
			return page, err
		}
		page.Data = append(page.Data, sess)
	}
	return page, nil
}

// filter builds a list query's WHERE clause with numbered placeholders, always scoped to one
// merchant and mode.
type filter struct {
	where []string
	args  []any
}

func scoped(merchantID string, livemode bool) *filter {
	return &filter{where: []string{"merchant_id = $1", "livemode = $2"}, args: []any{merchantID, livemode}}
}

// add appends a condition whose ? stands for v.
func (f *filter) add(cond string, v any) {
	f.args = append(f.args, v)
	f.where = append(f.where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(f.args))))
}

// created applies Stripe's created[gt|gte|lt|lte].
func (f *filter) created(r paging.TimeRange) {
	for _, b := range []struct {
		op string
		t  *time.Time
	}{{">", r.GT}, {">=", r.GTE}, {"<", r.LT}, {"<=", r.LTE}} {
		if b.t != nil {
			f.add("created_at "+b.op+" ?", *b.t)
		}
	}
}

// page adds the cursor's bound and returns the WHERE clause, ORDER BY and LIMIT.
func (f *filter) page(c cursorPos, limit int) string {
	cond, arg, order := c.bound()
	if cond != "" {
		f.add(cond, arg)
	}
	return strings.Join(f.where, " AND ") + " ORDER BY " + order + fmt.Sprintf(" LIMIT %d", limit+1)
}

type cursorPos struct {
	after, before bool
	seq           int64
}

// bound is the WHERE condition (with a ? for its argument), the argument and the ORDER BY of
// a page: newest first, except that an ending_before page is read oldest first, nearest the cursor.
func (c cursorPos) bound() (cond string, arg any, order string) {
	switch {
	case c.after:
		return "seq < ?", c.seq, "seq DESC"
	case c.before:
		return "seq > ?", c.seq, "seq ASC"
	}
	return "", nil, "seq DESC"
}

// pageOf trims the look-ahead row and puts an ending_before page back newest first.
func pageOf[R any](rows []R, limit int, c cursorPos) ([]R, bool) {
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if c.before {
		slices.Reverse(rows)
	}
	return rows, more
}

// cursor resolves starting_after/ending_before to a position; an unknown ID is a 400 as in Stripe.
func (s *Store) cursor(ctx context.Context, table, object, merchantID string, livemode bool, p paging.Params) (cursorPos, error) {
	id, param := p.StartingAfter, "starting_after"
	c := cursorPos{after: id != ""}
	if p.EndingBefore != "" {
		id, param, c = p.EndingBefore, "ending_before", cursorPos{before: true}
	}
	if id == "" {
		return c, nil
	}
	err := s.db.QueryRowxContext(ctx, `SELECT seq FROM `+table+` WHERE id = $1 AND merchant_id = $2 AND livemode = $3`,
		id, merchantID, livemode).Scan(&c.seq)
	if isNoRows(err) {
		return c, apperr.Invalid(param, "resource_missing", "No such %s: '%s'", object, id)
	}
	if err != nil {
		return c, unavailable("resolve list cursor", err)
	}
	return c, nil
}

type lineItemRow struct {
	ID                 string          `db:"id"`
	Position           int             `db:"position"`
	PriceID            string          `db:"price_id"`
	ProductID          string          `db:"product_id"`
	Name               string          `db:"name"`
	ProductDescription string          `db:"product_description"`
	Images             []byte          `db:"images"`
	Currency           string          `db:"currency"`
	UnitAmount         sql.NullInt64   `db:"unit_amount"`
	UnitAmountDecimal  decimal.Decimal `db:"unit_amount_decimal"`
	Quantity           int64           `db:"quantity"`
	AmountSubtotal     int64           `db:"amount_subtotal"`
	AmountTotal        int64           `db:"amount_total"`
}

const lineItemColumns = `id, position, price_id, product_id, name, product_description, images, currency,
	unit_amount, unit_amount_decimal, quantity, amount_subtotal, amount_total`

func (r lineItemRow) item() (checkout.LineItem, error) {
	li := checkout.LineItem{ID: r.ID, Position: r.Position, PriceID: r.PriceID, ProductID: r.ProductID,
		Name: r.Name, ProductDescription: r.ProductDescription, Currency: r.Currency,
		UnitAmountDecimal: r.UnitAmountDecimal, Quantity: r.Quantity,
		AmountSubtotal: r.AmountSubtotal, AmountTotal: r.AmountTotal}
	if r.UnitAmount.Valid {
		v := r.UnitAmount.Int64
		li.UnitAmount = &v
	}
	if err := json.Unmarshal(r.Images, &li.Images); err != nil {
		return li, fmt.Errorf("decode images of %s: %w", r.ID, err)
	}
	return li, nil
}

// LoadLineItems returns all of a session's items in order.
func (s *Store) LoadLineItems(ctx context.Context, sessionID string) ([]checkout.LineItem, error) {
	var rows []lineItemRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+lineItemColumns+` FROM checkout_line_items
		WHERE session_id = $1 ORDER BY position`, sessionID); err != nil {
		return nil, unavailable("load line items of "+sessionID, err)
	}
	items := make([]checkout.LineItem, 0, len(rows))
	for _, r := range rows {
		li, err := r.item()
		if err != nil {
			return nil, err
		}
		items = append(items, li)
	}
	return items, nil
}

// ListLineItems pages through a session's items in their given order.
func (s *Store) ListLineItems(ctx context.Context, merchantID string, livemode bool, sessionID string, p paging.Params) (paging.Page[checkout.LineItem], error) {
	var page paging.Page[checkout.LineItem]
	if _, err := s.GetSession(ctx, merchantID, livemode, sessionID); err != nil {
		return page, err
	}
	items, err := s.LoadLineItems(ctx, sessionID)
	if err != nil {
		return page, err
	}
	// At most 100 items per session: paging in memory is simpler and as fast as in SQL.
	start, end := 0, len(items)
	find := func(id, param string) (int, error) {
		for i, li := range items {
			if li.ID == id {
				return i, nil
			}
		}
		return 0, apperr.Invalid(param, "resource_missing", "No such line item: '%s'", id)
	}
	switch {
	case p.StartingAfter != "":
		i, err := find(p.StartingAfter, "starting_after")
		if err != nil {
			return page, err
		}
		start = i + 1
	case p.EndingBefore != "":
		i, err := find(p.EndingBefore, "ending_before")
		if err != nil {
			return page, err
		}
		end = i
		start = max(0, end-p.Limit)
	}
	page.Data = items[start:min(end, start+p.Limit)]
	page.HasMore = start+p.Limit < end || (p.EndingBefore != "" && start > 0)
	return page, nil
}
