# Shell functions shared by scripts/dev.sh (`make dev`), scripts/cluster.sh (`make cluster`, and
# through it `make chaos`) and scripts/bench-scale.sh.
# Sourced from the repository root, never run. CHECKOUT is the service binary (default bin/checkout).
CHECKOUT="${CHECKOUT:-bin/checkout}"

# port_open HOST:PORT succeeds when something accepts connections there.
port_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# wait_port HOST:PORT WHAT LOG waits up to 30 s for the port, else names the log and exits.
wait_port() {
  for _ in $(seq 1 150); do port_open "$1" && return 0; sleep 0.2; done
  echo "$2 did not start; see $3" >&2; exit 1
}

# ensure_database URL RECREATE creates the database URL names when missing; RECREATE=1 drops
# it first (a fresh chain and secrets key make an old database's cursors and secrets useless).
ensure_database() {
  local url=$1 recreate=$2 db admin
  db=$(sed -E 's#^.*/([^/?]+)(\?.*)?$#\1#' <<<"$url")
  admin=$(sed -E "s#/$db(\\?|$)#/postgres\\1#" <<<"$url")
  if [ "$recreate" = 1 ]; then
    psql "$admin" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
  fi
  if ! psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    psql "$admin" -qc "CREATE DATABASE \"$db\"" && echo "created database $db"
  fi
}

# load_secrets_key DIR exports CHECKOUT_SECRETS_KEY from DIR/secrets_key, made once, unless a
# key is already set; sets fresh=1 when it made a new one (losing it loses the endpoints' secrets).
load_secrets_key() {
  fresh=0
  if [ -z "${CHECKOUT_SECRETS_KEYS:-}${CHECKOUT_SECRETS_KEY:-}" ]; then
    [ -s "$1/secrets_key" ] || { fresh=1; (umask 077; head -c 32 /dev/urandom | base64 > "$1/secrets_key"); }
    CHECKOUT_SECRETS_KEY="$(cat "$1/secrets_key")"
    export CHECKOUT_SECRETS_KEY
  fi
}

# geth_dev_args DATADIR PORT sets geth_args: geth --dev (a block a second) with JSON-RPC over
# HTTP on 127.0.0.1:PORT and no peers, as make dev and make cluster run it.
geth_dev_args() {
  geth_args=(--dev --dev.period 1 --datadir "$1" --http --http.addr 127.0.0.1 --http.port "$2"
    --http.api eth,net,web3,debug --nodiscover --maxpeers 0 --ipcdisable)
}

# deploy_dev_chain RPC_URL DIR deploys the test stablecoin and the ForwarderFactory (once; the
# chains file DIR/chains.json records them) and makes the gas wallet that pays sweeps (a
# keystore in DIR/gas-wallet/, funded from the dev account); exports what the service needs.
deploy_dev_chain() {
  "$CHECKOUT" dev deploy --rpc "$1" --out "$2/chains.json"
  export CHECKOUT_CHAINS_FILE="${CHECKOUT_CHAINS_FILE:-$2/chains.json}"
  CHAIN_DEV_GAS_WALLET_PASSWORD="$(cat "$2/gas-wallet.password")"
  export CHAIN_DEV_GAS_WALLET_PASSWORD
  # Sweeps on the dev chain: once 100 of a currency waits (the default), or 5 minutes after a
  # deposit (the default is an hour), so a walkthrough sees its payout soon.
  export CHECKOUT_SWEEP_MAX_AGE="${CHECKOUT_SWEEP_MAX_AGE:-5m}"
}

# launch NAME CMD... runs CMD in its own session (a Ctrl-C in this terminal does not reach
# it), logging to $DIR/logs/NAME.log, its PID in $DIR/pids/NAME.pid.
launch() {
  local name=$1; shift
  setsid "$@" > "$DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$DIR/pids/$name.pid"
}

# stop_one NAME sends SIGTERM and waits up to 20 s (then SIGKILL) for the process to be gone.
stop_one() {
  local f="$DIR/pids/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$1 (pid $pid) ignored SIGTERM for 20 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    echo "stopped $1 (pid $pid)"
  fi
  rm -f "$f"
}

