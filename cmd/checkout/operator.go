package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/apperr"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/money"
	"github.com/chaincheckout/checkout/core/paging"
)

// keyJSON is a key as the operator commands print it; Secret only when just issued.
type keyJSON struct {
	ID        string     `json:"id"`
	Mode      string     `json:"mode"`
	Secret    string     `json:"secret,omitempty"`
	Last4     string     `json:"last4"`
	Created   time.Time  `json:"created"`
	ExpiresAt *time.Time `json:"expires_at"`
}

func keyOut(k merchant.APIKey, secret string) keyJSON {
	return keyJSON{ID: k.ID, Mode: merchant.ModeName(k.Livemode), Secret: secret, Last4: k.Last4(), Created: k.CreatedAt,
		ExpiresAt: k.ExpiresAt}
}

type merchantJSON struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Keys    []keyJSON `json:"keys"`
}

func printJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// asUsage makes core's refusal of a flag's value a usage error (exit 2), naming the flag.
func asUsage(path string, err error) error {
	if e, ok := apperr.As(err); ok && e.Kind == apperr.KindInvalid {
		flagName := strings.ReplaceAll(e.Param, "_", "-")
		return usagef("checkout %s: --%s: %s", path, flagName, e.Message)
	}
	return err
}

func operator(ctx context.Context, cfg wiring.Config) (*wiring.Operator, error) {
	return wiring.NewOperator(ctx, cfg)
}

func createMerchant(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("merchant create")
	name := fs.String("name", "", "the merchant's display name, shown on the payment page (required)")
	xpub := fs.String("xpub", "", "the account-level xpub (m/44'/60'/0') deposit addresses derive from (required)")
	asJSON := fs.Bool("json", false, "print the merchant and its keys as JSON")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *name == "" || *xpub == "" {
		return usagef("merchant create needs --name and --xpub\nRun 'checkout merchant create --help' for its flags.")
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	m, secrets, err := op.Merchants.Create(ctx, *name, *xpub)
	if err != nil {
		return err
	}
	if *asJSON {
		res := merchantJSON{ID: m.ID, Name: m.Name, Created: m.CreatedAt}
		for _, s := range secrets {
			res.Keys = append(res.Keys, keyOut(s.Key, s.Value))
		}
		return printJSON(out, res)
	}
	fmt.Fprintf(out, "merchant: %s (%s)\n", m.ID, m.Name)
	for _, s := range secrets {
		fmt.Fprintf(out, "%s secret key: %s\n", merchant.ModeName(s.Key.Livemode), s.Value)
	}
	if secrets.Of(true) == "" {
		fmt.Fprintln(out, "no live key: no live chain is configured (CHECKOUT_CHAINS_FILE); roll one with --mode live once there is")
	}
	fmt.Fprintln(out, "These secrets are shown once and stored only as hashes: store them now.")
	return nil
}

func listMerchants(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("merchant list")
	asJSON := fs.Bool("json", false, "print the merchants as JSON")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	accounts, err := op.Merchants.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		res := make([]merchantJSON, len(accounts))
		for i, a := range accounts {
			res[i] = merchantJSON{ID: a.Merchant.ID, Name: a.Merchant.Name, Created: a.Merchant.CreatedAt, Keys: []keyJSON{}}
			for _, k := range a.Keys {
				res[i].Keys = append(res[i].Keys, keyOut(k, ""))
			}
		}
		return printJSON(out, res)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tCREATED\tTEST KEYS\tLIVE KEYS")
	for _, a := range accounts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Merchant.ID, a.Merchant.Name, stamp(a.Merchant.CreatedAt),
			keysOf(a.Keys, false), keysOf(a.Keys, true))
	}
	return tw.Flush()
}

