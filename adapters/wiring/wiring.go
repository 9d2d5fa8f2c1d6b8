// Package wiring wires the adapters to the core once, for the binary and the integration
// tests alike: Postgres, the Temporal client and worker, and the HTTP server.
package wiring

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/shopspring/decimal"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
	"github.com/chaincheckout/checkout/adapters/ethereum"
	httpapi "github.com/chaincheckout/checkout/adapters/http"
	"github.com/chaincheckout/checkout/adapters/metrics"
	"github.com/chaincheckout/checkout/adapters/passwords"
	"github.com/chaincheckout/checkout/adapters/postgres"
	ratesadapter "github.com/chaincheckout/checkout/adapters/rates"
	"github.com/chaincheckout/checkout/adapters/secrets"
	temporaladapter "github.com/chaincheckout/checkout/adapters/temporal"
	"github.com/chaincheckout/checkout/adapters/webhooks"
	"github.com/chaincheckout/checkout/core/account"
	"github.com/chaincheckout/checkout/core/billing"
	"github.com/chaincheckout/checkout/core/catalog"
	"github.com/chaincheckout/checkout/core/chain"
	"github.com/chaincheckout/checkout/core/checkout"
	"github.com/chaincheckout/checkout/core/event"
	"github.com/chaincheckout/checkout/core/ident"
	"github.com/chaincheckout/checkout/core/merchant"
	"github.com/chaincheckout/checkout/core/paymentlink"
	"github.com/chaincheckout/checkout/core/ratelimit"
	"github.com/chaincheckout/checkout/core/refund"
	"github.com/chaincheckout/checkout/core/retention"
	"github.com/chaincheckout/checkout/core/settlement"
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
	// WebhookConcurrency bounds the dispatcher's first-attempt POSTs at once (0: 32).
	WebhookConcurrency int
	// QuoteLifetime bounds a quote in a volatile asset (0: the default, 15 minutes).
	QuoteLifetime time.Duration
	// MinSessionLifetime is the shortest expires_at a create may ask (0: Stripe's 30 minutes).
	MinSessionLifetime time.Duration
	// ChainClients replaces the RPC connection of a chain (tests use the simulated backend).
	ChainClients map[int64]ethereum.Client
	// SecondChainClients gives a chain a second RPC provider as if it named rpc_url_2 (tests).
	SecondChainClients map[int64]ethereum.Client
	// Temporal TLS (PEM files) and API key; all empty: a plain connection.
	TemporalTLSCert, TemporalTLSKey, TemporalTLSCA, TemporalTLSServerName, TemporalAPIKey string
	// EventRetentionDays keeps events and their deliveries this long (0: 30; under 30 is refused).
	EventRetentionDays int
	// SupervisePeriod is how often a worker restarts a scanner or dispatcher that ended (0: 30 s).
	SupervisePeriod time.Duration
	// KeyCacheTTL bounds how long a resolved API key is reused (0: 30 s; negative: never).
	KeyCacheTTL time.Duration
	// StartupWait (default DefaultStartupWait) is how long `serve` keeps trying to reach Postgres, Temporal and the chains
	// at start-up before it gives up (0: it gives up at the first failure).
	StartupWait time.Duration
	// Now is the clock (tests drive time with it); nil: the system clock in UTC.
	Now     func() time.Time
	envErrs []error // values FromEnv could not read; New refuses to start with them
	// SecretsKeys is the keyring that encrypts webhook secrets at rest: "id:base64,…", 32-byte
	// keys, the first seals. Required: the service refuses to start without it.
	SecretsKeys string
	// RateLimits are the API's request budgets. FromEnv starts from ratelimit.DefaultPolicy;
	// a Config built by hand (tests, the bench) limits nothing unless it sets them.
	RateLimits ratelimit.Policy
	// TrustedProxies (IPs or CIDRs) may name the client in X-Forwarded-For; empty: none.
	TrustedProxies []string
	// SweepPolicy decides when forwarder deposits are swept (zero: settlement.DefaultPolicy).
	SweepPolicy settlement.Policy
	// Dunning is what happens to an unpaid invoice (zero: billing.DefaultDunning).
	Dunning billing.Dunning
	// DaysUntilDue is how long after a renewal its invoice is due (0: DefaultDaysUntilDue).
	DaysUntilDue int
	// Dashboard is how the dashboard hashes passwords and keeps sessions (zero fields:
	// passwords.DefaultParams and account.DefaultPolicy).
	Dashboard DashboardConfig
	// ReadyMaxLag is how many blocks a chain's scanner may be behind its node's head before
	// /readyz fails (0: the chain's reorg window).
	ReadyMaxLag int64
}

// DashboardConfig are the dashboard's password hashing costs and sign-in policy.
type DashboardConfig struct {
	Argon2 passwords.Params
	Policy account.Policy
}

