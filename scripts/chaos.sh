#!/usr/bin/env bash
# `make chaos` (scripts/chaos.sh run) and `make chaos-clean` (scripts/chaos.sh clean): the
# production topology of make cluster, moved onto its own ports (CLUSTER_PORT_OFFSET) and its
# own Postgres cluster (initdb on a spare port), so restarting that Postgres disturbs nothing
# else; then cmd/chaos pays sessions while killing and restarting its parts, and checks.
# Every run starts from nothing (a new Postgres cluster and chain) so a seed repeats; the state
# and logs of the last run stay in .chaos/ until the next run or make chaos-clean.
#
# Settings: CHAOS_SEED (default 1), CHAOS_SESSIONS (default 300), CHAOS_ARGS (more cmd/chaos
# flags, e.g. "-rate 2 -drain 5m").
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=.chaos
PG_PORT=5441
PORT_OFFSET=200 # make cluster's ports + 200: Temporal 7633…, APIs 4442/4443, geth 8745
PROXY_PORT=8746 HOOK_PORT=4460
PG_DATA="$DIR/pg"
PGBIN="${PGBIN:-$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
# initdb and pg_ctl refuse to run as root: then the cluster belongs to the postgres user.
PG_USER=""
[ "$(id -u)" = 0 ] && PG_USER=postgres
as_pg() { if [ -n "$PG_USER" ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }

cluster() { CLUSTER_DIR=$DIR CLUSTER_PORT_OFFSET=$PORT_OFFSET CLUSTER_PG_PORT=$PG_PORT scripts/cluster.sh "$@"; }

stop() {
  [ -d "$DIR/pids" ] && cluster stop
  if [ -f "$PG_DATA/postmaster.pid" ]; then as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && echo "stopped the chaos Postgres"; fi
  return 0
}

start_postgres() {
  mkdir -p "$PG_DATA"
  [ -n "$PG_USER" ] && chown "$PG_USER" "$PG_DATA"
  as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust >"$DIR/logs/initdb.log" 2>&1 ||
    { echo "initdb failed; see $DIR/logs/initdb.log" >&2; exit 1; }
  touch "$DIR/logs/postgres.log" && [ -n "$PG_USER" ] && chown "$PG_USER" "$DIR/logs/postgres.log"
  as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$DIR/logs/postgres.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k /tmp -c max_connections=200" start >/dev/null
  echo "chaos Postgres on 127.0.0.1:$PG_PORT ($PG_DATA)"
}

run() {
  for p in $PG_PORT $((7433 + PORT_OFFSET)) $((8545 + PORT_OFFSET)) $PROXY_PORT $HOOK_PORT $((4242 + PORT_OFFSET)) $((4243 + PORT_OFFSET)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "127.0.0.1:$p is in use (a chaos run already going? make chaos-clean)" >&2; exit 1; fi
  done
  stop
  rm -rf "$DIR/pg" "$DIR/geth" "$DIR/temporal" "$DIR/pids" "$DIR/logs" "$DIR"/*.json "$DIR"/*.log "$DIR/env" "$DIR/gas-wallet"*
  mkdir -p "$DIR/bin" "$DIR/logs"
  go build -o "$DIR/bin/checkout" ./cmd/checkout
  go build -o "$DIR/bin/chaos" ./cmd/chaos
  trap stop EXIT
  start_postgres
  # shellcheck disable=SC2086
  "$DIR/bin/chaos" -dir "$DIR" -seed "${CHAOS_SEED:-1}" -sessions "${CHAOS_SESSIONS:-300}" \
    -port-offset "$PORT_OFFSET" -pg-port "$PG_PORT" -pg-data "$PG_DATA" -pg-ctl "$PGBIN/pg_ctl" -pg-user "$PG_USER" \
    -rpc-port $((8545 + PORT_OFFSET)) -proxy-port "$PROXY_PORT" -hook-port "$HOOK_PORT" ${CHAOS_ARGS:-}
}

case "${1:-run}" in
  run) run ;;
  stop) stop ;;
  clean) stop; rm -rf "$DIR" ;;
  *) echo "usage: scripts/chaos.sh run|stop|clean" >&2; exit 2 ;;
esac
