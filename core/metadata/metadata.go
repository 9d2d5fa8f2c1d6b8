// Package metadata holds Stripe's rules for the metadata every object may carry.
package metadata

import (
	"strings"
	"unicode/utf8"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/text"
)

// Stripe's limits; lengths count characters, not bytes.
const (
	MaxKeys     = 50
	MaxKeyLen   = 40
	MaxValueLen = 500
)

// Validate applies Stripe's metadata limits. Empty values are dropped (they delete on update).
func Validate(param string, md map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(md))
	if len(md) > MaxKeys {
		return nil, apperr.Invalid(param, "parameter_invalid",
			"Metadata can have at most %d keys; you passed %d.", MaxKeys, len(md))
	}
	for k, v := range md {
		switch {
		case k == "":
			return nil, apperr.Invalid(param, "parameter_invalid_empty", "Metadata keys must not be empty.")
		case utf8.RuneCountInString(k) > MaxKeyLen:
			return nil, apperr.Invalid(param+"["+k+"]", "parameter_invalid",
				"Metadata keys can be at most %d characters long.", MaxKeyLen)
		case strings.ContainsAny(k, "[]"):
			return nil, apperr.Invalid(param, "parameter_invalid", "Metadata keys must not contain square brackets.")
		case utf8.RuneCountInString(v) > MaxValueLen:
			return nil, apperr.Invalid(param+"["+k+"]", "parameter_invalid",
				"Metadata values can be at most %d characters long.", MaxValueLen)
		case text.Check(param, k, 0) != nil:
			return nil, text.Check(param, k, 0)
		case text.Check(param+"["+k+"]", v, 0) != nil:
			return nil, text.Check(param+"["+k+"]", v, 0)
		case v != "":
			out[k] = v
		}
	}
	return out, nil
}

// Merge applies an update's metadata to stored: an empty value deletes its key, others set
// theirs; the result obeys the limits.
func Merge(param string, stored, update map[string]string) (map[string]string, error) {
	md := make(map[string]string, len(stored)+len(update))
	for k, v := range stored {
		md[k] = v
	}
	for k, v := range update {
		if v == "" {
			delete(md, k)
		} else {
			md[k] = v
		}
	}
	return Validate(param, md)
}
