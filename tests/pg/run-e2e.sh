#!/usr/bin/env bash
# run-e2e.sh TEST.sh - run one end-to-end test on the PostgreSQL back end:
# start a throw-away server on loopback (pg.sh), point the test's $DAFTAR
# at tests/pg/daftar-pg (init makes server-mode cases there), run it, stop
# the server. ctest registers the suite's store-independent tests this way
# as e2e-pg/NAME beside e2e/NAME.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${DAFTAR:?DAFTAR must point at the daftar binary}"
# shellcheck source=tests/pg/pg.sh
source "$here/pg.sh"
pg_start daftar
export PG_URL
export DAFTAR_REAL="$DAFTAR"
export DAFTAR="$here/daftar-pg"
rc=0
bash "$1" || rc=$?
pg_stop
exit $rc
