package http

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/settlement"
)

// PayoutCSVHeader names the columns of a payout's export, one row per balance transaction:
// the CLI's 'payouts export --csv' and the dashboard's download write the same file.
var PayoutCSVHeader = []string{"id", "type", "status", "created", "available_on", "session", "client_reference_id", "asset",
	"amount", "amount_decimal", "currency", "fiat_amount", "network_fee", "forwarder", "payment", "payout", "tx_hash", "metadata"}

// WritePayoutCSV writes the header and one row per line of payout p, in the order given
// (callers pass them oldest first, as a ledger reads). Amounts stay exact: base units as
// integers, whole units and fiat as decimal strings.
func WritePayoutCSV(out io.Writer, chains chain.Config, p settlement.Payout, lines []settlement.Line) error {
	w := csv.NewWriter(out)
	if err := w.Write(PayoutCSVHeader); err != nil {
		return err
	}
	for _, l := range lines {
		meta := l.Metadata
		if meta == nil {
			meta = map[string]string{}
		}
		raw, err := json.Marshal(meta)
		if err != nil {
			return fmt.Errorf("metadata of %s: %w", l.ID, err)
		}
		if err := w.Write([]string{l.ID, l.Type, string(l.Status), csvStamp(l.Created), csvStamp(l.AvailableOn), l.SessionID,
			csvText(l.ClientReferenceID), l.AssetID, l.Amount.String(), UnitsOf(chains, l.AssetID, l.Amount), l.Currency,
			FiatOf(l.FiatAmount, l.Currency), l.NetworkFee.String(), chain.Checksum(l.Address.String()), l.PaymentID, p.ID, p.TxHash,
			csvText(string(raw))}); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// csvText keeps a free-text cell (a shopper may write the client reference) from being read
// as a formula by a spreadsheet: one starting with = + - @ or a control character gets a '.
func csvText(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// UnitsOf is an amount of an asset in whole units; base units again for an asset the chains
// file no longer lists.
func UnitsOf(chains chain.Config, assetID string, amount *big.Int) string {
	a, ok := chains.Asset(assetID)
	if !ok {
		return amount.String()
	}
	return chain.FormatUnits(amount, a.Decimals)
}

// FiatOf is minor units of currency in major units ("39.98").
func FiatOf(minor int64, currency string) string {
	exp, ok := money.Exponent(currency)
	if !ok {
		return fmt.Sprint(minor)
	}
	return money.Format(minor, exp)
}

// csvStamp is an instant in RFC 3339, UTC; "" for none.
func csvStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
