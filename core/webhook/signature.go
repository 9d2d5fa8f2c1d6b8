// Package webhook signs and verifies webhook payloads with Stripe's scheme, so merchants can
// verify our deliveries with this package or with any official Stripe library:
//
//	Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
//
// A receiver in ten lines:
//
//	body, _ := io.ReadAll(r.Body)
//	if err := webhook.Verify(body, r.Header.Get("Stripe-Signature"), secret, webhook.DefaultTolerance); err != nil {
//		http.Error(w, "bad signature", http.StatusBadRequest)
//		return
//	}
//	var ev struct{ ID, Type string }
//	_ = json.Unmarshal(body, &ev)
//	// fulfil on ev.Type == "checkout.session.completed" …
//	w.WriteHeader(http.StatusOK)
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is how old a signature may be (Stripe's default too): replays after it fail.
const DefaultTolerance = 5 * time.Minute

// Errors Verify returns; match them with errors.Is.
var (
	ErrNoSignature  = errors.New("webhook: no t= and v1= in the signature header")
	ErrBadSignature = errors.New("webhook: no v1 signature matches the payload")
	ErrTooOld       = errors.New("webhook: signature timestamp outside the tolerance")
)

// Sign returns the header value for payload signed with secret at t.
func Sign(payload []byte, secret string, t time.Time) string {
	ts := t.Unix()
	return fmt.Sprintf("t=%d,v1=%s", ts, hex.EncodeToString(mac(payload, secret, ts)))
}

// Verify checks header against payload and secret, refusing signatures older than tolerance.
func Verify(payload []byte, header, secret string, tolerance time.Duration) error {
	return VerifyAt(payload, header, secret, tolerance, time.Now())
}

// VerifyAt is Verify at a given time. Several v1 entries (a secret being rolled) may appear:
// one match suffices.
func VerifyAt(payload []byte, header, secret string, tolerance time.Duration, now time.Time) error {
	var ts int64
	var sigs [][]byte
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return ErrNoSignature
			}
			ts = n
		case "v1":
			if b, err := hex.DecodeString(v); err == nil {
				sigs = append(sigs, b)
			}
		}
	}
	if ts == 0 || len(sigs) == 0 {
		return ErrNoSignature
	}
	want := mac(payload, secret, ts)
	matched := false
	for _, s := range sigs {
		if hmac.Equal(s, want) {
			matched = true
		}
	}
	if !matched {
		return ErrBadSignature
	}
	if age := now.Sub(time.Unix(ts, 0)); tolerance > 0 && (age > tolerance || age < -tolerance) {
		return ErrTooOld
	}
	return nil
}

func mac(payload []byte, secret string, ts int64) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(strconv.FormatInt(ts, 10)))
	h.Write([]byte("."))
	h.Write(payload)
	return h.Sum(nil)
}
