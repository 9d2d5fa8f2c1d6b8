// Package wiringtest starts the real parts tests and benchmarks run against: a fresh Postgres
// database and a Temporal dev server from the project's bin/ (it never downloads one).
package wiringtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq" // the driver
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/chaincheckout/checkout/core/ident"
)

// AdminURL is the Postgres server tests create their databases on.
func AdminURL() string {
	if v := os.Getenv("TEST_DATABASE_ADMIN_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Database creates an empty database and returns its URL and a function that drops it.
func Database(ctx context.Context, prefix string) (string, func(), error) {
	if err := refuseUnderShort("database " + prefix); err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("postgres", AdminURL())
	if err != nil {
		return "", nil, err
	}
	name := strings.ToLower(prefix + "_" + ident.Random(10))
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create database %s on %s (is Postgres running? see README): %w", name, AdminURL(), err)
	}
	url := strings.Replace(AdminURL(), "/postgres?", "/"+name+"?", 1)
	drop := func() {
		_, _ = admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		admin.Close()
	}
	return url, drop, nil
}

// RepoRoot finds the directory holding go.mod, so tests find bin/ from any package.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}

// TemporalBinary is bin/temporal, built by `make tools`.
func TemporalBinary() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	path := filepath.Join(root, "bin", "temporal")
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing: run `make tools` (the tests never download it)", path)
	}
	return path, nil
}

// TemporalServer is the Temporal a test runs against and the namespace its workflows use.
type TemporalServer interface {
	FrontendHostPort() string
	Namespace() string
	Client() client.Client
	Stop() error
}

// ClusterAddressEnv names a running Temporal cluster (make test-cluster sets it to make
// cluster's): Temporal then gives each caller a fresh namespace of its own there instead of
// starting a dev server, so the tests' workflows run on the cluster without meeting the
// cluster's own workers (which poll the default namespace).
const ClusterAddressEnv = "CHECKOUT_TEST_TEMPORAL_ADDRESS"

// Temporal starts an in-memory dev server on a free port, or with ClusterAddressEnv set, makes
// a namespace on that cluster. No search attributes are pre-registered: the service must
// register its own at start-up. extraArgs go to `temporal server start-dev` (e.g. a
// --dynamic-config-value); a caller that passes any always gets a dev server.
func Temporal(ctx context.Context, logs io.Writer, extraArgs ...string) (TemporalServer, error) {
	if err := refuseUnderShort("temporal dev server"); err != nil {
		return nil, err
	}
	if addr := os.Getenv(ClusterAddressEnv); addr != "" && len(extraArgs) == 0 {
		return clusterNamespace(ctx, addr)
	}
	bin, err := TemporalBinary()
	if err != nil {
		return nil, err
	}
	if logs == nil {
		logs = io.Discard
	}
	srv, err := testsuite.StartDevServer(ctx, testsuite.DevServerOptions{
		ExistingPath:  bin,
		LogLevel:      "error",
		ClientOptions: &client.Options{Namespace: "default", Logger: QuietLogger{}},
		Stdout:        logs,
		Stderr:        logs,
		ExtraArgs:     extraArgs,
	})
	if err != nil {
		return nil, err
	}
	return devServer{srv}, nil
}

type devServer struct{ *testsuite.DevServer }

func (devServer) Namespace() string { return "default" }

// clusterNS is a namespace of a test's own on a running cluster; Stop deletes it.
type clusterNS struct {
	addr, name string
	c          client.Client
}

func (n *clusterNS) FrontendHostPort() string { return n.addr }
func (n *clusterNS) Namespace() string        { return n.name }
func (n *clusterNS) Client() client.Client    { return n.c }

func (n *clusterNS) Stop() error {
	defer n.c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := n.c.OperatorService().DeleteNamespace(ctx, &operatorservice.DeleteNamespaceRequest{Namespace: n.name})
	return err
}

func clusterNamespace(ctx context.Context, addr string) (TemporalServer, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	name := "test-" + hex.EncodeToString(b[:])
	nc, err := client.NewNamespaceClient(client.Options{HostPort: addr, Logger: QuietLogger{}})
	if err != nil {
		return nil, fmt.Errorf("%s=%s: %w", ClusterAddressEnv, addr, err)
	}
	defer nc.Close()
	if err := nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace: name, WorkflowExecutionRetentionPeriod: durationpb.New(24 * time.Hour),
	}); err != nil {
		return nil, fmt.Errorf("register namespace %s on %s: %w", name, addr, err)
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: addr, Namespace: name, Logger: QuietLogger{}})
	if err != nil {
		return nil, err
	}
	// A new namespace reaches every service's cache within seconds; the service's first call lists
	// the search attributes.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		_, err = c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: name})
		if err == nil {
			return &clusterNS{addr: addr, name: name, c: c}, nil
		}
		if time.Now().After(deadline) {
			c.Close()
			return nil, fmt.Errorf("namespace %s never became usable on %s: %w", name, addr, err)
		}
	}
}

// Geth starts bin/geth --dev (a block per second) on free loopback ports in dir and returns
// its HTTP JSON-RPC URL and a stop function. Its debug API is on (debug_setHead rewinds it).
func Geth(ctx context.Context, dir string, logs io.Writer) (string, func(), error) {
	if err := refuseUnderShort("geth"); err != nil {
		return "", nil, err
	}
	root, err := RepoRoot()
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(root, "bin", "geth")
	if _, err := os.Stat(bin); err != nil {
		return "", nil, fmt.Errorf("%s is missing: run `make tools`", bin)
	}
	ports, err := freePorts(2)
	if err != nil {
		return "", nil, err
	}
	if logs == nil {
		logs = io.Discard
	}
	cmd := exec.CommandContext(ctx, bin, "--dev", "--dev.period", "1", "--datadir", dir,
		"--http", "--http.addr", "127.0.0.1", "--http.port", strconv.Itoa(ports[0]), "--http.api", "eth,net,web3,debug",
		"--authrpc.port", strconv.Itoa(ports[1]), "--port", "0", "--nodiscover", "--maxpeers", "0", "--ipcdisable")
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start geth: %w", err)
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	url := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	for i := 0; i < 150; i++ {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", ports[0]), 100*time.Millisecond); err == nil {
			c.Close()
			return url, stop, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return "", nil, fmt.Errorf("geth did not open %s", url)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var lns []net.Listener
	defer func() {
		for _, l := range lns {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
