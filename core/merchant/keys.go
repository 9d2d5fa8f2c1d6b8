package merchant

import (
	"fmt"
	"time"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Rolling a key, as Stripe's roll: the new key works at once, the old one until a grace period ends.
const (
	// DefaultRollGrace is how long a rolled key keeps working when the operator names no period:
	// long enough to deploy the new key everywhere, short enough that a leaked key dies soon.
	DefaultRollGrace = 24 * time.Hour
	// MaxRollGrace is the longest grace Stripe offers (7 days).
	MaxRollGrace = 7 * 24 * time.Hour
)

// Usable reports whether the key authenticates at now: never revoked and not past its expiry.
func (k APIKey) Usable(now time.Time) bool {
	if k.RevokedAt != nil && !now.Before(*k.RevokedAt) {
		return false
	}
	return k.ExpiresAt == nil || now.Before(*k.ExpiresAt)
}

// Expired reports whether the key stopped working because its expiry passed (a rolled key).
func (k APIKey) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// RetireBy makes the key stop working at deadline at the latest; an earlier expiry stays, so
// rolling twice never lengthens an old key's life.
func (k *APIKey) RetireBy(deadline time.Time) {
	if k.ExpiresAt == nil || deadline.Before(*k.ExpiresAt) {
		d := deadline
		k.ExpiresAt = &d
	}
}

// RollDeadline is when the keys replaced by a roll at now stop working: now (0) up to
// MaxRollGrace later.
func RollDeadline(now time.Time, grace time.Duration) (time.Time, error) {
	if grace < 0 || grace > MaxRollGrace {
		return time.Time{}, apperr.Invalid("expires_in", "parameter_invalid",
			"The grace period must be between 0 (the old key stops now) and %s; %s was given.", fmtDays(MaxRollGrace), grace)
	}
	return now.Add(grace), nil
}

func fmtDays(d time.Duration) string {
	return fmt.Sprintf("%d days (%s)", int(d/(24*time.Hour)), d)
}

// ParseMode reads a key mode as the operator names it: "test" or "live".
func ParseMode(s string) (livemode bool, err error) {
	switch s {
	case "test":
		return false, nil
	case "live":
		return true, nil
	}
	return false, apperr.Invalid("mode", "parameter_invalid", "Invalid mode %q: must be test or live.", s)
}

// ModeName is the operator's name of a mode.
func ModeName(livemode bool) string {
	if livemode {
		return "live"
	}
	return "test"
}
