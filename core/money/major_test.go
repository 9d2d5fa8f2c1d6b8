package money

import (
	"strings"
	"testing"
)

func TestMinorUnits(t *testing.T) {
	cases := []struct {
		amount, currency string
		want             int64
		err              string // part of the message; "" when accepted
	}{
		{"15.00", "usd", 1500, ""},
		{"15", "usd", 1500, ""},
		{"15.5", "eur", 1550, ""},
		{" 0.01 ", "usd", 1, ""},
		{".5", "usd", 50, ""},
		{"19.990", "usd", 1999, ""}, // trailing zeros are exact
		{"1500", "jpy", 1500, ""},
		{"1.234", "kwd", 1234, ""},
		{"999999.99", "usd", 99_999_999, ""},
		{"1000000.00", "usd", 0, "at most 999999.99 USD"},
		{"15.001", "usd", 0, "at most 2 decimals, like 15.00"},
		{"15.5", "jpy", 0, "JPY has no decimals"},
		{"0", "usd", 0, "greater than zero"},
		{"0.00", "usd", 0, "greater than zero"},
		{"-5", "usd", 0, "positive number"},
		{"1,000.00", "usd", 0, "thousands separators"},
		{"1e3", "usd", 0, "positive number"},
		{"abc", "usd", 0, "positive number"},
		{".", "usd", 0, "positive number"},
		{"", "usd", 0, "Missing required param: amount"},
		{"15.00", "xyz", 0, "Invalid currency: xyz"},
		{"15.00", "USD", 1500, ""},
	}
	for _, tc := range cases {
		got, err := MinorUnits("amount", tc.amount, tc.currency)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("MinorUnits(%q, %q) = %d, %v; want %d", tc.amount, tc.currency, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("MinorUnits(%q, %q) = %d, %v; want an error with %q", tc.amount, tc.currency, got, err, tc.err)
		}
	}
}

func TestCurrenciesAreSupported(t *testing.T) {
	cs := Currencies()
	if len(cs) != len(exponents) || cs[0] > cs[len(cs)-1] {
		t.Fatalf("Currencies() = %v", cs)
	}
	for _, c := range cs {
		if !Supported(c) {
			t.Errorf("%s listed but not supported", c)
		}
	}
}
