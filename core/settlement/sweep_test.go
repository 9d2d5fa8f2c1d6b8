package settlement

import (
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// addr is a distinct address per small number.
func addr(n byte) Address { return Address{19: n} }

// dep is a deposit of value (major units of currency) confirmed at t0+age into forwarder n.
func dep(n byte, currency, value string, age time.Duration) Deposit {
	return Deposit{PaymentID: "pay_" + string('a'+rune(n)), SessionID: "cs_" + string('a'+rune(n)), MerchantID: "acct_1",
		ChainID: 1337, AssetID: "tusd@dev", Token: addr(200), Factory: addr(100), Address: addr(n),
		Destination: addr(150), Nonce: Nonce{31: n}, Amount: big.NewInt(1_000_000), Currency: currency,
		Value: decimal.RequireFromString(value), ConfirmedAt: t0.Add(age)}
}

func TestPolicyDue(t *testing.T) {
	p := Policy{Threshold: decimal.NewFromInt(100), MaxAge: time.Hour, MaxBatch: 10}
	cases := []struct {
		name     string
		deposits []Deposit
		now      time.Time
		due      bool
		wake     time.Time
	}{
		{"nothing waits", nil, t0, false, time.Time{}},
		{"young and small: wake when the oldest is an hour old", []Deposit{dep(1, "usd", "40", 10*time.Minute), dep(2, "usd", "30", 0)},
			t0.Add(20 * time.Minute), false, t0.Add(time.Hour)},
		{"the threshold reached exactly", []Deposit{dep(1, "usd", "60", 0), dep(2, "usd", "40", 0)}, t0, true, time.Time{}},
		{"the threshold is per currency", []Deposit{dep(1, "usd", "60", 0), dep(2, "eur", "60", 0)}, t0, false, t0.Add(time.Hour)},
		{"one currency over", []Deposit{dep(1, "usd", "10", 0), dep(2, "eur", "100.01", 0)}, t0, true, time.Time{}},
		{"the oldest reaches the age limit", []Deposit{dep(1, "usd", "1", 0)}, t0.Add(time.Hour), true, time.Time{}},
		{"just before the age limit", []Deposit{dep(1, "usd", "1", 0)}, t0.Add(time.Hour - time.Second), false, t0.Add(time.Hour)},
		{"deposits without fiat value wait for their age", []Deposit{dep(1, "usd", "0", 0)}, t0, false, t0.Add(time.Hour)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			due, wake := p.Due(tc.deposits, tc.now)
			if due != tc.due || !wake.Equal(tc.wake) {
				t.Fatalf("Due = %v, %v; want %v, %v", due, wake, tc.due, tc.wake)
			}
		})
	}
}

func TestPolicyPlan(t *testing.T) {
	native := func(d Deposit) Deposit { d.Token, d.AssetID = Address{}, "eth@dev"; return d }
	otherToken := func(d Deposit) Deposit { d.Token, d.AssetID = addr(201), "usdt@dev"; return d }
	elsewhere := func(d Deposit) Deposit { d.Destination = addr(151); return d }
	otherFactory := func(d Deposit) Deposit { d.Factory = addr(101); return d }
	type forwarder struct {
		nonce  byte
		tokens []Address
	}
	cases := []struct {
		name     string
		maxBatch int
		deposits []Deposit
		want     []forwarder
		covered  []string // payment IDs, oldest first
	}{
		{"one forwarder per address, oldest first", 10,
			[]Deposit{dep(2, "usd", "1", time.Minute), dep(1, "usd", "1", 0)},
			[]forwarder{{1, []Address{addr(200)}}, {2, []Address{addr(200)}}}, []string{"pay_b", "pay_c"}},
		{"a forwarder's tokens once each; native coin needs no token", 10,
			[]Deposit{dep(1, "usd", "1", 0), native(dep(1, "usd", "1", time.Minute)), otherToken(dep(1, "usd", "1", 2*time.Minute)),
				dep(1, "usd", "1", 3*time.Minute), native(dep(2, "usd", "1", 4*time.Minute))},
			[]forwarder{{1, []Address{addr(200), addr(201)}}, {2, nil}}, []string{"pay_b", "pay_b", "pay_b", "pay_b", "pay_c"}},
		{"the oldest deposit's destination and factory only", 10,
			[]Deposit{elsewhere(dep(3, "usd", "1", time.Minute)), dep(1, "usd", "1", 0), otherFactory(dep(2, "usd", "1", 2*time.Minute))},
			[]forwarder{{1, []Address{addr(200)}}}, []string{"pay_b"}},
		{"at most MaxBatch forwarders; more deposits of those already in still ride along", 2,
			[]Deposit{dep(1, "usd", "1", 0), dep(2, "usd", "1", time.Minute), dep(3, "usd", "1", 2*time.Minute), dep(1, "usd", "1", 3*time.Minute)},
			[]forwarder{{1, []Address{addr(200)}}, {2, []Address{addr(200)}}}, []string{"pay_b", "pay_c", "pay_b"}},
		{"no limit when MaxBatch is 0", 0,
			[]Deposit{dep(1, "usd", "1", 0), dep(2, "usd", "1", time.Minute), dep(3, "usd", "1", 2*time.Minute)},
			[]forwarder{{1, []Address{addr(200)}}, {2, []Address{addr(200)}}, {3, []Address{addr(200)}}}, []string{"pay_b", "pay_c", "pay_d"}},
		{"nothing to plan", 10, nil, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sweeps, covered := Policy{MaxBatch: tc.maxBatch}.Plan(tc.deposits)
			if len(sweeps) != len(tc.want) {
				t.Fatalf("%d sweeps, want %d: %+v", len(sweeps), len(tc.want), sweeps)
			}
			for i, w := range tc.want {
				s := sweeps[i]
				if s.Nonce != (Nonce{31: w.nonce}) || s.Destination != addr(150) || len(s.Tokens) != len(w.tokens) {
					t.Fatalf("sweep %d = %+v, want nonce %d tokens %v", i, s, w.nonce, w.tokens)
				}
				for j := range w.tokens {
					if s.Tokens[j] != w.tokens[j] {
						t.Fatalf("sweep %d tokens %v, want %v", i, s.Tokens, w.tokens)
					}
				}
			}
			if len(covered) != len(tc.covered) {
				t.Fatalf("covered %d deposits, want %d", len(covered), len(tc.covered))
			}
			for i, id := range tc.covered {
				if covered[i].PaymentID != id {
					t.Fatalf("covered[%d] = %s, want %s", i, covered[i].PaymentID, id)
				}
			}
		})
	}
}

func TestDepositValue(t *testing.T) {
	cases := []struct {
		name          string
		paid, session string
		amount        int64
		decimals      int32
		rate, want    string
	}{
		{"in the session's asset, at its locked rate", "tusd@dev", "tusd@dev", 39_980_000, 6, "1", "39.98"},
		{"a volatile asset", "eth@dev", "eth@dev", 5_000_000_000_000_000, 18, "3000", "15"},
		{"another asset than the session's: no rate was locked for it", "eth@dev", "tusd@dev", 1_000_000, 18, "1", "0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := DepositValue(tc.paid, tc.session, big.NewInt(tc.amount), tc.decimals, decimal.RequireFromString(tc.rate))
			if !got.Equal(decimal.RequireFromString(tc.want)) {
				t.Fatalf("DepositValue = %s, want %s", got, tc.want)
			}
		})
	}
}
