// Package wiring wires the adapters to the core once, for the binary and the integration
// tests alike: Postgres, the Temporal client and worker, and the HTTP server.
package wiring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/adapters/postgres"
	ratesadapter "github.com/chaincheckout/checkout/adapters/rates"
	"github.com/chaincheckout/checkout/adapters/secrets"
	temporaladapter "github.com/chaincheckout/checkout/adapters/temporal"
	"github.com/chaincheckout/checkout/adapters/webhooks"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/retention"
	"github.com/chaincheckout/checkout/core/webhook"
	"github.com/chaincheckout/checkout/workflows"
)

// Roles a process can take.
const (
	RoleAll    = "all"
	RoleAPI    = "api"
	RoleWorker = "worker"
)

// Config is the service's configuration; FromEnv fills it.
type Config struct {
	DatabaseURL       string
	TemporalAddress   string
	TemporalNamespace string
	Listen            string
	PublicURL         string
	Role              string
	AutoMigrate       bool
	ChainsFile        string            // JSON chains and rates; empty for the dev default
	Chains            *chainconfig.File // set directly by tests; wins over ChainsFile
	// WebhookAllowPrivate lets webhook URLs reach loopback and private addresses (dev, tests).
	WebhookAllowPrivate bool
	// WebhookTimeout bounds one delivery attempt.
	WebhookTimeout time.Duration
	// WebhookFirstRetry is the wait after a first failed delivery attempt (later waits triple).
	WebhookFirstRetry time.Duration
	// QuoteLifetime bounds a quote in a volatile asset (0: the default, 15 minutes).
	QuoteLifetime time.Duration
	// ChainClients replaces the RPC connection of a chain (tests use the simulated backend).
	ChainClients map[int64]ethereum.Client
	// Temporal TLS (PEM files) and API key; all empty: a plain connection.
	TemporalTLSCert, TemporalTLSKey, TemporalTLSCA, TemporalTLSServerName, TemporalAPIKey string
	// EventRetentionDays keeps events and their deliveries this long (0: 30; under 30 is refused).
	EventRetentionDays int
	// SupervisePeriod is how often a worker restarts a scanner or dispatcher that ended (0: 30 s).
	SupervisePeriod time.Duration
	envErrs         []error // values FromEnv could not read; New refuses to start with them
	// SecretsKeys is the keyring that encrypts webhook secrets at rest: "id:base64,…", 32-byte
	// keys, the first seals. Required: the service refuses to start without it.
	SecretsKeys string
}

// FromEnv reads the configuration, with defaults that match `make dev`.
func FromEnv() Config {
	c := Config{
		DatabaseURL:         env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/checkout?sslmode=disable"),
		TemporalAddress:     env("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace:   env("TEMPORAL_NAMESPACE", "default"),
		Listen:              env("CHECKOUT_LISTEN", "127.0.0.1:4242"),
		Role:                env("CHECKOUT_ROLE", RoleAll),
		AutoMigrate:         env("CHECKOUT_AUTO_MIGRATE", "true") == "true",
		ChainsFile:          os.Getenv("CHECKOUT_CHAINS_FILE"),
		WebhookAllowPrivate: env("CHECKOUT_WEBHOOK_ALLOW_PRIVATE", "false") == "true",
		WebhookTimeout:      10 * time.Second,
	}
	if v := os.Getenv("CHECKOUT_QUOTE_LIFETIME"); v != "" {
		c.QuoteLifetime = -1 // refused by New with the variable's name unless it parses
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			c.QuoteLifetime = d
		}
	}
	c.PublicURL = env("CHECKOUT_PUBLIC_URL", "http://"+c.Listen)
	c.TemporalTLSCert, c.TemporalTLSKey = os.Getenv("TEMPORAL_TLS_CERT"), os.Getenv("TEMPORAL_TLS_KEY")
	c.TemporalTLSCA, c.TemporalTLSServerName = os.Getenv("TEMPORAL_TLS_CA"), os.Getenv("TEMPORAL_TLS_SERVER_NAME")
	c.TemporalAPIKey = os.Getenv("TEMPORAL_API_KEY")
	if v := os.Getenv("CHECKOUT_EVENT_RETENTION_DAYS"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_EVENT_RETENTION_DAYS=%q is not a whole number of days", v))
		}
		c.EventRetentionDays = days
	}
	c.SecretsKeys = os.Getenv("CHECKOUT_SECRETS_KEYS")
	if k := os.Getenv("CHECKOUT_SECRETS_KEY"); c.SecretsKeys == "" && k != "" {
		c.SecretsKeys = "default:" + k // the single-key form; its id is "default" in a later keyring
	}
	return c
}

