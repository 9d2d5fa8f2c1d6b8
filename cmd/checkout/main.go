// Command checkout runs the crypto checkout gateway and its operator tasks (commands.go
// lists them; every command takes --help; a wrong command line exits with status 2).
//
//	checkout serve [--role all|api|worker]   run the API and/or the Temporal worker
//	checkout migrate                         apply database migrations
//	checkout merchant create --name N --xpub X [--json]
//	checkout merchant list [--json]
//	checkout merchant keys roll --merchant ID --mode test|live [--expires-in 24h]
//	checkout sessions list --merchant ID [--mode all|test|live] [--status S] [--limit N]
//	checkout dev seed --env-file .dev/env    create (or reuse) the demo merchant and key
//	checkout dev deploy                      deploy the test stablecoin and the forwarder factory, fund a gas wallet
//	checkout dev pay <session>               pay a session from the dev account
//	checkout dev balance <address>           an address's native and token balances
//	checkout dev listen                      a local webhook receiver that verifies and prints events
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/apperr"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		stop()
		if errors.As(err, new(usageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run runs the command args name, writing what it prints to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	err := dispatch(ctx, wiring.FromEnv(), args, out)
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func serveCmd(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("serve")
	fs.StringVar(&cfg.Role, wiring.FlagRole, cfg.Role, "all, api or worker")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	return serve(ctx, cfg, wiring.NewLogger())
}

func configCheckCmd(_ context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	if err := parseFlags(newFlags("config check"), args, out); err != nil {
		return err
	}
	problems := cfg.Problems()
	if len(problems) == 0 {
		fmt.Fprintf(out, "configuration ok: role %s, listening on %s, public URL %s, Temporal %s (namespace %s)\n",
			cfg.Role, cfg.Listen, cfg.PublicURL, cfg.TemporalAddress, cfg.TemporalNamespace)
		return nil
	}
	for _, p := range problems {
		fmt.Fprintln(out, "problem:", p)
	}
	return fmt.Errorf("%d configuration problem(s)", len(problems))
}

// configReferenceCmd prints the generated configuration reference, or writes it into a file.
func configReferenceCmd(_ context.Context, _ wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("config reference")
	write := fs.String("write", "", "a Markdown file whose configuration reference markers receive the table (e.g. README.md)")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	if *write == "" {
		_, err := io.WriteString(out, wiring.ConfigReference())
		return err
	}
	raw, err := os.ReadFile(*write)
	if err != nil {
		return err
	}
	updated, err := wiring.SpliceConfigReference(string(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", *write, err)
	}
	if updated == string(raw) {
		fmt.Fprintf(out, "%s: the configuration reference is up to date\n", *write)
		return nil
	}
	fmt.Fprintf(out, "%s: configuration reference regenerated\n", *write)
	return os.WriteFile(*write, []byte(updated), 0o644)
}

func migrateCmd(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	if err := parseFlags(newFlags("migrate"), args, out); err != nil {
		return err
	}
	return migrate(ctx, cfg, out)
}

func devDeployCmd(ctx context.Context, _ wiring.Config, args []string, out io.Writer) error {
	return devDeploy(ctx, args, out)
}

func devBalanceCmd(ctx context.Context, _ wiring.Config, args []string, out io.Writer) error {
	return devBalance(ctx, args, out)
}

func devFundCmd(ctx context.Context, _ wiring.Config, args []string, out io.Writer) error {
	return devFund(ctx, args, out)
}

func devPayCmd(ctx context.Context, _ wiring.Config, args []string, out io.Writer) error {
	return devPay(ctx, args, out)
}

func devRefundCmd(ctx context.Context, _ wiring.Config, args []string, out io.Writer) error {
	return devRefund(ctx, args, out)
}

func devListenCmd(ctx context.Context, _ wiring.Config, args []string, out io.Writer) error {
	return devListen(ctx, args, out)
}

func serve(ctx context.Context, cfg wiring.Config, log *slog.Logger) error {
	app, err := wiring.NewPatiently(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	ln, err := app.Listen()
	if err != nil {
		return err
	}
	log.Info("checkout running", "role", cfg.Role, "listen", cfg.Listen, "public_url", cfg.PublicURL,
		"temporal", cfg.TemporalAddress)
	return app.Run(ctx, ln)
}

func migrate(ctx context.Context, cfg wiring.Config, out io.Writer) error {
	db, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "migrations applied: %d %v\n", len(applied), applied)
	return nil
}

// devSeed reuses the key in the env file while it still authenticates, else creates the demo merchant.
func devSeedCmd(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := newFlags("dev seed")
	envFile := fs.String("env-file", ".dev/env", "where to write CHECKOUT_API_URL and CHECKOUT_API_KEY")
	if err := parseFlags(fs, args, out); err != nil {
		return err
	}
	op, err := wiring.NewOperator(ctx, cfg)
	if err != nil {
		return err
	}
	defer op.Close()
	svc := op.Merchants
	owner := demoOwner{Email: demoOwnerEmail, Password: readEnvKey(*envFile, wiring.EnvDashboardPassword)}
	if key := readEnvKey(*envFile, wiring.EnvAPIKey); key != "" {
		caller, err := svc.Authenticate(ctx, key)
		if err == nil && owner.Password != "" {
			fmt.Fprintf(out, "demo merchant: reusing the key and the dashboard owner in %s\n", *envFile)
			return writeEnv(*envFile, cfg.PublicURL, key, owner)
		}
		if err == nil { // an env file from before the dashboard: the merchant gets its owner now
			if owner, err = newDemoOwner(ctx, op, caller.MerchantID); err != nil {
				return err
			}
			return writeEnv(*envFile, cfg.PublicURL, key, owner)
		}
	}
	m, secrets, err := svc.Create(ctx, "Demo Store", ethereum.DemoXPub)
	if err != nil {
		return err
	}
	if owner, err = newDemoOwner(ctx, op, m.ID); err != nil {
		return err
	}
	fmt.Fprintf(out, "demo merchant: created %s with a new test key and dashboard owner %s\n", m.ID, owner.Email)
	return writeEnv(*envFile, cfg.PublicURL, secrets.Of(false), owner)
}

// demoOwnerEmail signs in to the demo merchant's dashboard on make dev.
const demoOwnerEmail = "owner@demo.example"

// demoOwner is the demo merchant's dashboard owner, kept in the env file like its key.
type demoOwner struct{ Email, Password string }

// newDemoOwner gives the demo merchant its owner with a fresh random password.
func newDemoOwner(ctx context.Context, op *wiring.Operator, merchantID string) (demoOwner, error) {
	password, _ := account.NewToken()
	o := demoOwner{Email: demoOwnerEmail, Password: password[:20]}
	_, err := op.Accounts.CreateUser(ctx, merchantID, o.Email, o.Password, account.RoleOwner)
	if apperr.IsKind(err, apperr.KindConflict) { // the address is another demo merchant's (an env file lost): one of its own
		o.Email = "owner+" + strings.ToLower(merchantID) + "@demo.example"
		if _, err = op.Accounts.CreateUser(ctx, merchantID, o.Email, o.Password, account.RoleOwner); apperr.IsKind(err, apperr.KindConflict) {
			_, err = op.Accounts.ResetPassword(ctx, o.Email, o.Password) // this merchant's, its password lost with the env file
		}
	}
	return o, err
}

func readEnvKey(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+"="); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func writeEnv(path, apiURL, key string, owner demoOwner) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	body := fmt.Sprintf("CHECKOUT_API_URL=%s\nCHECKOUT_API_KEY=%s\nCHECKOUT_DASHBOARD_EMAIL=%s\nCHECKOUT_DASHBOARD_PASSWORD=%s\n",
		apiURL, key, owner.Email, owner.Password)
	if f := os.Getenv(wiring.EnvChainsFile); f != "" {
		body += "CHECKOUT_CHAINS_FILE=" + f + "\n"
	}
	return os.WriteFile(path, []byte(body), 0o600)
}
