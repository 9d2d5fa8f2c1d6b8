package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	"github.com/chaincheckout/checkout/adapters/wiring"
	"github.com/chaincheckout/checkout/adapters/wiring/wiringtest"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/workflows"
)

// benchEnv is what every measurement runs against: started once, on the same servers.
type benchEnv struct {
	app    *wiring.App
	base   string // the API's URL
	key    string // the bench merchant's secret key
	rpcURL string // geth --dev
	chains *chainconfig.File
	undo   []func() // stops what was started, last first
}

func (e *benchEnv) close() {
	for i := len(e.undo) - 1; i >= 0; i-- {
		e.undo[i]()
	}
}

// startBench starts a fresh database, Temporal, geth --dev and the service with a merchant.
func startBench(ctx context.Context, temporalArgs []string, temporalAddress string) (*benchEnv, error) {
	e := &benchEnv{}
	dbURL, temporalAddr, err := e.startServers(ctx, temporalArgs, temporalAddress)
	if err == nil {
		err = e.startService(ctx, dbURL, temporalAddr)
	}
	if err != nil {
		e.close()
		return nil, err
	}
	return e, nil
}

// startServers starts the database, Temporal (a SQLite file with the pragmas `make dev` gives
// it: the same server serves both measurements) and geth --dev.
func (e *benchEnv) startServers(ctx context.Context, temporalArgs []string, temporalAddress string) (dbURL, temporalAddr string, err error) {
	dbURL, drop, err := wiringtest.Database(ctx, "checkout_bench")
	if err != nil {
		return "", "", err
	}
	e.undo = append(e.undo, drop)
	dir, err := os.MkdirTemp("", "checkout-bench")
	if err != nil {
		return "", "", err
	}
	e.undo = append(e.undo, func() { _ = os.RemoveAll(dir) })
	temporalAddr = temporalAddress
	if temporalAddr == "" {
		if temporalAddr, err = e.startDevServer(ctx, dir, temporalArgs); err != nil {
			return "", "", err
		}
	}
	chains, rpcURL, stopGeth, err := devChain(ctx, dir)
	if err != nil {
		return "", "", err
	}
	e.undo = append(e.undo, stopGeth)
	e.chains, e.rpcURL = chains, rpcURL
	return dbURL, temporalAddr, nil
}

// startDevServer runs the CLI's dev server on a SQLite file in dir and returns its address.
func (e *benchEnv) startDevServer(ctx context.Context, dir string, args []string) (string, error) {
	bin, err := wiringtest.TemporalBinary()
	if err != nil {
		return "", err
	}
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath: bin, DBFilename: filepath.Join(dir, "temporal.db"), LogLevel: "error", ExtraArgs: args,
		ClientOptions: &client.Options{Logger: wiringtest.QuietLogger{}}, Stdout: io.Discard, Stderr: io.Discard,
	})
	if err != nil {
		return "", err
	}
	e.undo = append(e.undo, func() { _ = srv.Stop() })
	return srv.FrontendHostPort(), nil
}

// startService runs the whole service (API and worker) and creates the bench merchant.
func (e *benchEnv) startService(ctx context.Context, dbURL, temporalAddr string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.base = "http://" + ln.Addr().String()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	app, err := wiring.New(ctx, wiring.Config{DatabaseURL: dbURL, TemporalAddress: temporalAddr,
		TemporalNamespace: "default", Listen: ln.Addr().String(), PublicURL: e.base, Role: wiring.RoleAll, AutoMigrate: true,
		Chains: e.chains, WebhookAllowPrivate: true,
		SecretsKeys: "bench:" + base64.StdEncoding.EncodeToString(make([]byte, 32))}, log)
	if err != nil {
		ln.Close()
		return err
	}
	e.app = app
	e.undo = append(e.undo, app.Close)
	go func() { _ = app.Run(ctx, ln) }()
	_, keys, err := app.Merchants.Create(ctx, "Bench Store", ethereum.DemoXPub)
	e.key = keys.Of(false)
	return err
}

