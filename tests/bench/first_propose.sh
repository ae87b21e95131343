#!/bin/sh
# Times `pubcom triage group` with no standing proposals (as right after an import), 3 runs per backend, alternating.
# Usage: tests/bench/first_propose.sh [POSTGRES_URL] [SQLITE_FILE] (both holding consultation "big").
P=${PUBCOM:-target/release/pubcom}
PG=${1:-postgres://pubcom:pubcom@127.0.0.1:5432/pubcom_bench}
SQ=${2:-/tmp/m/s100k.sqlite3}
RESET="UPDATE comments SET duplicate_group_id = NULL WHERE duplicate_group_id IS NOT NULL; DELETE FROM duplicate_groups;"
for i in 1 2 3; do
  psql -q $PG -c "$RESET" >/dev/null
  /usr/bin/time -f "postgres wall %e s cpu %U+%S peak %M KB" $P --database $PG triage group --consultation big 2>&1 | tail -2
  sqlite3 $SQ "$RESET"
  /usr/bin/time -f "sqlite wall %e s cpu %U+%S peak %M KB" $P --database sqlite://$SQ triage group --consultation big 2>&1 | tail -2
done