func (c Config) temporalConnection() temporaladapter.Connection {
	return temporaladapter.Connection{HostPort: c.TemporalAddress, Namespace: c.TemporalNamespace,
		TLSCert: c.TemporalTLSCert, TLSKey: c.TemporalTLSKey, TLSCA: c.TemporalTLSCA,
		TLSServerName: c.TemporalTLSServerName, APIKey: c.TemporalAPIKey}
}

// eventWindow refuses what FromEnv could not read and a window the retention rule refuses.
func (c Config) eventWindow() (retention.EventWindow, error) {
	if len(c.envErrs) > 0 {
		return retention.EventWindow{}, errors.Join(c.envErrs...)
	}
	w, err := retention.NewEventWindow(c.EventRetentionDays)
	if err != nil {
		return w, fmt.Errorf("CHECKOUT_EVENT_RETENTION_DAYS: %w", err)
	}
	return w, nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// Connection pools: the API and the worker each have their own, so a burst of requests can
// never starve the activities that complete payments (nor the other way round).
const (
	apiPoolSize    = 20
	workerPoolSize = 20
)

// App is a wired service.
type App struct {
	cfg         Config
	log         *slog.Logger
	Store       *postgres.Store // the API's pool (the worker's alone for the worker role)
	workerDB    *postgres.Store
	Temporal    client.Client
	Sessions    *checkout.Service
	Merchants   *merchant.Service
	Chains      chainconfig.File
	Orch        *temporaladapter.Orchestrator
	Handler     http.Handler
	SessionActs *workflows.SessionActivities // nil for the api role
	Scans       *workflows.ScanActivities
	retention   *workflows.Retention
	supervisor  *temporaladapter.Supervisor
	Deliveries  *workflows.DeliveryActivities // nil for the api role
	clients     map[int64]ethereum.Client
	workerMu    sync.Mutex
	worker      worker.Worker
	stopLoop    func() // ends the supervisor loop of the running worker
	closers     []func()
}

// New connects to Postgres and Temporal and builds the handler and worker the role needs.
func New(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	switch cfg.Role {
	case RoleAll, RoleAPI, RoleWorker:
	default:
		return nil, fmt.Errorf("unknown role %q: use all, api or worker", cfg.Role)
	}
	now := func() time.Time { return time.Now().UTC() }
	if cfg.QuoteLifetime < 0 {
		return nil, fmt.Errorf("CHECKOUT_QUOTE_LIFETIME must be a positive duration such as 15m")
	}
	if cfg.WebhookTimeout <= 0 {
		cfg.WebhookTimeout = 10 * time.Second
	}
	if cfg.SupervisePeriod <= 0 {
		cfg.SupervisePeriod = 30 * time.Second
	}
	window, err := cfg.eventWindow()
	if err != nil {
		return nil, err
	}
	cfg.EventRetentionDays = window.Days() // the schedule shows the days it keeps, never 0
	chainsFile, err := loadChains(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.SecretsKeys == "" {
		return nil, fmt.Errorf("no key to encrypt webhook secrets: set CHECKOUT_SECRETS_KEYS (or CHECKOUT_SECRETS_KEY), see the README")
	}
	box, err := secrets.ParseKeyring(cfg.SecretsKeys)
	if err != nil {
		return nil, err
	}
	store, err := postgres.Open(ctx, cfg.DatabaseURL, apiPoolSize)
	if err != nil {
		return nil, err
	}
	store = store.WithSecrets(box)
	a := &App{cfg: cfg, log: log, Store: store, workerDB: store, Chains: chainsFile, clients: map[int64]ethereum.Client{}}
	if cfg.Role == RoleAll {
		if a.workerDB, err = postgres.Open(ctx, cfg.DatabaseURL, workerPoolSize); err != nil {
			a.Close()
			return nil, err
		}
		a.workerDB = a.workerDB.WithSecrets(box)
	}
	for _, ch := range chainsFile.Chains {
		if a.clients[ch.ID], err = a.chainClient(ctx, ch); err != nil {
			a.Close()
			return nil, err
		}
	}
	rates, err := a.rateSource(now)
	if err != nil {
		a.Close()
		return nil, err
	}
	if cfg.AutoMigrate {
		if _, err := store.Migrate(ctx); err != nil {
			a.Close()
			return nil, err
		}
	}
	if n, err := store.ResealSecrets(ctx); err != nil {
		a.Close()
		return nil, fmt.Errorf("seal webhook secrets under the current key: %w", err)
	} else if n > 0 {
		log.Info("webhook secrets sealed under the current key", "count", n)
	}
	if a.Temporal, err = temporaladapter.Dial(ctx, cfg.temporalConnection(), log); err != nil {
		a.Close()
		return nil, err
	}
	if err := temporaladapter.EnsureSearchAttributes(ctx, a.Temporal, cfg.TemporalNamespace); err != nil {
		a.Close()
		return nil, err
	}
	if a.Orch, err = temporaladapter.NewOrchestrator(a.Temporal); err != nil {
		a.Close()
		return nil, err
	}
	a.Orch.WebhookFirstRetry = cfg.WebhookFirstRetry
	renderer := httpapi.NewRenderer(cfg.PublicURL, chainsFile.Config(), log)
	sessionDeps := checkout.Deps{Store: store, Orch: a.Orch, Now: now, Chains: chainsFile.Config(), Rates: rates,
		Addresses: ethereum.HD{}, Balances: ethereum.NewBalances(a.clients), Encoder: renderer, Names: store, Logger: log,
		QuoteLifetime: cfg.QuoteLifetime}
	if a.Sessions, err = checkout.NewService(sessionDeps); err != nil {
		a.Close()
		return nil, err
	}
	renderer.UseHeights(a.Sessions)
	sessionDeps.Store, sessionDeps.Names = a.workerDB, a.workerDB
	workerSessions, err := checkout.NewService(sessionDeps)
	if err != nil {
		a.Close()
		return nil, err
	}
	if a.Merchants, err = merchant.NewService(store, ethereum.HD{}, now); err != nil {
		a.Close()
		return nil, err
	}
	endpoints, err := webhook.NewEndpoints(store, webhook.Guard{Resolver: net.DefaultResolver, AllowPrivate: cfg.WebhookAllowPrivate}, now)
	if err != nil {
		a.Close()
		return nil, err
	}
	deliveries, err := webhook.NewDeliveries(store, now)
	if err != nil {
		a.Close()
		return nil, err
	}
	events, err := event.NewService(store)
	if err != nil {
		a.Close()
		return nil, err
	}
	if cfg.Role != RoleWorker {
		a.Handler, err = httpapi.NewHandler(httpapi.Deps{Endpoints: endpoints, Deliveries: deliveries,
			Sessions: a.Sessions, Merchants: a.Merchants, Idempotency: store, Renderer: renderer, Events: events,
			Logger: log, Now: now,
		})
		if err != nil {
			a.Close()
			return nil, err
		}
	}
	if cfg.Role != RoleAPI {
		scanners := map[int64]*chain.Scanner{}
		for _, ch := range chainsFile.Chains {
			sc, err := chain.NewScanner(ch, ethereum.NewReader(a.clients[ch.ID], ch.ID), a.workerDB, func() string { return ident.New("pay") })
			if err != nil {
				a.Close()
				return nil, err
			}
			scanners[ch.ID] = sc
		}
		acts, err := workflows.NewSessionActivities(a.workerDB, workerSessions, now)
		if err != nil {
			a.Close()
			return nil, err
		}
		scans, err := workflows.NewScanActivities(scanners, now, 500*time.Millisecond)
		if err != nil {
			a.Close()
			return nil, err
		}
		if a.Deliveries, err = workflows.NewDeliveryActivities(a.workerDB, webhooks.NewSender(cfg.WebhookTimeout, cfg.WebhookAllowPrivate),
			func(e event.Event) ([]byte, error) { return json.Marshal(httpapi.RenderEvent(e)) }, a.Orch, now); err != nil {
			a.Close()
			return nil, err
		}
		a.SessionActs, a.Scans = acts, scans
		if a.retention, err = workflows.NewRetention(a.workerDB, now); err != nil {
			a.Close()
			return nil, err
		}
		var chainIDs []int64
		for _, ch := range chainsFile.Chains {
			chainIDs = append(chainIDs, ch.ID)
		}
		if a.supervisor, err = temporaladapter.NewSupervisor(a.Temporal, chainIDs, cfg.SupervisePeriod, log); err != nil {
			a.Close()
			return nil, err
		}
		a.supervisor.Repair(func(ctx context.Context) error { // a crash between a session's commit and its start
			_, err := workerSessions.StartPending(ctx)
			return err
		})
		a.worker = temporaladapter.NewWorker(a.Temporal, a.capabilities())
	}
	return a, nil
}

// rateSource puts Chainlink feeds (per chain) before the fixed rates.
func (a *App) rateSource(now func() time.Time) (chain.RateSource, error) {
	fixed, err := ratesadapter.NewFixed(a.Chains.Rates)
	if err != nil {
		return nil, err
	}
	cfg := a.Chains.Config()
	byChain := map[int64][]ratesadapter.Feed{}
	for _, f := range a.Chains.PriceFeeds {
		asset, ok := cfg.Asset(f.Asset)
		if !ok {
			return nil, fmt.Errorf("price feed for unknown asset %q", f.Asset)
		}
		byChain[asset.ChainID] = append(byChain[asset.ChainID], ratesadapter.Feed{Asset: f.Asset, Currency: f.Currency,
			Address: f.Address, MaxAge: time.Duration(f.MaxAgeSeconds) * time.Second})
	}
	var sources ratesadapter.First
	for _, ch := range a.Chains.Chains {
		if feeds := byChain[ch.ID]; len(feeds) > 0 {
			cl, err := ratesadapter.NewChainlink(a.clients[ch.ID], feeds, now)
			if err != nil {
				return nil, err
			}
			sources = append(sources, cl)
		}
	}
	return append(sources, fixed), nil
}

// chainClient connects to a chain's RPC endpoint (lazily: a node that is down is retried by the scanner).
func (a *App) chainClient(ctx context.Context, ch chain.Chain) (ethereum.Client, error) {
	if c, ok := a.cfg.ChainClients[ch.ID]; ok {
		return c, nil
	}
	c, err := ethclient.DialContext(ctx, ch.RPCURL)
	if err != nil {
		return nil, fmt.Errorf("chain %s: connect to %s: %w", ch.Key, ch.RPCURL, err)
	}
	a.closers = append(a.closers, c.Close)
	return c, nil
}

func loadChains(cfg Config) (chainconfig.File, error) {
	if cfg.Chains != nil {
		return *cfg.Chains, cfg.Chains.Config().Validate()
	}
	return chainconfig.Load(cfg.ChainsFile, os.Environ())
}

// Run serves HTTP on ln (when the role has an API) and runs the worker until ctx ends.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	if a.worker != nil {
		if err := a.worker.Start(); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
		defer a.StopWorker()
		if err := temporaladapter.EnsureRetentionSchedules(ctx, a.Temporal, a.cfg.EventRetentionDays); err != nil {
			return err
		}
		if err := a.supervisor.EnsureRunning(ctx); err != nil {
			return err
		}
		a.workerMu.Lock()
		a.startSupervising()
		a.workerMu.Unlock()
	}
	if a.Handler == nil {
		<-ctx.Done()
		return nil
	}
	srv := &http.Server{Handler: a.Handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http shutdown: %w", err)
	}
	return nil
}

