package main

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/chaincheckout/checkout/core/chain"
)

// devRefund pays a refund from the dev account, as a merchant's own wallet would: the refund's
// amount of its asset to its destination (or --to / --amount, to try a wrong transfer). It
// prints the hash for the dashboard's "mark sent" form, or records it itself with --mark-sent.
func devRefund(ctx context.Context, args []string, out io.Writer) error {
	fs := newFlags("dev refund")
	toFlag := fs.String("to", "", "send to this address instead of the refund's destination (a wrong transfer)")
	amountFlag := fs.String("amount", "", "amount in whole units instead of the refund's")
	markSent := fs.Bool("mark-sent", false, "record the transaction on the refund (POST /v1/refunds/:id/mark_sent)")
	envFile := fs.String("env-file", ".dev/env", "read CHECKOUT_API_URL/KEY and CHECKOUT_CHAINS_FILE from here when not set")
	chainsFile := fs.String("chains", "", "the chains file (default: CHECKOUT_CHAINS_FILE)")
	if len(args) == 0 || !strings.HasPrefix(args[0], "re_") {
		if len(args) > 0 && strings.HasPrefix(args[0], "-") {
			if err := parseFlags(fs, args, out); err != nil {
				return err
			}
		}
		return usagef("usage: checkout dev refund <refund id> [--to 0x…] [--amount X] [--mark-sent]")
	}
	id := args[0]
	if err := parseFlags(fs, args[1:], out); err != nil {
		return err
	}
	api, err := devAPI(*envFile)
	if err != nil {
		return err
	}
	cfg, err := devChains(*envFile, chainsFile)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var r devRefundView
	if err := api.do(ctx, http.MethodGet, "/v1/refunds/"+id, nil, &r); err != nil {
		return err
	}
	asset, ok := cfg.Config().Asset(r.Crypto.Asset)
	if !ok {
		return fmt.Errorf("asset %s is not in the chains file", r.Crypto.Asset)
	}
	to, amount, err := r.transfer(*toFlag, *amountFlag, asset.Decimals)
	if err != nil {
		return err
	}
	ch, _ := cfg.Config().Chain(asset.ChainID)
	rc, err := payFromDevAccount(ctx, ch.RPCURL, asset, to, amount)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sent %s %s to %s in block %d\ntransaction %s\n", chain.FormatUnits(amount, asset.Decimals), asset.Symbol,
		chain.Checksum(to), rc.BlockNumber, rc.TxHash.Hex())
	if !*markSent {
		fmt.Fprintf(out, "record it: the refund's page in the dashboard (Mark sent), or POST /v1/refunds/%s/mark_sent\n", id)
		return nil
	}
	var after devRefundView
	if err := api.do(ctx, http.MethodPost, "/v1/refunds/"+id+"/mark_sent", url.Values{"transaction_hash": {rc.TxHash.Hex()}}, &after); err != nil {
		return err
	}
	fmt.Fprintf(out, "marked sent: refund %s is %s; it succeeds once the transfer is confirmed\n", id, after.Status)
	return nil
}

type devRefundView struct {
	Status string `json:"status"`
	Crypto struct {
		Asset       string `json:"asset"`
		Amount      string `json:"amount"`
		Destination string `json:"destination"`
	} `json:"crypto"`
}

// transfer is where and how much to send: the refund's own, unless overridden.
func (r devRefundView) transfer(to, amount string, decimals int32) (string, *big.Int, error) {
	if to == "" {
		to = r.Crypto.Destination
	}
	if to == "" {
		return "", nil, fmt.Errorf("the refund has no destination yet (status %s): the shopper has not claimed it", r.Status)
	}
	if !common.IsHexAddress(to) {
		return "", nil, usagef("checkout dev refund: --to %q is not an address", to)
	}
	if amount != "" {
		v, err := chain.ParseUnits(amount, decimals)
		return to, v, err
	}
	v, ok := new(big.Int).SetString(r.Crypto.Amount, 10)
	if !ok {
		return "", nil, fmt.Errorf("the refund's crypto amount %q is not a number", r.Crypto.Amount)
	}
	return to, v, nil
}
