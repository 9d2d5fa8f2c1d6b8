package metadata

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chaincheckout/checkout/core/apperr"
)

// Whatever the keys and values, Validate either refuses with a 400 naming the parameter, or
// returns metadata within Stripe's limits with the empty values dropped.
func FuzzValidate(f *testing.F) {
	f.Add("order_id", "42", uint8(1))
	f.Add("", "x", uint8(1))
	f.Add("a[b]", "x", uint8(1))
	f.Add(strings.Repeat("k", 41), "x", uint8(1))
	f.Add("k", strings.Repeat("v", 501), uint8(1))
	f.Add("k", "", uint8(3))
	f.Add("ключ", "значение\x00", uint8(60))
	f.Add("k\xff", "v", uint8(1))
	f.Fuzz(func(t *testing.T, key, value string, copies uint8) {
		md := map[string]string{}
		for i := 0; i < int(copies); i++ {
			md[key+strings.Repeat("_", i)] = value
		}
		out, err := Validate("metadata", md)
		if err != nil {
			if e, ok := apperr.As(err); !ok || e.Kind != apperr.KindInvalid || !strings.HasPrefix(e.Param, "metadata") {
				t.Fatalf("error %v is not a 400 about metadata", err)
			}
			return
		}
		if len(out) > MaxKeys {
			t.Fatalf("%d keys accepted", len(out))
		}
		for k, v := range out {
			if k == "" || v == "" || utf8.RuneCountInString(k) > MaxKeyLen || utf8.RuneCountInString(v) > MaxValueLen ||
				strings.ContainsAny(k, "[]") || !utf8.ValidString(k) || !utf8.ValidString(v) {
				t.Fatalf("accepted %q: %q", k, v)
			}
		}
	})
}
