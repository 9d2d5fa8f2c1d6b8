package settlement

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/merchant"
)

func TestSettingsEventType(t *testing.T) {
	base := NewSettings("acct_1", false)
	if err := base.SetPayout(AllChains, payA, "payout_address"); err != nil {
		t.Fatal(err)
	}
	with := func(f func(*Settings)) *Settings { c := base.snapshot(); f(c); return c }
	cases := []struct {
		name          string
		before, after *Settings
		want          string
	}{
		{"unchanged", &base, base.snapshot(), ""},
		{"only its updated time", &base, with(func(s *Settings) { s.UpdatedAt = time.Unix(1, 0) }), ""},
		{"the same address again", &base, with(func(s *Settings) { _ = s.SetPayout(AllChains, payA, "") }), ""},
		{"mode", &base, with(func(s *Settings) { s.Mode = ModeXPub }), event.SettlementSettingsUpdated},
		{"default payout", &base, with(func(s *Settings) { _ = s.SetPayout(AllChains, payB, "") }), event.SettlementSettingsUpdated},
		{"default payout removed", &base, with(func(s *Settings) { _ = s.SetPayout(AllChains, "", "") }), event.SettlementSettingsUpdated},
		{"a chain's payout", &base, with(func(s *Settings) { _ = s.SetPayout(1337, payB, "") }), event.SettlementSettingsUpdated},
	}
	for _, c := range cases {
		if got := SettingsEventType(c.before, c.after); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// settingsMemory keeps one merchant's settings of each mode and the events of their changes.
type settingsMemory struct {
	set    map[bool]Settings
	events []event.Event
}

func (m *settingsMemory) Settings(_ context.Context, merchantID string, livemode bool) (Settings, error) {
	if s, ok := m.set[livemode]; ok {
		return s, nil
	}
	return NewSettings(merchantID, livemode), nil
}

func (m *settingsMemory) Policy(ctx context.Context, merchantID string, livemode bool) (ResolutionPolicy, error) {
	s, err := m.Settings(ctx, merchantID, livemode)
	return s.Policy, err
}

func (m *settingsMemory) UpdateSettings(ctx context.Context, merchantID string, livemode bool,
	change func(*Settings) ([]event.Event, error)) (Settings, error) {
	s, _ := m.Settings(ctx, merchantID, livemode)
	s = *s.snapshot()
	events, err := change(&s)
	if err != nil {
		return Settings{}, err
	}
	m.set[livemode], m.events = s, append(m.events, events...)
	return s, nil
}

type settingsEncoder struct{}

func (settingsEncoder) EncodeSettings(_ context.Context, s Settings) ([]byte, error) {
	payout := any(nil)
	if a, ok := s.Payouts[AllChains]; ok {
		payout = a.String()
	}
	return json.Marshal(map[string]any{"object": "settlement_settings", "deposit_addresses": s.Mode, "payout_address": payout})
}

// Updates through the service record settlement_settings.updated with the old values of what
// changed, and nothing for an update that changes nothing.
func TestSettingsUpdateEvents(t *testing.T) {
	store := &settingsMemory{set: map[bool]Settings{}}
	svc, err := NewService(store, chain.Config{}, settingsEncoder{}, func() time.Time { return time.Unix(1700000000, 0) })
	if err != nil {
		t.Fatal(err)
	}
	caller := merchant.Caller{MerchantID: "acct_1"}
	ptr := func(s string) *string { return &s }
	cases := []struct {
		name     string
		change   Change
		wantPrev string // "": no event
	}{
		{"payout address set", Change{PayoutAddress: ptr(payA)}, `{"payout_address":null}`},
		{"the same again", Change{PayoutAddress: ptr(payA)}, ""},
		{"nothing", Change{}, ""},
		{"mode", Change{Mode: ptr("xpub")}, `{"deposit_addresses":"forwarder"}`},
		{"refused", Change{PayoutAddress: ptr("0x12")}, ""},
	}
	for _, c := range cases {
		n := len(store.events)
		_, err := svc.Update(context.Background(), caller, c.change)
		if (err != nil) != (c.name == "refused") {
			t.Fatalf("%s: %v", c.name, err)
		}
		added := store.events[n:]
		if c.wantPrev == "" {
			if len(added) != 0 {
				t.Errorf("%s: events %+v, want none", c.name, added)
			}
			continue
		}
		if len(added) != 1 || added[0].Type != event.SettlementSettingsUpdated || string(added[0].PreviousAttributes) != c.wantPrev ||
			added[0].MerchantID != "acct_1" {
			t.Errorf("%s: events %+v, want one with previous_attributes %s", c.name, added, c.wantPrev)
		}
	}
}
