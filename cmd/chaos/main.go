// Command chaos is `make chaos`: it pays checkout sessions on the dev chain while a seeded
// fault injector kills and restarts the production topology's parts (scripts/chaos.sh starts
// them), then checks from Postgres, the chain and its webhook receiver's log that no payment
// was lost or counted twice, prints one table and exits non-zero on any loss.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

type config struct {
	dir        string // the chaos state directory (CLUSTER_DIR of scripts/cluster.sh)
	sessions   int
	seed       int64
	rate       float64 // sessions started per second
	portOffset int
	pgPort     int
	pgData     string
	pgCtl      string
	pgUser     string
	rpcPort    int // geth's own RPC
	proxyPort  int // the proxy the service reaches geth through
	hookPort   int
	drain      time.Duration
	rpcDrop    time.Duration
	hookDown   time.Duration
	reorg      bool
}

func main() {
	var c config
	flag.StringVar(&c.dir, "dir", ".chaos", "state directory (relative to the repository root)")
	flag.IntVar(&c.sessions, "sessions", 300, "sessions to create")
	flag.Int64Var(&c.seed, "seed", 1, "seed of the session mix and the fault schedule")
	flag.Float64Var(&c.rate, "rate", 1, "sessions started per second")
	flag.IntVar(&c.portOffset, "port-offset", 200, "added to make cluster's ports (CLUSTER_PORT_OFFSET)")
	flag.IntVar(&c.pgPort, "pg-port", 5441, "the chaos Postgres cluster's port")
	flag.StringVar(&c.pgData, "pg-data", ".chaos/pg", "the chaos Postgres cluster's data directory")
	flag.StringVar(&c.pgCtl, "pg-ctl", "pg_ctl", "pg_ctl of the chaos Postgres cluster")
	flag.StringVar(&c.pgUser, "pg-user", "", "run pg_ctl as this OS user (when running as root)")
	flag.IntVar(&c.rpcPort, "rpc-port", 8745, "geth's JSON-RPC port")
	flag.IntVar(&c.proxyPort, "proxy-port", 8746, "the RPC proxy's port (the service's rpc_url)")
	flag.IntVar(&c.hookPort, "hook-port", 4460, "the webhook receiver's port")
	flag.DurationVar(&c.drain, "drain", 12*time.Minute, "how long the checks may wait for the system to settle")
	flag.DurationVar(&c.rpcDrop, "rpc-drop", time.Minute, "how long geth's RPC is dropped")
	flag.DurationVar(&c.hookDown, "receiver-down", 2*time.Minute, "how long the webhook receiver fails")
	flag.BoolVar(&c.reorg, "reorg", true, "rewind the dev chain (debug_setHead) as a reorg fault")
	flag.Parse()
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code, err := run(ctx, c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "chaos:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

// run starts the proxy and the receiver, then the topology behind them, then the load with
// its faults, then the checks; it returns the exit code.
func run(ctx context.Context, c config) (int, error) {
	fmt.Printf("chaos: seed %d, %d sessions (repeat: make chaos CHAOS_SEED=%d CHAOS_SESSIONS=%d)\n", c.seed, c.sessions, c.seed, c.sessions)
	proxy, err := wiringtest.StartTCPProxy(fmt.Sprintf("127.0.0.1:%d", c.proxyPort), fmt.Sprintf("127.0.0.1:%d", c.rpcPort))
	if err != nil {
		return 0, err
	}
	defer proxy.Close()
	recv, err := startReceiver(fmt.Sprintf("127.0.0.1:%d", c.hookPort), filepath.Join(c.dir, "receiver.log"))
	if err != nil {
		return 0, err
	}
	defer recv.Close()
	if err := startCluster(ctx, c); err != nil {
		return 0, err
	}
	env, err := loadEnv(c)
	if err != nil {
		return 0, err
	}
	if err := recv.register(ctx, env.api); err != nil {
		return 0, err
	}
	sup, err := adopt(c.dir)
	if err != nil {
		return 0, err
	}
	supCtx, stopSup := context.WithCancel(ctx)
	defer stopSup() // before scripts/chaos.sh stops the cluster
	go sup.watch(supCtx)
	started := time.Now()
	res, err := load(ctx, c, env, proxy, recv, sup)
	if err != nil {
		return 0, err
	}
	rep, err := check(ctx, c, env, res)
	if err != nil {
		return 0, err
	}
	rep.notes = append(rep.notes, sup.unplannedNotes()...)
	rep.total = time.Since(started)
	rep.print(os.Stdout, c, res)
	if rep.failed() {
		return 1, nil
	}
	return 0, nil
}

// startCluster runs scripts/cluster.sh start moved onto the chaos ports, Postgres and state
// directory, with the service reaching geth through the proxy.
func startCluster(ctx context.Context, c config) error {
	cmd := exec.CommandContext(ctx, "scripts/cluster.sh", "start")
	cmd.Env = append(os.Environ(),
		"CLUSTER_DIR="+c.dir,
		fmt.Sprintf("CLUSTER_PORT_OFFSET=%d", c.portOffset),
		fmt.Sprintf("CLUSTER_PG_PORT=%d", c.pgPort),
		fmt.Sprintf("ETH_RPC_PORT=%d", c.rpcPort),
		fmt.Sprintf("CHAIN_DEV_RPC_URL=http://127.0.0.1:%d", c.proxyPort),
		"CHECKOUT_WEBHOOK_ALLOW_PRIVATE=true",
		"CHECKOUT_MIN_SESSION_LIFETIME=1m", // timeout sessions expire by the clock within the run
	)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("scripts/cluster.sh start: %w", err)
	}
	return nil
}
