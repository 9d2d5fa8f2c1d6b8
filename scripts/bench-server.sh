#!/usr/bin/env bash
# `make bench-server`: make bench's create and webhook tables with Temporal as make cluster and
# production run it (temporal-server on Postgres), not the CLI's dev server on SQLite. Starts
# a server of its own on ports no other target uses, with databases bench_server_* on the
# local Postgres, runs cmd/bench against it (BENCH_ARGS, default the create and webhook
# sections), then stops it and drops the databases. State and logs: .bench-server/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

DIR=.bench-server
TEMPORAL_PORT=7933 HISTORY_PORT=7934 MATCHING_PORT=7935 WORKER_PORT=7939 FRONTEND_HTTP_PORT=7943
MEMBERSHIP_BASE=6933 METRICS_PORT=9933 PPROF_PORT=7946
PG_PORT=5432
PG_ADMIN_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
TEMPORAL_DB=bench_server_temporal
VISIBILITY_DB=bench_server_visibility
TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"

drop_databases() {
  local db
  for db in $TEMPORAL_DB $VISIBILITY_DB; do psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
}

cleanup() {
  stop_one temporal-server
  drop_databases
  rm -rf "$DIR/temporal"
}

main() {
  mkdir -p "$DIR/logs" "$DIR/pids"
  if port_open "$TEMPORAL_ADDRESS"; then echo "$TEMPORAL_ADDRESS is already in use (a bench-server still running?)" >&2; exit 1; fi
  trap cleanup EXIT
  trap 'exit 130' INT TERM # so the EXIT trap stops the server
  drop_databases
  temporal_server_databases
  start_temporal_server 10 2
  # shellcheck disable=SC2086
  go run ./cmd/bench -temporal-address "$TEMPORAL_ADDRESS" ${BENCH_ARGS:--sections create,webhooks}
}

main
