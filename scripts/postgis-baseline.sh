#!/usr/bin/env bash
# The PostGIS baseline of the matching benchmark: on the PostgreSQL database
# the generator filled (examples/matching_bench), builds geography columns
# with GiST indexes and text[] tags in tables of its own (postgis_*), then
# times the two questions as plain PostGIS queries over the places the
# in-process run wrote with --places-out, and prints p50/p99.
# Loopback only. Bounded: BENCH_BUDGET_SECS per question (default 900),
# and the whole run is stopped after three times that plus 30 minutes.
# Its tables are dropped at the end (POSTGIS_KEEP=on keeps them); the
# postgis extension, created when missing, stays.
# Usage: scripts/postgis-baseline.sh places.csv
set -euo pipefail
cd "$(dirname "$0")/.."
URL="${ENTRAIDE_BENCH_POSTGRES_URL:-postgres://entraide:entraide@127.0.0.1:5432/entraide_bench}"
PLACES="${1:?usage: scripts/postgis-baseline.sh places.csv}"
BUDGET="${BENCH_BUDGET_SECS:-900}"
KEEP="${POSTGIS_KEEP:-off}"

host=$(sed -E 's#^postgres(ql)?://([^@/]*@)?(\[[^]]*\]|[^:/?]+).*#\3#' <<<"$URL")
case "$host" in
  127.0.0.1 | localhost | "[::1]") ;;
  *) echo "refusing to run against $host: the baseline targets loopback only" >&2; exit 1 ;;
esac
database=$(sed -E 's#^[^/]*//[^/]*/([^?]+).*#\1#' <<<"$URL")

if ! dpkg -s postgresql-15-postgis-3 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing PostGIS (Debian package postgresql-15-postgis-3)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-15-postgis-3 >/dev/null
  else
    echo "PostGIS is missing: sudo apt-get install postgresql-15-postgis-3" >&2
    exit 1
  fi
fi

present=$(psql "$URL" -X -tAc "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")
if [ "$present" != 1 ]; then
  # Creating an extension needs a superuser; the benchmark role is not one.
  echo "creating the postgis extension in $database as the postgres superuser" >&2
  if [ "$(id -u)" = 0 ]; then
    su postgres -c "psql -X -q -d '$database' -c 'CREATE EXTENSION IF NOT EXISTS postgis'"
  else
    echo "run as a superuser: psql -d $database -c 'CREATE EXTENSION postgis'" >&2
    exit 1
  fi
fi

timeout "$((BUDGET * 3 + 1800))" psql "$URL" -X -q -v ON_ERROR_STOP=1 \
  -v budget="$BUDGET" -v keep="$KEEP" -f scripts/postgis-baseline.sql <"$PLACES"
