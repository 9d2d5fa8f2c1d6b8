package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
)

// Fault kinds, in the order the report prints them.
const (
	faultAPIKill      = "api kill -9"
	faultWorkerKill   = "worker kill -9"
	faultPGRestart    = "postgres restart"
	faultTemporal     = "temporal restart"
	faultRPCDrop      = "geth rpc drop"
	faultReceiverDown = "receiver failing"
	faultReorg        = "reorg"
)

var faultKinds = []string{faultAPIKill, faultWorkerKill, faultPGRestart, faultTemporal, faultRPCDrop, faultReceiverDown, faultReorg}

// fault is one scheduled injection: at `at` after the load starts, on target, for dur.
type fault struct {
	at     time.Duration
	kind   string
	target string
	dur    time.Duration
}

// schedule draws the faults of a run from its seed, spread over the load's duration: a
// kill of each kind per 100 sessions (at least one), one of each other kind.
func schedule(rng *rand.Rand, c config, span time.Duration) []fault {
	kills := max(1, c.sessions/100)
	when := func() time.Duration {
		return 10*time.Second + time.Duration(rng.Int64N(int64(max(span-10*time.Second, time.Second))))
	}
	pause := func() time.Duration { return time.Second + time.Duration(rng.Int64N(int64(9*time.Second))) }
	var fs []fault
	for range kills {
		fs = append(fs, fault{when(), faultAPIKill, fmt.Sprintf("api-%d", 1+rng.IntN(2)), pause()})
		fs = append(fs, fault{when(), faultWorkerKill, fmt.Sprintf("worker-%d", 1+rng.IntN(2)), pause()})
	}
	fs = append(fs,
		fault{when(), faultPGRestart, "postgres", 0},
		fault{when(), faultTemporal, "temporal-server", pause()},
		fault{when(), faultRPCDrop, "proxy", c.rpcDrop},
		fault{when(), faultReceiverDown, "receiver", c.hookDown},
	)
	if c.reorg {
		fs = append(fs, fault{when(), faultReorg, "geth", 0})
	}
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].at < fs[j].at })
	return fs
}

// injector carries the faults out; done counts those that happened, by kind.
type injector struct {
	c     config
	e     env
	proxy *wiringtest.TCPProxy
	sup   *supervisor
	recv  *receiver
	pay   *payer     // a reorg stops its sends and puts back the transfers it drops
	mu    sync.Mutex // guards done and notes, written by the faults' goroutines
	done  map[string]int
	notes []string
}

func (in *injector) note(format string, args ...any) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.notes = append(in.notes, fmt.Sprintf(format, args...))
}

// run injects each fault at its time (in its own goroutine, so they may overlap) and
// returns when the last has ended.
func (in *injector) run(ctx context.Context, start time.Time, fs []fault) {
	results := make(chan string, len(fs))
	for _, f := range fs {
		go func() {
			select {
			case <-ctx.Done():
				results <- ""
				return
			case <-time.After(time.Until(start.Add(f.at))):
			}
			slog.Info("fault", "kind", f.kind, "target", f.target, "for", f.dur, "at", f.at.Round(time.Second))
			if err := in.inject(ctx, f); err != nil {
				slog.Error("fault failed", "kind", f.kind, "target", f.target, "err", err)
				in.note("%s on %s failed: %v", f.kind, f.target, err)
				results <- ""
				return
			}
			results <- f.kind
		}()
	}
	for range fs {
		if k := <-results; k != "" {
			in.mu.Lock()
			in.done[k]++
			in.mu.Unlock()
		}
	}
}

func (in *injector) inject(ctx context.Context, f fault) error {
	switch f.kind {
	case faultAPIKill, faultWorkerKill, faultTemporal:
		return in.sup.killRestart(ctx, f.target, f.dur)
	case faultPGRestart:
		return in.restartPostgres(ctx)
	case faultRPCDrop:
		in.proxy.Down()
		defer in.proxy.Up()
		return sleep(ctx, f.dur)
	case faultReceiverDown:
		in.recv.failing.Store(true)
		defer in.recv.failing.Store(false)
		return sleep(ctx, f.dur)
	case faultReorg:
		return in.reorg(ctx)
	}
	return fmt.Errorf("unknown fault %q", f.kind)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// procImage is how a process was started: argv, environment and working directory.
func procImage(pid int) ([]string, []string, string, error) {
	base := fmt.Sprintf("/proc/%d/", pid)
	cmdline, err := os.ReadFile(base + "cmdline")
	if err != nil {
		return nil, nil, "", err
	}
	environ, err := os.ReadFile(base + "environ")
	if err != nil {
		return nil, nil, "", err
	}
	dir, err := os.Readlink(base + "cwd")
	if err != nil {
		return nil, nil, "", err
	}
	split := func(b []byte) []string {
		var out []string
		for _, p := range bytes.Split(bytes.TrimRight(b, "\x00"), []byte{0}) {
			out = append(out, string(p))
		}
		return out
	}
	argv := split(cmdline)
	if len(argv) == 0 || argv[0] == "" {
		return nil, nil, "", fmt.Errorf("pid %d has no command line (already gone?)", pid)
	}
	return argv, split(environ), dir, nil
}

// alive is true while pid exists and is not a zombie.
func alive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	if i := bytes.LastIndexByte(stat, ')'); i > 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}

