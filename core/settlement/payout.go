package settlement

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/chaincheckout/checkout/core/money"
)

// PayoutStatus is Stripe's payout status.
type PayoutStatus string

const (
	PayoutPending   PayoutStatus = "pending"    // created; its sweep is not sent yet
	PayoutInTransit PayoutStatus = "in_transit" // its sweep is sent and waits for confirmations
	PayoutPaid      PayoutStatus = "paid"       // the sweep is confirmed: the funds are at the destination
	PayoutFailed    PayoutStatus = "failed"     // the sweep reverted; its deposits wait for the next one
)

// Payout is one sweep: the funds of many forwarders paid to one destination in one transaction.
type Payout struct {
	ID          string
	MerchantID  string
	Livemode    bool
	ChainID     int64
	Destination Address
	Status      PayoutStatus
	Forwarders  int   // forwarders in the batch
	Amount      int64 // the fiat value of its lines, minor units of Currency (FiatTotal)
	Currency    string
	Amounts     []AssetAmount // what the sweep moved, per asset; known once paid
	TxHash      string        // the latest sweep transaction sent for it
	NetworkFee  *big.Int      // gas × price of the sweep, in the native coin's base units; known once paid
	FailureCode string
	Created     time.Time
	ArrivalDate time.Time // when it was paid; zero before
}

// AssetAmount is an amount of one asset in base units.
type AssetAmount struct {
	AssetID string
	Amount  *big.Int
}

// NewPayout opens the payout of a planned batch; deposits are the ones the batch covers.
func NewPayout(id string, sweeps []Sweep, deposits []Deposit, now time.Time) (Payout, error) {
	if len(sweeps) == 0 || len(deposits) == 0 {
		return Payout{}, fmt.Errorf("payout %s: an empty sweep", id)
	}
	lines := make([]BalanceTransaction, len(deposits))
	for i, d := range deposits {
		fiat, err := minorUnits(d.Value, d.Currency)
		if err != nil {
			return Payout{}, fmt.Errorf("payout %s: deposit %s: %w", id, d.PaymentID, err)
		}
		lines[i] = BalanceTransaction{Currency: d.Currency, FiatAmount: fiat}
	}
	d := deposits[0]
	p := Payout{ID: id, MerchantID: d.MerchantID, Livemode: d.Livemode, ChainID: d.ChainID,
		Destination: sweeps[0].Destination, Status: PayoutPending, Forwarders: len(sweeps), Created: now}
	p.Amount, p.Currency = FiatTotal(lines)
	return p, nil
}

// FiatTotal is the fiat value of lines: the sum of their fiat amounts when they share one
// currency. Lines in several currencies have no single total: 0 and "" (none either).
func FiatTotal(lines []BalanceTransaction) (amount int64, currency string) {
	for i, l := range lines {
		if i > 0 && l.Currency != currency {
			return 0, ""
		}
		amount, currency = amount+l.FiatAmount, l.Currency
	}
	return amount, currency
}

// Sent records the sweep transaction now carrying the payout (a replacement or a resend
// after a reorg takes the place of the one before).
func (p *Payout) Sent(txHash string) error {
	if p.Status != PayoutPending && p.Status != PayoutInTransit {
		return fmt.Errorf("payout %s is %s: no sweep can be sent for it", p.ID, p.Status)
	}
	p.Status, p.TxHash = PayoutInTransit, txHash
	return nil
}

// Flushed is what a confirmed sweep moved out of one forwarder in one asset.
type Flushed struct {
	Address Address
	Token   Address // the zero address for the native coin
	AssetID string  // filled by the service from the chain's configuration
	Amount  *big.Int
}

// Receipt is a confirmed sweep transaction.
type Receipt struct {
	TxHash     string
	Flushed    []Flushed
	NetworkFee *big.Int
	At         time.Time
}

