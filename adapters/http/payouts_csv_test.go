package http

import "testing"

func TestCSVText(t *testing.T) {
	cases := map[string]string{"order-1001": "order-1001", `=HYPERLINK("https://evil")`: `'=HYPERLINK("https://evil")`,
		"+1": "'+1", "-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "": "", `{"a":"1"}`: `{"a":"1"}`}
	for in, want := range cases {
		if got := csvText(in); got != want {
			t.Errorf("csvText(%q) = %q, want %q", in, got, want)
		}
	}
}
