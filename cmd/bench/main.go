// Command bench measures create-session latency and throughput through the HTTP API and the
// time until its workflow runs, and prints them beside floors measured in the same run on the
// same servers: a bare Postgres INSERT (alone, in a transaction, and behind a Gin route) and a
// bare Temporal StartWorkflow of an equivalent workflow (one timer); then the payment,
// scanner, webhook, page and settlement figures.
//
//	go run ./cmd/bench [-n1 200] [-n16 1600] [-nrun 100] [-burst 2000] [-sections create,payment,scanner,webhooks,settlement,page] [-cpuprofile f]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/chaincheckout/checkout/adapters/wiring"
)

const floorQueue = "bench-floor"

// floorInput is as large as a session workflow's input.
type floorInput struct {
	ID        string
	ExpiresAt time.Time
}

// floorWorkflow has a new session workflow's shape: a first task that sets a long timer.
func floorWorkflow(ctx workflow.Context, _ floorInput) error {
	_, err := workflow.AwaitWithTimeout(ctx, time.Hour, func() bool { return false })
	return err
}

// options are the sample sizes of each measurement and what to run.
type options struct {
	n1, n16, nRun, payments, backlog, events, burst int
	steadyRate, steadySeconds, selects, pages       int
	sections, cpuProfile, temporalArgs              string
	temporalAddress                                 string // a running server (its default namespace); empty: a dev server of the bench's own
}

func main() {
	var o options
	flag.IntVar(&o.n1, "n1", 200, "requests at concurrency 1")
	flag.IntVar(&o.n16, "n16", 1600, "requests at concurrency 16")
	flag.IntVar(&o.nRun, "nrun", 100, "sessions for the create-to-workflow-running latency")
	flag.IntVar(&o.steadyRate, "steady-rate", 20, "creates per second for the steady create-to-running latency")
	flag.IntVar(&o.steadySeconds, "steady-seconds", 10, "how long the steady create rate runs")
	flag.IntVar(&o.selects, "selects", 160, "select_asset requests, 16 at once, while sessions are created at -steady-rate")
	flag.IntVar(&o.payments, "payments", 5, "payments for the payment-to-complete latency")
	flag.IntVar(&o.backlog, "backlog", 2000, "blocks of backlog for the scanner catch-up speed")
	flag.IntVar(&o.events, "events", 20, "events for the event-to-first-attempt latency")
	flag.IntVar(&o.burst, "burst", 2000, "deliveries for the delivery throughput")
	flag.IntVar(&o.pages, "pages", 300, "hosted page requests (and as many static ones) for the page's server time")
	flag.StringVar(&o.sections, "sections", "create,payment,scanner,webhooks,settlement,page", "which measurements to run")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the create-session table (client and service) here")
	flag.StringVar(&o.temporalArgs, "temporal-args", "--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal --dynamic-config-value system.enableActivityEagerExecution=true",
		"extra arguments of `temporal server start-dev` (the default is what make dev gives it)")
	flag.StringVar(&o.temporalAddress, "temporal-address", "",
		"measure against this running Temporal server (host:port, namespace default, nothing else using it) instead of a dev server of its own; scripts/bench-server.sh runs one on Postgres as make cluster does")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, err := startBench(ctx, strings.Fields(o.temporalArgs), o.temporalAddress)
	if err != nil {
		return err
	}
	defer e.close()
	want := func(s string) bool { return slices.Contains(strings.Split(o.sections, ","), s) }
	if want("create") {
		if err := benchCreateSession(ctx, e, o); err != nil {
			return err
		}
	}
	if want("payment") {
		if err := benchPaymentLatency(ctx, e.base, e.key, e.rpcURL, e.chains.Chains[0].Confirmations, o.payments); err != nil {
			return fmt.Errorf("payment latency: %w", err)
		}
	}
	if want("scanner") {
		if err := benchCatchUp(ctx, e.app.API.Chain, o.backlog); err != nil {
			return fmt.Errorf("scanner catch-up: %w", err)
		}
	}
	if want("webhooks") {
		if err := benchWebhooks(ctx, e.base, e.key, o.events, o.burst); err != nil {
			return fmt.Errorf("webhooks: %w", err)
		}
	}
	if want("page") {
		if err := benchPage(ctx, e, o.pages); err != nil {
			return fmt.Errorf("hosted page: %w", err)
		}
	}
	if want("settlement") {
		if err := benchSettlement(ctx); err != nil {
			return fmt.Errorf("settlement: %w", err)
		}
	}
	return nil
}