// StopWorker stops polling Temporal: running activities are cancelled, as in a crash.
func (a *App) StopWorker() {
	a.workerMu.Lock()
	defer a.workerMu.Unlock()
	if a.stopLoop != nil {
		a.stopLoop()
		a.stopLoop = nil
	}
	if a.worker != nil {
		a.worker.Stop()
		a.worker = nil
	}
}

// startSupervising runs the supervisor loop until StopWorker; the caller holds workerMu.
func (a *App) startSupervising() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.supervisor.Run(ctx)
	}()
	a.stopLoop = func() { cancel(); <-done }
}

// RestartWorker starts a fresh worker after StopWorker, as a redeployed process would.
func (a *App) RestartWorker() error {
	a.workerMu.Lock()
	defer a.workerMu.Unlock()
	if a.worker != nil || a.SessionActs == nil {
		return fmt.Errorf("restart worker: a worker is running or this role has none")
	}
	w := temporaladapter.NewWorker(a.Temporal, a.capabilities())
	if err := w.Start(); err != nil {
		return fmt.Errorf("restart worker: %w", err)
	}
	a.worker = w
	a.startSupervising()
	return nil
}

func (a *App) capabilities() temporaladapter.Capabilities {
	return temporaladapter.Capabilities{Sessions: a.SessionActs, Scans: a.Scans, Deliveries: a.Deliveries, Retention: a.retention}
}

// Listen opens the configured address.
func (a *App) Listen() (net.Listener, error) {
	if a.Handler == nil {
		return nil, nil
	}
	ln, err := net.Listen("tcp", a.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", a.cfg.Listen, err)
	}
	return ln, nil
}

// Close releases connections.
func (a *App) Close() {
	for _, c := range a.closers {
		c()
	}
	if a.Temporal != nil {
		a.Temporal.Close()
	}
	if a.workerDB != nil && a.workerDB != a.Store {
		_ = a.workerDB.Close()
	}
	if a.Store != nil {
		_ = a.Store.Close()
	}
}

// NewLogger makes the process logger from LOG_LEVEL and LOG_FORMAT.
func NewLogger() *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(env("LOG_LEVEL", "info")))
	opts := &slog.HandlerOptions{Level: lvl}
	if strings.EqualFold(env("LOG_FORMAT", "text"), "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
