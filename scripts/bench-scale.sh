#!/usr/bin/env bash
# `make bench-scale`: what open checkout sessions cost. Starts a stack of its own (a Temporal
# server on Postgres as make cluster runs it, geth --dev behind a counting JSON-RPC proxy, one
# `serve --role worker` and two `serve --role api` processes, databases bench_scale_* on the
# local Postgres), runs cmd/benchscale against it (BENCH_SCALE_SIZES open sessions, after a
# baseline of 10), then stops everything and drops the databases. Every port differs from
# make dev's and make cluster's, so it runs beside either. State and logs: .bench-scale/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

DIR=.bench-scale
CHECKOUT="$DIR/bin/checkout" # built by make bench-scale from this checkout
BENCH="$DIR/bin/benchscale"
SIZES="${BENCH_SCALE_SIZES:-10000,100000}"
# server: Temporal on Postgres, as make cluster and production run it (the default);
# dev: the CLI's dev server on a SQLite file, as make dev and make bench run it.
TEMPORAL_KIND="${BENCH_SCALE_TEMPORAL:-server}"

TEMPORAL_PORT=7833 HISTORY_PORT=7834 MATCHING_PORT=7835 WORKER_PORT=7839 FRONTEND_HTTP_PORT=7843
MEMBERSHIP_BASE=6833 METRICS_PORT=9833 PPROF_PORT=7846
API_PORTS=(4542 4543)
WORKER_LISTEN=127.0.0.1:4552 # one worker: its RSS and CPU are the figures, not a sum
GETH_PORT=8845 PROXY_PORT=8846

PG_PORT=5432
PG_SERVER=postgres://postgres@127.0.0.1:$PG_PORT
PG_ADMIN_URL="$PG_SERVER/postgres"
TEMPORAL_DB=bench_scale_temporal
VISIBILITY_DB=bench_scale_visibility
SERVICE_DB=bench_scale_checkout
export DATABASE_URL="$PG_SERVER/$SERVICE_DB?sslmode=disable"
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT" TEMPORAL_NAMESPACE=default

drop_databases() {
  local db
  for db in $SERVICE_DB $TEMPORAL_DB $VISIBILITY_DB; do
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  done
}

cleanup() {
  local n
  for n in api-1 api-2 worker temporal-server proxy geth; do stop_one "$n"; done
  drop_databases
  rm -rf "$DIR/geth" "$DIR/temporal"
}

setup_databases() {
  drop_databases
  psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $SERVICE_DB"
  [ "$TEMPORAL_KIND" = dev ] && return 0
  temporal_server_databases
}

start_temporal() {
  if [ "$TEMPORAL_KIND" = dev ]; then
    mkdir -p "$DIR/temporal"
    launch temporal-server bin/temporal server start-dev --ip 127.0.0.1 --port "$TEMPORAL_PORT" --http-port "$FRONTEND_HTTP_PORT" \
      --metrics-port "$METRICS_PORT" --headless --db-filename "$DIR/temporal/temporal.db" --log-level warn \
      --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
      --dynamic-config-value system.enableActivityEagerExecution=true
    await_temporal
    return 0 # the dev server has its default namespace
  fi
  # Smaller pools than make cluster's (20 and 4): with those, 10k sessions took 61 of the
  # shared Postgres' 100 connections and refused everyone else's.
  start_temporal_server 6 2
}

# The service: one worker, two APIs, reaching geth only through the counting proxy.
start_service() {
  export CHAIN_DEV_RPC_URL="http://127.0.0.1:$PROXY_PORT" CHECKOUT_RATE_LIMIT_TEST=0 LOG_LEVEL=warn
  # An eth quote lapses after 15 minutes unpaid and is made again: with sessions opened over an
  # hour and more, that work would grow with every step. The figures are of open sessions
  # whose quote holds (as a stablecoin's does); the README gives the requotes' cost apart.
  export CHECKOUT_QUOTE_LIFETIME=24h
  export CHECKOUT_PUBLIC_URL="http://127.0.0.1:${API_PORTS[0]}" CHECKOUT_LISTEN="127.0.0.1:${API_PORTS[0]}"
  CHECKOUT_SECRETS_KEY="$(head -c 32 /dev/urandom | base64)"
  export CHECKOUT_SECRETS_KEY
  "$CHECKOUT" migrate >/dev/null
  "$CHECKOUT" dev seed --env-file "$DIR/env" >/dev/null
  export CHECKOUT_AUTO_MIGRATE=false
  launch worker env CHECKOUT_LISTEN="$WORKER_LISTEN" "$CHECKOUT" serve --role worker
  wait_port "$WORKER_LISTEN" worker "$DIR/logs/worker.log"
  local i=0 p
  for p in "${API_PORTS[@]}"; do
    i=$((i + 1)); launch "api-$i" env CHECKOUT_LISTEN="127.0.0.1:$p" "$CHECKOUT" serve --role api
  done
  for p in "${API_PORTS[@]}"; do wait_port "127.0.0.1:$p" api "$DIR/logs/api-*.log"; done
}

main() {
  mkdir -p "$DIR/logs" "$DIR/pids"
  for p in $TEMPORAL_PORT "${API_PORTS[@]}" ${WORKER_LISTEN##*:} $GETH_PORT $PROXY_PORT; do
    if port_open "127.0.0.1:$p"; then echo "127.0.0.1:$p is already in use (a bench-scale still running?)" >&2; exit 1; fi
  done
  trap cleanup EXIT
  trap 'exit 130' INT TERM # so the EXIT trap stops the stack
  setup_databases
  start_temporal
  geth_dev_args "$DIR/geth" "$GETH_PORT"
  launch geth bin/geth "${geth_args[@]}"
  wait_port "127.0.0.1:$GETH_PORT" geth "$DIR/logs/geth.log"
  launch proxy "$BENCH" proxy -listen "127.0.0.1:$PROXY_PORT" -target "http://127.0.0.1:$GETH_PORT"
  wait_port "127.0.0.1:$PROXY_PORT" proxy "$DIR/logs/proxy.log"
  start_service
  # shellcheck disable=SC1091
  . "$DIR/env"
  local apis dbs="$TEMPORAL_DB,$VISIBILITY_DB"
  apis=$(printf 'http://127.0.0.1:%s,' "${API_PORTS[@]}")
  [ "$TEMPORAL_KIND" = dev ] && dbs=
  echo "bench-scale: sizes $SIZES, Temporal $TEMPORAL_KIND, on $(nproc) cores; the stack's logs are in $DIR/logs/"
  "$BENCH" -api "${apis%,}" -key "$CHECKOUT_API_KEY" -geth "http://127.0.0.1:$GETH_PORT" \
    -proxy "http://127.0.0.1:$PROXY_PORT" -database "$DATABASE_URL" -temporal "$TEMPORAL_ADDRESS" \
    -temporal-dbs "$dbs" -worker-pids "$(cat "$DIR/pids/worker.pid")" \
    -temporal-pid "$(cat "$DIR/pids/temporal-server.pid")" -sizes "$SIZES" ${BENCH_SCALE_ARGS:-}
}

main