// Paid settles the payout on its confirmed sweep and returns its balance transactions: one per
// deposit, plus an adjustment wherever a forwarder held more or less than its deposits on
// record, so the lines always add up to what reached the destination. The network fee is
// shared equally among the lines (the remainder on the first).
func (p *Payout) Paid(r Receipt, deposits []BalanceTransaction) ([]BalanceTransaction, error) {
	if p.Status != PayoutInTransit {
		return nil, fmt.Errorf("payout %s is %s: it cannot be paid", p.ID, p.Status)
	}
	lines := append([]BalanceTransaction(nil), deposits...)
	lines = append(lines, adjustments(p, r.Flushed, deposits, r.At)...)
	shareFee(lines, r.NetworkFee)
	for i := range lines {
		lines[i].PayoutID, lines[i].Status, lines[i].AvailableOn = p.ID, BalanceAvailable, r.At
	}
	p.Status, p.TxHash, p.NetworkFee, p.ArrivalDate = PayoutPaid, r.TxHash, r.NetworkFee, r.At
	p.Amounts = totals(r.Flushed)
	p.Amount, p.Currency = FiatTotal(lines)
	return lines, nil
}

// Fail ends a payout whose sweep reverted on chain and releases its lines: their deposits
// are free for the next sweep.
func (p *Payout) Fail(code string, lines []BalanceTransaction) ([]BalanceTransaction, error) {
	if p.Status != PayoutPending && p.Status != PayoutInTransit {
		return nil, fmt.Errorf("payout %s is %s: it cannot fail", p.ID, p.Status)
	}
	p.Status, p.FailureCode = PayoutFailed, code
	released := append([]BalanceTransaction(nil), lines...)
	for i := range released {
		released[i].PayoutID = ""
	}
	return released, nil
}

