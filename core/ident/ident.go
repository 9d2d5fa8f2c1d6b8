// Package ident makes the opaque, prefixed object IDs (cs_test_…, li_…, acct_…).
package ident

import (
	"crypto/rand"
	"math/big"
)

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Random returns n characters of base62 from crypto/rand (about 5.95 bits each).
func Random(n int) string {
	out := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range out {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			// crypto/rand never fails on supported platforms; an ID without entropy would be worse.
			panic("ident: crypto/rand failed: " + err.Error())
		}
		out[i] = alphabet[v.Int64()]
	}
	return string(out)
}

// New returns prefix + "_" + 24 random characters (~143 bits).
func New(prefix string) string { return prefix + "_" + Random(24) }

// NewModed returns IDs like cs_test_… / cs_live_…, as Stripe marks the mode in some IDs.
func NewModed(prefix string, livemode bool) string {
	if livemode {
		return prefix + "_live_" + Random(32)
	}
	return prefix + "_test_" + Random(32)
}
