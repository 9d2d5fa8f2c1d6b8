#!/usr/bin/env bash
# `make dev`: runs the whole product locally in the foreground; Ctrl-C stops everything it started.
# State lives in .dev/ (Temporal's SQLite file, the dev chain, the demo key), so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
mkdir -p .dev

own_db=0; [ -z "${DATABASE_URL:-}" ] && own_db=1 # the dev database is ours to recreate; one given to us never is
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/checkout?sslmode=disable}"
export TEMPORAL_ADDRESS="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
export CHECKOUT_LISTEN="${CHECKOUT_LISTEN:-127.0.0.1:4242}"
export CHECKOUT_WEBHOOK_ALLOW_PRIVATE="${CHECKOUT_WEBHOOK_ALLOW_PRIVATE:-true}" # local receivers in development
export CHECKOUT_PUBLIC_URL="${CHECKOUT_PUBLIC_URL:-http://$CHECKOUT_LISTEN}"
# The key that encrypts webhook secrets at rest, made once (losing it loses the dev endpoints' secrets).
load_secrets_key .dev
UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export CHECKOUT_TEMPORAL_UI_URL="${CHECKOUT_TEMPORAL_UI_URL:-http://127.0.0.1:$UI_PORT}" # the dashboard links sessions' workflows there
ETH_PORT="${ETH_RPC_PORT:-8545}"

pids=()
cleanup() {
  trap - EXIT INT TERM
  echo; echo "stopping…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for addr in "$TEMPORAL_ADDRESS" "127.0.0.1:$ETH_PORT" "$CHECKOUT_LISTEN"; do
  if port_open "$addr"; then echo "$addr is already in use: is another 'make dev' running?" >&2; exit 1; fi
done

# The database named in DATABASE_URL, created once. A fresh .dev (new chain, new secrets key)
# starts a fresh dev database: the old one's cursors point into a chain that is gone and its
# webhook secrets were sealed with a key that is gone.
ensure_database "$DATABASE_URL" "$(( fresh && own_db ))"

# WAL without a sync per commit: a killed server loses nothing, a power cut may lose the last
# moments of dev history; the default journal syncs several times per write and starts few
# workflows/s. Eager activities: an activity scheduled by a workflow task goes straight back to
# the worker that completed it (select_asset waits on one), not through matching.
bin/temporal server start-dev --ip 127.0.0.1 --port "${TEMPORAL_ADDRESS##*:}" --ui-port "$UI_PORT" \
  --db-filename .dev/temporal.db --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
  --dynamic-config-value system.enableActivityEagerExecution=true \
  --log-level warn > .dev/temporal.log 2>&1 &
pids+=($!)
geth_dev_args .dev/geth "$ETH_PORT"
bin/geth "${geth_args[@]}" > .dev/geth.log 2>&1 &
pids+=($!)
wait_port "$TEMPORAL_ADDRESS" "Temporal" .dev/temporal.log
wait_port "127.0.0.1:$ETH_PORT" "geth" .dev/geth.log

deploy_dev_chain "http://127.0.0.1:$ETH_PORT" .dev

bin/checkout migrate
bin/checkout dev seed --env-file .dev/env
# shellcheck disable=SC1091
. .dev/env

bin/checkout serve > >(tee .dev/checkout.log) 2>&1 &
pids+=($!)
wait_port "$CHECKOUT_LISTEN" "the checkout service" .dev/checkout.log

cat <<BANNER

  Crypto checkout is running (Ctrl-C stops everything).

  API              $CHECKOUT_API_URL
  Temporal Web UI  http://127.0.0.1:$UI_PORT
  Dev chain RPC    http://127.0.0.1:$ETH_PORT (chain id 1337)
  Test key         $CHECKOUT_API_KEY   (also in .dev/env)
  Dashboard        $CHECKOUT_API_URL/dashboard
                   sign in as $CHECKOUT_DASHBOARD_EMAIL with $CHECKOUT_DASHBOARD_PASSWORD

  Create a checkout session:

    curl $CHECKOUT_API_URL/v1/checkout/sessions -u $CHECKOUT_API_KEY: \\
      -d mode=payment \\
      -d "line_items[0][price_data][currency]=usd" \\
      -d "line_items[0][price_data][unit_amount]=1999" \\
      -d "line_items[0][price_data][product_data][name]=T-shirt" \\
      -d "line_items[0][quantity]=2"

  Watch signed webhooks arrive (in another terminal), then pay from the dev account
  (tUSD is the test stablecoin; eth@dev works too):

    bin/checkout dev listen
    bin/checkout dev pay cs_test_… --asset tusd@dev

  See what an address holds (e.g. your payout address after a sweep):

    bin/checkout dev balance 0xYourPayoutAddress

BANNER
wait "${pids[2]}"
