package main

import (
	"context"
	"fmt"
	"io"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/settlement"
)

// setPayout sets a merchant's payout address (every chain's, or one chain's) and optionally
// its deposit address mode, in one mode (test or live: each has its own settings); only
// sessions of that mode that get their address afterwards are bound to it.
func setPayout(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("merchant payout set")
	merchantID := fs.String("merchant", "", "the merchant's ID (required)")
	modeName := fs.String("mode", "", "whose settings: test or live (required; live needs a live chain)")
	address := fs.String("address", "", "the payout address, 0x… (required)")
	chainKey := fs.String("chain", "", "a chain key: set that chain's payout address instead of the default for every chain")
	mode := fs.String("deposit-addresses", "", "also set the deposit address mode: forwarder or xpub")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *merchantID == "" || *address == "" || *modeName == "" {
		return usagef("merchant payout set needs --merchant, --mode and --address\nRun 'checkout merchant payout set --help' for its flags.")
	}
	live, err := merchant.ParseMode(*modeName)
	if err != nil {
		return asUsage(fs.Name(), err)
	}
	change, where := settlement.Change{PayoutAddress: address}, "every chain"
	if *chainKey != "" {
		change, where = settlement.Change{ChainPayouts: map[string]string{*chainKey: *address}}, *chainKey
	}
	if *mode != "" {
		change.Mode = mode
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	set, err := op.Settlement.Update(ctx, merchant.Caller{MerchantID: *merchantID, Livemode: live}, change)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "merchant %s, %s mode: deposit addresses %s; payout address on %s %s (applies to new %s sessions only)\n",
		*merchantID, *modeName, set.Mode, where, *address, *modeName)
	return nil
}
