package settlement

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Deposit is a confirmed payment into a forwarder address that no sweep has paid out yet.
type Deposit struct {
	LineID      string // its balance transaction
	PaymentID   string
	SessionID   string
	MerchantID  string
	Livemode    bool
	ChainID     int64
	AssetID     string
	Token       Address // the ERC-20 contract; the zero address for the native coin
	Factory     Address // the factory the forwarder's address belongs to
	Address     Address // the forwarder it was paid into
	Destination Address // the payout address the forwarder is bound to
	Nonce       Nonce
	Amount      *big.Int        // base units of the asset
	Currency    string          // the session's fiat currency
	Value       decimal.Decimal // Amount in Currency at the session's locked rate, major units
	ConfirmedAt time.Time
}

// Native reports whether the deposit is in the chain's native coin.
func (d Deposit) Native() bool { return d.Token.IsZero() }

// Policy decides when deposits are worth a sweep: their value passing a threshold, or the
// oldest one's age passing a limit, whichever comes first; at most MaxBatch forwarders each.
type Policy struct {
	Threshold decimal.Decimal // in the deposits' fiat currency, major units, per currency
	MaxAge    time.Duration
	MaxBatch  int
}

// DefaultPolicy sweeps once 100 units of a currency wait, or a deposit waited an hour.
var DefaultPolicy = Policy{Threshold: decimal.NewFromInt(100), MaxAge: time.Hour, MaxBatch: 100}

// Due reports whether the deposits should be swept at now; when not, wake is when their age
// will make them due (zero when there are none).
func (p Policy) Due(deposits []Deposit, now time.Time) (due bool, wake time.Time) {
	if len(deposits) == 0 {
		return false, time.Time{}
	}
	byCurrency := map[string]decimal.Decimal{}
	oldest := deposits[0].ConfirmedAt
	for _, d := range deposits {
		byCurrency[d.Currency] = byCurrency[d.Currency].Add(d.Value)
		if d.ConfirmedAt.Before(oldest) {
			oldest = d.ConfirmedAt
		}
	}
	for _, v := range byCurrency {
		if v.GreaterThanOrEqual(p.Threshold) {
			return true, time.Time{}
		}
	}
	wake = oldest.Add(p.MaxAge)
	if !now.Before(wake) {
		return true, time.Time{}
	}
	return false, wake
}

// Plan groups deposits into one sweep batch, which is one payout: the oldest deposit's
// destination (a payout has one) and factory (one call), one entry per forwarder with each of its tokens once,
// oldest first, at most MaxBatch forwarders. The deposits it covers come back with it; the
// rest wait for the next sweep.
func (p Policy) Plan(deposits []Deposit) ([]Sweep, []Deposit) {
	sorted := append([]Deposit(nil), deposits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ConfirmedAt.Before(sorted[j].ConfirmedAt) })
	index := map[Address]int{}
	var sweeps []Sweep
	var covered []Deposit
	for _, d := range sorted {
		if d.Destination != sorted[0].Destination || d.Factory != sorted[0].Factory {
			continue
		}
		i, seen := index[d.Address]
		if !seen {
			if p.MaxBatch > 0 && len(sweeps) == p.MaxBatch {
				continue
			}
			i = len(sweeps)
			index[d.Address] = i
			sweeps = append(sweeps, Sweep{Destination: d.Destination, Nonce: d.Nonce})
		}
		if !d.Native() && !hasToken(sweeps[i].Tokens, d.Token) {
			sweeps[i].Tokens = append(sweeps[i].Tokens, d.Token)
		}
		covered = append(covered, d)
	}
	return sweeps, covered
}

func hasToken(tokens []Address, t Address) bool {
	for _, x := range tokens {
		if x == t {
			return true
		}
	}
	return false
}

// MaxBatchLimit bounds a batch: a sweep of more forwarders would near a block's gas limit.
const MaxBatchLimit = 200

// Validate refuses a policy that would never sweep or would sweep without bound.
func (p Policy) Validate() error {
	switch {
	case !p.Threshold.IsPositive():
		return fmt.Errorf("the sweep threshold must be above zero, not %s", p.Threshold)
	case p.MaxAge < time.Second:
		return fmt.Errorf("the sweep's age limit must be at least a second, not %v", p.MaxAge)
	case p.MaxBatch < 1 || p.MaxBatch > MaxBatchLimit:
		return fmt.Errorf("a sweep batch holds 1 to %d forwarders, not %d", MaxBatchLimit, p.MaxBatch)
	}
	return nil
}
