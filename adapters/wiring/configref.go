package wiring

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/chaincheckout/checkout/adapters/chainconfig"
)

// The environment variables the programs read, named once: the code reads each through its
// constant, and Settings documents it, so a rename cannot leave the reference behind.
const (
	EnvDatabaseURL            = "DATABASE_URL"
	EnvTemporalAddress        = "TEMPORAL_ADDRESS"
	EnvTemporalNamespace      = "TEMPORAL_NAMESPACE"
	EnvTemporalTLSCert        = "TEMPORAL_TLS_CERT"
	EnvTemporalTLSKey         = "TEMPORAL_TLS_KEY"
	EnvTemporalTLSCA          = "TEMPORAL_TLS_CA"
	EnvTemporalTLSServerName  = "TEMPORAL_TLS_SERVER_NAME"
	EnvTemporalAPIKey         = "TEMPORAL_API_KEY"
	EnvListen                 = "CHECKOUT_LISTEN"
	EnvPublicURL              = "CHECKOUT_PUBLIC_URL"
	EnvRole                   = "CHECKOUT_ROLE"
	EnvAutoMigrate            = "CHECKOUT_AUTO_MIGRATE"
	EnvChainsFile             = "CHECKOUT_CHAINS_FILE"
	EnvSweepThreshold         = "CHECKOUT_SWEEP_THRESHOLD"
	EnvSweepMaxAge            = "CHECKOUT_SWEEP_MAX_AGE"
	EnvSweepMaxBatch          = "CHECKOUT_SWEEP_MAX_BATCH"
	EnvDaysUntilDue           = "CHECKOUT_DAYS_UNTIL_DUE"
	EnvDunningTries           = "CHECKOUT_DUNNING_TRIES"
	EnvDunningFinal           = "CHECKOUT_DUNNING_FINAL"
	EnvQuoteLifetime          = "CHECKOUT_QUOTE_LIFETIME"
	EnvMinSessionLifetime     = "CHECKOUT_MIN_SESSION_LIFETIME"
	EnvStartupWait            = "CHECKOUT_STARTUP_WAIT"
	EnvEventRetentionDays     = "CHECKOUT_EVENT_RETENTION_DAYS"
	EnvSecretsKeys            = "CHECKOUT_SECRETS_KEYS"
	EnvSecretsKey             = "CHECKOUT_SECRETS_KEY"
	EnvWebhookConcurrency     = "CHECKOUT_WEBHOOK_CONCURRENCY"
	EnvWebhookAllowPrivate    = "CHECKOUT_WEBHOOK_ALLOW_PRIVATE"
	EnvKeyCacheTTL            = "CHECKOUT_KEY_CACHE_TTL"
	EnvRateLimitLive          = "CHECKOUT_RATE_LIMIT_LIVE"
	EnvRateLimitTest          = "CHECKOUT_RATE_LIMIT_TEST"
	EnvRateLimitPublicIP      = "CHECKOUT_RATE_LIMIT_PUBLIC_IP"
	EnvRateLimitPaymentLink   = "CHECKOUT_RATE_LIMIT_PAYMENT_LINK"
	EnvRateLimitSignIn        = "CHECKOUT_RATE_LIMIT_SIGN_IN"
	EnvDashboardArgon2Memory  = "CHECKOUT_DASHBOARD_ARGON2_MEMORY_KIB"
	EnvDashboardArgon2Time    = "CHECKOUT_DASHBOARD_ARGON2_TIME"
	EnvDashboardArgon2Threads = "CHECKOUT_DASHBOARD_ARGON2_THREADS"
	EnvDashboardMaxFailures   = "CHECKOUT_DASHBOARD_MAX_FAILURES"
	EnvDashboardLockout       = "CHECKOUT_DASHBOARD_LOCKOUT"
	EnvDashboardSessionIdle   = "CHECKOUT_DASHBOARD_SESSION_IDLE"
	EnvDashboardSessionMax    = "CHECKOUT_DASHBOARD_SESSION_MAX"
	EnvTemporalUIURL          = "CHECKOUT_TEMPORAL_UI_URL"
	EnvTrustedProxies         = "CHECKOUT_TRUSTED_PROXIES"
	EnvReadyMaxLag            = "CHECKOUT_READY_MAX_LAG"
	EnvLogLevel               = "LOG_LEVEL"
	EnvLogFormat              = "LOG_FORMAT"
	EnvAPIURL                 = "CHECKOUT_API_URL"
	EnvAPIKey                 = "CHECKOUT_API_KEY"
	EnvDashboardEmail         = "CHECKOUT_DASHBOARD_EMAIL"
	EnvDashboardPassword      = "CHECKOUT_DASHBOARD_PASSWORD"
	EnvTestTemporalAddress    = "CHECKOUT_TEST_TEMPORAL_ADDRESS"
	EnvTestDatabaseAdminURL   = "TEST_DATABASE_ADMIN_URL"
	EnvTemporalUIPort         = "TEMPORAL_UI_PORT"
	EnvETHRPCPort             = "ETH_RPC_PORT"
	EnvClusterUIPort          = "CLUSTER_UI_PORT"
	EnvClusterDatabaseURL     = "CLUSTER_DATABASE_URL"
	EnvScriptsCheckout        = "CHECKOUT"
	EnvScriptsAbigen          = "ABIGEN"
	EnvBenchScaleSizes        = "BENCH_SCALE_SIZES"
	EnvBenchScaleTemporal     = "BENCH_SCALE_TEMPORAL"
	EnvBenchScaleArgs         = "BENCH_SCALE_ARGS"
	EnvBenchArgs              = "BENCH_ARGS"
	EnvChaosSeed              = "CHAOS_SEED"
	EnvChaosSessions          = "CHAOS_SESSIONS"
	EnvChaosArgs              = "CHAOS_ARGS"
	EnvClusterDir             = "CLUSTER_DIR"
	EnvClusterPortOffset      = "CLUSTER_PORT_OFFSET"
	EnvClusterPGPort          = "CLUSTER_PG_PORT"
	EnvPGBin                  = "PGBIN"
)

