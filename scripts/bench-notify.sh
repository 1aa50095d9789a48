#!/usr/bin/env bash
# Notifications, mail and live streams (docs/benchmarks.md):
#  1. fan-out of one event to 10,000 people: the notification rows and
#     delivery jobs written by one call, then every email rendered as the
#     worker does (SQLite and PostgreSQL, median of BENCH_RUNS runs);
#  2. emails per second from the job worker to an SMTP server on loopback
#     (the server in notify_bench, measured alone first; aiosmtpd as a
#     second opinion when Python has it);
#  3. concurrent /events streams held by `entraide serve`, its memory per
#     stream, and the time for one notification to everyone to reach every
#     stream (SQLite through `sse_bench serve`, PostgreSQL through the
#     database as another node would).
# Loopback only; every wait is bounded.
#
# Settings: ENTRAIDE_BENCH_POSTGRES_URL (an empty database the benchmark may
# wipe; default postgres://entraide:entraide@127.0.0.1:5432/entraide_notify_bench),
# BENCH_RUNS (3), BENCH_RECIPIENTS (10000), BENCH_EMAILS (2000),
# BENCH_STREAMS (1000,5000,10000), BENCH_PARTS (fanout,mail,sse).
# Usage: scripts/bench-notify.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
PG_URL="${ENTRAIDE_BENCH_POSTGRES_URL:-postgres://entraide:entraide@127.0.0.1:5432/entraide_notify_bench}"
RUNS="${BENCH_RUNS:-3}"
RECIPIENTS="${BENCH_RECIPIENTS:-10000}"
EMAILS="${BENCH_EMAILS:-2000}"
STREAMS="${BENCH_STREAMS:-1000,5000,10000}"
PARTS="${BENCH_PARTS:-fanout,mail,sse}"
LARGEST="${STREAMS##*,}"

cargo build --release -q -p entraide --bin entraide
cargo build --release -q -p entraide-web --example notify_bench --example sse_bench
BIN="$CARGO_TARGET_DIR/release/entraide"
NOTIFY="$CARGO_TARGET_DIR/release/examples/notify_bench"
SSE="$CARGO_TARGET_DIR/release/examples/sse_bench"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
  "$(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r)"

wipe_postgres() { # the public schema, and the schemas of earlier runs
  local quiet='-c client_min_messages=warning'
  PGOPTIONS="$quiet" psql -qtA "$PG_URL" \
    -c "SELECT 'DROP SCHEMA ' || nspname || ' CASCADE;' FROM pg_namespace WHERE nspname LIKE 't\_%'" |
    PGOPTIONS="$quiet" psql -q "$PG_URL" >/dev/null
  PGOPTIONS="$quiet" psql -q "$PG_URL" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;'
}

part() { [[ ",$PARTS," == *",$1,"* ]]; }

if part fanout; then
  echo "== 1. fan-out"
  timeout 1800 "$NOTIFY" fanout --backend sqlite --recipients "$RECIPIENTS" --runs "$RUNS"
  wipe_postgres
  ENTRAIDE_TEST_POSTGRES_URL="$PG_URL" timeout 1800 \
    "$NOTIFY" fanout --backend postgres --recipients "$RECIPIENTS" --runs "$RUNS"
fi

if part mail; then
  echo "== 2. mail"
  timeout 600 "$NOTIFY" sink --emails "$EMAILS"
  for workers in 1 4 16; do
    timeout 1800 "$NOTIFY" mail --backend sqlite --emails "$EMAILS" --runs "$RUNS" --workers "$workers"
  done
  wipe_postgres
  for workers in 1 4 16; do
    ENTRAIDE_TEST_POSTGRES_URL="$PG_URL" timeout 1800 \
      "$NOTIFY" mail --backend postgres --emails "$EMAILS" --runs "$RUNS" --workers "$workers"
  done
  if python3 -c 'import aiosmtpd' 2>/dev/null; then
    echo "-- the same against aiosmtpd (Python), one run each"
    python3 -m aiosmtpd -n -l 127.0.0.1:18125 -c aiosmtpd.handlers.Sink &
    smtp_pid=$!
    sleep 2
    timeout 600 "$NOTIFY" sink --emails "$EMAILS" --smtp-port 18125
    timeout 600 "$NOTIFY" mail --backend sqlite --emails "$EMAILS" --runs 1 --workers 1 --smtp-port 18125
    kill "$smtp_pid"
  fi
fi

wait_up() { # url
  for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "server did not start" >&2
  exit 1
}

if part sse; then
  echo "== 3. live streams"
  # One descriptor per stream on each side.
  ulimit -n "$(ulimit -Hn)"
  if (( $(ulimit -n) < LARGEST + 200 )); then
    echo "open files limited to $(ulimit -n): fewer streams than $LARGEST" >&2
  fi
  "$SSE" prepare --database-url "sqlite://$WORK/sse.db" --people "$LARGEST" --tokens "$WORK/sqlite.tokens"

  echo "-- SQLite, entraide serve: memory"
  ENTRAIDE_DATA_DIR="$WORK" ENTRAIDE_DATABASE_URL="sqlite://$WORK/sse.db" ENTRAIDE_BIND=127.0.0.1:18131 \
    RUST_LOG=warn "$BIN" serve >"$WORK/serve-sqlite.log" 2>&1 &
  pid=$!
  wait_up http://127.0.0.1:18131/healthz
  sleep 2
  timeout 900 "$SSE" streams --url http://127.0.0.1:18131 --tokens "$WORK/sqlite.tokens" \
    --steps "$STREAMS" --server-pid "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true

  echo "-- SQLite, sse_bench serve: one notification to everyone"
  "$SSE" serve --database-url "sqlite://$WORK/sse.db" --tokens "$WORK/sqlite.tokens" \
    --bind 127.0.0.1:18132 --trigger 127.0.0.1:18133 >"$WORK/serve-sqlite-signal.log" 2>&1 &
  pid=$!
  wait_up http://127.0.0.1:18132/healthz
  sleep 2
  timeout 900 "$SSE" streams --url http://127.0.0.1:18132 --tokens "$WORK/sqlite.tokens" \
    --steps "$STREAMS" --server-pid "$pid" --signal-url http://127.0.0.1:18133
  kill "$pid"; wait "$pid" 2>/dev/null || true

  echo "-- PostgreSQL, entraide serve: memory, and one notification to everyone through the database"
  wipe_postgres
  "$SSE" prepare --database-url "$PG_URL" --people "$LARGEST" --tokens "$WORK/postgres.tokens"
  ENTRAIDE_DATA_DIR="$WORK" ENTRAIDE_DATABASE_URL="$PG_URL" ENTRAIDE_BIND=127.0.0.1:18134 \
    RUST_LOG=warn "$BIN" serve >"$WORK/serve-postgres.log" 2>&1 &
  pid=$!
  wait_up http://127.0.0.1:18134/healthz
  sleep 2
  timeout 900 "$SSE" streams --url http://127.0.0.1:18134 --tokens "$WORK/postgres.tokens" \
    --steps "$STREAMS" --server-pid "$pid" --signal-database-url "$PG_URL"
  kill "$pid"; wait "$pid" 2>/dev/null || true
fi
