package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/rpc"
	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the database/sql driver
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/workflows"
)

// stack is the running system under measurement, as the bench reaches it.
type stack struct {
	o        options
	apis     []string
	db       *sqlx.DB
	temporal client.Client
	geth     *rpc.Client
	httpc    *http.Client
	workers  []int
	server   int      // the Temporal server's PID, 0 when not given
	created  []string // every session this run created, in order
	paid     []string // the sessions it paid
}

func newStack(ctx context.Context, o options) (*stack, error) {
	s := &stack{o: o, httpc: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for _, a := range strings.Split(o.apis, ",") {
		s.apis = append(s.apis, strings.TrimRight(strings.TrimSpace(a), "/"))
	}
	var err error
	if s.workers, err = parsePIDs(o.workerPIDs); err != nil {
		return nil, err
	}
	if o.temporalPID != "" {
		if s.server, err = strconv.Atoi(o.temporalPID); err != nil {
			return nil, fmt.Errorf("temporal-pid %q: %w", o.temporalPID, err)
		}
	}
	if s.db, err = sqlx.ConnectContext(ctx, "postgres", withAppName(o.databaseURL)); err != nil {
		return nil, fmt.Errorf("the service's database: %w", err)
	}
	s.db.SetMaxOpenConns(4)
	if s.temporal, err = client.DialContext(ctx, client.Options{HostPort: o.temporalAddr, Namespace: o.namespace,
		Logger: wiringtest.QuietLogger{}}); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("temporal: %w", err)
	}
	if s.geth, err = rpc.DialContext(ctx, o.gethURL); err != nil {
		s.close()
		return nil, fmt.Errorf("geth: %w", err)
	}
	return s, nil
}

func (s *stack) close() {
	if s.geth != nil {
		s.geth.Close()
	}
	s.temporal.Close()
	s.db.Close()
}

func parsePIDs(list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("pid %q: %w", f, err)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no worker PID given (-worker-pids)")
	}
	return out, nil
}

// step is what was measured with n sessions open.
type step struct {
	open                   int           // sessions open with an address when idle
	opened                 int           // sessions this step created
	openTime               time.Duration // until the last of them had its address
	running                int64         // CheckoutSession workflows Running
	workerRSS, workerCPU   float64       // MiB and % of one core, summed over the workers
	serverRSS, serverCPU   float64       // the Temporal server's
	postgresCPU            float64       // the backends of the service's and Temporal's databases
	rpc                    rpcCounts     // calls the service made during the idle window
	blocks                 uint64        // blocks mined during it
	requoted               int64         // sessions priced again during the window
	window                 time.Duration
	pay                    []time.Duration // payment mined to session complete
	checkoutDB, temporalDB int64           // bytes
}

// measureAt opens sessions up to n, lets the system settle, measures an idle window, then
// times payments to a few of the open sessions.
func (s *stack) measureAt(ctx context.Context, n int) (step, error) {
	st := step{opened: n - len(s.created)}
	t0 := time.Now()
	if err := s.openUpTo(ctx, n); err != nil {
		return st, err
	}
	st.openTime = time.Since(t0)
	logf("%d sessions open with addresses after %.0f s; settling %s", n, st.openTime.Seconds(), s.o.settle)
	if err := sleep(ctx, s.o.settle); err != nil {
		return st, err
	}
	if err := s.idleWindow(ctx, &st); err != nil {
		return st, err
	}
	var err error
	if st.open, err = s.openWithAddress(ctx); err != nil {
		return st, err
	}
	if st.running, err = s.runningSessions(ctx); err != nil {
		return st, err
	}
	if st.checkoutDB, st.temporalDB, err = s.databaseSizes(ctx); err != nil {
		return st, err
	}
	st.pay, err = s.payAmong(ctx, s.o.payments)
	return st, err
}

// runningSessions counts the CheckoutSession workflows Temporal has Running.
func (s *stack) runningSessions(ctx context.Context) (int64, error) {
	res, err := s.temporal.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: s.o.namespace,
		Query: fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.CheckoutSessionWorkflow)})
	if err != nil {
		return 0, fmt.Errorf("count running sessions: %w", err)
	}
	return res.GetCount(), nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// withAppName names the bench's own connections, so its backends are not counted as the
// service's.
func withAppName(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	q := u.Query()
	q.Set("application_name", "benchscale")
	u.RawQuery = q.Encode()
	return u.String()
}
