package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/big"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/paging"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Payouts implements settlement.Ledger and settlement.PayoutReader: the payout aggregate (a
// payout with its balance transactions) and the pending lines of deposits no payout holds.
// The chains' configuration names each deposit's token contract.
type Payouts struct {
	db     *DB
	chains chain.Config
}

// NewPayouts returns the payouts repository of db.
func NewPayouts(db *DB, chains chain.Config) *Payouts { return &Payouts{db: db, chains: chains} }

// depositColumns are a forwarder payment with its session's currency and locked rate and its
// forwarder's binding, read from payments p, checkout_sessions s and deposit_addresses d.
const depositColumns = `p.id AS payment_id, p.session_id, s.merchant_id, s.livemode, p.chain_id, p.asset_id,
	p.amount::text AS amount, COALESCE(p.confirmed_at, p.detected_at) AS confirmed_at, s.currency,
	s.asset_id AS session_asset, s.asset_decimals, s.rate, d.address, d.factory, d.destination, d.nonce`

const depositJoins = ` FROM payments p JOIN checkout_sessions s ON s.id = p.session_id
	JOIN deposit_addresses d ON d.session_id = p.session_id`

type depositRow struct {
	LineID       string              `db:"line_id"`
	PaymentID    string              `db:"payment_id"`
	SessionID    string              `db:"session_id"`
	MerchantID   string              `db:"merchant_id"`
	Livemode     bool                `db:"livemode"`
	ChainID      int64               `db:"chain_id"`
	AssetID      string              `db:"asset_id"`
	Amount       string              `db:"amount"`
	ConfirmedAt  time.Time           `db:"confirmed_at"`
	Currency     string              `db:"currency"`
	SessionAsset sql.NullString      `db:"session_asset"`
	Decimals     sql.NullInt32       `db:"asset_decimals"`
	Rate         decimal.NullDecimal `db:"rate"`
	Address      string              `db:"address"`
	Factory      string              `db:"factory"`
	Destination  string              `db:"destination"`
	Nonce        string              `db:"nonce"`
}

// deposit builds the deposit of a row: its token from the chain's configuration, its value at
// the session's locked rate (settlement.DepositValue).
func (r *Payouts) deposit(row depositRow) (settlement.Deposit, error) {
	asset, ok := r.chains.Asset(row.AssetID)
	if !ok {
		return settlement.Deposit{}, fmt.Errorf("payment %s: asset %q is not configured", row.PaymentID, row.AssetID)
	}
	var token settlement.Address
	var err error
	if !asset.Native() {
		if token, err = settlement.ParseAddress(asset.Contract); err != nil {
			return settlement.Deposit{}, fmt.Errorf("contract of %s: %w", asset.ID, err)
		}
	}
	d := settlement.Deposit{LineID: row.LineID, PaymentID: row.PaymentID, SessionID: row.SessionID, MerchantID: row.MerchantID,
		Livemode: row.Livemode, ChainID: row.ChainID, AssetID: row.AssetID, Token: token, Amount: bigOf(row.Amount),
		Currency: row.Currency, ConfirmedAt: row.ConfirmedAt.UTC()}
	d.Value = settlement.DepositValue(row.AssetID, row.SessionAsset.String, d.Amount, row.Decimals.Int32, row.Rate.Decimal)
	if d.Factory, err = settlement.ParseAddress(row.Factory); err != nil {
		return d, fmt.Errorf("factory of payment %s: %w", row.PaymentID, err)
	}
	if d.Address, err = settlement.ParseAddress(row.Address); err != nil {
		return d, fmt.Errorf("forwarder of payment %s: %w", row.PaymentID, err)
	}
	if d.Destination, err = settlement.ParseAddress(row.Destination); err != nil {
		return d, fmt.Errorf("destination of payment %s: %w", row.PaymentID, err)
	}
	if d.Nonce, err = settlement.ParseNonce(row.Nonce); err != nil {
		return d, fmt.Errorf("nonce of payment %s: %w", row.PaymentID, err)
	}
	return d, nil
}

func (r *Payouts) deposits(ctx context.Context, q sqlx.QueryerContext, query string, args ...any) ([]settlement.Deposit, error) {
	var rows []depositRow
	if err := sqlx.SelectContext(ctx, q, &rows, query, args...); err != nil {
		return nil, unavailable("read deposits", err)
	}
	out := make([]settlement.Deposit, 0, len(rows))
	for _, row := range rows {
		d, err := r.deposit(row)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// RecordDeposits writes a pending line, made by newLine, for each confirmed payment above
// dust into a forwarder address of k's sessions that has none (a concurrent call's line wins:
// one line per payment), then returns every payment line of k no payout holds, oldest first.
// xpub addresses have no factory: their payments are the merchant's to sweep, never deposits.
func (r *Payouts) RecordDeposits(ctx context.Context, k settlement.SweepKey, newLine func(settlement.Deposit) (settlement.BalanceTransaction, error)) ([]settlement.Deposit, error) {
	var out []settlement.Deposit
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		fresh, err := r.deposits(ctx, tx, `SELECT `+depositColumns+depositJoins+`
			WHERE s.merchant_id = $1 AND s.livemode = $2 AND p.chain_id = $3 AND d.chain_id = $3 AND d.factory IS NOT NULL
				AND p.status = $4 AND NOT p.dust AND NOT EXISTS (SELECT 1 FROM balance_transactions b WHERE b.payment_id = p.id)
			ORDER BY confirmed_at, p.id`, k.MerchantID, k.Livemode, k.ChainID, string(chain.PaymentConfirmed))
		if err != nil {
			return err
		}
		lines := make([]settlement.BalanceTransaction, 0, len(fresh))
		for _, d := range fresh {
			l, err := newLine(d)
			if err != nil {
				return fmt.Errorf("line of payment %s: %w", d.PaymentID, err)
			}
			lines = append(lines, l)
		}
		if _, err := writeLines(ctx, tx, lines, `ON CONFLICT (payment_id) DO NOTHING`); err != nil {
			return err
		}
		out, err = r.deposits(ctx, tx, `SELECT b.id AS line_id, `+depositColumns+depositJoins+`
			JOIN balance_transactions b ON b.payment_id = p.id
			WHERE b.merchant_id = $1 AND b.livemode = $2 AND b.chain_id = $3 AND b.payout_id IS NULL AND b.type = $4
			ORDER BY confirmed_at, b.seq`, k.MerchantID, k.Livemode, k.ChainID, settlement.TypePayment)
		return err
	})
	return out, err
}

// PayoutDeposits returns the deposits whose payment lines payout id holds, oldest first.
func (r *Payouts) PayoutDeposits(ctx context.Context, id string) ([]settlement.Deposit, error) {
	return r.deposits(ctx, r.db.pool, `SELECT b.id AS line_id, `+depositColumns+depositJoins+`
		JOIN balance_transactions b ON b.payment_id = p.id
		WHERE b.payout_id = $1 AND b.type = $2
		ORDER BY confirmed_at, b.seq`, id, settlement.TypePayment)
}

// Unswept lists the settlements with deposits waiting: a confirmed payment above dust into a
// forwarder without a line yet, or a payment line no payout holds.
func (r *Payouts) Unswept(ctx context.Context) ([]settlement.SweepKey, error) {
	var rows []struct {
		MerchantID string `db:"merchant_id"`
		Livemode   bool   `db:"livemode"`
		ChainID    int64  `db:"chain_id"`
	}
	if err := r.db.pool.SelectContext(ctx, &rows, `SELECT s.merchant_id, s.livemode, p.chain_id`+depositJoins+`
			WHERE d.factory IS NOT NULL AND d.chain_id = p.chain_id AND p.status = $1 AND NOT p.dust
				AND NOT EXISTS (SELECT 1 FROM balance_transactions b WHERE b.payment_id = p.id)
		UNION
		SELECT merchant_id, livemode, chain_id FROM balance_transactions WHERE payout_id IS NULL AND type = $2
		ORDER BY 1, 2, 3`, string(chain.PaymentConfirmed), settlement.TypePayment); err != nil {
		return nil, unavailable("list settlements with deposits waiting", err)
	}
	out := make([]settlement.SweepKey, len(rows))
	for i, row := range rows {
		out[i] = settlement.SweepKey{MerchantID: row.MerchantID, Livemode: row.Livemode, ChainID: row.ChainID}
	}
	return out, nil
}

// CreatePayout saves p and gives it the deposits' lines, in one transaction; a line another
// payout holds already refuses it all. Creating the same payout with the same lines again
// (a retried call whose first answer was lost) succeeds without writing.
func (r *Payouts) CreatePayout(ctx context.Context, p settlement.Payout, deposits []settlement.Deposit) error {
	ids := make([]string, 0, len(deposits))
	seen := map[string]bool{}
	for _, d := range deposits {
		if d.LineID == "" {
			return fmt.Errorf("payout %s: deposit %s has no balance transaction", p.ID, d.PaymentID)
		}
		if !seen[d.LineID] {
			seen[d.LineID] = true
			ids = append(ids, d.LineID)
		}
	}
	args, err := payoutArgs(p)
	if err != nil {
		return err
	}
	return r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO payouts (id, merchant_id, livemode, chain_id, destination, status,
			forwarders, amount, currency, amounts, tx_hash, network_fee, failure_code, created_at, arrival_date)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::numeric, $13, $14, $15) ON CONFLICT (id) DO NOTHING`, args...)
		if err != nil {
			return unavailable("create payout "+p.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var held int
			if err := tx.GetContext(ctx, &held, `SELECT count(*) FROM balance_transactions WHERE payout_id = $1 AND id = ANY($2)`,
				p.ID, pq.Array(ids)); err != nil {
				return unavailable("check payout "+p.ID, err)
			}
			if held == len(ids) {
				return nil
			}
			return fmt.Errorf("payout %s exists already with other lines", p.ID)
		}
		res, err = tx.ExecContext(ctx, `UPDATE balance_transactions SET payout_id = $1
			WHERE id = ANY($2) AND payout_id IS NULL AND merchant_id = $3 AND livemode = $4 AND chain_id = $5`,
			p.ID, pq.Array(ids), p.MerchantID, p.Livemode, p.ChainID)
		if err != nil {
			return unavailable("claim lines of payout "+p.ID, err)
		}
		if n, _ := res.RowsAffected(); n != int64(len(ids)) {
			return apperr.Conflict("balance_transaction_claimed",
				"Payout %s: %d of its %d balance transactions are held by another payout or missing.", p.ID, int64(len(ids))-n, len(ids))
		}
		return nil
	})
}

// UpdatePayout locks payout id and its lines, applies change, and saves the payout, the lines
// change returns (new ones inserted; a line without payout released) and its events with
// their webhook outbox rows, in one transaction.
func (r *Payouts) UpdatePayout(ctx context.Context, id string, change func(*settlement.Payout, []settlement.BalanceTransaction) ([]settlement.BalanceTransaction, []event.Event, error)) (settlement.Payout, error) {
	var out settlement.Payout
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		p, err := loadPayout(ctx, tx, `id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		lines, err := payoutLines(ctx, tx, id)
		if err != nil {
			return err
		}
		changed, events, err := change(&p, lines)
		if err != nil {
			return err
		}
		if p.ID != id {
			return fmt.Errorf("payout %s: a change cannot rename it %s", id, p.ID)
		}
		args, err := payoutArgs(p)
		if err != nil {
			return err
		}
		// Every column but the payout's identity and scope ($2-$5) and its creation ($14).
		if _, err := tx.ExecContext(ctx, `UPDATE payouts SET status = $2, forwarders = $3, amount = $4, currency = $5,
			amounts = $6, tx_hash = $7, network_fee = $8::numeric, failure_code = $9, arrival_date = $10 WHERE id = $1`,
			args[0], args[5], args[6], args[7], args[8], args[9], args[10], args[11], args[12], args[14]); err != nil {
			return unavailable("save payout "+id, err)
		}
		n, err := writeLines(ctx, tx, changed, `ON CONFLICT (id) DO UPDATE SET payout_id = EXCLUDED.payout_id,
			status = EXCLUDED.status, network_fee = EXCLUDED.network_fee, available_on = EXCLUDED.available_on
			WHERE balance_transactions.merchant_id = EXCLUDED.merchant_id
				AND (balance_transactions.payout_id IS NULL OR balance_transactions.payout_id = $18)`, id)
		if err != nil {
			return err
		}
		if n != int64(len(changed)) {
			return fmt.Errorf("payout %s: %d of %d lines belong to another payout or merchant", id, int64(len(changed))-n, len(changed))
		}
		out = p
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// writeLines inserts lines in one statement with the given conflict clause (its arguments,
// if any, from $18) and reports how many rows it wrote.
func writeLines(ctx context.Context, tx *sqlx.Tx, lines []settlement.BalanceTransaction, onConflict string, args ...any) (int64, error) {
	if len(lines) == 0 {
		return 0, nil
	}
	n := len(lines)
	ids, merchants, types, sessions, payments := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	assets, addresses, amounts, currencies, fees := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	payouts, statuses, available := make([]string, n), make([]string, n), make([]string, n)
	modes, chains, fiat, created := make([]bool, n), make([]int64, n), make([]int64, n), make([]time.Time, n)
	for i, l := range lines {
		ids[i], merchants[i], modes[i], types[i], sessions[i], payments[i] = l.ID, l.MerchantID, l.Livemode, l.Type, l.SessionID, l.PaymentID
		chains[i], assets[i], amounts[i], currencies[i] = l.ChainID, l.AssetID, orZero(l.Amount).String(), l.Currency
		if !l.Address.IsZero() { // a refund's line has no forwarder
			addresses[i] = l.Address.String()
		}
		fiat[i], fees[i], payouts[i], statuses[i], created[i] = l.FiatAmount, orZero(l.NetworkFee).String(), l.PayoutID, string(l.Status), l.Created
		if !l.AvailableOn.IsZero() {
			available[i] = l.AvailableOn.UTC().Format(time.RFC3339Nano)
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO balance_transactions (id, merchant_id, livemode, type,
			session_id, payment_id, chain_id, asset_id, address, amount, currency, fiat_amount, network_fee, payout_id, status,
			created_at, available_on)
		SELECT id, merchant_id, livemode, type, NULLIF(session_id, ''), NULLIF(payment_id, ''), chain_id, asset_id, NULLIF(address, ''),
			amount::numeric, currency, fiat_amount, network_fee::numeric, NULLIF(payout_id, ''), status, created_at,
			NULLIF(available_on, '')::timestamptz
		FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[], $15::text[], $16::timestamptz[], $17::text[])
			AS u (id, merchant_id, livemode, type, session_id, payment_id, chain_id, asset_id, address, amount, currency,
				fiat_amount, network_fee, payout_id, status, created_at, available_on) `+onConflict,
		append([]any{pq.Array(ids), pq.Array(merchants), pq.Array(modes), pq.Array(types), pq.Array(sessions), pq.Array(payments),
			pq.Array(chains), pq.Array(assets), pq.Array(addresses), pq.Array(amounts), pq.Array(currencies), pq.Array(fiat),
			pq.Array(fees), pq.Array(payouts), pq.Array(statuses), pq.Array(created), pq.Array(available)}, args...)...)
	if err != nil {
		return 0, unavailable("write balance transactions", err)
	}
	return res.RowsAffected()
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// assetAmountJSON is one entry of payouts.amounts.
type assetAmountJSON struct {
	Asset  string `json:"asset"`
	Amount string `json:"amount"`
}

// payoutArgs are a payout's columns, in the order of the INSERT ($1-$15).
func payoutArgs(p settlement.Payout) ([]any, error) {
	amounts := make([]assetAmountJSON, len(p.Amounts))
	for i, a := range p.Amounts {
		amounts[i] = assetAmountJSON{Asset: a.AssetID, Amount: orZero(a.Amount).String()}
	}
	raw, err := jsonArg(amounts)
	if err != nil {
		return nil, fmt.Errorf("encode amounts of payout %s: %w", p.ID, err)
	}
	var fee sql.NullString
	if p.NetworkFee != nil {
		fee = sql.NullString{String: p.NetworkFee.String(), Valid: true}
	}
	return []any{p.ID, p.MerchantID, p.Livemode, p.ChainID, p.Destination.String(), string(p.Status), p.Forwarders,
		p.Amount, nullable(p.Currency), raw, nullable(p.TxHash), fee, nullable(p.FailureCode), p.Created, nullTime(p.ArrivalDate)}, nil
}

const payoutColumns = `seq, id, merchant_id, livemode, chain_id, destination, status, forwarders, amount, currency, amounts,
	tx_hash, network_fee::text AS network_fee, failure_code, created_at, arrival_date`

type payoutRow struct {
	Seq         int64          `db:"seq"`
	ID          string         `db:"id"`
	MerchantID  string         `db:"merchant_id"`
	Livemode    bool           `db:"livemode"`
	ChainID     int64          `db:"chain_id"`
	Destination string         `db:"destination"`
	Status      string         `db:"status"`
	Forwarders  int            `db:"forwarders"`
	Amount      int64          `db:"amount"`
	Currency    sql.NullString `db:"currency"`
	Amounts     []byte         `db:"amounts"`
	TxHash      sql.NullString `db:"tx_hash"`
	NetworkFee  sql.NullString `db:"network_fee"`
	FailureCode sql.NullString `db:"failure_code"`
	CreatedAt   time.Time      `db:"created_at"`
	ArrivalDate sql.NullTime   `db:"arrival_date"`
}

func (r payoutRow) payout() (settlement.Payout, error) {
	p := settlement.Payout{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, ChainID: r.ChainID,
		Status: settlement.PayoutStatus(r.Status), Forwarders: r.Forwarders, Amount: r.Amount, Currency: r.Currency.String,
		TxHash: r.TxHash.String, FailureCode: r.FailureCode.String, Created: r.CreatedAt.UTC(), ArrivalDate: timeOf(r.ArrivalDate)}
	var err error
	if p.Destination, err = settlement.ParseAddress(r.Destination); err != nil {
		return p, fmt.Errorf("destination of payout %s: %w", r.ID, err)
	}
	if r.NetworkFee.Valid {
		p.NetworkFee = bigOf(r.NetworkFee.String)
	}
	var amounts []assetAmountJSON
	if err := json.Unmarshal(r.Amounts, &amounts); err != nil {
		return p, fmt.Errorf("amounts of payout %s: %w", r.ID, err)
	}
	for _, a := range amounts {
		p.Amounts = append(p.Amounts, settlement.AssetAmount{AssetID: a.Asset, Amount: bigOf(a.Amount)})
	}
	return p, nil
}

// loadPayout reads the payout matching where (with args from $1).
func loadPayout(ctx context.Context, q sqlx.QueryerContext, where string, args ...any) (settlement.Payout, error) {
	var row payoutRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+payoutColumns+` FROM payouts WHERE `+where, args...)
	if isNoRows(err) {
		return settlement.Payout{}, apperr.NotFound("payout", fmt.Sprint(args[0]))
	}
	if err != nil {
		return settlement.Payout{}, unavailable("load payout", err)
	}
	return row.payout()
}

const lineColumns = `seq, id, merchant_id, livemode, type, session_id, payment_id, chain_id, asset_id, address,
	amount::text AS amount, currency, fiat_amount, network_fee::text AS network_fee, payout_id, status, created_at, available_on`

type lineRow struct {
	Seq         int64          `db:"seq"`
	ID          string         `db:"id"`
	MerchantID  string         `db:"merchant_id"`
	Livemode    bool           `db:"livemode"`
	Type        string         `db:"type"`
	SessionID   sql.NullString `db:"session_id"`
	PaymentID   sql.NullString `db:"payment_id"`
	ChainID     int64          `db:"chain_id"`
	AssetID     string         `db:"asset_id"`
	Address     sql.NullString `db:"address"`
	Amount      string         `db:"amount"`
	Currency    string         `db:"currency"`
	FiatAmount  int64          `db:"fiat_amount"`
	NetworkFee  string         `db:"network_fee"`
	PayoutID    sql.NullString `db:"payout_id"`
	Status      string         `db:"status"`
	CreatedAt   time.Time      `db:"created_at"`
	AvailableOn sql.NullTime   `db:"available_on"`
}

func (r lineRow) line() (settlement.BalanceTransaction, error) {
	l := settlement.BalanceTransaction{ID: r.ID, MerchantID: r.MerchantID, Livemode: r.Livemode, Type: r.Type,
		SessionID: r.SessionID.String, PaymentID: r.PaymentID.String, ChainID: r.ChainID, AssetID: r.AssetID,
		Amount: bigOf(r.Amount), Currency: r.Currency, FiatAmount: r.FiatAmount, NetworkFee: bigOf(r.NetworkFee),
		PayoutID: r.PayoutID.String, Status: settlement.BalanceStatus(r.Status), Created: r.CreatedAt.UTC(),
		AvailableOn: timeOf(r.AvailableOn)}
	if !r.Address.Valid { // a refund's line: no forwarder
		return l, nil
	}
	var err error
	if l.Address, err = settlement.ParseAddress(r.Address.String); err != nil {
		return l, fmt.Errorf("address of balance transaction %s: %w", r.ID, err)
	}
	return l, nil
}

// payoutLines reads, locked, the lines payout id holds, oldest first.
func payoutLines(ctx context.Context, tx *sqlx.Tx, id string) ([]settlement.BalanceTransaction, error) {
	var rows []lineRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+lineColumns+` FROM balance_transactions WHERE payout_id = $1
		ORDER BY seq FOR UPDATE`, id); err != nil {
		return nil, unavailable("load lines of payout "+id, err)
	}
	out := make([]settlement.BalanceTransaction, 0, len(rows))
	for _, row := range rows {
		l, err := row.line()
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// reconciledRow is a line of the balance_transaction_lines view: with its session's fields.
type reconciledRow struct {
	lineRow
	ClientReferenceID sql.NullString `db:"client_reference_id"`
	Metadata          []byte         `db:"metadata"`
}

const reconciledColumns = lineColumns + `, client_reference_id, metadata`

func (r reconciledRow) line() (settlement.Line, error) {
	bt, err := r.lineRow.line()
	if err != nil {
		return settlement.Line{}, err
	}
	l := settlement.Line{BalanceTransaction: bt, ClientReferenceID: r.ClientReferenceID.String, Metadata: map[string]string{}}
	if err := json.Unmarshal(r.Metadata, &l.Metadata); err != nil {
		return l, fmt.Errorf("metadata of balance transaction %s: %w", r.ID, err)
	}
	return l, nil
}

// Payout returns a payout of the merchant and mode.
func (r *Payouts) Payout(ctx context.Context, merchantID string, livemode bool, id string) (settlement.Payout, error) {
	return loadPayout(ctx, r.db.pool, `id = $1 AND merchant_id = $2 AND livemode = $3`, id, merchantID, livemode)
}

// ListPayouts pages through the payouts of a merchant and mode, newest first.
func (r *Payouts) ListPayouts(ctx context.Context, merchantID string, livemode bool, f settlement.PayoutFilter) (paging.Page[settlement.Payout], error) {
	w := scoped(merchantID, livemode)
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	spec := listSpec{table: "payouts", columns: payoutColumns, object: "payout"}
	return listPage(ctx, r.db, spec, w, f.Params, payoutRow.payout)
}

// ListBalanceTransactions pages through the lines of a merchant and mode, newest first, each
// with its session's client_reference_id and metadata.
func (r *Payouts) ListBalanceTransactions(ctx context.Context, merchantID string, livemode bool, f settlement.LineFilter) (paging.Page[settlement.Line], error) {
	w := scoped(merchantID, livemode)
	if f.PayoutID != "" {
		w.add("payout_id = ?", f.PayoutID)
	}
	if f.Type != "" {
		w.add("type = ?", f.Type)
	}
	if f.Unpaid {
		w.require("payout_id IS NULL")
	}
	spec := listSpec{table: "balance_transaction_lines", columns: reconciledColumns, object: "balance_transaction"}
	return listPage(ctx, r.db, spec, w, f.Params, reconciledRow.line)
}

// BalanceTransaction returns a line of the merchant and mode with its session's fields.
func (r *Payouts) BalanceTransaction(ctx context.Context, merchantID string, livemode bool, id string) (settlement.Line, error) {
	var row reconciledRow
	err := r.db.pool.GetContext(ctx, &row, `SELECT `+reconciledColumns+` FROM balance_transaction_lines
		WHERE id = $1 AND merchant_id = $2 AND livemode = $3`, id, merchantID, livemode)
	if isNoRows(err) {
		return settlement.Line{}, apperr.NotFound("balance_transaction", id)
	}
	if err != nil {
		return settlement.Line{}, unavailable("load balance transaction "+id, err)
	}
	return row.line()
}
