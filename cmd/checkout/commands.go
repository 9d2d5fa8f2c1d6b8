package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/chaincheckout/checkout/adapters/wiring"
)

// command is one leaf of the command line: its words, its arguments and what it does.
type command struct {
	path    string // "merchant keys roll"
	args    string // the synopsis after the path
	summary string
	run     func(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error
}

// commands are every command, in the order the usage lists them.
func commands() []command {
	return []command{
		{"serve", "[--role all|api|worker]", "Run the API and hosted page and/or the Temporal worker until interrupted.", serveCmd},
		{"migrate", "", "Apply the database migrations and say which ran.", migrateCmd},
		{"config check", "", "Check the configuration from the environment without connecting to anything: print each problem, naming its variable, and exit 1 if there is one.", configCheckCmd},
		{"config reference", "[--write README.md]",
			"Print the configuration reference (every variable with its default, an example and its meaning) as a Markdown table, " +
				"or with --write replace the table between the markers in that file (make docs does it for README.md).", configReferenceCmd},
		{"merchant create", "--name NAME --xpub XPUB [--json]",
			"Register a merchant and print its secret keys once: a test key, and a live key when a live chain is " +
				"configured (CHECKOUT_CHAINS_FILE). Keys are stored hashed and cannot be shown again.", createMerchant},
		{"merchant list", "[--json]",
			"List merchants with the keys that still work in each mode (last four characters, expiry); never a secret.", listMerchants},
		{"merchant keys roll", "--merchant ID --mode test|live [--expires-in 24h] [--json]",
			"Issue a new secret key of the mode and print it once. The merchant's current keys of that mode keep " +
				"working for the grace period (--expires-in, 0 to 168h; 0 stops them now), then are refused with 401.", rollKey},
		{"merchant invite", "--merchant ID --email EMAIL [--role owner|read_only]",
			"Invite a person to the merchant's dashboard: prints a one-time link (valid 72 hours) where they choose a password.", inviteUser},
		{"merchant payout set", "--merchant ID --mode test|live --address 0x… [--chain KEY] [--deposit-addresses forwarder|xpub]",
			"Set where the merchant's funds go (every chain's payout address, or one chain's) and optionally its deposit " +
				"address mode. Applies to sessions that get their address afterwards only.", setPayout},
		{"sessions list", "--merchant ID [--mode all|test|live] [--status open|complete|expired] [--limit 20] [--json]",
			"List a merchant's checkout sessions, newest first (an operator's view; merchants use the API).", listSessions},
		{"payouts export", "--merchant ID --payout po_… [--csv]",
			"Print the balance transactions of a payout (a sweep), oldest first, for accountants: a table, or with --csv one " +
				"CSV row per line with its session, client reference, asset amount (base units and decimal), fiat amount, " +
				"network fee share, forwarder address, the payout's transaction and the session's metadata as JSON.", exportPayout},
		{"dev seed", "[--env-file .dev/env]",
			"Create (or reuse) the demo merchant and its dashboard owner, and write its test key and the owner's sign-in to the env file.", devSeedCmd},
		{"dev deploy", "[--rpc URL] [--out .dev/chains.json] [--gas-wallet-fund 10]",
			"Deploy the test stablecoin, the ForwarderFactory and the SubscriptionCollector on geth --dev (unless the chains file names ones on chain), " +
				"make the dev gas wallet (a keystore beside the chains file) and fund it from the dev account, and write the chains file.", devDeployCmd},
		{"dev pay", "<session id> [--asset A] [--amount X]", "Pay a session from the geth --dev account: what is still due, or --amount.", devPayCmd},
		{"dev fund", "<address> [--eth 1] [--amount 1000] [--asset tusd@dev]",
			"Send a browser wallet of yours ETH for gas and test stablecoin from the geth --dev account.", devFundCmd},
		{"dev refund", "<refund id> [--to 0x…] [--amount X] [--mark-sent]",
			"Pay a refund from the geth --dev account, as the merchant's wallet would (--to/--amount send a wrong transfer), and print the transaction for Mark sent.", devRefundCmd},
		{"dev balance", "<address> [--asset tusd@dev] [--chain dev] [--rpc URL]",
			"Print an address's native and token balances on a configured chain (e.g. a payout address after a sweep).", devBalanceCmd},
		{"dev listen", "[--addr 127.0.0.1:4343] [--events a,b]", "Register a local webhook endpoint and print the events it receives, verifying each signature.", devListenCmd},
	}
}

// usageError is a wrong command line: main exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errHelpShown ends a command whose --help was printed; run turns it into success.
var errHelpShown = errors.New("help shown")

const configHelp = `Configuration comes from the environment: DATABASE_URL, TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, CHECKOUT_LISTEN, CHECKOUT_PUBLIC_URL, CHECKOUT_ROLE, CHECKOUT_CHAINS_FILE,
LOG_LEVEL, LOG_FORMAT and more; dev pay and dev refund also read CHECKOUT_API_URL and
CHECKOUT_API_KEY. 'checkout config reference' lists every variable with its default and
'checkout config check' checks them. Every command takes --help.
`

// usage lists the commands under prefix ("" for all).
func usage(prefix string) string {
	var b strings.Builder
	b.WriteString("usage:\n")
	for _, c := range commands() {
		if prefix == "" || strings.HasPrefix(c.path+" ", prefix+" ") {
			fmt.Fprintln(&b, strings.TrimRight("  checkout "+c.path+" "+c.args, " "))
		}
	}
	if prefix == "" {
		b.WriteString("\n" + configHelp)
	}
	return b.String()
}

// dispatch finds the command args name and runs it with the arguments that follow its path.
func dispatch(ctx context.Context, cfg wiring.Config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{usage("")}
	}
	if isHelp(args[0]) {
		_, err := io.WriteString(out, usage(""))
		return err
	}
	var best *command
	for _, c := range commands() {
		words := strings.Fields(c.path)
		if len(words) <= len(args) && slices.Equal(words, args[:len(words)]) && (best == nil || len(c.path) > len(best.path)) {
			best = &c
		}
	}
	if best != nil {
		return best.run(ctx, cfg, args[len(strings.Fields(best.path)):], out)
	}
	return groupUsage(args, out)
}