// Defaults that match `make dev`, shown in the reference as they are used.
const (
	DefaultDatabaseURL       = "postgres://postgres@127.0.0.1:5432/checkout?sslmode=disable"
	DefaultTemporalAddress   = "127.0.0.1:7233"
	DefaultTemporalNamespace = "default"
	DefaultListen            = "127.0.0.1:4242"
)

// FlagRole is `serve --role`, which overrides CHECKOUT_ROLE.
const FlagRole = "role"

// Setting is one row of the configuration reference: the variables (or a flag) it is about,
// their default, an example value and what they do. Cells are Markdown.
type Setting struct {
	Names   []string // variables, patterns such as CHAIN_<KEY>_RPC_URL, or a flag such as "serve --role"
	Default string
	Example string
	Meaning string
}

func code(s string) string { return "`" + s + "`" }

// chainVar is the documented pattern of a per-chain override (chainconfig's suffix).
func chainVar(suffix string) string { return "CHAIN_<KEY>_" + suffix }

// Settings is the configuration reference, in the order README lists it. To document a new
// variable, add its constant above and its row here (one line), then run `make docs`.
func Settings() []Setting {
	return append(append(serviceSettings(), chainSettings()...), toolSettings()...)
}

func serviceSettings() []Setting {
	return []Setting{
		{[]string{EnvDatabaseURL}, code(DefaultDatabaseURL), "`postgres://checkout:…@db:5432/checkout?sslmode=require`", "Postgres, the system of record"},
		{[]string{EnvTemporalAddress}, code(DefaultTemporalAddress), "`temporal-frontend:7233`", "Temporal frontend (any cluster)"},
		{[]string{EnvTemporalNamespace}, code(DefaultTemporalNamespace), "`checkout-prod`", "Namespace for the workflows"},
		{[]string{EnvTemporalTLSCert, EnvTemporalTLSKey}, "(none)", "`/etc/checkout/temporal.pem`, `/etc/checkout/temporal.key`", "PEM client certificate and key for mutual TLS (both or neither)"},
		{[]string{EnvTemporalTLSCA}, "(system roots)", "`/etc/checkout/temporal-ca.pem`", "PEM CA file the Temporal server's certificate must chain to; setting any `TEMPORAL_TLS_*` turns TLS on"},
		{[]string{EnvTemporalTLSServerName}, "(the host dialled)", "`temporal.internal`", "Name the server's certificate must carry"},
		{[]string{EnvTemporalAPIKey}, "(none)", "`eyJhbGciOi…`", "Sent as a bearer token on every call (e.g. Temporal Cloud); turns TLS on. An unreadable or unusable TLS file stops start-up with its name"},
		{[]string{EnvListen}, code(DefaultListen), "`0.0.0.0:8080`", "API and hosted page listen address; a `worker` process listens here too, serving only `/metrics`, `/healthz` and `/readyz`"},
		{[]string{EnvPublicURL}, "`http://$CHECKOUT_LISTEN`", "`https://pay.example.com`", "Base of the hosted page URLs in `url`"},
		{[]string{EnvRole, "serve --" + FlagRole}, code(RoleAll), "`worker`", "`api`, `worker` or both in one process; the flag wins over the variable"},
		{[]string{EnvAutoMigrate}, "`true`", "`false`", "Apply migrations at start-up (`checkout migrate` does it alone)"},
		{[]string{EnvChainsFile}, "(the dev chain)", "`/etc/checkout/chains.json`", "Chains, assets, fixed rates and price feeds, as JSON (below); `make dev` writes `.dev/chains.json`"},
		{[]string{EnvSweepThreshold}, "`100`", "`250`", "Deposits are swept once their value in one fiat currency reaches this (major units)"},
		{[]string{EnvSweepMaxAge}, "`1h` (`make dev`: `5m`)", "`6h`", "…or once the oldest has waited this long"},
		{[]string{EnvSweepMaxBatch}, "`100`", "`50`", "Forwarders in one sweep transaction (1–200)"},
		{[]string{EnvDaysUntilDue}, code(strconv.Itoa(DefaultDaysUntilDue)), "`7`", "Days after a renewal before its invoice is due and dunning starts (1–365)"},
		{[]string{EnvDunningTries}, "`0s,72h,168h`", "`0s,24h,72h,120h`", "Offsets after an invoice's due date at which a payment try is judged failed (`invoice.payment_failed`); 1–10, non-decreasing, never past the period's end"},
		{[]string{EnvDunningFinal}, "`canceled`", "`unpaid`", "What the subscription becomes after the last failed try: `canceled` (invoice `uncollectible`) or `unpaid` (renewals stop until it is paid)"},
		{[]string{EnvStartupWait}, "`2m`", "`10m`", "How long `serve` keeps trying, with backoff, to reach Postgres, Temporal and the chains at start-up (each failure is logged) before it exits; `0` exits at the first failure. A process started beside its database (compose, a reboot) then waits for it instead of relying on a restart policy"},
		{[]string{EnvQuoteLifetime}, "`15m`", "`10m`", "How long a quote in a volatile asset holds when nothing was paid (Go duration); stablecoins keep theirs until expiry"},
		{[]string{EnvMinSessionLifetime}, "`30m`", "`5m`", "The shortest `expires_at` a create may ask (Go duration, 1m to 30m; Stripe's 30 minutes unless set), for shops that hold a cart for minutes, and for `make chaos`'s sessions that expire by the clock; payment links keep 30 minutes"},
		{[]string{EnvEventRetentionDays}, "`30`", "`90`", "Events, with their finished webhook deliveries and attempts, older than this are pruned daily; under 30 is refused at start-up"},
		{[]string{EnvSecretsKeys}, "(none: required; `make dev` makes one in `.dev/secrets_key`)", "`k2:base64…,k1:base64…`", "Keyring that encrypts webhook signing secrets at rest (AES-256-GCM): `id:base64,id:base64`, each key 32 random bytes (`head -c 32 /dev/urandom \\| base64`). The first key seals new and rewritten secrets; every listed key opens. To rotate, put a new key first and keep the old one listed: at start-up every secret is sealed again under the new key, after which the old one may be removed. Secrets stored before encryption existed (plain `whsec_…`) keep working and are sealed at start-up too. The service refuses to start without a key"},
		{[]string{EnvSecretsKey}, "(none)", "`q3J0…=` (base64 of 32 bytes)", "A single key (base64), the same as `CHECKOUT_SECRETS_KEYS=default:<key>`; ignored when the keyring is set"},
		{[]string{EnvWebhookConcurrency}, "`32`", "`64`", "First delivery attempts the dispatcher POSTs at once (retries run in their workflows)"},
		{[]string{EnvWebhookAllowPrivate}, "`false` (`true` in `make dev`)", "`true`", "Let webhook URLs reach loopback and private addresses (local receivers)"},
		{[]string{EnvKeyCacheTTL}, "`30s`", "`0`", "How long a resolved API key is reused without a database lookup (Go duration; `0` looks every request up). A revoked or deleted key keeps working for at most this long after the change; a new key works at once; a rolled key's expiry is checked on every request, so it stops on time unless it was rolled to expire sooner than this after the roll, when it stops at most this long after the roll"},
		{[]string{EnvRateLimitLive}, "`100`", "`0` (off)", "Requests a second per live-mode API key (token bucket, a burst of one second's worth; Stripe's live limit); `0` turns it off. Over it: 429 with `Retry-After` and Stripe's error object (`rate_limit`)"},
		{[]string{EnvRateLimitTest}, "`25`", "`50`", "The same per test-mode API key (Stripe's test limit)"},
		{[]string{EnvRateLimitPublicIP}, "`20`", "`40`", "Requests a second per client IP on the public routes (the hosted page `/c/…` with its status poll and asset form; payment links)"},
		{[]string{EnvRateLimitPaymentLink}, "`10`", "`5`", "Visits a second per payment link (`/l/<id>`), whatever their IPs: each visit makes a session, so this bounds what a bot spread over many addresses can mint"},
		{[]string{EnvRateLimitSignIn}, "burst `10`, then `1` a second", "`2`", "Dashboard sign-in attempts per client IP (besides each account's lockout); a number sets both the rate and the burst"},
		{[]string{EnvDashboardArgon2Memory}, "`65536` (64 MiB)", "`131072`", "argon2id memory per password hash (RFC 9106's second recommendation). Hashes store their parameters, so raising it later keeps old passwords working"},
		{[]string{EnvDashboardArgon2Time}, "`3`", "`4`", "argon2id passes"},
		{[]string{EnvDashboardArgon2Threads}, "`2`", "`4`", "argon2id lanes"},
		{[]string{EnvDashboardMaxFailures}, "`5`", "`10`", "Wrong passwords in a row before an account is locked"},
		{[]string{EnvDashboardLockout}, "`15m`", "`1h`", "How long a locked account refuses every password"},
		{[]string{EnvDashboardSessionIdle}, "`12h`", "`2h`", "A dashboard session unused this long ends"},
		{[]string{EnvDashboardSessionMax}, "`168h`", "`24h`", "A dashboard session ends this long after sign-in, used or not"},
		{[]string{EnvTemporalUIURL}, "(none; `make dev`: `http://127.0.0.1:8233`)", "`https://temporal-ui.internal`", "The Temporal Web UI's base: the dashboard links each session to its workflow there"},
		{[]string{EnvTrustedProxies}, "(none)", "`10.0.0.0/8,192.168.1.10`", "Comma-separated IPs or CIDRs of your reverse proxies: only a request from one of them may name the client in `X-Forwarded-For` (for the per-IP limit); otherwise the connection's address is the client"},
		{[]string{EnvReadyMaxLag}, "(each chain's `reorg_window`, 128 unless set)", "`20`", "Blocks a chain's scanner may be behind its node's head before `/readyz` answers 503"},
		{[]string{EnvLogLevel, EnvLogFormat}, "`info`, `text`", "`debug`, `json`", "`debug`…`error`; `json` for log shippers. Each request's line carries `request_id`, and when known `merchant`, `livemode`, the dashboard `user`, and the `session` or `refund` its route names; workflow and activity lines carry Temporal's `WorkflowID` and `RunID`. Paths holding a secret (invitations, refund claims) are logged as their route; keys, secrets and xpubs never are"},
	}
}

