#!/usr/bin/env bash
# run.sh - the cost of the encrypting SQLite VFS (#22): the same store-like
# workload in the clear and through src/store/cryptvfs.c, taking turns in
# one run (bench/crypt/crypt_bench.c says what it does); prints a Markdown
# table for docs/BENCHMARKS.md.
#
#   bash bench/crypt/run.sh [DOCS] [RUNS]      (defaults 10000 and 5)
#
# Environment: BUILD (the build folder, default build), BENCH_CACHE_KIB
# (the page cache of each connection, default 65536 as the store). Its
# files live in a temporary folder under TMPDIR, removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${BUILD:-$repo/build}
cmake --build "$build" -j2 --target bench_crypt >/dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-crypt.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "commit $(git -C "$repo" rev-parse --short HEAD), $(nproc) cores, $(date -u +%Y-%m-%d)"
"$build/bench_crypt" "$work" "${1:-10000}" "${2:-5}"
