package postgres

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
)

// This file maps sessions and line items to and from their rows.

const sessionColumns = `seq, id, merchant_id, livemode, mode, status, payment_status, currency,
	amount_subtotal, amount_total, client_reference_id, customer_email, success_url, cancel_url,
	payment_link, metadata, expires_at, created_at, expired_at, accepted_assets, preselect_asset,
	payment_tolerance_percent, asset_id, chain_id, asset_decimals, deposit_address, rate, amount_due::text,
	quoted_at, quote_expires_at, crypto_state, amount_received::text, completed_at, payments_seen, payments_live,
	workflow_started, settlement_destination, settlement_chain_id, ui_mode, return_url, client_secret,
	subscription_data, subscription_id, invoice_id, resolution, amount_refunded, deadline_extended_to`

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
	WorkflowStarted   bool                `db:"workflow_started"`
	SettleTo          sql.NullString      `db:"settlement_destination"`
	SettleChainID     sql.NullInt64       `db:"settlement_chain_id"`
	UIMode            string              `db:"ui_mode"`
	ReturnURL         sql.NullString      `db:"return_url"`
	ClientSecret      sql.NullString      `db:"client_secret"`
	SubscriptionData  []byte              `db:"subscription_data"`
	SubscriptionID    sql.NullString      `db:"subscription_id"`
	InvoiceID         sql.NullString      `db:"invoice_id"`
	Resolution        sql.NullString      `db:"resolution"`
	AmountRefunded    int64               `db:"amount_refunded"`
	ExtendedTo        sql.NullTime        `db:"deadline_extended_to"`
}

