package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/settlement"
)

// csvHeader names the columns of payouts export --csv, one row per balance transaction (the
// dashboard's download writes the same file).
var csvHeader = httpapi.PayoutCSVHeader

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
		return httpapi.WritePayoutCSV(out, op.Chains, p, lines)
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

func printLines(out io.Writer, chains chain.Config, p settlement.Payout, lines []settlement.Line) {
	fiat := "-"
	if p.Currency != "" {
		fiat = httpapi.FiatOf(p.Amount, p.Currency) + " " + strings.ToUpper(p.Currency)
	}
	fmt.Fprintf(out, "payout %s: %s, %s to %s, tx %s, %d balance transactions\n", p.ID, p.Status, fiat, p.Destination,
		dash(p.TxHash), len(lines))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTYPE\tSESSION\tCLIENT REFERENCE\tAMOUNT\tFIAT\tNETWORK FEE")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t%s %s\t%s\n", l.ID, l.Type, dash(l.SessionID), dash(l.ClientReferenceID),
			httpapi.UnitsOf(chains, l.AssetID, l.Amount), l.AssetID, httpapi.FiatOf(l.FiatAmount, l.Currency), strings.ToUpper(l.Currency),
			l.NetworkFee)
	}
	_ = tw.Flush()
}
