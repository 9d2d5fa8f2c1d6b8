# Shell functions shared by scripts/dev.sh (`make dev`) and scripts/cluster.sh (`make cluster`).
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
