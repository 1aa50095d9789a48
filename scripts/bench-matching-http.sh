#!/usr/bin/env bash
# "The 20 best helpers for a need within 3 km" over HTTP, on a database that
# crates/entraide/examples/matching_bench.rs filled (1,000,000 members):
# starts the server on it, waits for its in-memory helper index, then runs
# wrk against GET /api/v1/exchanges/{id}/helpers over 500 random open needs.
#
# The asking account is a coordinator of an organisation made to accompany
# every generated member, so it may see matches for any need, as a
# coordinator does for the people they accompany. This rewrites
# users.registered_org in that database: use a benchmark copy only.
#
# Usage: scripts/bench-matching-http.sh sqlite:///path/matching.db
#        scripts/bench-matching-http.sh postgres://entraide:entraide@127.0.0.1:5432/entraide_bench
# Needs wrk, curl, and sqlite3 or psql. Targets loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${1:?database URL}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}"
DURATION="${BENCH_DURATION:-20s}"
PORT="${BENCH_PORT:-18095}"
cargo build --release -q -p entraide --bin entraide
BIN="$CARGO_TARGET_DIR/release/entraide"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

sql() { # one statement; prints rows, one per line
  case "$URL" in
    sqlite://*) sqlite3 "${URL#sqlite://}" "$1" ;;
    *) psql -qtA "$URL" -c "$1" ;;
  esac
}

ENTRAIDE_DATA_DIR="$WORK" ENTRAIDE_DATABASE_URL="$URL" ENTRAIDE_BIND="127.0.0.1:$PORT" \
  RUST_LOG=info "$BIN" serve >"$WORK/log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q "helper index loaded" "$WORK/log" && break
  sleep 0.5
done
grep "helper index loaded" "$WORK/log" >&2 || { echo "the index did not load" >&2; exit 1; }

email="bench-$(date +%s)@example.org"
token=$(curl -fs -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"bench-password-1\",\"display_name\":\"Coordination\"}" \
  "http://127.0.0.1:$PORT/api/v1/signup" | sed -E 's/.*"token":"([^"]+)".*/\1/')
org=$(curl -fs -H 'content-type: application/json' -H "Authorization: Bearer $token" \
  -d "{\"name\":\"Banc d'essai $(date +%s)\",\"kind\":\"association\"}" \
  "http://127.0.0.1:$PORT/api/v1/orgs" | sed -E 's/.*"id":([0-9]+).*/\1/')
sql "UPDATE users SET registered_org = $org WHERE email IS NULL OR email <> '$email'" >/dev/null
ids=$(sql "SELECT id FROM exchanges WHERE kind = 'need' AND state = 'open' ORDER BY random() LIMIT 500" | paste -sd, -)
cat >"$WORK/helpers.lua" <<EOF
local ids = {$ids}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/exchanges/" .. ids[(n % #ids) + 1] .. "/helpers")
end
EOF
curl -fs -o /dev/null -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$PORT/api/v1/exchanges/${ids%%,*}/helpers" || { echo "the helpers endpoint refused" >&2; exit 1; }
# One client gives the latency of a request alone; sixteen, the throughput.
for clients in 1 16; do
  echo "wrk -c$clients:"
  wrk -t"$(( clients > 1 ? 2 : 1 ))" -c"$clients" -d"$DURATION" --latency -s "$WORK/helpers.lua" \
    -H "Authorization: Bearer $token" "http://127.0.0.1:$PORT" |
    grep -E 'Requests/sec| 50%| 99%|Non-2xx|Socket errors'
done
# "Needs near me, filtered, first page": from a home at the centre of
# Paris (the densest place), one category after another.
curl -fs -o /dev/null -X PUT -H 'content-type: application/json' -H "Authorization: Bearer $token" \
  -d '{"lat":"48.8566","lng":"2.3522"}' "http://127.0.0.1:$PORT/api/v1/me/location"
cat >"$WORK/search.lua" <<'EOF2'
local categories = {"small-jobs", "childcare", "tutoring", "workshops", "errands", "paperwork",
  "visits", "transport", "moving", "gardening", "cooking", "translation", "other"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/exchanges?kind=need&radius=3000&category=" .. categories[(n % #categories) + 1])
end
EOF2
echo "needs near me, wrk -c1:"
wrk -t1 -c1 -d"$DURATION" --latency -s "$WORK/search.lua" -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$PORT" | grep -E 'Requests/sec| 50%| 99%|Non-2xx|Socket errors'
echo "server resident memory after the run: $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB (peak $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") kB)"
