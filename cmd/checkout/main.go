// Command checkout runs the crypto checkout gateway and its operator tasks.
//
//	checkout serve [--role all|api|worker]   run the API and/or the Temporal worker
//	checkout migrate                         apply database migrations
//	checkout merchant create --name N --xpub X
//	checkout dev seed --env-file .dev/env    create (or reuse) the demo merchant and key
//	checkout dev deploy                      deploy the test stablecoin on geth --dev
//	checkout dev pay <session>               pay a session from the dev account
//	checkout dev listen                      a local webhook receiver that verifies and prints events
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/postgres"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/core/merchant"
)

const usage = `usage:
  checkout serve [--role all|api|worker]
  checkout migrate
  checkout merchant create --name NAME --xpub XPUB
  checkout dev seed [--env-file .dev/env]
  checkout dev deploy [--rpc URL] [--out .dev/chains.json]
  checkout dev pay <session id> [--asset A] [--amount X]
  checkout dev listen [--addr 127.0.0.1:4343] [--events a,b]

Configuration comes from the environment (see README): DATABASE_URL, TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, CHECKOUT_LISTEN, CHECKOUT_PUBLIC_URL, CHECKOUT_ROLE, CHECKOUT_CHAINS_FILE,
LOG_LEVEL, LOG_FORMAT; dev pay also reads CHECKOUT_API_URL and CHECKOUT_API_KEY.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "checkout:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cfg := wiring.FromEnv()
	log := wiring.NewLogger()
	switch cmd := strings.Join(args[:min(2, len(args))], " "); {
	case args[0] == "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.StringVar(&cfg.Role, "role", cfg.Role, "all, api or worker")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return serve(ctx, cfg, log)
	case args[0] == "migrate":
		return migrate(ctx, cfg, out)
	case cmd == "merchant create":
		return createMerchant(ctx, cfg, args[2:], out)
	case cmd == "dev seed":
		return devSeed(ctx, cfg, args[2:], out)
	case cmd == "dev deploy":
		return devDeploy(ctx, args[2:], out)
	case cmd == "dev pay":
		return devPay(ctx, args[2:], out)
	case cmd == "dev listen":
		return devListen(ctx, args[2:], out)
	default:
		return fmt.Errorf("unknown command %q\n%s", strings.Join(args, " "), usage)
	}
}

func serve(ctx context.Context, cfg wiring.Config, log *slog.Logger) error {
	app, err := wiring.New(ctx, cfg, log)
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

func merchants(ctx context.Context, cfg wiring.Config) (*merchant.Service, func(), error) {
	db, err := postgres.Open(ctx, cfg.DatabaseURL, 2)
	if err != nil {
		return nil, nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, nil, err
	}
	svc, err := merchant.NewService(postgres.NewMerchants(db), ethereum.HD{}, func() time.Time { return time.Now().UTC() })
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return svc, func() { db.Close() }, nil
}

func createMerchant(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("merchant create", flag.ContinueOnError)
	name := fs.String("name", "", "the merchant's display name (required)")
	xpub := fs.String("xpub", "", "the account-level xpub (m/44'/60'/0') deposit addresses derive from (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || *xpub == "" {
		return errors.New("merchant create needs --name and --xpub")
	}
	svc, closeFn, err := merchants(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeFn()
	m, secret, err := svc.Create(ctx, *name, *xpub)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "merchant: %s (%s)\ntest secret key (shown once, store it now): %s\n", m.ID, m.Name, secret)
	return nil
}

// devSeed reuses the key in the env file while it still authenticates, else creates the demo merchant.
func devSeed(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("dev seed", flag.ContinueOnError)
	envFile := fs.String("env-file", ".dev/env", "where to write CHECKOUT_API_URL and CHECKOUT_API_KEY")
	if err := fs.Parse(args); err != nil {
		return err
	}
	svc, closeFn, err := merchants(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeFn()
	if key := readEnvKey(*envFile, "CHECKOUT_API_KEY"); key != "" {
		ok, err := svc.KeyValid(ctx, key)
		if err != nil {
			return err
		}
		if ok {
			fmt.Fprintf(out, "demo merchant: reusing the key in %s\n", *envFile)
			return writeEnv(*envFile, cfg.PublicURL, key)
		}
	}
	m, secret, err := svc.Create(ctx, "Demo Store", ethereum.DemoXPub)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo merchant: created %s with a new test key\n", m.ID)
	return writeEnv(*envFile, cfg.PublicURL, secret)
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

func writeEnv(path, apiURL, key string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	body := fmt.Sprintf("CHECKOUT_API_URL=%s\nCHECKOUT_API_KEY=%s\n", apiURL, key)
	if f := os.Getenv("CHECKOUT_CHAINS_FILE"); f != "" {
		body += "CHECKOUT_CHAINS_FILE=" + f + "\n"
	}
	return os.WriteFile(path, []byte(body), 0o600)
}
