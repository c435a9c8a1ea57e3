#!/usr/bin/env bash
# Run a command against throwaway PostgreSQL and Redis, started here and stopped on exit.
#
#   scripts/test-services.sh COMMAND [ARGS...]
#
# DATABASE_URL / REDIS_URL already set: those servers are used and nothing is started.
# Otherwise PostgreSQL 15 (server binaries from PG_BIN, default /usr/lib/postgresql/15/bin)
# runs as an unprivileged user (it refuses root), and redis-server is installed from Debian's
# packages when missing and we are root. Both listen on free loopback ports only.
# The browser tests (tests/e2e) drive Debian's Chromium: installed from its `chromium` package
# the same way when missing, and its path exported as PILOTAGE_CHROMIUM (already set: kept).
# Playwright's own browser download is never used.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
work=$(mktemp -d /tmp/pilotage-test.XXXXXX)
chmod 755 "$work"
pg_started="" redis_pid=""

log() { printf '[test-services] %s\n' "$*" >&2; }

cleanup() {
  local status=$?
  if [ -n "$pg_started" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_user=""
as_pg() {
  if [ -n "$pg_user" ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

start_postgres() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    log "PostgreSQL server binaries not found in $PG_BIN."
    log "Install them (Debian: apt-get install postgresql-15) or set DATABASE_URL."
    exit 1
  fi
  if [ "$(id -u)" = "0" ]; then
    if id postgres >/dev/null 2>&1; then pg_user=postgres; else pg_user=nobody; fi
  fi
  mkdir -p "$work/pg" "$work/pgsock"
  [ -n "$pg_user" ] && chown "$pg_user" "$work/pg" "$work/pgsock"
  local port
  port=$(free_port)
  as_pg "$PG_BIN/initdb" -D "$work/pg" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $work/pgsock -c fsync=off \
        -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || { cat "$work/pg/server.log" >&2; exit 1; }
  pg_started=1
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/pilotage"
  log "PostgreSQL on 127.0.0.1:$port"
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      log "redis-server missing: installing Debian's redis-server package"
      export DEBIAN_FRONTEND=noninteractive
      { apt-get install -y -qq redis-server || { apt-get update -qq && apt-get install -y -qq redis-server; }; } >"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log" >&2; log "Could not install redis-server."; exit 1; }
    else
      log "redis-server is not installed. Install it (Debian: sudo apt-get install redis-server)"
      log "or set REDIS_URL to a running Redis."
      exit 1
    fi
  fi
  local port
  port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" --logfile "$work/redis.log" &
  redis_pid=$!
  for _ in $(seq 1 50); do
    if redis-cli -p "$port" ping >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null || { cat "$work/redis.log" >&2; exit 1; }
  export REDIS_URL="redis://127.0.0.1:$port/0"
  export REDIS_SERVER_PORT="$port"
  log "Redis on 127.0.0.1:$port"
}

ensure_chromium() {
  local path
  path=$(command -v chromium || true)
  if [ -z "$path" ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      log "chromium missing: installing Debian's chromium package (for the browser tests)"
      export DEBIAN_FRONTEND=noninteractive
      { apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }; } >"$work/apt-chromium.log" 2>&1 \
        || { cat "$work/apt-chromium.log" >&2; log "Could not install chromium."; exit 1; }
      path=$(command -v chromium || true)
      [ -n "$path" ] || { log "chromium installed but not found on the PATH."; exit 1; }
    else
      # Not fatal: every other test can still run; the browser tests fail saying why.
      log "chromium is not installed: the browser tests (tests/e2e) will fail. Install it"
      log "(Debian: sudo apt-get install chromium) or set PILOTAGE_CHROMIUM to a Chromium."
      return 0
    fi
  fi
  export PILOTAGE_CHROMIUM="$path"
}

[ -n "${PILOTAGE_CHROMIUM:-}" ] || ensure_chromium
[ -n "${DATABASE_URL:-}" ] || start_postgres
[ -n "${REDIS_URL:-}" ] || start_redis
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-$REDIS_URL}"

"$@"