// dashboardFromEnv reads CHECKOUT_DASHBOARD_*: argon2id's memory (KiB), passes and lanes;
// the lockout after failures; and the sessions' idle and absolute lifetimes.
func (c *Config) dashboardFromEnv() {
	p := account.DefaultPolicy
	num := func(name string, dst *uint32) {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.ParseUint(v, 10, 32)
			if err != nil || n == 0 {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a positive whole number", name, v))
			}
			*dst = uint32(n)
		}
	}
	dur := func(name string, dst *time.Duration) {
		if v := os.Getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a positive duration such as 12h", name, v))
			}
			*dst = d
		}
	}
	var threads, failures uint32 = uint32(passwords.DefaultParams.Threads), uint32(p.MaxFailures)
	c.Dashboard.Argon2 = passwords.DefaultParams
	num(EnvDashboardArgon2Memory, &c.Dashboard.Argon2.MemoryKiB)
	num(EnvDashboardArgon2Time, &c.Dashboard.Argon2.Time)
	num(EnvDashboardArgon2Threads, &threads)
	num(EnvDashboardMaxFailures, &failures)
	c.Dashboard.Argon2.Threads, p.MaxFailures = uint8(min(threads, 255)), int(failures)
	dur(EnvDashboardLockout, &p.Lockout)
	dur(EnvDashboardSessionIdle, &p.SessionIdle)
	dur(EnvDashboardSessionMax, &p.SessionMax)
	c.Dashboard.Policy = p
}

// DefaultDaysUntilDue gives a shopper three days to pay a renewal before dunning starts.
const DefaultDaysUntilDue = 3

// dunningFromEnv reads CHECKOUT_DUNNING_TRIES (offsets after the due date, "0s,72h,168h")
// and CHECKOUT_DUNNING_FINAL (canceled or unpaid); billing.NewService validates the result.
func (c *Config) dunningFromEnv() {
	tries, final := os.Getenv(EnvDunningTries), os.Getenv(EnvDunningFinal)
	if tries == "" && final == "" {
		return
	}
	c.Dunning = billing.Dunning{Tries: billing.DefaultDunning.Tries, Final: billing.Status(cmp.Or(final, string(billing.StatusCanceled)))}
	if tries != "" {
		c.Dunning.Tries = nil
		for _, t := range strings.Split(tries, ",") {
			d, err := time.ParseDuration(strings.TrimSpace(t))
			if err != nil {
				c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_DUNNING_TRIES=%q: %q is not a duration such as 72h", tries, t))
			}
			c.Dunning.Tries = append(c.Dunning.Tries, d)
		}
	}
	if err := c.Dunning.Validate(); err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_DUNNING_TRIES/CHECKOUT_DUNNING_FINAL: %w", err))
	}
}

// FromEnv reads the configuration, with defaults that match `make dev`.
func FromEnv() Config {
	c := Config{
		DatabaseURL:         env(EnvDatabaseURL, DefaultDatabaseURL),
		TemporalAddress:     env(EnvTemporalAddress, DefaultTemporalAddress),
		TemporalNamespace:   env(EnvTemporalNamespace, DefaultTemporalNamespace),
		Listen:              env(EnvListen, DefaultListen),
		Role:                env(EnvRole, RoleAll),
		AutoMigrate:         env(EnvAutoMigrate, "true") == "true",
		ChainsFile:          os.Getenv(EnvChainsFile),
		WebhookAllowPrivate: env(EnvWebhookAllowPrivate, "false") == "true",
		WebhookTimeout:      10 * time.Second,
	}
	if v := os.Getenv(EnvQuoteLifetime); v != "" {
		c.QuoteLifetime = -1 // refused by New with the variable's name unless it parses
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			c.QuoteLifetime = d
		}
	}
	if v := os.Getenv(EnvMinSessionLifetime); v != "" {
		d, err := time.ParseDuration(v)
		if err == nil && d == 0 {
			err = errors.New("0 is no lifetime; unset the variable for Stripe's 30 minutes")
		}
		if err == nil {
			err = checkout.Lifetimes{Min: d}.Validate() // the bounds live in core
		}
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q (a duration such as 5m): %w", EnvMinSessionLifetime, v, err))
		}
		c.MinSessionLifetime = d
	}
	if v := os.Getenv(EnvKeyCacheTTL); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_KEY_CACHE_TTL=%q is not a duration such as 30s (0 turns the cache off)", v))
		}
		c.KeyCacheTTL = cmp.Or(d, -1)
	}
	c.StartupWait = DefaultStartupWait
	if v := os.Getenv(EnvStartupWait); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			c.envErrs = append(c.envErrs, fmt.Errorf("%s=%q is not a duration such as 2m (0 gives up at once)", EnvStartupWait, v))
		}
		c.StartupWait = d
	}
	c.PublicURL = env(EnvPublicURL, "http://"+c.Listen)
	c.TemporalTLSCert, c.TemporalTLSKey = os.Getenv(EnvTemporalTLSCert), os.Getenv(EnvTemporalTLSKey)
	c.TemporalTLSCA, c.TemporalTLSServerName = os.Getenv(EnvTemporalTLSCA), os.Getenv(EnvTemporalTLSServerName)
	c.TemporalAPIKey = os.Getenv(EnvTemporalAPIKey)
	if v := os.Getenv(EnvWebhookConcurrency); v != "" {
		if c.WebhookConcurrency, _ = strconv.Atoi(v); c.WebhookConcurrency <= 0 {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_WEBHOOK_CONCURRENCY=%q is not a positive whole number", v))
		}
	}
	if v := os.Getenv(EnvEventRetentionDays); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_EVENT_RETENTION_DAYS=%q is not a whole number of days", v))
		}
		c.EventRetentionDays = days
	}
	c.RateLimits = c.rateLimitsFromEnv()
	c.SweepPolicy = c.sweepPolicyFromEnv()
	c.dunningFromEnv()
	c.dashboardFromEnv()
	c.readyMaxLagFromEnv()
	if v := os.Getenv(EnvDaysUntilDue); v != "" {
		if c.DaysUntilDue, _ = strconv.Atoi(v); c.DaysUntilDue < 1 || c.DaysUntilDue > 365 {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_DAYS_UNTIL_DUE=%q is not a whole number of days from 1 to 365", v))
		}
	}
	for _, p := range strings.Split(os.Getenv(EnvTrustedProxies), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	c.SecretsKeys = os.Getenv(EnvSecretsKeys)
	if k := os.Getenv(EnvSecretsKey); c.SecretsKeys == "" && k != "" {
		c.SecretsKeys = "default:" + k // the single-key form; its id is "default" in a later keyring
	}
	return c
}

