package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/settlement"
)

// csvHeader names the columns of payouts export --csv, one row per balance transaction.
var csvHeader = []string{"id", "type", "status", "created", "available_on", "session", "client_reference_id", "asset",
	"amount", "amount_decimal", "currency", "fiat_amount", "network_fee", "forwarder", "payment", "payout", "tx_hash", "metadata"}

// exportPayout prints a payout's balance transactions, oldest first: a table, or CSV.
func exportPayout(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("payouts export")
	merchantID := fs.String("merchant", "", "the merchant's ID, acct_… (required)")
	payoutID := fs.String("payout", "", "the payout's ID, po_… (required)")
	asCSV := fs.Bool("csv", false, "print CSV with a header row instead of a table")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *merchantID == "" || *payoutID == "" {
		return usagef("payouts export needs --merchant and --payout\nRun 'checkout payouts export --help' for its flags.")
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	if _, err := op.Merchants.Get(ctx, *merchantID); err != nil {
		return fmt.Errorf("merchant %s: %w", *merchantID, err)
	}
	p, lines, err := exportOf(ctx, op.Payouts, *merchantID, *payoutID)
	if err != nil {
		return err
	}
	slices.Reverse(lines) // the API lists newest first; a ledger reads oldest first
	if *asCSV {
		return writeLinesCSV(out, op.Chains, p, lines)
	}
	printLines(out, op.Chains, p, lines)
	return nil
}

// exportOf finds the payout in the merchant's test mode, then its live mode (an operator
// names a payout by its ID alone), with every line it holds.
func exportOf(ctx context.Context, payouts *settlement.Payouts, merchantID, payoutID string) (settlement.Payout, []settlement.Line, error) {
	for _, live := range []bool{false, true} {
		p, lines, err := payouts.Export(ctx, merchant.Caller{MerchantID: merchantID, Livemode: live}, payoutID)
		if !apperr.IsKind(err, apperr.KindNotFound) {
			return p, lines, err
		}
	}
	return settlement.Payout{}, nil, fmt.Errorf("merchant %s has no payout %s", merchantID, payoutID)
}

func writeLinesCSV(out io.Writer, chains chain.Config, p settlement.Payout, lines []settlement.Line) error {
	w := csv.NewWriter(out)
	if err := w.Write(csvHeader); err != nil {
		return err
	}
	for _, l := range lines {
		meta, err := json.Marshal(nonNilMeta(l.Metadata))
		if err != nil {
			return fmt.Errorf("metadata of %s: %w", l.ID, err)
		}
		if err := w.Write([]string{l.ID, l.Type, string(l.Status), stamp(l.Created), stampOrEmpty(l.AvailableOn), l.SessionID,
			l.ClientReferenceID, l.AssetID, l.Amount.String(), unitsOf(chains, l.AssetID, l.Amount), l.Currency,
			fiatOf(l.FiatAmount, l.Currency), l.NetworkFee.String(), chain.Checksum(l.Address.String()), l.PaymentID, p.ID, p.TxHash, string(meta)}); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

func printLines(out io.Writer, chains chain.Config, p settlement.Payout, lines []settlement.Line) {
	fiat := "-"
	if p.Currency != "" {
		fiat = fiatOf(p.Amount, p.Currency) + " " + strings.ToUpper(p.Currency)
	}
	fmt.Fprintf(out, "payout %s: %s, %s to %s, tx %s, %d balance transactions\n", p.ID, p.Status, fiat, p.Destination,
		dash(p.TxHash), len(lines))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tSESSION\tCLIENT REFERENCE\tAMOUNT\tFIAT\tNETWORK FEE")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t%s %s\t%s\n", l.ID, l.Type, dash(l.SessionID), dash(l.ClientReferenceID),
			unitsOf(chains, l.AssetID, l.Amount), l.AssetID, fiatOf(l.FiatAmount, l.Currency), strings.ToUpper(l.Currency),
			l.NetworkFee)
	}
	_ = tw.Flush()
}

// unitsOf is an amount of an asset in whole units; base units again for an asset the chains
// file no longer lists.
func unitsOf(chains chain.Config, assetID string, amount *big.Int) string {
	a, ok := chains.Asset(assetID)
	if !ok {
		return amount.String()
	}
	return chain.FormatUnits(amount, a.Decimals)
}

// fiatOf is minor units of currency in major units ("39.98").
func fiatOf(minor int64, currency string) string {
	exp, ok := money.Exponent(currency)
	if !ok {
		return fmt.Sprint(minor)
	}
	return money.Format(minor, exp)
}

func stampOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return stamp(t)
}

func nonNilMeta(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
