package text

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chaincheckout/checkout/core/apperr"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		ok   bool
	}{
		{"plain", "T-shirt", 10, true},
		{"multibyte counted as characters", "ÄÖÜäöüß€", 8, true},
		{"too long in characters", "ÄÖÜäöüß€x", 8, false},
		{"newline and tab allowed", "line one\n\tline two\r\n", 0, true},
		{"NUL refused", "abc\x00def", 0, false},
		{"escape refused", "abc\x1b[31m", 0, false},
		{"DEL refused", "abc\x7f", 0, false},
		{"C1 control refused", "abc\u0085", 0, false},
		{"invalid UTF-8 refused", "abc\xff", 0, false},
		{"truncated multibyte refused", "\xe2\x82", 0, false},
		{"empty fine", "", 5, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Check("name", c.in, c.max)
			if c.ok {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", c.in, err)
				}
				return
			}
			e, isApp := apperr.As(err)
			if !isApp || e.Kind != apperr.KindInvalid || e.Param != "name" {
				t.Fatalf("Check(%q) = %v, want an invalid-parameter error on name", c.in, err)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain kept", "ok", 10, "ok"},
		{"NUL dropped", "a\x00b", 10, "ab"},
		{"invalid byte replaced", "a\xffb", 10, "a\uFFFDb"},
		{"cut on a character boundary", "aé", 2, "a"}, // é is two bytes: it would not fit
		{"exact fit", "aé", 3, "aé"},
		{"no limit", strings.Repeat("x", 600), 0, strings.Repeat("x", 600)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Sanitize(c.in, c.max)
			if got != c.want {
				t.Fatalf("Sanitize(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
			}
			if !utf8.ValidString(got) || (c.max > 0 && len(got) > c.max) {
				t.Fatalf("Sanitize(%q) = %q is not valid UTF-8 within %d bytes", c.in, got, c.max)
			}
		})
	}
}
