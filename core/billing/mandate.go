package billing

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/money"
)

// AllowancePeriods is how many periods the page asks the shopper to approve to the collector:
// a year of a monthly plan. The mandate still caps each collection at one period.
const AllowancePeriods = 12

// MandateTerms are what a shopper is asked to authorize on a chain's SubscriptionCollector so
// each period is collected automatically, and what the service accepts as that mandate.
type MandateTerms struct {
	ID          string   `json:"id"` // 0x and 32 bytes, derived from the session: one mandate per subscription
	ChainID     int64    `json:"chain_id"`
	AssetID     string   `json:"asset"`
	Collector   string   `json:"collector"`
	Token       string   `json:"token"`
	Payee       string   `json:"payee"`        // the merchant's payout address: collections go there and nowhere else
	Amount      *big.Int `json:"amount"`       // one period in token base units: the cap per collection
	MinInterval uint64   `json:"min_interval"` // seconds between collections: 9/10 of the shortest period (0 in test mode, for test clocks)
	Payer       string   `json:"payer,omitempty"`
}

// Allowance is what the page asks the shopper to approve: AllowancePeriods periods.
func (t MandateTerms) Allowance() *big.Int {
	return new(big.Int).Mul(t.Amount, big.NewInt(AllowancePeriods))
}

// MandateID names the mandate of the subscription a session creates.
func MandateID(sessionID string) string {
	h := sha256.Sum256([]byte("subscription-mandate/" + sessionID))
	return "0x" + hex.EncodeToString(h[:])
}

// MandateTermsOf are the terms automatic collection needs for a subscription session, or why
// it cannot have them: each period is a fixed token amount only for a stablecoin pegged to the
// plan's currency, on a chain with a collector, paid into a forwarder bound to a payout address.
func MandateTermsOf(s *checkout.Session, items []checkout.LineItem, cfg chain.Config) (MandateTerms, error) {
	plan, ok := checkout.PlanOf(items)
	if s.Mode != checkout.ModeSubscription || !ok {
		return MandateTerms{}, refuse("not_a_subscription", "Session %s is not a subscription.", s.ID)
	}
	asset, ok := cfg.Asset(s.Crypto.AssetID)
	if !ok {
		return MandateTerms{}, refuse("asset_not_chosen", "No asset is chosen yet.")
	}
	if asset.Native() || asset.Peg != strings.ToLower(s.Currency) {
		return MandateTerms{}, refuse("asset_not_pegged", "%s is not a stablecoin of %s: only those renew automatically.",
			asset.Symbol, strings.ToUpper(s.Currency))
	}
	ch, _ := cfg.Chain(asset.ChainID)
	if ch.SubscriptionCollector == "" || ch.GasWallet == nil { // the gas wallet sends each collection
		return MandateTerms{}, refuse("no_collector", "Chain %s has no subscription collector and gas wallet.", ch.Name)
	}
	if s.Crypto.SettlementDestination == "" {
		return MandateTerms{}, refuse("no_payout_address", "The merchant has no payout address on %s.", ch.Name)
	}
	exp, _ := money.Exponent(s.Currency)
	amount := decimal.New(checkout.RenewalAmount(items), -exp).Shift(asset.Decimals).Ceil().BigInt()
	t := MandateTerms{ID: MandateID(s.ID), ChainID: ch.ID, AssetID: asset.ID, Collector: strings.ToLower(ch.SubscriptionCollector),
		Token: asset.Contract, Payee: strings.ToLower(s.Crypto.SettlementDestination), Amount: amount}
	if s.Livemode { // anyone may call collect: the contract itself must allow one collection per period
		shortest := shortestPeriod(Plan{Interval: plan.Interval, IntervalCount: plan.IntervalCount})
		t.MinInterval = uint64(shortest * 9 / 10 / time.Second)
	}
	return t, nil
}

func refuse(code, format string, args ...any) error {
	return apperr.Invalid("", code, format, args...)
}

// shortestPeriod is the least a period of p lasts (February for months).
func shortestPeriod(p Plan) time.Duration {
	day, n := 24*time.Hour, time.Duration(max(p.IntervalCount, 1))
	switch p.Interval {
	case catalog.Day:
		return n * day
	case catalog.Week:
		return n * 7 * day
	case catalog.Year:
		return n * 365 * day
	default:
		return n * 28 * day
	}
}

// Mandate is a mandate as the collector contract holds it.
type Mandate struct {
	Payer            string // empty: no mandate has this ID
	Token            string
	Payee            string
	MaxPerCollection *big.Int
	MinInterval      uint64
	Revoked          bool
	Count            uint32
}

// Accept checks that m is the mandate t asks for, authorized by one of payers (the wallets
// that paid the first period): anyone may authorize an ID first, so its terms and payer are
// read, never assumed. It returns t with m's payer.
func (t MandateTerms) Accept(m Mandate, payers []string) (MandateTerms, error) {
	switch {
	case m.Payer == "" || m.Revoked:
		return t, refuse("no_mandate", "No mandate %s is active.", t.ID)
	case !slices.ContainsFunc(payers, func(p string) bool { return strings.EqualFold(p, m.Payer) }):
		return t, refuse("mandate_payer_mismatch", "Mandate %s was authorized by a wallet that did not pay the first period.", t.ID)
	case !strings.EqualFold(m.Token, t.Token) || !strings.EqualFold(m.Payee, t.Payee):
		return t, refuse("mandate_mismatch", "Mandate %s pays another token or payee.", t.ID)
	case m.MaxPerCollection == nil || m.MaxPerCollection.Cmp(t.Amount) < 0:
		return t, refuse("amount_above_cap", "Mandate %s caps a collection below one period.", t.ID)
	case m.MinInterval > t.MinInterval:
		return t, refuse("interval_too_long", "Mandate %s waits longer than the plan between collections.", t.ID)
	}
	t.Payer = strings.ToLower(m.Payer)
	return t, nil
}
