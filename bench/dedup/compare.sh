#!/usr/bin/env bash
# compare.sh - near-duplicates: daftar against ssdeep and TLSH (issue #6
# "Speed"; docs/BENCHMARKS.md "Duplicates: daftar vs ssdeep vs TLSH").
#
# Installs libfuzzy-dev and libtlsh-dev if missing (DAFTAR_BENCH=1
# scripts/install-deps.sh), builds the library (BUILD, default build/) and
# bench/dedup/compare.c + compare_tlsh.cc with cc/g++ against
# BUILD/libdaftar_lib.a, generates 20,000 and 100,000 letters with
# bench/dedup/gen.py, extracts the SaudiNewsNet articles, and runs compare
# on each (one run each). Prints the tables; writes them to RESULTS
# (default ${TMPDIR:-/tmp}/daftar-compare-<host>-<date>.md).
#
#   bash bench/dedup/compare.sh [SIZES...]      default: 20000 100000
#
# Environment: ROWS (default 5000): at >= SAMPLE_FROM documents (default
# 50000) ssdeep compares only ROWS random documents with all others and its
# all-pairs time is extrapolated (compare prints which); TLSH_ROWS (default
# 0: all pairs) the same for TLSH. SWEEP=1 prints the threshold sweeps.
# NEWS: the SaudiNewsNet folder (default ../shared/corpora/saudinewsnet-ar;
# skipped when missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
BUILD=${BUILD:-$root/build}
ROWS=${ROWS:-5000}
TLSH_ROWS=${TLSH_ROWS:-0}
SAMPLE_FROM=${SAMPLE_FROM:-50000}
NEWS=${NEWS:-$root/../shared/corpora/saudinewsnet-ar}
RESULTS=${RESULTS:-${TMPDIR:-/tmp}/daftar-compare-$(hostname)-$(date +%Y%m%d).md}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(20000 100000)
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-compare-XXXXXX")
trap 'rm -rf "$W"' EXIT

if [ ! -f /usr/include/fuzzy.h ] || [ ! -f /usr/include/tlsh.h ] || ! command -v g++ >/dev/null; then
  DAFTAR_BENCH=1 bash "$root/scripts/install-deps.sh"
fi
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DDAFTAR_WERROR=OFF >/dev/null
fi
cmake --build "$BUILD" --target daftar_lib -j2 >/dev/null
# the link line of the daftar binary, after the library: its dependencies
libs=$(sed 's/.*libdaftar_lib\.a//' "$BUILD/CMakeFiles/daftar.dir/link.txt")
cc -std=c11 -O2 -Wall -Wextra -I"$root/include" -c "$here/compare.c" -o "$W/compare.o"
g++ -O2 -Wall -Wextra -c "$here/compare_tlsh.cc" -o "$W/compare_tlsh.o"
# shellcheck disable=SC2086
g++ -o "$W/compare" "$W/compare.o" "$W/compare_tlsh.o" "$BUILD/libdaftar_lib.a" $libs -lfuzzy -ltlsh

{
  echo "# daftar vs ssdeep vs TLSH, $(date -u '+%Y-%m-%d %H:%M UTC'), git $(git -C "$root" rev-parse --short HEAD)"
  echo
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(free -g | awk '/Mem:/{print $2}') GB;" \
       "build $(grep CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | sed 's/.*=//'); uptime at start: $(uptime)"
  echo
} | tee "$RESULTS"

sweep=()
[ "${SWEEP:-0}" = 1 ] && sweep=(--sweep)
run() { # DIR LABEL N
  local rows=0 sm=""
  if [ "$3" -ge "$SAMPLE_FROM" ]; then
    rows=$ROWS; sm=ssdeep
    [ "$TLSH_ROWS" != 0 ] && sm=ssdeep,tlsh
  fi
  echo "uptime before $2: $(uptime)" | tee -a "$RESULTS"
  /usr/bin/time -f "(compare for $2, all methods and the truth: %e s wall)" \
    "$W/compare" --label "$2" --rows "$rows" --sample-methods "${sm:-none}" "${sweep[@]}" "$1" 2>&1 \
    | grep -v '^compare: [a-z]* \.\.\.$' | tee -a "$RESULTS"
  echo | tee -a "$RESULTS"
}

for n in "${sizes[@]}"; do
  s=$(date +%s.%N)
  python3 "$here/gen.py" "$W/g$n" "$n" 1
  echo "generated $n letters (gen.py, seed 1) in $(echo "$(date +%s.%N) - $s" | bc | cut -c1-5) s" | tee -a "$RESULTS"
  run "$W/g$n" "gen.py $n" "$n"
  rm -rf "$W/g$n"
done

if [ -d "$NEWS" ]; then
  # one file per article (title, blank line, content), from the four days' zips
  python3 - "$NEWS" "$W/news" <<'EOF'
import json, os, sys, zipfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
n = 0
for z in sorted(f for f in os.listdir(src) if f.endswith(".zip")):
    with zipfile.ZipFile(os.path.join(src, z)) as zf:
        for name in zf.namelist():
            if not name.endswith(".json"):
                continue
            for a in json.loads(zf.read(name)):
                with open(os.path.join(out, "%05d.txt" % n), "w", encoding="utf-8") as f:
                    f.write((a.get("title") or "") + "\n\n" + (a.get("content") or "") + "\n")
                n += 1
print("saudinewsnet: %d articles" % n)
EOF
  run "$W/news" "SaudiNewsNet (4 days)" 0
fi
echo "results: $RESULTS"