# write_server_config USER PASSWORD CONNS VISIBILITY_CONNS writes the Temporal server's config
# under $DIR/temporal/config (v1.29 reads <root>/<config>/<env>.yaml): Postgres on $PG_PORT for
# both stores ($TEMPORAL_DB, $VISIBILITY_DB) with pools of those sizes, 4 history shards, every
# service in one process on the caller's ports (TEMPORAL_PORT, HISTORY_PORT, MATCHING_PORT,
# WORKER_PORT, FRONTEND_HTTP_PORT, MEMBERSHIP_BASE, METRICS_PORT, PPROF_PORT).
write_server_config() {
  local user=$1 pw=$2 conns=$3 vconns=$4 m=$MEMBERSHIP_BASE
  mkdir -p "$DIR/temporal/config"
  cat > "$DIR/temporal/config/development.yaml" <<YAML
# Written by scripts/lib.sh's write_server_config; edits are lost when it runs again.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:
      sql: { pluginName: postgres12, databaseName: $TEMPORAL_DB, connectAddr: "127.0.0.1:$PG_PORT", connectProtocol: tcp,
             user: $user, password: "$pw", maxConns: $conns, maxIdleConns: $conns, maxConnLifetime: 1h }
    visibility:
      sql: { pluginName: postgres12, databaseName: $VISIBILITY_DB, connectAddr: "127.0.0.1:$PG_PORT", connectProtocol: tcp,
             user: $user, password: "$pw", maxConns: $vconns, maxIdleConns: $vconns, maxConnLifetime: 1h }
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  pprof:
    port: $PPROF_PORT
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:$METRICS_PORT
services:
  frontend:
    rpc: { grpcPort: $TEMPORAL_PORT, membershipPort: $m, httpPort: $FRONTEND_HTTP_PORT, bindOnLocalHost: true }
  history:
    rpc: { grpcPort: $HISTORY_PORT, membershipPort: $((m + 1)), bindOnLocalHost: true }
  matching:
    rpc: { grpcPort: $MATCHING_PORT, membershipPort: $((m + 2)), bindOnLocalHost: true }
  worker:
    rpc: { grpcPort: $WORKER_PORT, membershipPort: $((m + 6)), bindOnLocalHost: true }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: 127.0.0.1:$TEMPORAL_PORT
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: $PWD/$DIR/temporal/config/dynamicconfig.yaml
  pollInterval: 10s
YAML
  # As make dev's server: eager activities, and search attributes usable as soon as they are
  # added (the dev server's default; without it the service's first workflows may fail their
  # tasks for up to a minute after it registers the attributes on a new cluster).
  cat > "$DIR/temporal/config/dynamicconfig.yaml" <<'YAML'
system.enableActivityEagerExecution:
  - value: true
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
frontend.persistenceMaxQPS:
  - value: 10000
history.persistenceMaxQPS:
  - value: 45000
YAML
}

# temporal_server_databases creates $TEMPORAL_DB and $VISIBILITY_DB on the local Postgres
# ($PG_ADMIN_URL, trust auth as superuser on port 5432) with the server's schemas.
temporal_server_databases() {
  local db schema sql
  for db in $TEMPORAL_DB $VISIBILITY_DB; do psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $db"; done
  for db in $TEMPORAL_DB $VISIBILITY_DB; do
    schema=postgresql/v12/temporal; [ "$db" = "$VISIBILITY_DB" ] && schema=postgresql/v12/visibility
    sql=(bin/temporal-sql-tool --plugin postgres12 --ep 127.0.0.1 -p 5432 -u postgres --db "$db")
    { "${sql[@]}" setup-schema -v 0.0 && "${sql[@]}" update-schema --schema-name "$schema"; } >> "$DIR/logs/schema.log" 2>&1 ||
      { echo "schema of $db failed; see $DIR/logs/schema.log" >&2; exit 1; }
  done
}

# await_temporal waits up to 30 s for the server at $TEMPORAL_ADDRESS to answer.
await_temporal() {
  for _ in $(seq 1 150); do bin/temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1 && break; sleep 0.2; done
  bin/temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null ||
    { echo "Temporal did not start; see $DIR/logs/temporal-server.log" >&2; exit 1; }
}

# start_temporal_server CONNS VISIBILITY_CONNS runs temporal-server on the databases of
# temporal_server_databases (superuser, trust auth) with pools of those sizes, and creates its
# default namespace.
start_temporal_server() {
  write_server_config postgres "" "$1" "$2"
  launch temporal-server bin/temporal-server --root "$DIR/temporal" --config config --env development --allow-no-auth start
  await_temporal
  bin/temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace default --retention 72h >/dev/null
  for _ in $(seq 1 100); do
    bin/temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace default >/dev/null 2>&1 && break; sleep 0.2
  done
}
