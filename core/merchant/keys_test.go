package merchant

import (
	"context"
	"testing"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := t0.Add(d); return &t }

// TestKeyUsable: a key works until it is revoked or its expiry comes, whichever is first.
func TestKeyUsable(t *testing.T) {
	tests := []struct {
		name        string
		key         APIKey
		now         time.Duration
		usable      bool
		wantExpired bool
	}{
		{"fresh key", APIKey{}, 0, true, false},
		{"before its expiry", APIKey{ExpiresAt: at(time.Hour)}, time.Hour - time.Nanosecond, true, false},
		{"at its expiry", APIKey{ExpiresAt: at(time.Hour)}, time.Hour, false, true},
		{"after its expiry", APIKey{ExpiresAt: at(time.Hour)}, 2 * time.Hour, false, true},
		{"revoked", APIKey{RevokedAt: at(0)}, time.Second, false, false},
		{"revoked before an expiry to come", APIKey{RevokedAt: at(0), ExpiresAt: at(time.Hour)}, time.Second, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0.Add(tt.now)
			if got := tt.key.Usable(now); got != tt.usable {
				t.Fatalf("Usable = %v, want %v", got, tt.usable)
			}
			if got := tt.key.Expired(now); got != tt.wantExpired {
				t.Fatalf("Expired = %v, want %v", got, tt.wantExpired)
			}
		})
	}
}

// TestRollRules: the grace is 0..7 days; retiring never lengthens a key's life and leaves
// keys that already stopped alone.
func TestRollRules(t *testing.T) {
	deadlines := []struct {
		grace time.Duration
		ok    bool
	}{
		{0, true}, {time.Hour, true}, {DefaultRollGrace, true}, {MaxRollGrace, true},
		{MaxRollGrace + time.Second, false}, {-time.Second, false},
	}
	for _, d := range deadlines {
		got, err := RollDeadline(t0, d.grace)
		if (err == nil) != d.ok || (d.ok && !got.Equal(t0.Add(d.grace))) {
			t.Errorf("RollDeadline(%v) = %v, %v; want ok %v", d.grace, got, err, d.ok)
		}
		if err != nil && (!apperr.IsKind(err, apperr.KindInvalid) || err.(*apperr.Error).Param != "expires_in") {
			t.Errorf("RollDeadline(%v) error %v, want invalid expires_in", d.grace, err)
		}
	}
	tests := []struct {
		name     string
		keys     []APIKey
		deadline time.Duration
		want     []*time.Time // expiry of each retired key, in order
	}{
		{"a key without expiry gets the deadline", []APIKey{{ID: "a"}}, time.Hour, []*time.Time{at(time.Hour)}},
		{"an earlier expiry stays", []APIKey{{ID: "a", ExpiresAt: at(time.Minute)}}, time.Hour, []*time.Time{at(time.Minute)}},
		{"a later expiry is brought forward", []APIKey{{ID: "a", ExpiresAt: at(48 * time.Hour)}}, time.Hour, []*time.Time{at(time.Hour)}},
		{"expiry now", []APIKey{{ID: "a"}}, 0, []*time.Time{at(0)}},
		{"expired and revoked keys are left alone", []APIKey{{ID: "a", ExpiresAt: at(-time.Hour)}, {ID: "b", RevokedAt: at(-time.Hour)}, {ID: "c"}},
			time.Hour, []*time.Time{at(time.Hour)}},
		{"no key: nothing to retire", nil, time.Hour, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Retire(tt.keys, t0, t0.Add(tt.deadline))
			if len(got) != len(tt.want) {
				t.Fatalf("retired %d keys, want %d", len(got), len(tt.want))
			}
			for i, k := range got {
				if k.ExpiresAt == nil || !k.ExpiresAt.Equal(*tt.want[i]) {
					t.Fatalf("key %d expires %v, want %v", i, k.ExpiresAt, tt.want[i])
				}
			}
		})
	}
}

// rollStore keeps keys in memory for the Create and Roll tests.
type rollStore struct {
	Store
	keys   []APIKey
	events []event.Event
}

func (r *rollStore) CreateMerchant(_ context.Context, _ Merchant, keys []APIKey) error {
	r.keys = append(r.keys, keys...)
	return nil
}

func (r *rollStore) RollKey(_ context.Context, fresh APIKey, retire func([]APIKey) ([]APIKey, []event.Event, error)) error {
	var mine []APIKey
	for _, k := range r.keys {
		if k.Livemode == fresh.Livemode {
			mine = append(mine, k)
		}
	}
	retired, events, err := retire(mine)
	if err != nil {
		return err
	}
	r.events = append(r.events, events...)
	for _, k := range retired {
		for i := range r.keys {
			if r.keys[i].ID == k.ID {
				r.keys[i] = k
			}
		}
	}
	r.keys = append(r.keys, fresh)
	return nil
}

// TestIssuedModes: a live key is issued (and rolled) only where live chains are configured.
func TestIssuedModes(t *testing.T) {
	tests := []struct {
		live      bool
		wantModes []bool
		rollLive  bool // rolling the live key is allowed
	}{
		{false, []bool{false}, false},
		{true, []bool{false, true}, true},
	}
	for _, tt := range tests {
		store := &rollStore{}
		svc, err := NewService(store, noXPubs{}, keyEncoder{}, func() time.Time { return t0 }, IssueLiveKeys(tt.live))
		if err != nil {
			t.Fatal(err)
		}
		m, secrets, err := svc.Create(context.Background(), "Shop", "xpub")
		if err != nil || len(secrets) != len(tt.wantModes) {
			t.Fatalf("live %v: Create = %d keys, %v", tt.live, len(secrets), err)
		}
		for i, s := range secrets {
			prefix := map[bool]string{false: "sk_test_", true: "sk_live_"}[tt.wantModes[i]]
			if s.Key.Livemode != tt.wantModes[i] || s.Value[:8] != prefix || s.Key.Hash != HashSecret(s.Value) {
				t.Fatalf("live %v: key %d = %+v", tt.live, i, s)
			}
		}
		_, retired, err := svc.Roll(context.Background(), m.ID, true, time.Hour)
		if (err == nil) != tt.rollLive || (err == nil && (len(retired) != 1 || !retired[0].Livemode)) {
			t.Fatalf("live %v: rolling the live key: %d retired, %v", tt.live, len(retired), err)
		}
	}
}
