#!/usr/bin/env bash
# Restore drill: dump the database in DATABASE_URL, restore the dump into a fresh database and
# compare the row count of every table. Exits non-zero when the restore fails or a count differs.
# usage: DATABASE_URL=postgres://user@host:5432/shouhou scripts/restore_drill.sh
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to drill}"
drill_db="shouhou_restore_drill_$(date +%Y%m%d%H%M%S)"
server_url="${DATABASE_URL%/*}"            # the same server, without the database name
drill_url="${server_url}/${drill_db}"
dump="$(mktemp -d)/drill.dump"

counts() {  # "table count" per line, every table of the public schema, sorted
  psql -X -q -A -t -d "$1" -c "
    select format('select %L || '' '' || count(*) from %I.%I;', tablename, schemaname, tablename)
    from pg_tables where schemaname = 'public' order by tablename" | psql -X -q -A -t -d "$1"
}

cleanup() { psql -X -q -d "${server_url}/postgres" -c "drop database if exists \"${drill_db}\"" || true; rm -f "$dump"; }
trap cleanup EXIT

echo "== dumping"
pg_dump --format=custom --no-owner --file="$dump" "$DATABASE_URL"
echo "== restoring into ${drill_db}"
psql -X -q -d "${server_url}/postgres" -c "create database \"${drill_db}\""
pg_restore --no-owner --exit-on-error --dbname="$drill_url" "$dump"
echo "== comparing row counts"
live="$(counts "$DATABASE_URL")"
restored="$(counts "$drill_url")"
if [ "$live" != "$restored" ]; then
  diff <(echo "$live") <(echo "$restored") || true
  echo "restore drill FAILED: row counts differ" >&2
  exit 1
fi
echo "restore drill passed: $(echo "$live" | wc -l) tables, $(echo "$live" | awk '{s+=$2} END {print s}') rows"
