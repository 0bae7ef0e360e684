#!/usr/bin/env bash
# fuzz.sh - run every libFuzzer harness of a `make fuzz` build for a fixed
# time each (tests/fuzz/): fuzz_extract on the extractors, fuzz_text on the
# text parsers, fuzz_http on the server's parsers of request data. Seeds:
# the demo trove, the small trove of the tests, tests/fuzz/seeds-http and the
# real documents of ../shared/corpora; findings (crash-*, leak-*, timeout-*)
# land in BUILD/fuzz-findings/ and make the script fail. Keep each crashing
# input as a regression file under tests/fuzz/regress/ once fixed.
#   bash scripts/fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
secs=${2:-60}
repo=$(cd "$(dirname "$0")/.." && pwd)
corpora="$repo/../shared/corpora"
work="$build/fuzz-work"
findings="$build/fuzz-findings"
mkdir -p "$work" "$findings"
bash "$repo/scripts/make-demo-trove.sh" "$work/demo" >/dev/null
bash "$repo/tests/e2e/make-small-trove.sh" "$work/small" >/dev/null

run() { # NAME SEEDS...
  local name=$1
  shift
  local corpus="$work/corpus-$name"
  mkdir -p "$corpus"
  echo "fuzz: $name for ${secs}s" >&2
  (cd "$findings" && ASAN_OPTIONS=detect_leaks=1 "$build/$name" -max_total_time="$secs" -rss_limit_mb=4096 \
    -timeout=30 -max_len=1048576 -print_final_stats=1 "$corpus" "$@" 2>&1 | tail -4)
}
# libFuzzer takes seed folders: flatten each source into one
seeds() { # DEST SRC...
  local dest=$1
  shift
  mkdir -p "$dest"
  for s in "$@"; do
    [ -e "$s" ] || continue
    find "$s" -type f -size -1M -print0 | head -z -n 400 | xargs -0 -I{} sh -c 'cp "$1" "$2/$(sha256sum "$1" | cut -c1-16)"' _ {} "$dest"
  done
}
seeds "$work/seeds-extract" "$work/demo" "$work/small" "$corpora/tika-test-documents" "$corpora/sisimai-emails/maildir/bsd"
seeds "$work/seeds-text" "$repo/tests/fuzz/seeds-text" "$work/demo" "$corpora/sisimai-emails/maildir/bsd" "$corpora/cisi"
run fuzz_extract "$work/seeds-extract"
run fuzz_text "$work/seeds-text"
run fuzz_http "$repo/tests/fuzz/seeds-http"
if ls "$findings" | grep -qE '^(crash|leak|timeout|oom)-'; then
  echo "fuzz: findings in $findings:" >&2
  ls "$findings" >&2
  exit 1
fi
echo "fuzz: no findings" >&2
