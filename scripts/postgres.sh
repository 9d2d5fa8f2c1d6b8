#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 for the user postgres:
# uses a running one, starts the local cluster if it is down, or installs Debian's
# postgresql (trust auth on loopback, for development and tests only) when there is none.
set -euo pipefail

host=127.0.0.1 port=5432

answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

if answers; then exit 0; fi

if [ -n "${DATABASE_URL:-}" ] && [[ "$DATABASE_URL" != *"127.0.0.1"* && "$DATABASE_URL" != *"localhost"* ]]; then
  echo "DATABASE_URL points at another host; not starting a local Postgres." >&2
  exit 0
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed and this is not root: install it (apt-get install postgresql) or set DATABASE_URL." >&2
    exit 1
  fi
  echo "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
  ver=$(ls /etc/postgresql | sort -V | tail -n1)
  hba=/etc/postgresql/$ver/main/pg_hba.conf
  # Development cluster only: trust loopback connections, as on the project's machines.
  sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
fi

ver=$(ls /etc/postgresql | sort -V | tail -n1)
echo "starting PostgreSQL $ver"
pg_ctlcluster --skip-systemctl-redirect "$ver" main start || true
for _ in $(seq 1 50); do
  if answers; then exit 0; fi
  sleep 0.2
done
echo "PostgreSQL did not answer on $host:$port" >&2
exit 1
