#!/usr/bin/env bash
# `make cluster` (scripts/cluster.sh start) and `make cluster-stop` (scripts/cluster.sh stop):
# the production topology on this machine, without Docker. A Temporal server on the local
# Postgres (its own role and two databases), its Web UI, geth --dev, and the checkout service
# as separate processes: two API processes and two workers. Everything runs in the background;
# state, config, logs (.cluster/logs) and PIDs (.cluster/pids) live in .cluster/.
#
# `make chaos` (scripts/chaos.sh) runs a second copy beside it, moved by the environment:
# CLUSTER_DIR (state), CLUSTER_PORT_OFFSET (added to every port below) and CLUSTER_PG_PORT
# (its own Postgres). Unset, they change nothing.
#
# docker-compose.yml describes the same topology; cmd/checkout/compose_test.go reads both
# and fails when they drift (roles and counts, Temporal version, namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

DIR="${CLUSTER_DIR:-.cluster}"
OFFSET="${CLUSTER_PORT_OFFSET:-0}"
CHECKOUT="$DIR/bin/checkout" # built by make cluster from this checkout, so bin/checkout is left alone

# The topology: compose_test.go parses these lines.
NAMESPACE=default
NAMESPACE_RETENTION=72h
API_PORTS=(4242 4243)
WORKERS=2
WORKER_PORT_BASE=4251 # worker i serves /metrics, /healthz and /readyz on WORKER_PORT_BASE+i
if [ "$OFFSET" != 0 ]; then
  for i in "${!API_PORTS[@]}"; do API_PORTS[i]=$((API_PORTS[i] + OFFSET)); done
  WORKER_PORT_BASE=$((WORKER_PORT_BASE + OFFSET))
fi

# Temporal, with every port off the dev server's (7233-7243, 6933-6939, 8000, 7936, UI 8233).
TEMPORAL_PORT=$((7433 + OFFSET)) # frontend gRPC: the address clients dial
HISTORY_PORT=$((7434 + OFFSET)) MATCHING_PORT=$((7435 + OFFSET)) WORKER_PORT=$((7439 + OFFSET))
FRONTEND_HTTP_PORT=$((7443 + OFFSET)) MEMBERSHIP_BASE=$((6433 + OFFSET)) METRICS_PORT=$((9433 + OFFSET))
PPROF_PORT=$((7446 + OFFSET))
UI_PORT="${CLUSTER_UI_PORT:-$((8433 + OFFSET))}"
ETH_PORT="${ETH_RPC_PORT:-$((8545 + OFFSET))}"

PG_PORT="${CLUSTER_PG_PORT:-5432}"
PG_SERVER=postgres://postgres@127.0.0.1:$PG_PORT # the local Postgres (scripts/postgres.sh), as its superuser
PG_ADMIN_URL="$PG_SERVER/postgres"
PG_ROLE=temporal
TEMPORAL_DB=temporal
VISIBILITY_DB=temporal_visibility
export DATABASE_URL="${CLUSTER_DATABASE_URL:-$PG_SERVER/checkout_cluster?sslmode=disable}"
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export TEMPORAL_NAMESPACE="$NAMESPACE"

temporal_cli() { bin/temporal "$@" --address "$TEMPORAL_ADDRESS"; }

stop() {
  # The service first (APIs, then workers, which finish their tasks), then what it uses.
  local n
  for f in "$DIR"/pids/api-*.pid "$DIR"/pids/worker-*.pid; do
    [ -e "$f" ] || continue
    n=$(basename "$f" .pid); stop_one "$n"
  done
  stop_one temporal-ui
  stop_one temporal-server
  stop_one geth
}

