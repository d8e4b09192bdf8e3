#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the test suite and prints `export TEST_PG_URL=...` on stdout
# (everything else goes to stderr), so callers do: eval "$(scripts/ci-postgres.sh)".
# Installs PostgreSQL with apt-get only when initdb is missing. Idempotent: a cluster already running in
# the data directory is reused. Trust authentication on loopback only: it is a test database.
set -euo pipefail

PORT="${TEST_PG_PORT:-55432}"
DATA="${TEST_PG_DATA:-${TMPDIR:-/tmp}/checks-out-test-pg}"
DB="checks_out_test"
log() { echo "ci-postgres: $*" >&2; }

find_bin() {
  local name="$1" dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
  done
  return 1
}

if ! find_bin initdb >/dev/null; then
  log "initdb not found: installing postgresql with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo -E"; fi
  $SUDO apt-get update >&2
  $SUDO apt-get install -y --no-install-recommends postgresql >&2
fi
INITDB="$(find_bin initdb)"
PG_CTL="$(find_bin pg_ctl)"
PSQL="$(find_bin psql)"
BIN_DIR="$(dirname "$INITDB")"

# PostgreSQL refuses to run as root: use the `postgres` account (created by the package) when we are root.
run_as() {
  if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then useradd --system --home-dir /var/lib/postgresql postgres >&2; fi
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$DATA"
  chown postgres "$DATA"
  chmod 700 "$DATA"
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  log "creating cluster in $DATA"
  run_as "$INITDB" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
fi

if run_as "$PG_CTL" -D "$DATA" status >/dev/null 2>&1; then
  log "cluster already running in $DATA"
else
  log "starting cluster on 127.0.0.1:$PORT"
  run_as "$PG_CTL" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA -c fsync=off -c max_connections=200" start >&2
fi

if ! run_as "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" postgres | grep -q 1; then
  run_as "$PSQL" -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE $DB" postgres >&2
fi

log "ready (binaries in $BIN_DIR)"
echo "export TEST_PG_URL=postgres://postgres@127.0.0.1:$PORT/$DB"
