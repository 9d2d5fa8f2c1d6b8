package main

import (
	"context"
	"fmt"
	"io"
	"net/url"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/account"
)

// inviteUser prints a one-time link to join a merchant's dashboard.
func inviteUser(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("merchant invite")
	merchantID := fs.String("merchant", "", "the merchant's ID (required)")
	email := fs.String("email", "", "the person's email address (required)")
	roleName := fs.String("role", string(account.RoleOwner), "owner (may change everything) or read_only")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *merchantID == "" || *email == "" {
		return usagef("merchant invite needs --merchant and --email\nRun 'checkout merchant invite --help' for its flags.")
	}
	role, err := account.ParseRole(*roleName)
	if err != nil {
		return asUsage(fs.Name(), err)
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	if _, err := op.Merchants.Get(ctx, *merchantID); err != nil {
		return err
	}
	token, inv, err := op.Accounts.Invite(ctx, *merchantID, *email, role)
	if err != nil {
		return asUsage(fs.Name(), err)
	}
	fmt.Fprintf(out, "invitation for %s (%s) to %s, valid until %s:\n%s/dashboard/invite/%s\n", inv.Email, inv.Role,
		inv.MerchantID, inv.Expires.UTC().Format("2006-01-02 15:04 MST"), cfg.PublicURL, url.PathEscape(token))
	return nil
}
