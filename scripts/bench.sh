#!/usr/bin/env bash
# Foundation benchmark: wrk -t2 -c64 -d20s on the home page and GET /api/v1/me
# (SQLite, and PostgreSQL when ENTRAIDE_BENCH_POSTGRES_URL is set), next to a
# bare axum "hello" handler; cold start to the first 200 on /healthz with the
# demo data; resident memory at idle. Targets loopback only.
# Usage: scripts/bench.sh            (needs wrk and curl)
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
DURATION="${BENCH_DURATION:-20s}"
cargo build --release -q -p entraide --bin entraide
cargo build --release -q -p entraide-web --example hello
BIN="$CARGO_TARGET_DIR/release/entraide"
HELLO="$CARGO_TARGET_DIR/release/examples/hello"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

load() { # label url [header]
  local out
  if [ $# -ge 3 ]; then out=$(wrk -t2 -c64 -d"$DURATION" --latency -H "$3" "$2"); else out=$(wrk -t2 -c64 -d"$DURATION" --latency "$2"); fi
  local rps p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr '\n' ' ' || true)
  printf '| %s | %s | %s | %s |\n' "$1" "$rps" "$p99" "${errors:-none}"
}

wait_up() { # url
  for _ in $(seq 1 200); do curl -fs -o /dev/null "$1" && return 0; sleep 0.05; done
  echo "server did not start" >&2; exit 1
}

run_backend() { # label database_url port
  local label=$1 url=$2 port=$3 dir="$WORK/$1"
  mkdir -p "$dir"
  ENTRAIDE_DATA_DIR="$dir" ENTRAIDE_DATABASE_URL="$url" "$BIN" demo >/dev/null
  local start end pid
  start=$(date +%s%N)
  ENTRAIDE_DATA_DIR="$dir" ENTRAIDE_DATABASE_URL="$url" ENTRAIDE_BIND="127.0.0.1:$port" RUST_LOG=warn "$BIN" serve >"$dir/log" 2>&1 &
  pid=$!
  wait_up "http://127.0.0.1:$port/healthz"
  end=$(date +%s%N)
  sleep 2
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "$label: cold start to first 200 on /healthz: $(( (end - start) / 1000000 )) ms; idle RSS: $(( rss / 1024 )) MB" >&2
  local token
  token=$(curl -fs -H 'content-type: application/json' \
    -d '{"email":"voisine@demo.entraide.test","password":"entraide-demo"}' \
    "http://127.0.0.1:$port/api/v1/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  load "$label home page /" "http://127.0.0.1:$port/"
  load "$label GET /api/v1/me" "http://127.0.0.1:$port/api/v1/me" "Authorization: Bearer $token"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "$label: RSS after load: $(( rss / 1024 )) MB" >&2
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "| target | requests/s | p99 | errors |"
echo "|---|---|---|---|"
HELLO_BIND=127.0.0.1:18090 "$HELLO" & hello_pid=$!
wait_up http://127.0.0.1:18090/
load "bare axum hello" "http://127.0.0.1:18090/"
kill "$hello_pid"
run_backend sqlite "sqlite://$WORK/sqlite/entraide.db" 18091
if [ -n "${ENTRAIDE_BENCH_POSTGRES_URL:-}" ]; then
  run_backend postgres "$ENTRAIDE_BENCH_POSTGRES_URL" 18092
fi
