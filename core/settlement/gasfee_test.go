package settlement

import (
	"errors"
	"math/big"
	"testing"
)

func TestNextFees(t *testing.T) {
	n := func(x int64) *big.Int { return big.NewInt(x) }
	fees := func(feeCap, tip int64) *GasFees { return &GasFees{FeeCap: n(feeCap), TipCap: n(tip)} }
	for _, tc := range []struct {
		name          string
		tip, base     int64
		prev          *GasFees
		maxFee        *big.Int
		feeCap, tipIs int64 // the answer when err is nil
		err           error
	}{
		{"first: twice the base fee plus the tip", 2, 100, nil, nil, 202, 2, nil},
		{"first under the cap", 2, 100, nil, n(1000), 202, 2, nil},
		{"first capped: fee cap at the cap", 2, 100, nil, n(150), 150, 2, nil},
		{"first capped under the tip: the tip follows the cap", 50, 100, nil, n(40), 40, 40, nil},
		{"zero base fee and tip", 0, 0, nil, nil, 0, 0, nil},
		{"replacement: an eighth more, rounded up", 2, 100, fees(202, 2), nil, 228, 3, nil},
		{"replacement: +1 at least when an eighth rounds to nothing", 0, 0, fees(0, 0), nil, 1, 1, nil},
		{"replacement: the suggestion wins when higher", 10, 300, fees(202, 2), nil, 610, 10, nil},
		{"replacement just fits the cap", 2, 100, fees(202, 2), n(228), 228, 3, nil},
		{"replacement over the cap", 2, 100, fees(202, 2), n(227), 0, 0, ErrFeeCapReached},
		{"replacement of an attempt at the cap", 2, 100, fees(150, 2), n(150), 0, 0, ErrFeeCapReached},
		{"replacement of a tip equal to its fee cap", 2, 100, fees(8, 8), n(9), 9, 9, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NextFees(n(tc.tip), n(tc.base), tc.prev, tc.maxFee)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.FeeCap.Int64() != tc.feeCap || got.TipCap.Int64() != tc.tipIs {
				t.Fatalf("fee cap %s tip %s, want %d %d", got.FeeCap, got.TipCap, tc.feeCap, tc.tipIs)
			}
			if tc.prev != nil && (got.FeeCap.Cmp(tc.prev.FeeCap) <= 0 || got.TipCap.Cmp(tc.prev.TipCap) <= 0) {
				t.Fatal("a replacement must raise both caps")
			}
		})
	}
	if _, err := NextFees(nil, n(1), nil, nil); err == nil {
		t.Fatal("a missing base fee or tip must be refused")
	}
}