# The role and the two databases, and their schemas (set up once, then brought up to date).
setup_databases() {
  local pw=$1 db schema
  if ! psql "$PG_ADMIN_URL" -Atc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'" | grep -q 1; then
    psql "$PG_ADMIN_URL" -qc "CREATE ROLE $PG_ROLE LOGIN PASSWORD '$pw'" && echo "created Postgres role $PG_ROLE"
  else
    psql "$PG_ADMIN_URL" -qc "ALTER ROLE $PG_ROLE LOGIN PASSWORD '$pw'"
  fi
  for db in $TEMPORAL_DB $VISIBILITY_DB; do
    if ! psql "$PG_ADMIN_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
      psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $db OWNER $PG_ROLE" && echo "created database $db"
    fi
    schema=postgresql/v12/temporal; [ "$db" = "$VISIBILITY_DB" ] && schema=postgresql/v12/visibility
    sql=(bin/temporal-sql-tool --plugin postgres12 --ep 127.0.0.1 -p "$PG_PORT" -u "$PG_ROLE" --pw "$pw" --db "$db")
    if ! psql "$PG_SERVER/$db" -Atc "SELECT 1 FROM schema_version LIMIT 1" >/dev/null 2>&1; then
      "${sql[@]}" setup-schema -v 0.0 >> "$DIR/logs/schema.log" 2>&1
    fi
    "${sql[@]}" update-schema --schema-name "$schema" >> "$DIR/logs/schema.log" 2>&1 ||
      { echo "schema update of $db failed; see $DIR/logs/schema.log" >&2; exit 1; }
  done
}