// timedOp is one operation; it returns the latency to record (usually its own duration).
type timedOp func(context.Context) (time.Duration, error)

// timed measures an operation's own duration.
func timed(op func(context.Context) error) timedOp {
	return func(ctx context.Context) (time.Duration, error) {
		t := time.Now()
		err := op(ctx)
		return time.Since(t), err
	}
}

// row is one line of the create-session table; floor names the row it is compared with.
type row struct {
	name  string
	conc  int
	n     int
	op    timedOp
	floor string
}

// benchCreateSession warms every path, then runs all rows in alternating rounds and prints
// one table, each figure beside its floor.
func benchCreateSession(ctx context.Context, e *benchEnv, o options) error {
	insert, start, err := e.floorOps(ctx)
	if err != nil {
		return err
	}
	create := timed(e.createSessionOp())
	httpInsert, err := e.httpInsertOp()
	if err != nil {
		return err
	}
	both := timed(func(ctx context.Context) error { // the floor of a create that starts its workflow inline
		if err := insert(ctx); err != nil {
			return err
		}
		return start(ctx)
	})
	rows := []row{
		{"bare INSERT", 1, o.n1, timed(insert), ""},
		{"BEGIN, INSERT, COMMIT", 1, o.n1, timed(e.txInsertOp()), "bare INSERT"},
		{"bare INSERT behind HTTP", 1, o.n1, timed(httpInsert), "bare INSERT"},
		{"bare StartWorkflow", 1, o.n1, timed(start), ""},
		{"bare INSERT + StartWorkflow", 1, o.n1, both, ""},
		{"create-session", 1, o.n1, create, "bare INSERT"},
		{"bare StartWorkflow", 8, o.n16 / 4, timed(start), ""}, // as many at once as the session starters
		{"bare INSERT", 16, o.n16, timed(insert), ""},
		{"bare INSERT behind HTTP", 16, o.n16, timed(httpInsert), "bare INSERT"},
		{"create-session", 16, o.n16, create, "bare INSERT"},
		{"create -> workflow running", 1, o.nRun, e.untilRunningOp(), "bare StartWorkflow"},
	}
	for _, r := range rows { // warm connections, caches and the server's query plans
		if _, err := measure(ctx, r.conc, max(r.conc, 20), r.op); err != nil {
			return fmt.Errorf("warm-up of %s: %w", r.name, err)
		}
	}
	if o.cpuProfile != "" {
		stop, err := startProfile(o.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	results, err := alternate(ctx, rows)
	if err != nil {
		return err
	}
	fmt.Printf("create-session through the HTTP API (auth, idempotency, row + line items, workflow start) beside its floor\n")
	fmt.Printf("all rows alternate in %d rounds on the same servers, while geth mines a block a second\n", rounds)
	if o.temporalAddress != "" {
		fmt.Printf("Temporal server at %s (scripts/bench-server.sh: on Postgres, as make cluster runs it), Postgres %s, %d cores\n\n",
			o.temporalAddress, serverVersion(ctx, e.app), numCPU())
	} else {
		fmt.Printf("Temporal dev server with a SQLite file (%s), Postgres %s, %d cores\n\n", o.temporalArgs, serverVersion(ctx, e.app), numCPU())
	}
	printTable(rows, results)
	if err := benchSteadyStarts(ctx, e, o); err != nil {
		return err
	}
	return benchSelectAsset(ctx, e, o)
}

// benchSteadyStarts waits for the starts the bursts above queued to drain (how long that took
// is the burst's longest wait), then creates sessions at a steady rate and times each one from
// its create response to its workflow running.
func benchSteadyStarts(ctx context.Context, e *benchEnv, o options) error {
	drained, err := e.awaitStarts(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("\nstarts queued by the bursts above drained %.1f s after the table\n", drained.Seconds())
	untilRunning := e.untilRunningOp()
	n := o.steadyRate * o.steadySeconds
	lat := make([]time.Duration, n)
	var wg sync.WaitGroup
	var failed atomic.Int64
	tick := time.NewTicker(time.Second / time.Duration(o.steadyRate))
	defer tick.Stop()
	for i := range n {
		<-tick.C
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := untilRunning(ctx)
			if err != nil {
				failed.Add(1)
			}
			lat[i] = d
		}()
	}
	wg.Wait()
	slices.Sort(lat)
	fmt.Printf("create -> workflow running at a steady %d creates/s for %d s: p50 %.1f ms, p99 %.1f ms, %d failed (target p99 <= 1000 ms)\n",
		o.steadyRate, o.steadySeconds, ms(lat[n/2]), ms(lat[min(n-1, n*99/100)]), failed.Load())
	return nil
}

// rounds is how many times every row runs; results of a row's rounds are pooled.
const rounds = 8

// alternate runs every row once per round, so slow phases of the shared machine (a geth
// block, an fsync storm) land on all rows alike.
func alternate(ctx context.Context, rows []row) ([]result, error) {
	per := make([][]result, len(rows))
	for range rounds {
		for i, r := range rows {
			res, err := measure(ctx, r.conc, max(1, r.n/rounds), r.op)
			if err != nil {
				return nil, fmt.Errorf("%s at concurrency %d: %w", r.name, r.conc, err)
			}
			per[i] = append(per[i], res)
		}
	}
	out := make([]result, len(rows))
	for i := range per {
		out[i] = pool(per[i])
	}
	return out, nil
}

// printTable prints each row with, where it has a floor (the same name at its concurrency,
// or at concurrency 1 for a latency), the ratios to it.
func printTable(rows []row, res []result) {
	fmt.Printf("%-28s %4s %6s %8s %8s %8s %6s  %-20s %7s %7s %7s\n",
		"measure", "conc", "n", "p50 ms", "p99 ms", "req/s", "errors", "floor", "p50 x", "p99 x", "req/s x")
	find := func(name string, conc int) int {
		for i, r := range rows {
			if r.name == name && r.conc == conc {
				return i
			}
		}
		return slices.IndexFunc(rows, func(r row) bool { return r.name == name })
	}
	for i, r := range rows {
		o := res[i]
		line := fmt.Sprintf("%-28s %4d %6d %8.2f %8.2f %8.1f %6d", r.name, r.conc, len(o.lat), ms(o.p50), ms(o.p99), o.rps, o.errors)
		if r.floor != "" {
			f := res[find(r.floor, r.conc)]
			line += fmt.Sprintf("  %-20s %7.2f %7.2f %7.2f", r.floor, ratio(o.p50, f.p50), ratio(o.p99, f.p99), o.rps/f.rps)
		}
		fmt.Println(line)
	}
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, time.Microsecond)) }

