#!/usr/bin/env bash
# The matching benchmark at regional scale (docs/benchmarks.md): generates
# the region (1,000,000 members, 200,000 needs and offers by default) on
# SQLite and on PostgreSQL, times "the 20 best helpers for a need within
# 3 km" and "needs near me, filtered, first page" in process on each, then
# the PostGIS baseline over the same places. Loopback only.
#
# The PostgreSQL database (ENTRAIDE_BENCH_POSTGRES_URL) should start empty:
# when it already holds members, its data is used as it is. Generation and
# queries run as two processes, so the peak memory printed by the second
# is that of the queries alone.
#
# Settings: BENCH_MEMBERS, BENCH_EXCHANGES, BENCH_QUERIES (2000),
# BENCH_BUDGET_SECS (900 per question and backend), BENCH_SEED (42),
# BENCH_WORK_DIR (kept when given; otherwise a temporary directory).
# Usage: scripts/bench-matching.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
PG_URL="${ENTRAIDE_BENCH_POSTGRES_URL:-postgres://entraide:entraide@127.0.0.1:5432/entraide_bench}"
export ENTRAIDE_BENCH_POSTGRES_URL="$PG_URL"
MEMBERS="${BENCH_MEMBERS:-1000000}"
EXCHANGES="${BENCH_EXCHANGES:-200000}"
QUERIES="${BENCH_QUERIES:-2000}"
export BENCH_BUDGET_SECS="${BENCH_BUDGET_SECS:-900}"
SEED="${BENCH_SEED:-42}"
if [ -n "${BENCH_WORK_DIR:-}" ]; then
  WORK="$BENCH_WORK_DIR"
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi

cargo build --release -q -p entraide --example matching_bench
BIN="$CARGO_TARGET_DIR/release/examples/matching_bench"

run() { # label database_url [extra arguments]
  local label=$1 url=$2
  shift 2
  echo "== $label"
  "$BIN" --database-url "$url" --members "$MEMBERS" --exchanges "$EXCHANGES" --seed "$SEED" \
    --queries 0
  "$BIN" --database-url "$url" --members "$MEMBERS" --exchanges "$EXCHANGES" --seed "$SEED" \
    --queries "$QUERIES" --budget-secs "$BENCH_BUDGET_SECS" "$@"
}

run SQLite "sqlite://$WORK/matching.db"
run PostgreSQL "$PG_URL" --places-out "$WORK/places.csv"
echo "== PostGIS baseline"
scripts/postgis-baseline.sh "$WORK/places.csv"