start() {
  mkdir -p "$DIR/logs" "$DIR/pids"
  for f in "$DIR"/pids/*.pid; do
    [ -e "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null &&
      { echo "the cluster is already running ($f); make cluster-stop first" >&2; exit 1; }
  done
  for p in "$TEMPORAL_PORT" "$UI_PORT" "$ETH_PORT" "${API_PORTS[@]}" $(seq $((WORKER_PORT_BASE + 1)) $((WORKER_PORT_BASE + WORKERS))); do
    if port_open "127.0.0.1:$p"; then echo "127.0.0.1:$p is already in use (make dev, or another cluster?)" >&2; exit 1; fi
  done
  started=0
  trap '[ "$started" = 1 ] || { echo "make cluster failed: stopping what it started" >&2; stop; }' EXIT

  [ -s "$DIR/pg_password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/pg_password")
  local pw; pw=$(cat "$DIR/pg_password")
  load_secrets_key "$DIR"
  setup_databases "$pw"
  ensure_database "$DATABASE_URL" "$fresh"
  write_server_config "$PG_ROLE" "$pw" 20 4

  launch temporal-server bin/temporal-server --root "$DIR/temporal" --config config --env development \
    --allow-no-auth start
  geth_dev_args "$DIR/geth" "$ETH_PORT"
  launch geth bin/geth "${geth_args[@]}"
  for _ in $(seq 1 150); do temporal_cli operator cluster health >/dev/null 2>&1 && break; sleep 0.2; done
  temporal_cli operator cluster health >/dev/null || { echo "Temporal did not start; see $DIR/logs/temporal-server.log" >&2; false; }
  if ! temporal_cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
    temporal_cli operator namespace create --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION"
  fi
  # A new namespace reaches the frontend's cache within seconds; the service's first call needs it.
  for _ in $(seq 1 100); do temporal_cli operator search-attribute list --namespace "$NAMESPACE" >/dev/null 2>&1 && break; sleep 0.2; done

  if [ -x bin/temporal-ui-server ]; then
    mkdir -p "$DIR/ui/config"
    cat > "$DIR/ui/config/development.yaml" <<YAML
temporalGrpcAddress: $TEMPORAL_ADDRESS
port: $UI_PORT
enableUi: true
defaultNamespace: $NAMESPACE
cors:
  cookieInsecure: true
YAML
    launch temporal-ui bin/temporal-ui-server --root "$DIR/ui" --config config --env development start
  fi

  wait_port "127.0.0.1:$ETH_PORT" geth "$DIR/logs/geth.log"
  deploy_dev_chain "http://127.0.0.1:$ETH_PORT" "$DIR"
  export CHECKOUT_WEBHOOK_ALLOW_PRIVATE="${CHECKOUT_WEBHOOK_ALLOW_PRIVATE:-true}" # local receivers
  export CHECKOUT_PUBLIC_URL="http://127.0.0.1:${API_PORTS[0]}" # one public base, as behind a proxy
  if [ -x bin/temporal-ui-server ]; then export CHECKOUT_TEMPORAL_UI_URL="http://127.0.0.1:$UI_PORT"; fi
  export CHECKOUT_LISTEN="127.0.0.1:${API_PORTS[0]}"
  "$CHECKOUT" migrate
  "$CHECKOUT" dev seed --env-file "$DIR/env"
  export CHECKOUT_AUTO_MIGRATE=false # migrated once above, not by four processes at once

  # Workers first: the first registers the search attributes; an API needs them to start sessions.
  local i
  for i in $(seq 1 "$WORKERS"); do
    launch "worker-$i" env CHECKOUT_LISTEN="127.0.0.1:$((WORKER_PORT_BASE + i))" "$CHECKOUT" serve --role worker
  done
  for i in $(seq 1 "$WORKERS"); do
    for _ in $(seq 1 150); do grep -q "checkout running" "$DIR/logs/worker-$i.log" && break
      kill -0 "$(cat "$DIR/pids/worker-$i.pid")" 2>/dev/null || break; sleep 0.2; done
    grep -q "checkout running" "$DIR/logs/worker-$i.log" || { echo "worker-$i did not start; see $DIR/logs/worker-$i.log" >&2; false; }
  done
  i=0
  for p in "${API_PORTS[@]}"; do
    i=$((i + 1))
    launch "api-$i" env CHECKOUT_LISTEN="127.0.0.1:$p" "$CHECKOUT" serve --role api
  done
  i=0
  for p in "${API_PORTS[@]}"; do
    i=$((i + 1)); wait_port "127.0.0.1:$p" "api-$i" "$DIR/logs/api-$i.log"
  done
  started=1
  banner
}

banner() {
  # shellcheck disable=SC1091
  . "$DIR/env"
  local ui="not built (see README: Production topology)"
  if [ -x bin/temporal-ui-server ]; then ui="http://127.0.0.1:$UI_PORT"; fi
  cat <<BANNER

  The checkout cluster is running in the background (make cluster-stop stops it).

  API              http://127.0.0.1:${API_PORTS[0]}  http://127.0.0.1:${API_PORTS[1]}  (role api, x${#API_PORTS[@]})
  Workers          $WORKERS processes (role worker), /metrics and /readyz on $(for i in $(seq 1 "$WORKERS"); do printf 'http://127.0.0.1:%s ' $((WORKER_PORT_BASE + i)); done)
  Temporal         $TEMPORAL_ADDRESS  namespace $NAMESPACE  (server $(cat "$DIR/pids/temporal-server.pid"), on Postgres: $TEMPORAL_DB, $VISIBILITY_DB)
  Temporal Web UI  $ui
  Dev chain RPC    http://127.0.0.1:$ETH_PORT (chain id 1337)
  Test key         $CHECKOUT_API_KEY   (also in $DIR/env)
  Dashboard        $CHECKOUT_API_URL/dashboard
                   sign in as $CHECKOUT_DASHBOARD_EMAIL with $CHECKOUT_DASHBOARD_PASSWORD
  Logs, PIDs       $DIR/logs/, $DIR/pids/

  Create a session and pay it (the dev commands read $DIR/env):

    curl $CHECKOUT_API_URL/v1/checkout/sessions -u $CHECKOUT_API_KEY: \\
      -d mode=payment \\
      -d "line_items[0][price_data][currency]=usd" \\
      -d "line_items[0][price_data][unit_amount]=1999" \\
      -d "line_items[0][price_data][product_data][name]=T-shirt" \\
      -d "line_items[0][quantity]=2"
    $CHECKOUT dev pay cs_test_… --asset tusd@dev --env-file $DIR/env

BANNER
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: scripts/cluster.sh start|stop" >&2; exit 2 ;;
esac