// keysOf shows the keys of a mode as "…abcd" or "…abcd (expires <time>)", or "-".
func keysOf(keys []merchant.APIKey, livemode bool) string {
	var parts []string
	for _, k := range keys {
		if k.Livemode != livemode {
			continue
		}
		s := "…" + k.Last4()
		if k.ExpiresAt != nil {
			s += " (expires " + stamp(*k.ExpiresAt) + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func rollKey(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("merchant keys roll")
	id := fs.String("merchant", "", "the merchant's ID, acct_… (required)")
	mode := fs.String("mode", "", "which key to roll: test or live (required)")
	grace := fs.Duration("expires-in", merchant.DefaultRollGrace,
		"how long the current keys keep working: 0 (now) to 168h (7 days)")
	asJSON := fs.Bool("json", false, "print the new key and the retired ones as JSON")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *id == "" || *mode == "" {
		return usagef("merchant keys roll needs --merchant and --mode\nRun 'checkout merchant keys roll --help' for its flags.")
	}
	live, err := merchant.ParseMode(*mode)
	if err != nil {
		return asUsage(fs.Name(), err)
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	fresh, retired, err := op.Merchants.Roll(ctx, *id, live, *grace)
	if err != nil {
		return asUsage(fs.Name(), err)
	}
	if *asJSON {
		res := struct {
			Merchant string    `json:"merchant"`
			Key      keyJSON   `json:"key"`
			Retired  []keyJSON `json:"retired"`
		}{Merchant: *id, Key: keyOut(fresh.Key, fresh.Value), Retired: []keyJSON{}}
		for _, k := range retired {
			res.Retired = append(res.Retired, keyOut(k, ""))
		}
		return printJSON(out, res)
	}
	fmt.Fprintf(out, "new %s secret key of %s (shown once, store it now): %s\n", *mode, *id, fresh.Value)
	for _, k := range retired {
		fmt.Fprintf(out, "old key %s (…%s) works until %s, then is refused\n", k.ID, k.Last4(), stamp(*k.ExpiresAt))
	}
	return nil
}

func listSessions(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("sessions list")
	id := fs.String("merchant", "", "the merchant's ID, acct_… (required)")
	mode := fs.String("mode", "all", "all, test or live")
	status := fs.String("status", "", "only sessions in this status: open, complete or expired")
	limit := fs.Int("limit", 20, "at most this many sessions, newest first (1 to 100)")
	asJSON := fs.Bool("json", false, "print the sessions as JSON")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *id == "" {
		return usagef("sessions list needs --merchant\nRun 'checkout sessions list --help' for its flags.")
	}
	modes := []bool{false, true}
	if *mode != "all" {
		live, err := merchant.ParseMode(*mode)
		if err != nil {
			return usagef("checkout sessions list: --mode: Invalid mode %q: must be all, test or live.", *mode)
		}
		modes = []bool{live}
	}
	q := checkout.ListQuery{MerchantID: *id, Status: checkout.Status(*status), Page: paging.Params{Limit: *limit}}
	if err := q.Check(); err != nil { // before connecting: a wrong flag is said first
		return asUsage(fs.Name(), err)
	}
	op, err := operator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	if _, err := op.Merchants.Get(ctx, *id); err != nil {
		return fmt.Errorf("merchant %s: %w", *id, err)
	}
	sessions, more, err := op.Sessions.List(ctx, q, modes)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(out, sessionsOut(sessions, more))
	}
	printSessions(out, sessions, more)
	return nil
}

type sessionJSON struct {
	ID                string    `json:"id"`
	Livemode          bool      `json:"livemode"`
	Status            string    `json:"status"`
	PaymentStatus     string    `json:"payment_status"`
	AmountTotal       int64     `json:"amount_total"`
	Currency          string    `json:"currency"`
	Asset             string    `json:"asset"`
	CryptoState       string    `json:"crypto_state"`
	ClientReferenceID string    `json:"client_reference_id"`
	Created           time.Time `json:"created"`
	ExpiresAt         time.Time `json:"expires_at"`
}

func sessionsOut(sessions []*checkout.Session, more bool) any {
	data := make([]sessionJSON, len(sessions))
	for i, s := range sessions {
		data[i] = sessionJSON{ID: s.ID, Livemode: s.Livemode, Status: string(s.Status), PaymentStatus: string(s.PaymentStatus),
			AmountTotal: s.AmountTotal, Currency: s.Currency, Asset: s.Crypto.AssetID, CryptoState: string(s.Crypto.State),
			ClientReferenceID: s.ClientReferenceID, Created: s.CreatedAt, ExpiresAt: s.ExpiresAt}
	}
	return struct {
		Data    []sessionJSON `json:"data"`
		HasMore bool          `json:"has_more"`
	}{data, more}
}

func printSessions(out io.Writer, sessions []*checkout.Session, more bool) {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tMODE\tSTATUS\tPAYMENT\tAMOUNT\tASSET\tCRYPTO STATE\tCREATED\tCLIENT REFERENCE")
	for _, s := range sessions {
		exp, _ := money.Exponent(s.Currency)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s %s\t%s\t%s\t%s\t%s\n", s.ID, merchant.ModeName(s.Livemode), s.Status,
			s.PaymentStatus, money.Format(s.AmountTotal, exp), strings.ToUpper(s.Currency), dash(s.Crypto.AssetID),
			s.Crypto.State, stamp(s.CreatedAt), dash(s.ClientReferenceID))
	}
	_ = tw.Flush()
	if len(sessions) == 0 {
		fmt.Fprintln(out, "no sessions")
	}
	if more {
		fmt.Fprintln(out, "more sessions are older than these: raise --limit (at most 100) or narrow with --status")
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
