#!/usr/bin/env bash
# run-unit.sh UNIT_TEST_BINARY - run a store unit test on the PostgreSQL
# back end: start a throw-away server on loopback (pg.sh) and give the test
# its URL in DAFTAR_TEST_PG_URL; tests/unit/helpers.h then makes every
# case of the test on a new database of it. ctest: unit-pg/STAGE/NAME.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=tests/pg/pg.sh
source "$here/pg.sh"
pg_start daftar
export DAFTAR_TEST_PG_URL="$PG_URL"
rc=0
"$1" || rc=$?
pg_stop
exit $rc