// floorOps starts the floor's worker and table and returns the two bare operations a session
// creation is compared with: a single-row INSERT and a StartWorkflow carrying the same search
// attributes as a session.
func (e *benchEnv) floorOps(ctx context.Context) (insert, start func(context.Context) error, err error) {
	fw := worker.New(e.app.Temporal, floorQueue, worker.Options{})
	fw.RegisterWorkflow(floorWorkflow)
	if err := fw.Start(); err != nil {
		return nil, nil, err
	}
	e.undo = append(e.undo, fw.Stop)
	db := e.app.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_floor (id text PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL)`); err != nil {
		return nil, nil, err
	}
	insert = func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, insertFloorSQL, ident.New("floor"))
		return err
	}
	start = func(ctx context.Context) error {
		id := ident.New("floor")
		_, err := e.app.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "floor/" + id, TaskQueue: floorQueue, EnableEagerStart: true,
			TypedSearchAttributes: temporal.NewSearchAttributes( // the same attributes a session carries
				workflows.AttrCheckoutStatus.ValueSet("open"), workflows.AttrMerchantID.ValueSet("acct_bench"),
				workflows.AttrClientReferenceID.ValueSet(""))}, floorWorkflow, floorInput{ID: id, ExpiresAt: time.Now().Add(time.Hour)})
		return err
	}
	return insert, start, nil
}

const insertFloorSQL = `INSERT INTO bench_floor (id, payload, created_at) VALUES ($1, '{}', now())`

// txInsertOp is the bare INSERT in a transaction of its own: BEGIN, INSERT, COMMIT, as lib/pq
// sends them (three round trips), the least any request that writes in a transaction pays.
func (e *benchEnv) txInsertOp() func(context.Context) error {
	db := e.app.DB()
	return func(ctx context.Context) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback() }()
		if _, err := tx.ExecContext(ctx, insertFloorSQL, ident.New("floor")); err != nil {
			return err
		}
		return tx.Commit()
	}
}

// httpInsertOp serves the bare INSERT behind a Gin route of its own, on its own listener, and
// sends it the create request's form with the same client: the least a create over HTTP
// costs (no auth, idempotency, validation or rendering).
func (e *benchEnv) httpInsertOp() (func(context.Context) error, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	db := e.app.DB()
	r := gin.New()
	r.POST("/v1/checkout/sessions", func(c *gin.Context) {
		if err := c.Request.ParseForm(); err != nil {
			c.String(http.StatusBadRequest, err.Error())
			return
		}
		id := ident.New("floor")
		if _, err := db.ExecContext(c, insertFloorSQL, id); err != nil {
			c.String(http.StatusInternalServerError, err.Error())
			return
		}
		c.JSON(http.StatusOK, gin.H{"id": id})
	})
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	e.undo = append(e.undo, func() { _ = srv.Close() })
	create := e.createSessionAt("http://" + ln.Addr().String())
	return func(ctx context.Context) error {
		_, _, err := create(ctx)
		return err
	}, nil
}

// createSessionOp is one create-session request through the HTTP API, as a merchant sends it.
func (e *benchEnv) createSessionOp() func(context.Context) error {
	create := e.createSession()
	return func(ctx context.Context) error {
		_, _, err := create(ctx)
		return err
	}
}

// createSession returns a create-session request that reports the session's ID and when its
// response arrived.
func (e *benchEnv) createSession() func(context.Context) (string, time.Time, error) {
	return e.createSessionAt(e.base)
}

// createSessionAt is createSession sent to the server at base.
func (e *benchEnv) createSessionAt(base string) func(context.Context) (string, time.Time, error) {
	httpc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	body := url.Values{
		"mode": {"payment"}, "line_items[0][price_data][currency]": {"usd"},
		"line_items[0][price_data][unit_amount]": {"1999"}, "line_items[0][price_data][product_data][name]": {"T-shirt"},
		"line_items[0][quantity]": {"2"}, "metadata[order_id]": {"42"},
	}.Encode()
	return func(ctx context.Context) (string, time.Time, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/v1/checkout/sessions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", ident.Random(24)) // as the official clients send on every POST
		res, err := httpc.Do(req)
		if err != nil {
			return "", time.Time{}, err
		}
		defer res.Body.Close()
		var s struct{ ID string }
		err = json.NewDecoder(res.Body).Decode(&s)
		answered := time.Now()
		if res.StatusCode != http.StatusOK {
			return "", answered, fmt.Errorf("status %d", res.StatusCode)
		}
		return s.ID, answered, err
	}
}

// untilRunningOp creates a session and measures from its HTTP response to its workflow's
// WorkflowExecutionStarted (zero when the workflow started before the response). It waits on
// the row's workflow_started (a cheap Postgres read) and asks Temporal once: polling Temporal
// itself loaded the server it measured.
func (e *benchEnv) untilRunningOp() func(context.Context) (time.Duration, error) {
	create := e.createSession()
	return func(ctx context.Context) (time.Duration, error) {
		id, answered, err := create(ctx)
		if err != nil {
			return 0, err
		}
		for deadline := answered.Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var started bool
			if err := e.app.DB().GetContext(ctx, &started, `SELECT workflow_started FROM checkout_sessions WHERE id = $1`, id); err != nil {
				return 0, err
			}
			if started {
				break
			}
			if time.Now().After(deadline) {
				return 0, fmt.Errorf("workflow of %s not started 30 s after its session was created", id)
			}
		}
		d, err := e.app.Temporal.DescribeWorkflowExecution(ctx, workflows.SessionWorkflowID(id), "")
		if err != nil {
			return 0, err
		}
		return max(0, d.WorkflowExecutionInfo.GetStartTime().AsTime().Sub(answered)), nil
	}
}
