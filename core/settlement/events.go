package settlement

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/chaincheckout/checkout/core/event"
)

// SettingsEncoder renders settlement settings as GET /v1/settlement_settings shows them, for
// the events of their changes.
type SettingsEncoder interface {
	EncodeSettings(ctx context.Context, s Settings) ([]byte, error)
}

// SettingsEventType names the event a merchant's change of its settings of a mode from
// before to after stands for, "" if none: a change of the deposit mode, of a payout address or
// of the resolution policy is an update; one that changes none (only its updated time) emits nothing.
func SettingsEventType(before, after *Settings) string {
	if before.Mode != after.Mode || !maps.Equal(before.Payouts, after.Payouts) || !before.Policy.Equal(after.Policy) {
		return event.SettlementSettingsUpdated
	}
	return ""
}

// snapshot copies settings deeply enough to compare before and after an update.
func (s Settings) snapshot() *Settings {
	s.Payouts = maps.Clone(s.Payouts)
	return &s
}

// settingsEvents builds the event of a change of settings, if any, with the settings as the
// API shows them and the old values of what changed.
func settingsEvents(ctx context.Context, enc SettingsEncoder, now time.Time, before, after *Settings) ([]event.Event, error) {
	typ := SettingsEventType(before, after)
	if typ == "" {
		return nil, nil
	}
	obj, err := enc.EncodeSettings(ctx, *after)
	if err != nil {
		return nil, fmt.Errorf("encode settlement settings of %s: %w", after.MerchantID, err)
	}
	old, err := enc.EncodeSettings(ctx, *before)
	if err != nil {
		return nil, fmt.Errorf("encode settlement settings of %s: %w", before.MerchantID, err)
	}
	e, err := event.OfChange(ctx, typ, after.MerchantID, after.Livemode, now, obj, old)
	return []event.Event{e}, err
}
