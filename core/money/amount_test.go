package money

import (
	"testing"

	"github.com/shopspring/decimal"
)

func TestLineTotal(t *testing.T) {
	cases := []struct {
		unit string
		qty  int64
		want int64
		ok   bool
	}{
		{"1999", 2, 3998, true},
		{"1999.5", 3, 5999, true}, // 5998.5 rounds half up once per line
		{"0.333", 3, 1, true},     // 0.999 → 1, not 3 × round(0.333)=0
		{"0.001", 1, 0, true},     // rounds to zero; the caller refuses it
		{"99999999", 999999, 99999999 * 999999, true},
		{"-1", 1, 0, false},
	}
	for _, tc := range cases {
		got, ok := LineTotal(decimal.RequireFromString(tc.unit), tc.qty)
		if got != tc.want || ok != tc.ok {
			t.Errorf("LineTotal(%s, %d) = %d, %v; want %d, %v", tc.unit, tc.qty, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatAndExponent(t *testing.T) {
	cases := []struct {
		amount int64
		cur    string
		want   string
	}{{1999, "usd", "19.99"}, {500, "JPY", "500"}, {1234, "kwd", "1.234"}, {5, "eur", "0.05"}}
	for _, tc := range cases {
		exp, ok := Exponent(tc.cur)
		if !ok {
			t.Fatalf("%s unsupported", tc.cur)
		}
		if got := Format(tc.amount, exp); got != tc.want {
			t.Errorf("Format(%d %s) = %s, want %s", tc.amount, tc.cur, got, tc.want)
		}
	}
	if Supported("xyz") || Supported("") {
		t.Error("unknown currencies must be unsupported")
	}
}

func TestMulQuantityOverflow(t *testing.T) {
	if _, ok := MulQuantity(1<<62, 4); ok {
		t.Error("overflow not detected")
	}
	if v, ok := MulQuantity(1999, 3); !ok || v != 5997 {
		t.Errorf("MulQuantity = %d, %v", v, ok)
	}
}