// restartPostgres restarts the chaos cluster's Postgres the hard way (immediate shutdown: a
// crash, recovered from the WAL on start), cutting every connection of every process.
func (in *injector) restartPostgres(ctx context.Context) error {
	// -l: without a log file the new postmaster would hold our output pipe open for ever.
	args := []string{"-D", in.c.pgData, "-l", filepath.Join(in.c.dir, "logs", "postgres.log"), "-m", "immediate", "-w", "-t", "120", "restart"}
	var cmd *exec.Cmd
	if in.c.pgUser != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", in.c.pgUser, "--", in.c.pgCtl}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, in.c.pgCtl, args...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl restart: %w: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// reorg rewinds geth --dev's head two blocks (debug_setHead), which drops their transactions,
// then broadcasts those again, so they are mined in the next blocks: a two-block reorg,
// shallower than the dev chain's 3 confirmations. The payer's sends wait meanwhile (sendMu,
// held from before the head is read until every dropped transfer is back), so no new
// transaction takes a dropped one's nonce.
//
// geth resets its transaction pool to the rewound head on a goroutine of its own, after
// debug_setHead has answered: a transaction broadcast again before that is checked against
// the old head's state and refused with "nonce too low", and once the pool has caught up the
// next send takes the freed nonce, so the payment is lost for good. The reorg therefore waits
// for the dev node's next block (geth syncs the pool before it builds one), retries a refusal
// for a while, and then makes sure each transfer the payer sent is mined or pending, sending
// again (under a fresh nonce) any that is neither.
func (in *injector) reorg(ctx context.Context) error {
	c, err := rpc.DialContext(ctx, in.e.rpcURL)
	if err != nil {
		return err
	}
	defer c.Close()
	eth := ethclient.NewClient(c)
	in.pay.sendMu.Lock()
	defer in.pay.sendMu.Unlock()
	// Rewind just after a new block, so that none lands between reading the head and
	// rewinding it (its transactions would be dropped unread).
	head, err := eth.BlockNumber(ctx)
	if err != nil {
		return err
	}
	if next, err := headAbove(ctx, eth, head, 5*time.Second); err == nil {
		head = next
	}
	if head < 3 {
		return fmt.Errorf("chain too short (%d blocks)", head)
	}
	target := head - 2
	var dropped []*types.Transaction
	for n := target + 1; n <= head; n++ {
		b, err := eth.BlockByNumber(ctx, new(big.Int).SetUint64(n))
		if err != nil {
			return fmt.Errorf("block %d: %w", n, err)
		}
		dropped = append(dropped, b.Transactions()...)
	}
	if err := c.CallContext(ctx, nil, "debug_setHead", fmt.Sprintf("0x%x", target)); err != nil {
		return fmt.Errorf("debug_setHead: %w", err)
	}
	if _, err := headAbove(ctx, eth, target, 10*time.Second); err != nil {
		in.note("reorg: no block after the rewind to %d: %v", target, err)
	}
	resent := 0
	deadline := time.Now().Add(15 * time.Second)
	for _, tx := range dropped {
		if err := rebroadcast(ctx, eth, tx, deadline); err != nil {
			in.note("reorg: re-broadcast of %s failed: %v", tx.Hash().Hex(), err)
			continue
		}
		resent++
	}
	in.note("reorg: head %d rewound to %d, %d dropped transactions broadcast again (%d accepted)", head, target, len(dropped), resent)
	for _, n := range in.pay.putBack(ctx) {
		in.note("%s", n)
	}
	return nil
}

// headAbove waits (at most limit) for a head above n and returns its number.
func headAbove(ctx context.Context, eth *ethclient.Client, n uint64, limit time.Duration) (uint64, error) {
	deadline := time.Now().Add(limit)
	for {
		head, err := eth.BlockNumber(ctx)
		if err == nil && head > n {
			return head, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("head not above %d after %s", n, limit)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return 0, err
		}
	}
}

// rebroadcast sends a dropped transaction again. "nonce too low" may mean the pool has not yet
// reset to the rewound head, or that the transaction is mined again already; it is retried
// until deadline unless its receipt shows it mined.
func rebroadcast(ctx context.Context, eth *ethclient.Client, tx *types.Transaction, deadline time.Time) error {
	for {
		err := eth.SendTransaction(ctx, tx)
		if err == nil || strings.Contains(err.Error(), "already known") {
			return nil
		}
		if !strings.Contains(err.Error(), "nonce too low") {
			return err
		}
		if _, rerr := eth.TransactionReceipt(ctx, tx.Hash()); rerr == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
}
