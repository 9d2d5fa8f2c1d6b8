package merchant

import (
	"context"
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
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
func (s *Service) RevokeKey(ctx context.Context, merchantID string, livemode bool, keyID string) (APIKey, error) {
	now := s.now()
	var revoked APIKey
	err := s.store.RevokeKey(ctx, merchantID, livemode, func(keys []APIKey) (APIKey, error) {
		var err error
		revoked, err = Revoke(keys, keyID, now)
		return revoked, err
	})
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return APIKey{}, err
		}
		return APIKey{}, fmt.Errorf("revoke key %s of %s: %w", keyID, merchantID, err)
	}
	s.keys.forget(revoked.Hash)
	return revoked, nil
}