func chainSettings() []Setting {
	return []Setting{
		{[]string{chainVar(chainconfig.EnvRPCURL), chainVar(chainconfig.EnvConfirmations)}, "from the file", "`CHAIN_BASE_RPC_URL=https://base.example/v2/…`, `CHAIN_BASE_CONFIRMATIONS=12`", "Override one chain's RPC endpoint or confirmations"},
		{[]string{chainVar(chainconfig.EnvRPCURL2)}, "from the file (none)", "`https://base-mainnet.other-provider.example/…`", "A second RPC provider for the chain (`rpc_url_2`), ideally another company's: the scanner then records only blocks both providers hash alike and uses either alone while the other fails. Never shown, like `rpc_url`; must differ from it"},
		{[]string{chainVar(chainconfig.EnvTokenPrefix + "<SYMBOL>" + chainconfig.EnvTokenSuffix)}, "from the file", "`CHAIN_BASE_TOKEN_USDC_CONTRACT=0x8335…2913`", "Override (or add, as a 6-decimal USD stablecoin) a token's contract"},
		{[]string{chainVar(chainconfig.EnvPublicRPCURL)}, "from the file (`make dev`: the dev node)", "`https://mainnet.base.org`", "An RPC URL shoppers' wallets may add the chain with (`public_rpc_url`); `rpc_url` is never shown, as it may hold an API key. Empty: the page does not offer to add the chain"},
		{[]string{chainVar(chainconfig.EnvExplorerURL)}, "from the file", "`https://basescan.org`", "A block explorer's base URL (`explorer_url`): the hosted page links the deposit address and each payment's transaction to it"},
		{[]string{chainVar(chainconfig.EnvForwarderFactory)}, "from the file", "`0x5FbD…0aa3`", "The chain's `ForwarderFactory` (`forwarder_factory` in the file); without one, sessions on the chain get xpub addresses"},
		{[]string{chainVar(chainconfig.EnvSubscriptionCollector)}, "from the file", "`0xe7f1…0512`", "The chain's `SubscriptionCollector` (`subscription_collector` in the file); with it and a gas wallet, subscriptions paid in a stablecoin of their currency can renew automatically"},
		{[]string{chainVar(chainconfig.EnvGasWalletKey)}, "(none)", "`4c0883a6…` (64 hex digits)", "The chain's gas wallet key as hex (it pays the sweeps' gas); replaces the file's `gas_wallet.keystore`"},
		{[]string{chainVar(chainconfig.EnvGasWalletKeystore)}, "from the file", "`/etc/checkout/keys/gas-base.json`", "A go-ethereum keystore file holding the gas wallet key (`gas_wallet.keystore`; relative paths in the file are from the file's folder)"},
		{[]string{chainVar(chainconfig.EnvGasWalletPassword)}, "(none; `make dev` sets the dev chain's)", "(a secret)", "The keystore's password, unless the file's `gas_wallet.password_env` names another variable"},
		{[]string{chainVar(chainconfig.EnvGasWalletMaxFeeGwei)}, "`200`", "`50`", "The most a gas wallet transaction pays per gas, in gwei (`gas_wallet.max_fee_per_gas_gwei`); a sweep that would pay more waits"},
	}
}

