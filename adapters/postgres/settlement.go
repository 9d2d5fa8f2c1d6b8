package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/settlement"
)

// Settlement implements settlement.Store: a merchant's deposit mode and payout addresses, per mode.
type Settlement struct{ db *DB }

// NewSettlement returns the settlement settings repository of db.
func NewSettlement(db *DB) *Settlement { return &Settlement{db: db} }

// Settings reads a merchant's settings of a mode (settlement.NewSettings when it has no row).
func (r *Settlement) Settings(ctx context.Context, merchantID string, livemode bool) (settlement.Settings, error) {
	return loadSettings(ctx, r.db.pool, merchantID, livemode)
}

// UpdateSettings locks the merchant's row, applies change to the mode's settings and saves
// them with change's events in one transaction.
func (r *Settlement) UpdateSettings(ctx context.Context, merchantID string, livemode bool,
	change func(*settlement.Settings) ([]event.Event, error)) (settlement.Settings, error) {
	var out settlement.Settings
	err := r.db.inTx(ctx, func(tx *sqlx.Tx) error {
		var exists bool
		if err := tx.GetContext(ctx, &exists, `SELECT true FROM merchants WHERE id = $1 FOR UPDATE`, merchantID); isNoRows(err) {
			return apperr.NotFound("merchant", merchantID)
		} else if err != nil {
			return unavailable("lock merchant "+merchantID, err)
		}
		set, err := loadSettings(ctx, tx, merchantID, livemode)
		if err != nil {
			return err
		}
		events, err := change(&set)
		if err != nil {
			return err
		}
		out = set
		if err := saveSettings(ctx, tx, set); err != nil {
			return err
		}
		return insertEvents(ctx, tx, events)
	})
	return out, err
}

// Policy reads only the mode's resolution policy, without its payout addresses.
func (r *Settlement) Policy(ctx context.Context, merchantID string, livemode bool) (settlement.ResolutionPolicy, error) {
	set := settlement.NewSettings(merchantID, livemode)
	err := loadSettingsRow(ctx, r.db.pool, &set)
	return set.Policy, err
}

// settingsRow is a merchant_settlement row.
type settingsRow struct {
	Mode      string          `db:"deposit_addresses"`
	Tolerance decimal.Decimal `db:"underpayment_tolerance_percent"`
	Late      sql.NullString  `db:"late_payments"`
	UpdatedAt time.Time       `db:"updated_at"`
}

// loadSettingsRow fills set from its row; a mode with no row keeps set as it is.
func loadSettingsRow(ctx context.Context, q sqlx.QueryerContext, set *settlement.Settings) error {
	var row settingsRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT deposit_addresses, underpayment_tolerance_percent, late_payments, updated_at
		FROM merchant_settlement WHERE merchant_id = $1 AND livemode = $2`, set.MerchantID, set.Livemode)
	switch {
	case err == nil:
		set.Mode, set.UpdatedAt = settlement.DepositMode(row.Mode), row.UpdatedAt.UTC()
		set.Policy.UnderpaymentTolerancePercent = row.Tolerance
		if row.Late.Valid {
			set.Policy.LatePayments = settlement.LatePayments(row.Late.String)
		}
	case !isNoRows(err):
		return unavailable("read settlement settings of "+set.MerchantID, err)
	}
	return nil
}

func loadSettings(ctx context.Context, q sqlx.QueryerContext, merchantID string, livemode bool) (settlement.Settings, error) {
	set := settlement.NewSettings(merchantID, livemode)
	if err := loadSettingsRow(ctx, q, &set); err != nil {
		return set, err
	}
	var payouts []struct {
		ChainID int64  `db:"chain_id"`
		Address string `db:"address"`
	}
	if err := sqlx.SelectContext(ctx, q, &payouts, `SELECT chain_id, address FROM payout_addresses WHERE merchant_id = $1 AND livemode = $2`, merchantID, livemode); err != nil {
		return set, unavailable("read payout addresses of "+merchantID, err)
	}
	for _, p := range payouts {
		a, err := settlement.ParseAddress(p.Address)
		if err != nil {
			return set, fmt.Errorf("stored payout address of %s: %w", merchantID, err)
		}
		set.Payouts[p.ChainID] = a
	}
	return set, nil
}

func saveSettings(ctx context.Context, tx *sqlx.Tx, set settlement.Settings) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO merchant_settlement
		(merchant_id, livemode, deposit_addresses, updated_at, underpayment_tolerance_percent, late_payments)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (merchant_id, livemode) DO UPDATE
		SET deposit_addresses = $3, updated_at = $4, underpayment_tolerance_percent = $5, late_payments = $6`,
		set.MerchantID, set.Livemode, string(set.Mode), set.UpdatedAt,
		set.Policy.UnderpaymentTolerancePercent, string(set.Policy.LatePayments)); err != nil {
		return unavailable("save settlement settings of "+set.MerchantID, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM payout_addresses WHERE merchant_id = $1 AND livemode = $2`, set.MerchantID, set.Livemode); err != nil {
		return unavailable("replace payout addresses of "+set.MerchantID, err)
	}
	for chainID, a := range set.Payouts {
		if _, err := tx.ExecContext(ctx, `INSERT INTO payout_addresses (merchant_id, livemode, chain_id, address) VALUES ($1, $2, $3, $4)`,
			set.MerchantID, set.Livemode, chainID, a.String()); err != nil {
			return unavailable("save payout address of "+set.MerchantID, err)
		}
	}
	return nil
}
