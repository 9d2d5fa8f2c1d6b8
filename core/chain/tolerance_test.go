package chain

import "testing"

func TestParseTolerance(t *testing.T) {
	for _, tc := range []struct {
		in   string
		ok   bool
		want string
	}{
		{"0", true, "0"}, {"2", true, "2"}, {"2.5", true, "2.5"}, {"10", true, "10"}, {"0.0001", true, "0.0001"},
		{"10.0001", false, ""}, {"-1", false, ""}, {"0.00001", false, ""}, {"", false, ""}, {"two", false, ""}, {"1e1", true, "10"},
	} {
		d, ok := ParseTolerance(tc.in)
		if ok != tc.ok || (ok && d.String() != tc.want) {
			t.Errorf("ParseTolerance(%q) = %s, %v; want %s, %v", tc.in, d, ok, tc.want, tc.ok)
		}
	}
}