// rateLimitsFromEnv is the default policy with the figures the environment overrides.
func (c *Config) rateLimitsFromEnv() ratelimit.Policy {
	p := ratelimit.DefaultPolicy()
	for name, dst := range map[string]*ratelimit.Limit{EnvRateLimitLive: &p.Live,
		EnvRateLimitTest: &p.Test, EnvRateLimitPublicIP: &p.PublicIP,
		EnvRateLimitPaymentLink: &p.Link, EnvRateLimitSignIn: &p.SignIn} {
		if v := os.Getenv(name); v != "" {
			l, err := ratelimit.Parse(name, v)
			if err != nil {
				c.envErrs = append(c.envErrs, err)
			}
			*dst = l
		}
	}
	return p
}

// sweepPolicyFromEnv is the default sweep policy with the figures the environment overrides.
func (c *Config) sweepPolicyFromEnv() settlement.Policy {
	p := settlement.DefaultPolicy
	if v := os.Getenv(EnvSweepThreshold); v != "" {
		d, err := decimal.NewFromString(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_SWEEP_THRESHOLD=%q is not a decimal amount such as 100", v))
		}
		p.Threshold = d
	}
	if v := os.Getenv(EnvSweepMaxAge); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_SWEEP_MAX_AGE=%q is not a duration such as 1h", v))
		}
		p.MaxAge = d
	}
	if v := os.Getenv(EnvSweepMaxBatch); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_SWEEP_MAX_BATCH=%q is not a whole number", v))
		}
		p.MaxBatch = n
	}
	if err := p.Validate(); err != nil {
		c.envErrs = append(c.envErrs, fmt.Errorf("CHECKOUT_SWEEP_*: %w", err))
	}
	return p
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

// clock is the configured clock, or the system clock in UTC.
func (c Config) clock() func() time.Time {
	if c.Now != nil {
		return c.Now
	}
	return func() time.Time { return time.Now().UTC() }
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}

// startWorkers is how many workflow starts of new sessions run at once in an API process.
const startWorkers = 8

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
	now         func() time.Time
	API         Repositories // on the API's pool (the worker's alone for the worker role)
	workerRepos Repositories // on the worker's pool (the API's for the api and worker roles)
	Temporal    client.Client
	Sessions    *checkout.Service
	Merchants   *merchant.Service
	Settlement  *settlement.Service
	Chains      chainconfig.File
	Orch        *temporaladapter.Orchestrator
	Handler     http.Handler                 // the API and hosted page; for the worker role, the ops routes only
	Metrics     *metrics.Metrics             // the process's registry, served at /metrics
	SessionActs *workflows.SessionActivities // nil for the api role
	Scans       *workflows.ScanActivities
	retention   *workflows.Retention
	supervisor  *temporaladapter.Supervisor
	Deliveries  *workflows.DeliveryActivities   // nil for the api role
	settle      *workflows.SettlementActivities // nil unless a chain has a gas wallet
	gas         *workflows.GasWalletActivities
	billingActs *workflows.SubscriptionActivities
	Billing     *billing.Service // the subscription use cases on the API's pool
	Accounts    *account.Service // the dashboard's users, on the API's pool
	Refunds     *refund.Service  // the refund and resolution use cases, on the API's pool
	refundActs  *workflows.RefundActivities
	sweeper     *settlement.Sweeper
	settlements *temporaladapter.Settlements
	minedTxs    *ethereum.MinedTxs // what became of the gas wallets' transactions; nil without one
	gasChains   map[int64]bool     // the chains whose deposits this worker sweeps
	clients     map[int64]ethereum.Client
	readers     map[int64]chain.Reader // each chain's scanner reads (through both providers when it has two)
	workerMu    sync.Mutex
	worker      worker.Worker
	stopLoop    func() // ends the supervisor loop of the running worker
	closers     closers
}

