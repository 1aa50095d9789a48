#!/usr/bin/env bash
# Fuzzes the parsers of outside input (fuzz/): each target runs for the
# given number of seconds (default 60) with libFuzzer, from its corpus in
# fuzz/corpus/<target>, which grows as it finds new paths. A crash stops
# the target; the others still run, the script then fails, and the input
# stays in fuzz/artifacts/<target>/ to replay.
#
# Usage: scripts/fuzz.sh [seconds] [target...]
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH="${1:-60}"
shift || true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/entraide-target}/fuzz"
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
crashed=()
for target in "${targets[@]}"; do
  printf '\n==> %s (%s s)\n' "$target" "$SECONDS_EACH"
  log=$(mktemp)
  if cargo +nightly fuzz run --target-dir "$CARGO_TARGET_DIR" "$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=1024 -print_final_stats=1 >"$log" 2>&1; then
    # The summary: runs, speed, and what the corpus gained.
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$log" || tail -3 "$log"
  else
    grep -E -A12 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -30 >&2
    crashed+=("$target")
  fi
  rm -f "$log"
done
if [ "${#crashed[@]}" -gt 0 ]; then
  echo "crashed: ${crashed[*]} (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