// groupUsage answers a command line that names a group ("merchant", "merchant keys") but no
// command of it: the group's commands, as help or as a usage error.
func groupUsage(args []string, out io.Writer) error {
	for n := len(args); n > 0; n-- {
		prefix := strings.Join(args[:n], " ")
		if strings.Contains(usage(prefix), "\n  checkout ") {
			if n < len(args) && isHelp(args[n]) {
				_, err := io.WriteString(out, usage(prefix))
				return err
			}
			if n < len(args) {
				return usagef("unknown command %q\n%s", strings.Join(args, " "), usage(prefix))
			}
			return usagef("checkout %s needs a subcommand\n%s", prefix, usage(prefix))
		}
	}
	return usagef("unknown command %q\n%s", strings.Join(args, " "), usage(""))
}

func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "-help" || arg == "help"
}

// newFlags makes the flag set of the command at path; parseFlags reads it.
func newFlags(path string) *flag.FlagSet {
	fs := flag.NewFlagSet(path, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseFlags says what went wrong, once
	fs.Usage = func() {}
	return fs
}

// parseFlags parses args into fs. --help prints the command's help to out (errHelpShown); a
// wrong flag or a stray argument is a usage error naming it.
func parseFlags(fs *flag.FlagSet, args []string, out io.Writer) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		if _, err := io.WriteString(out, commandHelp(fs)); err != nil {
			return err
		}
		return errHelpShown
	}
	if err != nil {
		return usagef("checkout %s: %v\nRun 'checkout %s --help' for its flags.", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return usagef("checkout %s: unexpected argument %q\nRun 'checkout %s --help' for its flags.", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}

// commandHelp is a command's synopsis, what it does and its flags.
func commandHelp(fs *flag.FlagSet) string {
	var b strings.Builder
	for _, c := range commands() {
		if c.path == fs.Name() {
			fmt.Fprintf(&b, "usage: checkout %s %s\n\n%s\n\nflags:\n", c.path, c.args, c.summary)
		}
	}
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return b.String()
}
