package settlement

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestPolicyValidate(t *testing.T) {
	ok := DefaultPolicy
	for _, tc := range []struct {
		name   string
		change func(*Policy)
		valid  bool
	}{
		{"the default", func(*Policy) {}, true},
		{"zero threshold never sweeps by value", func(p *Policy) { p.Threshold = decimal.Zero }, false},
		{"negative threshold", func(p *Policy) { p.Threshold = decimal.NewFromInt(-1) }, false},
		{"tiny threshold", func(p *Policy) { p.Threshold = decimal.New(1, -2) }, true},
		{"no age limit", func(p *Policy) { p.MaxAge = 0 }, false},
		{"one second", func(p *Policy) { p.MaxAge = time.Second }, true},
		{"empty batch", func(p *Policy) { p.MaxBatch = 0 }, false},
		{"largest batch", func(p *Policy) { p.MaxBatch = MaxBatchLimit }, true},
		{"batch past a block", func(p *Policy) { p.MaxBatch = MaxBatchLimit + 1 }, false},
	} {
		p := ok
		tc.change(&p)
		if err := p.Validate(); (err == nil) != tc.valid {
			t.Errorf("%s: Validate() = %v, want valid %v", tc.name, err, tc.valid)
		}
	}
}
