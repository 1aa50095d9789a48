#!/usr/bin/env bash
# Load and soak: starts the real binary with the demo data on a free
# loopback port (fresh temporary data folder, SQLite), finds the highest
# request rate the mixed read/write load of examples/load/ sustains with a
# p99 under 250 ms and no error in steps of 30 s, then holds 70 % of it for
# [minutes] while the server's resident memory is read each minute. Prints
# a summary.
#
# With ENTRAIDE_SOAK_POSTGRES_URL set it does the same on PostgreSQL, in a
# new schema of that database (created with psql, reached through the
# URL's search_path, dropped at exit), so the database itself is not wiped.
#
# Bounded: [minutes] is at most 240, the rate search at most 24 steps, and
# every request goes to 127.0.0.1. SOAK_STEP_SECONDS sets the length of a
# search step (default 30); SOAK_RATE=N skips the search and holds N/s,
# and SOAK_RATE="N M …" holds each rate in turn for [minutes];
# SOAK_ONLY=sqlite or SOAK_ONLY=postgres runs one backend.
#
# SOAK_DATABASE_URL=sqlite://…|postgres://… runs on that database instead,
# as it is (not wiped: the million-member region that
# examples/matching_bench.rs generates, say), with the demo seeded on top if
# it is not there yet; SOAK_ONLY and ENTRAIDE_SOAK_POSTGRES_URL are then
# ignored.
# Usage: scripts/soak.sh [minutes]      (default 10; needs curl, and psql for PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
MINUTES="${1:-10}"
STEP_SECONDS="${SOAK_STEP_SECONDS:-30}"
if ! [[ "$MINUTES" =~ ^[0-9]+$ ]] || [ "$MINUTES" -lt 1 ] || [ "$MINUTES" -gt 240 ]; then
  echo "minutes must be a whole number from 1 to 240" >&2; exit 2
fi
# Two builds: the example's dev-dependencies would otherwise change the
# binary's features and rebuild it.
cargo build --release -q -p entraide --bin entraide
cargo build --release -q -p entraide --example load
BIN="$CARGO_TARGET_DIR/release/entraide"
LOAD="$CARGO_TARGET_DIR/release/examples/load"
WORK=$(mktemp -d)
SERVER_PID=""
PG_SCHEMA=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_SCHEMA" ]; then psql -q "$ENTRAIDE_SOAK_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS $PG_SCHEMA CASCADE" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { # the first loopback port from 18200 nobody listens on
  local port
  for port in $(seq 18200 18299); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  echo "no free port in 18200-18299" >&2; exit 1
}

wait_up() { # url
  for _ in $(seq 1 400); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "server did not start" >&2; exit 1
}

summarise() { # label max rate results: the load tool's key=value lines into a table
  {
    echo
    echo "### $1: max $2 requests/s; soak at $3 requests/s for $MINUTES min"
    echo "| minute | requests | p50 ms | p99 ms | max ms | errors | RSS MB |"
    echo "|---|---|---|---|---|---|---|"
    awk '/^minute=/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", v["minute"], v["requests"], v["p50_ms"], v["p99_ms"], v["max_ms"], v["errors"], v["rss_mb"] }' "$4"
    awk '/^total/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      printf "total: %s requests, %s errors (%s), %s expected refusals, p99 %s ms, late starts %s\n", v["requests"], v["errors"], v["error_kinds"], v["refused"], v["p99_ms"], v["late_starts"] }' "$4"
  } >>"$WORK/summary.md"
}

run_backend() { # label database_url
  local label=$1 url=$2 dir="$WORK/$1" port
  mkdir -p "$dir"
  port=$(free_port)
  ENTRAIDE_DATA_DIR="$dir" ENTRAIDE_DATABASE_URL="$url" "$BIN" demo >/dev/null
  ENTRAIDE_DATA_DIR="$dir" ENTRAIDE_DATABASE_URL="$url" ENTRAIDE_BIND="127.0.0.1:$port" RUST_LOG=warn \
    "$BIN" serve >"$dir/log" 2>&1 &
  SERVER_PID=$!
  local base="http://127.0.0.1:$port"
  wait_up "$base/healthz"
  # The server answers at once but reads every member into its helper
  # index first: at a million members that takes seconds of both cores,
  # which the first step of the search would otherwise be measured against.
  local ready=""
  for _ in $(seq 1 1200); do
    if grep -q '^helper_index_ready 1' <<<"$(curl -fs "$base/metrics" || true)"; then ready=1; break; fi
    sleep 0.5
  done
  [ -n "$ready" ] || { echo "$label: the helper index did not load" >&2; exit 1; }

  local max rates rate
  if [ -n "${SOAK_RATE:-}" ]; then
    # Rates chosen by hand skip the search: to hold a rate known to be
    # sustainable, to compare runs at the same rate, or to try a few.
    max="not searched"; rates=$SOAK_RATE
  else
    echo "== $label: searching the maximum rate ($STEP_SECONDS s steps)"
    "$LOAD" --base "$base" --max --step-seconds "$STEP_SECONDS" --pid "$SERVER_PID" | tee "$dir/max.txt"
    max=$(awk -F= '/^max_rate=/ {print $2}' "$dir/max.txt")
    rates=$(( max * 70 / 100 ))
  fi
  local first=1
  for rate in $rates; do
    # Between two rates the server is left 10 s to finish what is in flight.
    [ "$first" = 1 ] || sleep 10
    first=0
    if ! [[ "$rate" =~ ^[0-9]+$ ]] || [ "$rate" -lt 1 ]; then echo "$label: no passing rate found" >&2; return 1; fi
    echo "== $label: soak at $rate requests/s (max: $max) for $MINUTES min"
    "$LOAD" --base "$base" --rate "$rate" --seconds $(( MINUTES * 60 )) --pid "$SERVER_PID" | tee "$dir/soak-$rate.txt"
    summarise "$label" "$max" "$rate" "$dir/soak-$rate.txt"
  done

  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  # Case-sensitive: the level ERROR, not a column such as last_error quoted
  # in a slow-statement warning.
  if grep -qE 'panicked|ERROR' "$dir/log"; then
    echo "$label: the server log has errors:" >&2; grep -E 'panicked|ERROR' "$dir/log" | head -5 >&2
  fi
}

if [ -n "${SOAK_DATABASE_URL:-}" ]; then
  run_backend "${SOAK_DATABASE_URL%%:*}" "$SOAK_DATABASE_URL"
  cat "$WORK/summary.md"; exit 0
fi
if [ "${SOAK_ONLY:-}" != postgres ]; then
  run_backend sqlite "sqlite://$WORK/sqlite/entraide.db"
fi
if [ -n "${ENTRAIDE_SOAK_POSTGRES_URL:-}" ] && [ "${SOAK_ONLY:-}" != sqlite ]; then
  PG_SCHEMA="soak_$(date +%s)_$$"
  psql -q "$ENTRAIDE_SOAK_POSTGRES_URL" -c "CREATE SCHEMA $PG_SCHEMA" >/dev/null
  case "$ENTRAIDE_SOAK_POSTGRES_URL" in *\?*) sep='&' ;; *) sep='?' ;; esac
  run_backend postgres "${ENTRAIDE_SOAK_POSTGRES_URL}${sep}options=-c%20search_path%3D$PG_SCHEMA"
fi
cat "$WORK/summary.md"
