package merchant

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/event"
)

// Lasting reports whether the key works at now and is not set to stop: a key a merchant can
// keep relying on (a rolled key in its grace period is not one).
func (k APIKey) Lasting(now time.Time) bool {
	return k.Usable(now) && k.ExpiresAt == nil
}

// Revoke picks the key id among keys (a merchant's keys of one mode) and returns it revoked at
// now. It refuses a key that already stopped working, and the last lasting key of the mode: a
// merchant always keeps one key that works, so revoking it would lock the integration out
// (rolling replaces a key instead).
func Revoke(keys []APIKey, id string, now time.Time) (APIKey, error) {
	target, found, lasting := APIKey{}, false, 0
	for _, k := range keys {
		if k.ID == id {
			target, found = k, true
			continue
		}
		if k.Lasting(now) {
			lasting++
		}
	}
	if !found {
		return APIKey{}, apperr.NotFound("api_key", id)
	}
	if !target.Usable(now) {
		return APIKey{}, apperr.Invalid("key", "parameter_invalid", "The key ending in %s already stopped working.", target.Last4())
	}
	if lasting == 0 {
		return APIKey{}, apperr.Invalid("key", "parameter_invalid",
			"The key ending in %s is the last key of %s mode that keeps working: roll it instead, so a new key replaces it.",
			target.Last4(), ModeName(target.Livemode))
	}
	at := now
	target.RevokedAt = &at
	return target, nil
}

// Keys returns the merchant's keys of the mode that still work, oldest first, with the expiry
// of a rolled one; never a secret (only hashes and hints are stored).
func (s *Service) Keys(ctx context.Context, merchantID string, livemode bool) ([]APIKey, error) {
	keys, err := s.store.MerchantKeys(ctx, merchantID, livemode)
	if err != nil {
		return nil, err
	}
	now, out := s.now(), []APIKey{}
	for _, k := range keys {
		if k.Usable(now) {
			out = append(out, k)
		}
	}
	return out, nil
}

// RevokeKey makes one of the merchant's keys of the mode stop working now, unless it is the
// last lasting key of the mode (see Revoke); another merchant's or mode's key is not found.
// Its api_key.updated is recorded with the revocation.
func (s *Service) RevokeKey(ctx context.Context, merchantID string, livemode bool, keyID string) (APIKey, error) {
	now := s.now()
	var revoked APIKey
	err := s.store.RevokeKey(ctx, merchantID, livemode, func(keys []APIKey) (APIKey, []event.Event, error) {
		var err error
		if revoked, err = Revoke(keys, keyID, now); err != nil {
			return APIKey{}, nil, err
		}
		var before APIKey
		for _, k := range keys {
			if k.ID == keyID {
				before = k
			}
		}
		events, err := keyEvents(ctx, s.enc, now, &before, &revoked)
		return revoked, events, err
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return APIKey{}, err
		}
		return APIKey{}, fmt.Errorf("revoke key %s of %s: %w", keyID, merchantID, err)
	}
	s.keys.Forget(revoked.Hash)
	return revoked, nil
}

// MaxKeys bounds the keys of one mode that work at once: enough for one per service and a
// roll in progress, few enough that a leak is easy to audit.
const MaxKeys = 10

// CheckNewKey refuses another key of a mode that already has MaxKeys working ones.
func CheckNewKey(keys []APIKey, now time.Time) error {
	n := 0
	for _, k := range keys {
		if k.Usable(now) {
			n++
		}
	}
	if n >= MaxKeys {
		return apperr.Invalid("", "too_many_keys", "This mode already has %d working keys: revoke one first.", MaxKeys)
	}
	return nil
}

// CreateKey issues one more key of the mode, leaving the others as they are (one per
// integration, so each can be revoked alone). The secret is returned once; its api_key.created
// is recorded with it.
func (s *Service) CreateKey(ctx context.Context, merchantID string, livemode bool) (Secret, error) {
	if livemode && !s.live {
		return Secret{}, apperr.Invalid("mode", "parameter_invalid", "No live chain is configured, so there are no live keys.")
	}
	keys, err := s.store.MerchantKeys(ctx, merchantID, livemode)
	if err != nil {
		return Secret{}, err
	}
	now := s.now()
	if err := CheckNewKey(keys, now); err != nil {
		return Secret{}, err
	}
	value, fresh := NewSecretKey(merchantID, livemode, now)
	created, err := keyEvents(ctx, s.enc, now, nil, &fresh)
	if err != nil {
		return Secret{}, err
	}
	if err := s.store.RollKey(ctx, fresh, func([]APIKey) ([]APIKey, []event.Event, error) { return nil, created, nil }); err != nil {
		return Secret{}, fmt.Errorf("create %s key of %s: %w", ModeName(livemode), merchantID, err)
	}
	return Secret{Value: value, Key: fresh}, nil
}