// toolSettings are read by the dev commands, the tests and the scripts, not by the service.
func toolSettings() []Setting {
	return []Setting{
		{[]string{EnvAPIURL, EnvAPIKey}, "(from `.dev/env`)", "`http://127.0.0.1:4242`, `sk_test_…`", "The API and test key the `dev pay`, `dev refund` and `dev listen` commands call (`make dev` writes both to `.dev/env`)"},
		{[]string{EnvDashboardEmail, EnvDashboardPassword}, "(written by `dev seed`)", "`owner@demo.example`", "The demo owner's dashboard sign-in, written to `.dev/env` and printed by `make dev`; not read by the service"},
		{[]string{EnvTestTemporalAddress}, "(none: tests start a dev server)", "`127.0.0.1:7433`", "A Temporal frontend the end-to-end tests run against instead, each test in a namespace of its own (`make test-cluster` sets it to `make cluster`'s)"},
		{[]string{EnvTestDatabaseAdminURL}, "`postgres://postgres@127.0.0.1:5432/postgres`", "`postgres://postgres@db:5432/postgres`", "Where tests create their throw-away databases"},
		{[]string{EnvTemporalUIPort, EnvETHRPCPort}, "`8233`, `8545`", "`8234`, `8546`", "Ports `make dev` uses (`make cluster` uses `ETH_RPC_PORT` too)"},
		{[]string{EnvClusterUIPort, EnvClusterDatabaseURL}, "`8433`, `postgres://postgres@127.0.0.1:5432/checkout_cluster?sslmode=disable`", "`8434`", "`make cluster`'s Web UI port and the service's database"},
		{[]string{EnvScriptsCheckout, EnvScriptsAbigen}, "`bin/checkout`, `bin/abigen`", "`/tmp/checkout`", "The binaries the scripts run (`make dev`, `make cluster`; `make contracts`)"},
		{[]string{EnvChaosSeed, EnvChaosSessions, EnvChaosArgs}, "`1`, `300`, (none)", "`7`, `20`, `-rpc-drop 3m`", "`make chaos`: the seed that draws the session mix and the fault schedule (printed at the start, so a run repeats), how many sessions it pays, more `cmd/chaos` flags"},
		{[]string{EnvClusterDir, EnvClusterPortOffset, EnvClusterPGPort}, "`.cluster`, `0`, `5432`", "`.chaos`, `200`, `5441`", "Move a `scripts/cluster.sh` topology: its state directory, a number added to every port, and the Postgres it uses (`make chaos` runs a second copy with these)"},
		{[]string{EnvPGBin}, "(`pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`)", "`/usr/lib/postgresql/15/bin`", "Where `make chaos` finds `initdb` and `pg_ctl` for its own Postgres cluster"},
		{[]string{EnvBenchArgs}, "`-sections create,webhooks`", "`-sections create -n16 800`", "The `cmd/bench` flags `make bench-server` runs with (its Temporal server on Postgres is given by `-temporal-address`)"},
		{[]string{EnvBenchScaleSizes, EnvBenchScaleTemporal, EnvBenchScaleArgs}, "`10000,100000`, `server`, (none)", "`10000`, `dev`, `-payments 5`", "What `make bench-scale` measures: the open sessions of each step after a baseline of 10; `dev` runs it on the CLI's dev server instead of Temporal on Postgres; more `cmd/benchscale` flags (`-idle 60s`, `-payments 3`, `-concurrency 8`, `-max-backlog 400`)"},
	}
}

