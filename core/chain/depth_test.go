package chain

import "testing"

func TestDepth(t *testing.T) {
	cases := []struct{ head, block, want uint64 }{
		{100, 100, 1}, // its own block counts
		{102, 100, 3},
		{99, 100, 0}, // a node behind the receipt's block
		{0, 0, 1},
	}
	for _, c := range cases {
		if got := Depth(c.head, c.block); got != c.want {
			t.Errorf("Depth(%d, %d) = %d, want %d", c.head, c.block, got, c.want)
		}
	}
}
