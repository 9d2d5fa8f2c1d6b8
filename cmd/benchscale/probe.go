package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common/hexutil"
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
// Temporal server's CPU (as % of one core) and RSS at the end, the RPC calls the service made
// through the proxy, and the blocks geth mined meanwhile.
func (s *stack) idleWindow(ctx context.Context, st *step) error {
	server := []int{}
	if s.server != 0 {
		server = append(server, s.server)
	}
	w0, err := sampleAll(s.workers)
	if err != nil {
		return err
	}
	t0, err := sampleAll(server)
	if err != nil {
		return err
	}
	c0, err := fetchCounts(s.o.proxyURL)
	if err != nil {
		return err
	}
	b0, err := s.blockNumber(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	logf("idle window of %s", s.o.idle)
	if err := sleep(ctx, s.o.idle); err != nil {
		return err
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
	w1, err := sampleAll(s.workers)
	if err != nil {
		return err
	}
	t1, err := sampleAll(server)
	if err != nil {
		return err
	}
	st.rpc, st.blocks = c1.minus(c0), b1-b0
	st.workerRSS, st.workerCPU = mib(w1.rssKiB), pct(w1.cpu-w0.cpu, st.window)
	st.serverRSS, st.serverCPU = mib(t1.rssKiB), pct(t1.cpu-t0.cpu, st.window)
	return nil
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