func totals(flushed []Flushed) []AssetAmount {
	sum := map[string]*big.Int{}
	for _, f := range flushed {
		if sum[f.AssetID] == nil {
			sum[f.AssetID] = new(big.Int)
		}
		sum[f.AssetID].Add(sum[f.AssetID], f.Amount)
	}
	out := make([]AssetAmount, 0, len(sum))
	for id, v := range sum {
		out = append(out, AssetAmount{AssetID: id, Amount: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AssetID < out[j].AssetID })
	return out
}

// BalanceStatus is Stripe's balance transaction status.
type BalanceStatus string

const (
	BalancePending   BalanceStatus = "pending"   // confirmed on chain, still in its forwarder
	BalanceAvailable BalanceStatus = "available" // swept to the payout address
)

// Balance transaction types: a payment, the difference a sweep found at a forwarder, or a
// refund the merchant paid from their own wallet (negative; no sweep takes it).
const (
	TypePayment    = "payment"
	TypeAdjustment = "adjustment"
	TypeRefund     = "refund"
)

// BalanceTransaction is one line of the reconciliation: a confirmed payment, or an adjustment.
type BalanceTransaction struct {
	ID          string
	MerchantID  string
	Livemode    bool
	Type        string
	SessionID   string // the source
	PaymentID   string // "" for an adjustment
	ChainID     int64
	AssetID     string
	Address     Address  // the forwarder
	Amount      *big.Int // base units of the asset; negative for a shortfall
	Currency    string
	FiatAmount  int64    // Amount in Currency's minor units at the session's locked rate
	NetworkFee  *big.Int // its share of the sweep's fee, native base units
	PayoutID    string
	Status      BalanceStatus
	Created     time.Time
	AvailableOn time.Time
}

// NewBalanceTransaction is the line of a confirmed deposit, pending until a sweep pays it out.
func NewBalanceTransaction(id string, d Deposit, now time.Time) (BalanceTransaction, error) {
	fiat, err := minorUnits(d.Value, d.Currency)
	if err != nil {
		return BalanceTransaction{}, fmt.Errorf("deposit %s: %w", d.PaymentID, err)
	}
	return BalanceTransaction{ID: id, MerchantID: d.MerchantID, Livemode: d.Livemode, Type: TypePayment,
		SessionID: d.SessionID, PaymentID: d.PaymentID, ChainID: d.ChainID, AssetID: d.AssetID, Address: d.Address,
		Amount: new(big.Int).Set(d.Amount), Currency: d.Currency, FiatAmount: fiat,
		NetworkFee: new(big.Int), Status: BalancePending, Created: now}, nil
}

// minorUnits is value (major units of currency) in the currency's minor units, rounded half
// away from zero, as a line's fiat amount is.
func minorUnits(value decimal.Decimal, currency string) (int64, error) {
	exp, ok := money.Exponent(currency)
	if !ok {
		return 0, fmt.Errorf("unknown currency %q", currency)
	}
	return value.Shift(exp).Round(0).IntPart(), nil
}

// adjustments are the lines that make each (forwarder, asset) add up to what the sweep moved:
// a payment the scanner never counted (sent after its watch window), or one counted that a
// deep reorg took away. They have no fiat value: no rate was locked for them.
func adjustments(p *Payout, flushed []Flushed, lines []BalanceTransaction, at time.Time) []BalanceTransaction {
	type key struct {
		a     Address
		asset string
	}
	onRecord, source := map[key]*big.Int{}, map[Address]BalanceTransaction{}
	for _, l := range lines {
		k := key{l.Address, l.AssetID}
		if onRecord[k] == nil {
			onRecord[k] = new(big.Int)
		}
		onRecord[k].Add(onRecord[k], l.Amount)
		source[l.Address] = l
	}
	moved := map[key]*big.Int{}
	for _, f := range flushed {
		k := key{f.Address, f.AssetID}
		if moved[k] == nil {
			moved[k] = new(big.Int)
		}
		moved[k].Add(moved[k], f.Amount)
	}
	keys := make([]key, 0, len(moved)+len(onRecord))
	for k := range moved {
		keys = append(keys, k)
	}
	for k := range onRecord {
		if moved[k] == nil {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].a != keys[j].a {
			return keys[i].a.String() < keys[j].a.String()
		}
		return keys[i].asset < keys[j].asset
	})
	var out []BalanceTransaction
	for _, k := range keys {
		diff := new(big.Int).Sub(orZero(moved[k]), orZero(onRecord[k]))
		if diff.Sign() == 0 {
			continue
		}
		src := source[k.a]
		out = append(out, BalanceTransaction{ID: adjustmentID(p.ID, len(out)), MerchantID: p.MerchantID, Livemode: p.Livemode,
			Type: TypeAdjustment, SessionID: src.SessionID, ChainID: p.ChainID, AssetID: k.asset, Address: k.a,
			Amount: diff, Currency: src.Currency, NetworkFee: new(big.Int), Created: at})
	}
	return out
}

// adjustmentID derives an adjustment's ID from its payout, so settling twice writes it once.
func adjustmentID(payoutID string, n int) string { return fmt.Sprintf("txn_adj_%s_%d", payoutID, n) }

func shareFee(lines []BalanceTransaction, fee *big.Int) {
	if len(lines) == 0 || fee == nil {
		return
	}
	share, rest := new(big.Int).QuoRem(fee, big.NewInt(int64(len(lines))), new(big.Int))
	for i := range lines {
		lines[i].NetworkFee = new(big.Int).Set(share)
	}
	lines[0].NetworkFee.Add(lines[0].NetworkFee, rest)
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// FiatOf values base units of an asset with decimals at a locked rate (fiat per whole unit).
func FiatOf(amount *big.Int, decimals int32, rate decimal.Decimal) decimal.Decimal {
	return decimal.NewFromBigInt(amount, -decimals).Mul(rate)
}

// DepositValue is what a payment of amount in paymentAsset is worth in its session's currency:
// its value at the session's locked rate (for sessionAsset, of decimals) when it is in the
// session's asset. A payment in another asset had no rate locked for it: it is swept and on
// record like any other, with no fiat value.
func DepositValue(paymentAsset, sessionAsset string, amount *big.Int, decimals int32, rate decimal.Decimal) decimal.Decimal {
	if paymentAsset != sessionAsset || amount == nil {
		return decimal.Zero
	}
	return FiatOf(amount, decimals, rate)
}