// DefaultStartupWait is how long serve retries its connections at start-up.
const DefaultStartupWait = 2 * time.Minute

// NewPatiently is New tried again, with backoff, for up to cfg.StartupWait while what it
// connects to is away (Postgres recovering, Temporal starting); a configuration problem fails
// at once. Processes started beside their database then wait for it, not for a restart policy.
func NewPatiently(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if problems := cfg.Problems(); len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	giveUp, wait := time.Now().Add(cfg.StartupWait), time.Second
	for {
		app, err := New(ctx, cfg, log)
		if err == nil || time.Now().Add(wait).After(giveUp) {
			return app, err
		}
		log.Warn("could not start: trying again", "in", wait, "until", giveUp.Format(time.RFC3339), "err", err)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w (last: %w)", ctx.Err(), err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 15*time.Second)
	}
}

// New connects to Postgres, the chains and Temporal and builds the handler and worker the
// role needs. A failure closes what was opened so far.
func New(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	cfg, box, err := cfg.checked()
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, log: log, now: cfg.clock(), clients: map[int64]ethereum.Client{},
		readers: map[int64]chain.Reader{}, Metrics: metrics.New()}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if a.Chains, err = loadChains(cfg); err != nil {
		return nil, err
	}
	if err = a.openDatabases(ctx, box); err != nil {
		return nil, err
	}
	rates, err := a.connectChains(ctx)
	if err != nil {
		return nil, err
	}
	if err = a.connectTemporal(ctx); err != nil {
		return nil, err
	}
	uses, err := a.useCases(rates)
	if err != nil {
		return nil, err
	}
	if err = a.scrapeCounts(); err != nil {
		return nil, err
	}
	if cfg.Role != RoleWorker {
		if a.Handler, err = a.handler(uses); err != nil {
			return nil, err
		}
	} else {
		a.Handler = httpapi.NewOpsHandler(a.ops())
	}
	if cfg.Role != RoleAPI {
		var wallets workflows.GasWalletClient // a nil *Settlements would be a non-nil interface
		if a.settlements != nil {
			wallets = a.settlements
		}
		if a.billingActs, err = workflows.NewSubscriptionActivities(uses.workerBilling, wallets); err != nil {
			return nil, err
		}
		if err = a.buildWorker(ctx, uses.workerSessions); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// checked refuses what the service cannot start with and fills defaults; box seals webhook secrets.
func (c Config) checked() (Config, *secrets.Box, error) {
	switch c.Role {
	case RoleAll, RoleAPI, RoleWorker:
	default:
		return c, nil, fmt.Errorf("unknown role %q: use all, api or worker", c.Role)
	}
	if c.QuoteLifetime < 0 {
		return c, nil, fmt.Errorf("CHECKOUT_QUOTE_LIFETIME must be a positive duration such as 15m")
	}
	if c.WebhookTimeout <= 0 {
		c.WebhookTimeout = 10 * time.Second
	}
	if c.SupervisePeriod <= 0 {
		c.SupervisePeriod = 30 * time.Second
	}
	window, err := c.eventWindow()
	if err != nil {
		return c, nil, err
	}
	c.EventRetentionDays = window.Days() // the schedule shows the days it keeps, never 0
	if c.SecretsKeys == "" {
		return c, nil, fmt.Errorf("no key to encrypt webhook secrets: set CHECKOUT_SECRETS_KEYS (or CHECKOUT_SECRETS_KEY), see the README")
	}
	box, err := secrets.ParseKeyring(c.SecretsKeys)
	return c, box, err
}

// openDatabases opens the API's pool and, for the all role, the worker's; migrates (if
// configured) and seals webhook secrets left in plain text or under an older key.
func (a *App) openDatabases(ctx context.Context, box webhook.SecretBox) error {
	api, err := a.openPool(ctx, apiPoolSize, box)
	if err != nil {
		return err
	}
	a.API = repositoriesOf(api, a.Chains.Config())
	a.workerRepos = a.API
	if a.cfg.Role == RoleAll {
		work, err := a.openPool(ctx, workerPoolSize, box)
		if err != nil {
			return err
		}
		a.workerRepos = repositoriesOf(work, a.Chains.Config())
	}
	if a.cfg.AutoMigrate {
		if _, err := api.Migrate(ctx); err != nil {
			return err
		}
	}
	n, err := a.API.Endpoints.ResealSecrets(ctx)
	if err != nil {
		return fmt.Errorf("seal webhook secrets under the current key: %w (every key that sealed a stored secret must "+
			"stay listed in CHECKOUT_SECRETS_KEYS until start-up has resealed it; a lost key loses those endpoints' "+
			"secrets: roll them after restoring the key, or delete the endpoints)", err)
	}
	if n > 0 {
		a.log.Info("webhook secrets sealed under the current key", "count", n)
	}
	return nil
}

func (a *App) openPool(ctx context.Context, size int, box webhook.SecretBox) (*postgres.DB, error) {
	db, err := postgres.Open(ctx, a.cfg.DatabaseURL, size)
	if err != nil {
		return nil, err
	}
	a.closers.add(func() { _ = db.Close() })
	return db.WithSecrets(box), nil
}

// connectChains connects to every configured chain's RPC endpoint and returns the rates
// (Chainlink feeds read through those connections).
func (a *App) connectChains(ctx context.Context) (chain.RateSource, error) {
	for _, ch := range a.Chains.Chains {
		c, err := a.chainClient(ctx, ch)
		if err != nil {
			return nil, err
		}
		a.clients[ch.ID] = c
		if a.readers[ch.ID], err = a.chainReader(ctx, ch, c); err != nil {
			return nil, err
		}
	}
	return a.rateSource(a.now)
}

// chainReader is what the chain's scanner reads through: its node, or with a second provider
// both, trusting only the blocks they agree on.
func (a *App) chainReader(ctx context.Context, ch chain.Chain, primary ethereum.Client) (chain.Reader, error) {
	second, ok := a.cfg.SecondChainClients[ch.ID]
	if !ok && ch.RPCURL2 == "" {
		return ethereum.NewReader(primary, ch.ID), nil
	}
	if !ok {
		c, err := ethclient.DialContext(ctx, ch.RPCURL2)
		if err != nil { // the URL may hold an API key: not quoted
			return nil, fmt.Errorf("chain %s: connect to rpc_url_2: %w", ch.Key, err)
		}
		a.closers.add(c.Close)
		second = c
	}
	return ethereum.NewPairReader(ethereum.NewReader(primary, ch.ID), ethereum.NewReader(second, ch.ID),
		a.Metrics.Providers(ch.Key), a.log.With("chain", ch.Key))
}

// connectTemporal dials Temporal, registers the search attributes and makes the orchestrator.
func (a *App) connectTemporal(ctx context.Context) error {
	conn := a.cfg.temporalConnection()
	var reporter io.Closer
	conn.Metrics, reporter = temporaladapter.PrometheusMetrics(a.Metrics.Registry(), a.log)
	a.closers.add(func() { _ = reporter.Close() }) // added before the client: closed after it
	c, err := temporaladapter.Dial(ctx, conn, a.log)
	if err != nil {
		return err
	}
	a.Temporal = c
	a.closers.add(c.Close)
	if err := temporaladapter.EnsureSearchAttributes(ctx, c, a.cfg.TemporalNamespace); err != nil {
		return err
	}
	if a.Orch, err = temporaladapter.NewOrchestrator(c); err != nil {
		return err
	}
	a.Orch.WebhookFirstRetry = a.cfg.WebhookFirstRetry
	return nil
}

// useCases are what the handler and the worker are built from, beside App's exported ones.
type useCases struct {
	renderer         *httpapi.Renderer
	workerSessions   *checkout.Service // the session use cases on the worker's pool
	endpoints        *webhook.Endpoints
	deliveries       *webhook.Deliveries
	catalog          *catalog.Service
	links            *paymentlink.Service
	payouts          *settlement.Payouts
	workerBilling    *billing.Service
	workerRefunds    *refund.Service     // the refund use cases on the worker's pool
	workerSettlement *settlement.Service // settings read by the worker's use cases
}

// invoiceSessions is what billing needs of sessions: the store's reads and the use case
// that creates an invoice's session.
type invoiceSessions struct {
	checkout.Store
	svc *checkout.Service
}

func (s invoiceSessions) CreateForInvoice(ctx context.Context, c merchant.Caller, p checkout.CreateParams, invoiceID, sessionID string) (*checkout.Session, error) {
	return s.svc.CreateForInvoice(ctx, c, p, invoiceID, sessionID)
}

// billingServices builds the subscription use cases on the API's pool and on the worker's.
func (a *App) billingServices(u *useCases) error {
	orch, err := temporaladapter.NewSubscriptions(a.Temporal)
	if err != nil {
		return err
	}
	deps := billing.Deps{Store: a.API.Billing, Sessions: invoiceSessions{a.API.Sessions, a.Sessions}, Orch: orch,
		Encoder: u.renderer, Now: a.now, Dunning: a.cfg.Dunning, Terms: billing.Terms{DaysUntilDue: cmp.Or(a.cfg.DaysUntilDue, DefaultDaysUntilDue)}}
	if deps.Dunning.Tries == nil {
		deps.Dunning = billing.DefaultDunning
	}
	if deps.Collectors, err = ethereum.NewCollectors(a.clients); err != nil {
		return err
	}
	deps.Chains = a.Chains.Config()
	if a.Billing, err = billing.NewService(deps); err != nil {
		return fmt.Errorf("billing: %w", err)
	}
	deps.Store, deps.Sessions = a.workerRepos.Billing, invoiceSessions{a.workerRepos.Sessions, u.workerSessions}
	if a.minedTxs != nil { // a worker without a gas wallet reads mandates but leaves collections to one with it
		deps.Txs = a.minedTxs
	}
	u.workerBilling, err = billing.NewService(deps)
	return err
}

// policyCacheTTL bounds how long a change of a merchant's default tolerance takes to reach the
// sessions other API processes create; it takes a read off every create.
const policyCacheTTL = 5 * time.Second

// useCases builds the session use cases on each pool and the merchant and webhook ones.
func (a *App) useCases(rates chain.RateSource) (useCases, error) {
	var u useCases
	var err error
	u.renderer = httpapi.NewRenderer(a.cfg.PublicURL, a.Chains.Config(), a.log)
	if a.Settlement, err = settlement.NewService(a.API.Settlement, a.Chains.Config(), u.renderer, a.now,
		settlement.CachePolicies(policyCacheTTL)); err != nil {
		return u, err
	}
	if u.workerSettlement, err = settlement.NewService(a.workerRepos.Settlement, a.Chains.Config(), u.renderer, a.now); err != nil {
		return u, err
	}
	deps := checkout.Deps{Settlement: a.Settlement, Policies: a.Settlement, Store: a.Metrics.Sessions(a.API.Sessions), Orch: a.Orch, Now: a.now, Chains: a.Chains.Config(), Rates: rates,
		Addresses: ethereum.HD{}, Balances: ethereum.NewBalances(a.clients), Encoder: u.renderer, Names: a.API.Merchants,
		Library: a.API.Prices, Logger: a.log, QuoteLifetime: a.cfg.QuoteLifetime, Simulator: a.devSimulator(),
		Lifetimes: checkout.Lifetimes{Min: a.cfg.MinSessionLifetime}}
	if a.Sessions, err = checkout.NewService(deps); err != nil {
		return u, err
	}
	u.renderer.UseHeights(a.Sessions)
	deps.Store, deps.Names, deps.Library = a.Metrics.Sessions(a.workerRepos.Sessions), a.workerRepos.Merchants, a.workerRepos.Prices
	deps.Settlement, deps.Policies = u.workerSettlement, u.workerSettlement
	if u.workerSessions, err = checkout.NewService(deps); err != nil {
		return u, err
	}
	if a.Merchants, err = merchant.NewService(a.API.Merchants, ethereum.HD{}, u.renderer, a.now,
		merchant.CacheKeys(cmp.Or(a.cfg.KeyCacheTTL, 30*time.Second)),
		merchant.IssueLiveKeys(a.Chains.Config().HasLive())); err != nil {
		return u, err
	}
	guard := webhook.Guard{Resolver: net.DefaultResolver, AllowPrivate: a.cfg.WebhookAllowPrivate}
	if u.endpoints, err = webhook.NewEndpoints(a.API.Endpoints, guard, u.renderer, a.now); err != nil {
		return u, err
	}
	if u.catalog, err = catalog.NewService(a.API.Products, a.API.Prices, u.renderer, a.now); err != nil {
		return u, err
	}
	if u.links, err = paymentlink.NewService(a.API.Links, a.API.Prices, a.Sessions, a.Chains.Config(), u.renderer, a.now); err != nil {
		return u, err
	}
	if u.payouts, err = settlement.NewPayouts(a.API.Payouts); err != nil {
		return u, err
	}
	if a.cfg.Role != RoleAPI { // before billing: automatic collection sends through the gas wallets
		if err = a.buildSettlement(u.renderer); err != nil {
			return u, err
		}
	}
	if err = a.billingServices(&u); err != nil {
		return u, err
	}
	if err = a.refundServices(&u); err != nil {
		return u, err
	}
	policy := a.cfg.Dashboard.Policy
	if policy == (account.Policy{}) {
		policy = account.DefaultPolicy
	}
	if a.Accounts, err = account.NewService(a.API.Accounts, passwords.New(a.cfg.Dashboard.Argon2), passwords.TOTP{}, a.now, policy); err != nil {
		return u, fmt.Errorf("dashboard accounts: %w", err)
	}
	u.deliveries, err = webhook.NewDeliveries(a.API.Deliveries, a.now)
	return u, err
}

// refundServices builds the refund use cases on both pools: the API's for requests, the
// worker's for the refund workflows and the session's resolve Update.
func (a *App) refundServices(u *useCases) error {
	flows, err := temporaladapter.NewRefunds(a.Temporal)
	if err != nil {
		return err
	}
	deps := refund.Deps{Store: a.API.Refunds, Sessions: a.Sessions, Transfers: ethereum.NewTransfers(a.clients, a.Chains.Config()),
		Flows: flows, Resolver: flows, Policies: a.Settlement, Encoder: u.renderer, Chains: a.Chains.Config(), Now: a.now, Log: a.log}
	if a.Refunds, err = refund.NewService(deps); err != nil {
		return err
	}
	deps.Store, deps.Sessions, deps.Policies = a.workerRepos.Refunds, u.workerSessions, u.workerSettlement
	if u.workerRefunds, err = refund.NewService(deps); err != nil {
		return err
	}
	a.refundActs = &workflows.RefundActivities{Refunds: u.workerRefunds}
	return nil
}

// devSimulator pays test sessions from the dev account of test chains' nodes (geth --dev);
// live chains never take part. A node without an unlocked account refuses at payment time.
func (a *App) devSimulator() checkout.Simulator {
	nodes := map[int64]*rpc.Client{}
	for _, ch := range a.Chains.Chains {
		if ec, ok := a.clients[ch.ID].(*ethclient.Client); ok && !ch.Livemode {
			nodes[ch.ID] = ec.Client()
		}
	}
	return ethereum.NewDevSimulator(nodes)
}

// handler is the HTTP API and hosted page, on the API's pool.
func (a *App) handler(u useCases) (http.Handler, error) {
	events, err := event.NewService(a.API.Events)
	if err != nil {
		return nil, err
	}
	return httpapi.NewHandler(httpapi.Deps{Catalog: u.catalog, Links: u.links, Endpoints: u.endpoints, Deliveries: u.deliveries, Sessions: a.Sessions,
		Merchants: a.Merchants, Settlement: a.Settlement, Payouts: u.payouts, Billing: a.Billing, Idempotency: a.API.Idempotency, Renderer: u.renderer, Events: events,
		Accounts: a.Accounts, Refunds: a.Refunds, Logger: a.log, Now: a.now, RateLimits: a.cfg.RateLimits, TrustedProxies: a.cfg.TrustedProxies,
		TemporalUIURL: temporalUIURL(os.Getenv(EnvTemporalUIURL), a.cfg.TemporalNamespace), Ops: a.ops()})
}

// temporalUIURL is the Temporal UI's page of namespace, from the UI's base URL
// (CHECKOUT_TEMPORAL_UI_URL, e.g. http://localhost:8233); "" without one or for a base that is
// not an http(s) URL.
func temporalUIURL(base, namespace string) string {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if base == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String() + "/namespaces/" + url.PathEscape(namespace)
}

// buildWorker makes the activities (on the worker's pool), the supervisor and the worker.
func (a *App) buildWorker(ctx context.Context, sessions *checkout.Service) error {
	repos := a.workerRepos
	var err error
	scanners := map[int64]*chain.Scanner{}
	for _, ch := range a.Chains.Chains {
		reader, store := a.Metrics.Scanner(ch.Key, a.readers[ch.ID], repos.Chain)
		if scanners[ch.ID], err = chain.NewScanner(ch, reader, store, func() string { return ident.New("pay") }); err != nil {
			return err
		}
	}
	if a.SessionActs, err = workflows.NewSessionActivities(repos.Sessions, sessions, a.now); err != nil {
		return err
	}
	if a.Scans, err = workflows.NewScanActivities(scanners, a.now, 500*time.Millisecond); err != nil {
		return err
	}
	sender := a.Metrics.Webhooks(webhooks.NewSender(a.cfg.WebhookTimeout, a.cfg.WebhookAllowPrivate))
	encode := func(e event.Event) ([]byte, error) { return json.Marshal(httpapi.RenderEvent(e)) }
	// One listener per worker process wakes the dispatcher's claimers when deliveries are
	// queued, instead of each polling Postgres.
	outbox, err := postgres.ListenOutbox(ctx, a.cfg.DatabaseURL, a.log)
	if err != nil {
		return err
	}
	a.closers.add(func() { _ = outbox.Close() })
	deliveries := a.Metrics.Deliveries(repos.Deliveries.Listening(outbox))
	if a.Deliveries, err = workflows.NewDeliveryActivities(deliveries, sender, encode, a.Orch, a.now); err != nil {
		return err
	}
	if a.cfg.WebhookConcurrency > 0 {
		a.Deliveries.DispatchConcurrency = a.cfg.WebhookConcurrency
	}
	if a.retention, err = workflows.NewRetention(repos.Retention, a.now); err != nil {
		return err
	}
	return a.superviseAndWork(sessions)
}

// buildSettlement makes the settlement and gas wallet activities for the chains that name a
// gas wallet; with none, the worker sweeps nothing and deposits wait in their forwarders.
func (a *App) buildSettlement(enc settlement.Encoder) error {
	var wallets []ethereum.GasWalletChain
	txClients := map[int64]ethereum.TxClient{}
	a.gasChains = map[int64]bool{}
	for _, ch := range a.Chains.Chains {
		tc, ok := a.clients[ch.ID].(ethereum.TxClient)
		if !ok {
			continue
		}
		txClients[ch.ID] = tc
		g, ok, err := ethereum.GasWalletChainOf(ch, tc, os.Getenv)
		if err != nil {
			return fmt.Errorf("gas wallet of chain %s: %w", ch.Key, err)
		}
		if ok {
			wallets, a.gasChains[ch.ID] = append(wallets, g), true
		}
	}
	if len(wallets) == 0 {
		return nil
	}
	raw, err := ethereum.NewGasWallet(a.workerRepos.GasTxs, a.now, a.log, wallets...)
	if err != nil {
		return err
	}
	wallet, err := a.watchGasWallets(raw)
	if err != nil {
		return err
	}
	sweeps, err := ethereum.NewSweepChain(txClients)
	if err != nil {
		return err
	}
	policy := a.cfg.SweepPolicy
	if policy == (settlement.Policy{}) {
		policy = settlement.DefaultPolicy
	}
	if a.sweeper, err = settlement.NewSweeper(a.workerRepos.Payouts, sweeps, wallet, enc, a.Chains.Config(), policy, a.now); err != nil {
		return err
	}
	if a.settlements, err = temporaladapter.NewSettlements(a.Temporal); err != nil {
		return err
	}
	if a.settle, err = workflows.NewSettlementActivities(a.sweeper, a.settlements); err != nil {
		return err
	}
	if a.minedTxs, err = ethereum.NewMinedTxs(wallet, sweeps); err != nil {
		return err
	}
	a.gas, err = workflows.NewGasWalletActivities(wallet, sweeps, a.Chains.Config())
	return err
}

// nudgeSettlements starts (or wakes) the settlement of every merchant and chain with
// deposits waiting, on the chains this worker has a gas wallet for.
func (a *App) nudgeSettlements(ctx context.Context) error {
	keys, err := a.sweeper.Unswept(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range keys {
		if a.gasChains[k.ChainID] {
			errs = append(errs, a.settlements.Nudge(ctx, k))
		}
	}
	return errors.Join(errs...)
}

// superviseAndWork makes the supervisor of the long-running workflows and the worker.
func (a *App) superviseAndWork(sessions *checkout.Service) error {
	var chainIDs []int64
	for _, ch := range a.Chains.Chains {
		chainIDs = append(chainIDs, ch.ID)
	}
	var err error
	if a.supervisor, err = temporaladapter.NewSupervisor(a.Temporal, chainIDs, a.cfg.SupervisePeriod, a.log); err != nil {
		return err
	}
	a.supervisor.Repair(func(ctx context.Context) error { // a crash between a session's commit and its start
		_, err := sessions.StartPending(ctx)
		return err
	})
	if a.sweeper != nil {
		a.supervisor.Repair(a.nudgeSettlements)
	}
	if a.refundActs != nil { // a nudge lost after a refund's commit
		a.supervisor.Repair(func(ctx context.Context) error {
			_, err := a.refundActs.Refunds.NudgeOverdue(ctx)
			return err
		})
	}
	a.worker = temporaladapter.NewWorker(a.Temporal, a.capabilities())
	return nil
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
	a.closers.add(c.Close)
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
	if a.cfg.Role != RoleWorker {
		// Created sessions' workflows, off the request path; stopped only after the HTTP server
		// has drained, so the starts its last requests queued are made too.
		startsCtx, stopStarts := context.WithCancel(context.WithoutCancel(ctx))
		startsDone := make(chan struct{})
		go func() { a.Sessions.RunStarts(startsCtx, startWorkers); close(startsDone) }()
		defer func() { stopStarts(); <-startsDone }()
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
	return temporaladapter.Capabilities{Sessions: a.SessionActs, Scans: a.Scans, Deliveries: a.Deliveries, Retention: a.retention,
		Settlement: a.settle, GasWallets: a.gas, Billing: a.billingActs, Refunds: a.refundActs}
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

// Close releases what New opened, the last opened first.
func (a *App) Close() { a.closers.closeAll() }

// NewLogger makes the process logger from LOG_LEVEL and LOG_FORMAT.
func NewLogger() *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(env(EnvLogLevel, "info")))
	opts := &slog.HandlerOptions{Level: lvl}
	if strings.EqualFold(env(EnvLogFormat, "text"), "json") {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}
