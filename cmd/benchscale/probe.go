package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/lib/pq"
)

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on every Linux build
// this runs on (sysconf(_SC_CLK_TCK)).
const clockTicks = 100

// procSample is one process's resident memory and CPU time so far.
type procSample struct {
	rssKiB int64
	cpu    time.Duration // user + system
}

// readProc reads /proc/<pid>/status (VmRSS) and /proc/<pid>/stat (utime, stime).
func readProc(pid int) (procSample, error) {
	var p procSample
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return p, fmt.Errorf("process %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			p.rssKiB, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return p, fmt.Errorf("process %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces: count fields after its closing parenthesis.
	rest := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(rest) < 13 {
		return p, fmt.Errorf("process %d: short stat line", pid)
	}
	utime, _ := strconv.ParseInt(rest[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(rest[12], 10, 64) // field 15
	p.cpu = time.Duration(utime+stime) * time.Second / clockTicks
	return p, nil
}

// sampleAll reads every PID and sums them.
func sampleAll(pids []int) (procSample, error) {
	var sum procSample
	for _, pid := range pids {
		p, err := readProc(pid)
		if err != nil {
			return sum, err
		}
		sum.rssKiB += p.rssKiB
		sum.cpu += p.cpu
	}
	return sum, nil
}

// idleWindow measures, over o.idle with nothing asked of the service: the workers' and the
// Temporal server's CPU (as % of one core) and mean RSS, the CPU of the Postgres backends
// serving the service's and Temporal's databases, the RPC calls the service made through the
// proxy, and the blocks geth mined meanwhile.
func (s *stack) idleWindow(ctx context.Context, st *step) error {
	servers := []int{}
	if s.server != 0 {
		servers = append(servers, s.server)
	}
	backends, err := s.backendPIDs(ctx)
	if err != nil {
		return err
	}
	w0, t0, p0 := cpuOf(s.workers), cpuOf(servers), cpuOf(backends)
	c0, err := fetchCounts(s.o.proxyURL)
	if err != nil {
		return err
	}
	b0, err := s.blockNumber(ctx)
	if err != nil {
		return err
	}
	var dbStart time.Time
	if err := s.db.GetContext(ctx, &dbStart, `SELECT now()`); err != nil {
		return fmt.Errorf("database clock: %w", err)
	}
	start := time.Now()
	logf("idle window of %s", s.o.idle)
	var wRSS, tRSS, samples int64
	for time.Since(start) < s.o.idle {
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
		w, _ := sampleAll(s.workers)
		t, _ := sampleAll(servers)
		wRSS, tRSS, samples = wRSS+w.rssKiB, tRSS+t.rssKiB, samples+1
	}
	b1, err := s.blockNumber(ctx)
	if err != nil {
		return err
	}
	c1, err := fetchCounts(s.o.proxyURL)
	if err != nil {
		return err
	}
	st.window = time.Since(start)
	st.rpc, st.blocks = c1.minus(c0), b1-b0
	st.workerRSS, st.serverRSS = mib(wRSS/samples), mib(tRSS/samples)
	st.workerCPU, st.serverCPU = pct(cpuSince(w0), st.window), pct(cpuSince(t0), st.window)
	st.postgresCPU = pct(cpuSince(p0), st.window)
	// A volatile asset's quote lapses (CHECKOUT_QUOTE_LIFETIME) and the workflow prices it again.
	err = s.db.GetContext(ctx, &st.requoted, `SELECT count(*) FROM checkout_sessions WHERE quoted_at >= $1 AND created_at < $1`, dbStart)
	if err != nil {
		return fmt.Errorf("count requotes: %w", err)
	}
	return nil
}

// cpuOf is each process's CPU time so far; a process that cannot be read is left out.
func cpuOf(pids []int) map[int]time.Duration {
	out := map[int]time.Duration{}
	for _, pid := range pids {
		if p, err := readProc(pid); err == nil {
			out[pid] = p.cpu
		}
	}
	return out
}

// cpuSince is the CPU the processes used since before was read (those still there).
func cpuSince(before map[int]time.Duration) time.Duration {
	var sum time.Duration
	for pid, was := range before {
		if p, err := readProc(pid); err == nil {
			sum += p.cpu - was
		}
	}
	return sum
}

// backendPIDs are the Postgres backends connected to the service's and Temporal's databases
// (pooled connections: they live across the window), the bench's own excepted.
func (s *stack) backendPIDs(ctx context.Context) ([]int, error) {
	dbs := []string{}
	for _, name := range strings.Split(s.o.temporalDBs, ",") {
		if name = strings.TrimSpace(name); name != "" {
			dbs = append(dbs, name)
		}
	}
	var pids []int
	err := s.db.SelectContext(ctx, &pids, `SELECT pid FROM pg_stat_activity
		WHERE (datname = current_database() OR datname = ANY($1)) AND application_name <> 'benchscale'`, pq.Array(dbs))
	if err != nil {
		return nil, fmt.Errorf("the databases' backends: %w", err)
	}
	return pids, nil
}

func (s *stack) blockNumber(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	if err := s.geth.CallContext(ctx, &n, "eth_blockNumber"); err != nil {
		return 0, fmt.Errorf("geth's block number: %w", err)
	}
	return uint64(n), nil
}

func mib(kib int64) float64 { return float64(kib) / 1024 }

func pct(cpu, wall time.Duration) float64 { return 100 * cpu.Seconds() / wall.Seconds() }

// databaseSizes is the service's database and Temporal's (all of -temporal-dbs), in bytes.
func (s *stack) databaseSizes(ctx context.Context) (checkoutDB, temporalDB int64, err error) {
	if err := s.db.GetContext(ctx, &checkoutDB, `SELECT pg_database_size(current_database())`); err != nil {
		return 0, 0, fmt.Errorf("database size: %w", err)
	}
	for _, name := range strings.Split(s.o.temporalDBs, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		var n int64
		if err := s.db.GetContext(ctx, &n, `SELECT pg_database_size($1)`, name); err != nil {
			return 0, 0, fmt.Errorf("size of database %s: %w", name, err)
		}
		temporalDB += n
	}
	return checkoutDB, temporalDB, nil
}