// subscriptionData is how subscription_data is stored.
type subscriptionData struct {
	Description string            `json:"description,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

func (r sessionRow) session() (*checkout.Session, error) {
	s := &checkout.Session{
		ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Mode: checkout.Mode(r.Mode),
		Status: checkout.Status(r.Status), PaymentStatus: checkout.PaymentStatus(r.PaymentStatus),
		Currency: r.Currency, AmountSubtotal: r.AmountSubtotal, AmountTotal: r.AmountTotal,
		ClientReferenceID: r.ClientReferenceID.String, CustomerEmail: r.CustomerEmail.String,
		SuccessURL: r.SuccessURL.String, CancelURL: r.CancelURL.String, PaymentLink: r.PaymentLink.String,
		ExpiresAt: r.ExpiresAt.UTC(), CreatedAt: r.CreatedAt.UTC(), WorkflowStarted: r.WorkflowStarted,
		UIMode: checkout.UIMode(r.UIMode), ReturnURL: r.ReturnURL.String, ClientSecret: r.ClientSecret.String,
		SubscriptionID: r.SubscriptionID.String, InvoiceID: r.InvoiceID.String,
		Resolution: checkout.Resolution(r.Resolution.String), AmountRefunded: r.AmountRefunded,
	}
	if len(r.SubscriptionData) > 0 {
		var d subscriptionData
		if err := json.Unmarshal(r.SubscriptionData, &d); err != nil {
			return nil, fmt.Errorf("decode subscription_data of %s: %w", r.ID, err)
		}
		s.Subscription = checkout.SubscriptionData{Description: d.Description, Metadata: d.Metadata}
	}
	s.ExpiredAt, s.CompletedAt = timeOrNil(r.ExpiredAt), timeOrNil(r.CompletedAt)
	if r.ExtendedTo.Valid {
		s.ExtendedTo = r.ExtendedTo.Time.UTC()
	}
	s.Crypto = checkout.Crypto{
		AcceptedAssets: []string(r.AcceptedAssets), PreselectAsset: r.PreselectAsset.String,
		TolerancePercent: r.Tolerance, AssetID: r.AssetID.String, ChainID: r.ChainID.Int64,
		Decimals: r.AssetDecimals.Int32, DepositAddress: r.DepositAddress.String, Rate: r.Rate.Decimal,
		QuotedAt: r.QuotedAt.Time.UTC(), State: chain.CryptoState(r.CryptoState), AmountReceived: bigOf(r.AmountReceived),
		PaymentsSeen: r.PaymentsSeen, PaymentsLive: r.PaymentsLive,
		SettlementDestination: r.SettleTo.String, SettlementChainID: r.SettleChainID.Int64,
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

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

func timeOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func bigOf(s string) *big.Int {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return new(big.Int)
	}
	return v
}

// insertSessionSQL writes a session ($1-$21, then $39-$41) and its line items (column arrays
// $22-$38) in one statement, under the session's advisory lock.
const insertSessionSQL = `
	WITH lock AS (SELECT ` + sessionLockSQL + `),
	sess AS (
		INSERT INTO checkout_sessions (id, merchant_id, livemode, mode, status, payment_status, currency,
			amount_subtotal, amount_total, client_reference_id, customer_email, success_url, cancel_url,
			payment_link, metadata, expires_at, created_at, accepted_assets, preselect_asset,
			payment_tolerance_percent, crypto_state, workflow_started, ui_mode, return_url, client_secret,
			subscription_data, invoice_id)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, false,
			$39, $40, $41, $42::jsonb, $43 FROM lock
		RETURNING id)
	INSERT INTO checkout_line_items (session_id, id, position, price_id, product_id, name,
		product_description, images, currency, unit_amount, unit_amount_decimal, quantity,
		amount_subtotal, amount_total, library_price, adjustable_enabled, adjustable_minimum, adjustable_maximum,
		recurring_interval, recurring_interval_count)
	SELECT sess.id, li.id, li.position, li.price_id, li.product_id, li.name, li.product_description, li.images,
		li.currency, li.unit_amount, li.unit_amount_decimal, li.quantity, li.amount_subtotal, li.amount_total,
		li.library_price, li.adjustable_enabled, li.adjustable_minimum, li.adjustable_maximum,
		NULLIF(li.recurring_interval, ''), NULLIF(li.recurring_interval_count, 0)
	FROM sess, unnest($22::text[], $23::int[], $24::text[], $25::text[], $26::text[],
		$27::text[], $28::jsonb[], $29::text[], $30::bigint[], $31::numeric[], $32::bigint[], $33::bigint[],
		$34::bigint[], $35::boolean[], $36::boolean[], $37::bigint[], $38::bigint[], $44::text[], $45::bigint[])
		AS li(id, position, price_id, product_id, name, product_description, images, currency, unit_amount,
			unit_amount_decimal, quantity, amount_subtotal, amount_total, library_price, adjustable_enabled,
			adjustable_minimum, adjustable_maximum, recurring_interval, recurring_interval_count)`

// insertSessionArgs are insertSessionSQL's arguments for sess.
func insertSessionArgs(sess *checkout.Session) ([]any, error) {
	md, err := jsonArg(sess.Metadata)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	items, err := lineItemColumnsOf(sess.LineItems)
	if err != nil {
		return nil, err
	}
	args := []any{sess.ID, sess.MerchantID, sess.Livemode, sess.Mode, sess.Status, sess.PaymentStatus, sess.Currency,
		sess.AmountSubtotal, sess.AmountTotal, nullable(sess.ClientReferenceID), nullable(sess.CustomerEmail),
		nullable(sess.SuccessURL), nullable(sess.CancelURL), nullable(sess.PaymentLink), md,
		sess.ExpiresAt, sess.CreatedAt, pq.Array(sess.Crypto.AcceptedAssets), nullable(sess.Crypto.PreselectAsset),
		sess.Crypto.TolerancePercent, string(sess.Crypto.State)}
	var subData any
	if sess.Mode == checkout.ModeSubscription {
		if subData, err = jsonArg(subscriptionData{Description: sess.Subscription.Description, Metadata: sess.Subscription.Metadata}); err != nil {
			return nil, fmt.Errorf("encode subscription_data: %w", err)
		}
	}
	args = append(args, items.args()...)
	return append(args, string(sess.UI()), nullable(sess.ReturnURL), nullable(sess.ClientSecret), subData,
		nullable(sess.InvoiceID), pq.Array(items.intervals), pq.Array(items.intervalCounts)), nil
}

// lineItemColumns holds line items column by column, for one unnest insert.
type lineItemColumns struct {
	ids, prices, products, names, descs, images, currencies, unitDecimals []string
	positions, quantities, subtotals, totals, adjMins, adjMaxs            []int64
	unitAmounts                                                           []any // nil: no integer unit amount
	library, adjustable                                                   []bool
	intervals                                                             []string // "": charged once
	intervalCounts                                                        []int64
}

// lineItemColumnsOf never leaves a column nil: a nil slice would be sent as NULL, not '{}'.
func lineItemColumnsOf(items []checkout.LineItem) (lineItemColumns, error) {
	n := len(items)
	strs := func() []string { return make([]string, 0, n) }
	ints := func() []int64 { return make([]int64, 0, n) }
	c := lineItemColumns{ids: strs(), prices: strs(), products: strs(), names: strs(), descs: strs(), images: strs(),
		currencies: strs(), unitDecimals: strs(), positions: ints(), quantities: ints(), subtotals: ints(),
		totals: ints(), unitAmounts: make([]any, 0, n), adjMins: ints(), adjMaxs: ints(),
		library: make([]bool, 0, n), adjustable: make([]bool, 0, n), intervals: strs(), intervalCounts: ints()}
	for _, li := range items {
		img, err := jsonArg(append([]string{}, li.Images...))
		if err != nil {
			return c, fmt.Errorf("encode images: %w", err)
		}
		var unit any
		if li.UnitAmount != nil {
			unit = *li.UnitAmount
		}
		c.ids, c.prices, c.products = append(c.ids, li.ID), append(c.prices, li.PriceID), append(c.products, li.ProductID)
		c.names, c.descs = append(c.names, li.Name), append(c.descs, li.ProductDescription)
		c.images, c.currencies = append(c.images, img), append(c.currencies, li.Currency)
		c.unitDecimals, c.unitAmounts = append(c.unitDecimals, li.UnitAmountDecimal.String()), append(c.unitAmounts, unit)
		c.positions, c.quantities = append(c.positions, int64(li.Position)), append(c.quantities, li.Quantity)
		c.subtotals, c.totals = append(c.subtotals, li.AmountSubtotal), append(c.totals, li.AmountTotal)
		c.library, c.adjustable = append(c.library, li.LibraryPrice), append(c.adjustable, li.Adjustable.Enabled)
		c.adjMins, c.adjMaxs = append(c.adjMins, li.Adjustable.Minimum), append(c.adjMaxs, li.Adjustable.Maximum)
		var rt catalog.RecurringTerms
		if li.Recurring != nil {
			rt = *li.Recurring
		}
		c.intervals, c.intervalCounts = append(c.intervals, string(rt.Interval)), append(c.intervalCounts, rt.IntervalCount)
	}
	return c, nil
}

// args are the columns in insertSessionSQL's order.
func (c lineItemColumns) args() []any {
	return []any{pq.Array(c.ids), pq.Array(c.positions), pq.Array(c.prices), pq.Array(c.products), pq.Array(c.names),
		pq.Array(c.descs), pq.Array(c.images), pq.Array(c.currencies), pq.GenericArray{A: c.unitAmounts},
		pq.Array(c.unitDecimals), pq.Array(c.quantities), pq.Array(c.subtotals), pq.Array(c.totals),
		pq.Array(c.library), pq.Array(c.adjustable), pq.Array(c.adjMins), pq.Array(c.adjMaxs)}
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
	LibraryPrice       bool            `db:"library_price"`
	AdjustableEnabled  bool            `db:"adjustable_enabled"`
	AdjustableMinimum  int64           `db:"adjustable_minimum"`
	AdjustableMaximum  int64           `db:"adjustable_maximum"`
	RecurringInterval  sql.NullString  `db:"recurring_interval"`
	RecurringCount     sql.NullInt64   `db:"recurring_interval_count"`
}

const lineItemSelect = `id, position, price_id, product_id, name, product_description, images, currency,
	unit_amount, unit_amount_decimal, quantity, amount_subtotal, amount_total, library_price,
	adjustable_enabled, adjustable_minimum, adjustable_maximum, recurring_interval, recurring_interval_count`

func (r lineItemRow) item() (checkout.LineItem, error) {
	li := checkout.LineItem{ID: r.ID, Position: r.Position, PriceID: r.PriceID, ProductID: r.ProductID,
		Name: r.Name, ProductDescription: r.ProductDescription, Currency: r.Currency,
		UnitAmountDecimal: r.UnitAmountDecimal, Quantity: r.Quantity,
		AmountSubtotal: r.AmountSubtotal, AmountTotal: r.AmountTotal, LibraryPrice: r.LibraryPrice,
		Adjustable: checkout.AdjustableQuantity{Enabled: r.AdjustableEnabled, Minimum: r.AdjustableMinimum, Maximum: r.AdjustableMaximum}}
	if r.UnitAmount.Valid {
		v := r.UnitAmount.Int64
		li.UnitAmount = &v
	}
	if r.RecurringInterval.Valid {
		li.Recurring = &catalog.RecurringTerms{Interval: catalog.Interval(r.RecurringInterval.String), IntervalCount: r.RecurringCount.Int64}
	}
	if err := json.Unmarshal(r.Images, &li.Images); err != nil {
		return li, fmt.Errorf("decode images of %s: %w", r.ID, err)
	}
	return li, nil
}

// saveSessionSQL writes every field a rule may change. amount_refunded is not one: only a
// refund's success adds to it (Refunds.UpdateRefund), so no session save can undo that.
const saveSessionSQL = `UPDATE checkout_sessions SET status = $2, payment_status = $3, expired_at = $4,
	completed_at = $5, asset_id = $6, chain_id = $7, asset_decimals = $8, rate = $9, amount_due = $10::numeric,
	quoted_at = $11, quote_expires_at = $12, crypto_state = $13, amount_received = $14::numeric,
	payments_seen = $15, payments_live = $16, resolution = $17, deadline_extended_to = $18 WHERE id = $1`

func saveSessionArgs(s *checkout.Session) []any {
	cr := s.Crypto
	var due sql.NullString
	if cr.AmountDue != nil {
		due = sql.NullString{String: cr.AmountDue.String(), Valid: true}
	}
	received := "0"
	if cr.AmountReceived != nil {
		received = cr.AmountReceived.String()
	}
	chosen := cr.AssetID != ""
	return []any{s.ID, string(s.Status), string(s.PaymentStatus), nullTimePtr(s.ExpiredAt), nullTimePtr(s.CompletedAt),
		nullable(cr.AssetID), sql.NullInt64{Int64: cr.ChainID, Valid: chosen}, sql.NullInt32{Int32: cr.Decimals, Valid: chosen},
		decimal.NullDecimal{Decimal: cr.Rate, Valid: chosen}, due, nullTime(cr.QuotedAt), nullTime(cr.QuoteExpiresAt),
		string(cr.State), received, cr.PaymentsSeen, cr.PaymentsLive, nullable(string(s.Resolution)), nullTime(s.ExtendedTo)}
}