// ConfigReference is the Markdown table of Settings that README's Configuration section holds.
func ConfigReference() string {
	var b strings.Builder
	b.WriteString("| Variable | Default | Example | Meaning |\n|---|---|---|---|\n")
	for _, s := range Settings() {
		names := make([]string, len(s.Names))
		for i, n := range s.Names {
			names[i] = "`" + n + "`"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", strings.Join(names, ", "), s.Default, s.Example, s.Meaning)
	}
	return b.String()
}

// The markers around the generated table in README.
const (
	ConfigReferenceStart = "<!-- config-reference:start (generated by make docs from adapters/wiring/configref.go; do not edit) -->"
	ConfigReferenceEnd   = "<!-- config-reference:end -->"
)

// SpliceConfigReference puts the generated table between the markers of readme.
func SpliceConfigReference(readme string) (string, error) {
	before, rest, ok := strings.Cut(readme, ConfigReferenceStart)
	_, after, ok2 := strings.Cut(rest, ConfigReferenceEnd)
	if !ok || !ok2 {
		return "", errors.New("README has no configuration reference markers " + ConfigReferenceStart + " … " + ConfigReferenceEnd)
	}
	return before + ConfigReferenceStart + "\n" + ConfigReference() + ConfigReferenceEnd + after, nil
}