// startProfile writes a CPU profile of this process (the bench client and the whole service)
// until the returned function is called.
func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func pool(rs []result) result {
	var all []time.Duration
	var elapsed time.Duration
	var errs int64
	for _, r := range rs {
		all = append(all, r.lat...)
		elapsed += r.elapsed
		errs += r.errors
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(float64(len(all))*p))] }
	return result{lat: all, p50: pct(0.50), p99: pct(0.99), rps: float64(len(all)) / elapsed.Seconds(), errors: errs}
}

type result struct {
	lat      []time.Duration
	elapsed  time.Duration
	p50, p99 time.Duration
	rps      float64
	errors   int64
}

// measure runs n operations with conc workers and reports latency percentiles and throughput.
func measure(ctx context.Context, conc, n int, op timedOp) (result, error) {
	lat := make([]time.Duration, n)
	var next, errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				d, err := op(ctx)
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
				lat[i] = d
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if e := errs.Load(); e > int64(n)/10 {
		return result{}, fmt.Errorf("%d of %d operations failed, first: %v", e, n, firstErr.Load())
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(n-1, int(float64(n)*p))] }
	return result{lat: lat, elapsed: elapsed, p50: pct(0.50), p99: pct(0.99), rps: float64(n) / elapsed.Seconds(), errors: errs.Load()}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func serverVersion(ctx context.Context, app *wiring.App) string {
	var v string
	_ = app.DB().GetContext(ctx, &v, `SHOW server_version`)
	return v
}

func numCPU() int { return runtime.NumCPU() }
