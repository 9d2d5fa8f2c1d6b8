// Command benchscale measures what open checkout sessions cost a running stack: it opens
// sessions (each with its deposit address allocated) in steps up to each size, and at each
// step, while idle, reads the worker's RSS and CPU, the RPC calls per block (through a
// counting proxy in front of geth), Postgres' and Temporal's sizes, then pays a few of the
// sessions on geth and times each payment to complete. The first step, 10 open sessions, is
// the baseline every later figure is printed beside. scripts/bench-scale.sh starts the stack
// (`make bench-scale`); `benchscale proxy` is the counting proxy it puts in front of geth.
//
//	benchscale proxy -listen 127.0.0.1:8846 -target http://127.0.0.1:8845
//	benchscale -api http://127.0.0.1:4542 -key sk_test_… -sizes 10000,100000 …
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the stack's addresses and the sizes and windows of the measurement.
type options struct {
	apis, key, gethURL, proxyURL, databaseURL   string
	temporalAddr, namespace, temporalDBs        string
	workerPIDs, temporalPID                     string
	sizes                                       string
	baseline, payments, concurrency, maxBacklog int
	confirmations                               int
	idle, settle                                time.Duration
	asset                                       string
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "proxy" {
		fs := flag.NewFlagSet("proxy", flag.ExitOnError)
		listen := fs.String("listen", "127.0.0.1:8846", "where the proxy listens")
		target := fs.String("target", "http://127.0.0.1:8845", "the node it forwards to")
		_ = fs.Parse(os.Args[2:])
		if err := runProxy(*listen, *target); err != nil {
			fmt.Fprintln(os.Stderr, "benchscale proxy:", err)
			os.Exit(1)
		}
		return
	}
	var o options
	flag.StringVar(&o.apis, "api", "http://127.0.0.1:4542", "the API processes' base URLs, comma-separated (creates go round-robin)")
	flag.StringVar(&o.key, "key", os.Getenv("CHECKOUT_API_KEY"), "the merchant's test secret key")
	flag.StringVar(&o.gethURL, "geth", "http://127.0.0.1:8845", "geth's own RPC (the bench's payments and block counts, not counted)")
	flag.StringVar(&o.proxyURL, "proxy", "http://127.0.0.1:8846", "the counting proxy the service reaches geth through")
	flag.StringVar(&o.databaseURL, "database", os.Getenv("DATABASE_URL"), "the service's database")
	flag.StringVar(&o.temporalAddr, "temporal", "127.0.0.1:7833", "Temporal frontend")
	flag.StringVar(&o.namespace, "namespace", "default", "Temporal namespace")
	flag.StringVar(&o.temporalDBs, "temporal-dbs", "", "Temporal's Postgres databases, comma-separated, for their sizes")
	flag.StringVar(&o.workerPIDs, "worker-pids", "", "PIDs of the `serve --role worker` processes, comma-separated")
	flag.StringVar(&o.temporalPID, "temporal-pid", "", "PID of the Temporal server")
	flag.StringVar(&o.sizes, "sizes", "10000,100000", "open sessions at each measured step, after the baseline (BENCH_SCALE_SIZES)")
	flag.IntVar(&o.baseline, "baseline", 10, "open sessions of the baseline step")
	flag.IntVar(&o.confirmations, "confirmations", 3, "the dev chain's confirmations (the payment latency's floor)")
	flag.IntVar(&o.payments, "payments", 3, "payments timed at each step")
	flag.IntVar(&o.concurrency, "concurrency", 8, "create requests at once")
	flag.IntVar(&o.maxBacklog, "max-backlog", 400, "created sessions still without an address before creates pause")
	flag.DurationVar(&o.idle, "idle", 60*time.Second, "the idle window CPU, RPC calls and blocks are measured over")
	flag.DurationVar(&o.settle, "settle", 20*time.Second, "quiet time after the last address before the idle window")
	flag.StringVar(&o.asset, "asset", "eth@dev", "the asset every session is created with (crypto[asset]: the address is allocated at once)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "benchscale:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	sizes, err := parseSizes(o.baseline, o.sizes)
	if err != nil {
		return err
	}
	s, err := newStack(ctx, o)
	if err != nil {
		return err
	}
	defer s.close()
	var steps []step
	for _, n := range sizes {
		st, err := s.measureAt(ctx, n)
		if err != nil {
			return fmt.Errorf("at %d open sessions: %w", n, err)
		}
		steps = append(steps, st)
		printSteps(o, steps) // after each step, so a run stopped later still leaves its figures
	}
	return s.printFootprint(ctx)
}

// parseSizes is the baseline, then each size above it in increasing order.
func parseSizes(baseline int, list string) ([]int, error) {
	out := []int{baseline}
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= out[len(out)-1] {
			return nil, fmt.Errorf("sizes %q: each must be a number above the one before (and above the baseline %d)", list, baseline)
		}
		out = append(out, n)
	}
	return out, nil
}

// logf prints progress to stderr, so stdout holds only the figures.
func logf(format string, args ...any) {
	slog.Info(fmt.Sprintf(format, args...))
}
