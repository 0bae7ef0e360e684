#!/usr/bin/env bash
# run-ix.sh - daftar's search core (src/index/ix.c, ix_search.c) against
# Xapian 1.4 and Lucene 8 in one run, each engine in one long-lived process
# on the same documents and the same queries (docs/BENCHMARKS-SEARCH.md):
#
#   bash bench/search/run-ix.sh [--work DIR] [--total N] [--gen N] [--keep]
#
#   corpus    make-corpus.py (../shared/corpora + generated, N documents, 21,000)
#   queries   make-queries.py (1,000: word, two, phrase, or, prefix, filter)
#   index     ixbench index / xapian-bench index + compact / LuceneBench index
#   query     each engine runs the list twice, the second pass kept (ix
#             also with its path: filters kept, as daftar's connection does):
#             top-10 (totals estimated or bounded) and exact (top 10 + every
#             match counted); p50 / p99 / mean a kind and overall
#   sizes     ix: its tables in store.db pages (dbstat) and the payload;
#             Xapian compacted; Lucene's folder
#   growth    --gen N: ix and Xapian over the same N documents of the
#             corpus's lines drawn at random (ixbench gen, xapian-bench gen),
#             the same queries but path filters
#   ranking   MAP@100 on Cranfield and CISI, each collection indexed alone,
#             the OR of the query's words: ix, FTS5 "porter unicode61" and
#             FTS5 with daftar's tokenizer (ixbench map), Xapian
#             (xapian-bench rank), Lucene with the bench's analyzer and with
#             EnglishAnalyzer (LuceneBench rank); map.py scores every run
#
# Environment: DAFTAR_LIB (libdaftar_lib.a of a Release build; default
# build-sbench/, then build/), DAFTAR_SHARED (../shared).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work="" total=21000 keep=0 gen=0
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --total) total=$2; shift 2 ;;
    --gen) gen=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "run-ix.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
say() { printf '[ix-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

export DAFTAR_SHARED=${DAFTAR_SHARED:-$repo/../shared}
lib=${DAFTAR_LIB:-}
if [ -z "$lib" ]; then
  for c in "$repo/build-sbench/libdaftar_lib.a" "$repo/build/libdaftar_lib.a"; do
    [ -f "$c" ] && { lib=$c; break; }
  done
fi
[ -n "$lib" ] && [ -f "$lib" ] || die "no libdaftar_lib.a (build daftar, or set DAFTAR_LIB)"
py=/usr/bin/python3
command -v xapian-config >/dev/null || die "xapian-config missing: apt-get install libxapian-dev"
command -v javac >/dev/null || die "javac missing: apt-get install openjdk-17-jdk-headless"
jars=""
for j in core analyzers-common queryparser highlighter queries memory; do
  f=$(ls /usr/share/java/lucene-$j-8*.jar 2>/dev/null | head -1)
  [ -n "$f" ] || die "lucene-$j 8 missing: apt-get install liblucene8-java"
  jars="$jars${jars:+:}$f"
done
[ -n "$work" ] || work=$(mktemp -d /tmp/ixbench.XXXX)
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ $keep = 1 ] || trap 'rm -rf "$work"' EXIT

{
  echo "date $(date -u +%FT%TZ)"
  echo "commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) x $(nproc)"
  echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$work/machine.txt"

if [ ! -d "$work/corpus" ]; then
  say "corpus"
  "$py" "$here/make-corpus.py" "$work/corpus" --total "$total" 2> "$work/corpus.txt"
fi
[ -f "$work/queries.tsv" ] || "$py" "$here/make-queries.py" "$work/corpus" "$work/queries.tsv"

say "harnesses"
libs="$(pkg-config --libs sqlite3 libarchive libxml-2.0 uchardet icu-uc icu-i18n libcrypto libseccomp tesseract lept \
        gmime-3.0 libpst libgsf-1 libexttextcat libpcre2-8 json-c libsodium libpq libheif libmicrohttpd) \
      $(pkg-config --static --libs mupdf harfbuzz) -lmagic -lstemmer -lm"
# shellcheck disable=SC2086
gcc -O2 -std=c11 -I"$repo/include" -o "$work/ixbench" "$here/ixbench.c" "$lib" $libs
g++ -O2 -std=c++17 -o "$work/xapian-bench" "$here/xapian-bench.cc" $(xapian-config --cxxflags --libs)
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$jars" "$here/LuceneBench.java"

times="$work/times.txt"
: > "$times"
timed() { local name=$1; shift; /usr/bin/time -a -o "$times" -f "$name %e %U %S" "$@"; say "$(tail -1 "$times")"; }
rm -rf "$work/ix.db"* "$work/xapian" "$work/xapian-compact" "$work/lucene"
say "index: ix"
timed ix "$work/ixbench" index "$work/ix.db" "$work/corpus" 2> "$work/ix-index.txt"
say "index: xapian"
timed xapian "$work/xapian-bench" index "$work/xapian" "$work/corpus"
"$work/xapian-bench" compact "$work/xapian" "$work/xapian-compact"
say "index: lucene"
timed lucene java -Xmx1g -cp "$work/classes:$jars" LuceneBench index "$work/lucene" "$work/corpus"

{
  echo "ix_file $(stat -c %s "$work/ix.db")"
  sqlite3 "$work/ix.db" "SELECT 'ix_pages ' || sum(pgsize) FROM dbstat WHERE name LIKE 'ix%';
    SELECT 'ix_payload ' || (sum(length(post)) + sum(coalesce(length(pos), 0)) + sum(length(term))) FROM ix_terms;
    SELECT 'ix_post ' || sum(length(post)) FROM ix_terms; SELECT 'ix_pos ' || sum(coalesce(length(pos), 0)) FROM ix_terms;"
  echo "xapian_compact $(du -sb "$work/xapian-compact" | cut -f1)"
  echo "lucene $(du -sb "$work/lucene" | cut -f1)"
} > "$work/sizes.txt"

say "queries (the peers, then ix; then the peers again)"
"$work/xapian-bench" query "$work/xapian-compact" "$work/corpus" "$work/queries.tsv" "$work/q-xapian.tsv"
java -Xmx1g -cp "$work/classes:$jars" LuceneBench query "$work/lucene" "$work/corpus" "$work/queries.tsv" "$work/q-lucene.tsv"
"$work/ixbench" query "$work/ix.db" "$work/corpus" "$work/queries.tsv" "$work/q-ix.tsv"
# the same with a path: filter's documents kept by value, as daftar's
# connection keeps its 16 most recent filters (search.c)
IXBENCH_FILTER_CACHE=1 "$work/ixbench" query "$work/ix.db" "$work/corpus" "$work/queries.tsv" "$work/q-ix-cache.tsv"
"$work/xapian-bench" query "$work/xapian-compact" "$work/corpus" "$work/queries.tsv" "$work/q-xapian2.tsv"

if [ "$gen" -gt 0 ]; then
  say "growth: $gen generated documents"
  rm -f "$work/gen.db"*
  timed ix-gen-$gen "$work/ixbench" gen "$work/gen.db" "$work/corpus" "$gen" 2> "$work/gen-index.txt"
  rm -rf "$work/xapian-gen" "$work/xapian-gen-compact"
  timed xapian-gen-$gen "$work/xapian-bench" gen "$work/xapian-gen" "$work/corpus" "$gen"
  "$work/xapian-bench" compact "$work/xapian-gen" "$work/xapian-gen-compact"
  rm -rf "$work/xapian-gen"
  "$work/xapian-bench" query "$work/xapian-gen-compact" "$work/corpus" "$work/queries.tsv" "$work/q-xapian-gen.tsv"
  "$work/ixbench" query "$work/gen.db" "$work/corpus" "$work/queries.tsv" "$work/q-gen.tsv"
  "$work/xapian-bench" query "$work/xapian-gen-compact" "$work/corpus" "$work/queries.tsv" "$work/q-xapian-gen2.tsv"
  echo "gen_pages $(sqlite3 "$work/gen.db" "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'ix%'")" >> "$work/sizes.txt"
  echo "xapian_gen_compact $(du -sb "$work/xapian-gen-compact" | cut -f1)" >> "$work/sizes.txt"
fi

say "ranking: Cranfield, CISI"
mkdir -p "$work/runs"
: > "$work/map.txt"
for c in cran cisi; do
  # ix, FTS5 porter and FTS5 with daftar's tokenizer (ixbench), Xapian and
  # Lucene (bench analyzer and EnglishAnalyzer), all scored by map.py
  IXBENCH_RUNS="$work/runs" "$work/ixbench" map "$work/corpus" $c "$DAFTAR_SHARED" > /dev/null
  "$py" "$here/map.py" queries "$DAFTAR_SHARED" $c > "$work/runs/q-$c.tsv"
  "$work/xapian-bench" rank "$work/corpus/$c" "$work/runs/q-$c.tsv" "$work/runs/xapian-$c.tsv"
  for a in bench english; do
    java -Xmx1g -cp "$work/classes:$jars" LuceneBench rank "$work/corpus/$c" "$work/runs/q-$c.tsv" "$work/runs/lucene-$a-$c.tsv" $a
  done
  "$py" "$here/map.py" score "$DAFTAR_SHARED" $c ix="$work/runs/ix-$c.tsv" "FTS5 porter=$work/runs/porter-$c.tsv" \
    "FTS5 daftar=$work/runs/fts5-daftar-$c.tsv" xapian="$work/runs/xapian-$c.tsv" \
    "lucene (bench analyzer)=$work/runs/lucene-bench-$c.tsv" "lucene EnglishAnalyzer=$work/runs/lucene-english-$c.tsv" >> "$work/map.txt"
done
echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/machine.txt"

"$py" - "$work" <<'EOF' | tee "$work/results.md"
import sys, collections
w = sys.argv[1]
def load(name):
    rows = [l.rstrip('\n').split('\t') for l in open(f'{w}/{name}')]
    return rows
def pct(v, p):
    v = sorted(v); return v[max(0, min(len(v) - 1, int(-(-p * len(v) // 100)) - 1))]
eng = {'ix': load('q-ix.tsv'), 'ix, filter cache': load('q-ix-cache.tsv'), 'xapian': load('q-xapian.tsv'),
       'lucene': load('q-lucene.tsv'), 'xapian (again)': load('q-xapian2.tsv')}
kinds = ['all'] + sorted({r[0] for r in eng['ix']})
print(open(f'{w}/machine.txt').read())
for col, title in ((1, 'top 10 (total estimated or bounded)'), (2, 'top 10 + exact total')):
    print(f'\n### {title}: ms, warm pass\n')
    print('| kind | n | ' + ' | '.join(f'{e} p50 | {e} p99' for e in eng) +
          ' | ix/xapian p50 | ix/xapian p99 | ix, cache/xapian p50 | ix, cache/xapian p99 |')
    print('|---|---:|' + '---:|' * (2 * len(eng) + 4))
    for k in kinds:
        cells, v = [], {}
        for e, rows in eng.items():
            t = [float(r[col]) for r in rows if k == 'all' or r[0] == k]
            v[e] = (pct(t, 50), pct(t, 99))
            cells += [f'{v[e][0]:.3f}', f'{v[e][1]:.3f}']
        print(f'| {k} | {len([r for r in eng["ix"] if k == "all" or r[0] == k])} | ' + ' | '.join(cells) +
              f' | {v["ix"][0] / v["xapian"][0]:.2f} | {v["ix"][1] / v["xapian"][1]:.2f}'
              f' | {v["ix, filter cache"][0] / v["xapian"][0]:.2f} | {v["ix, filter cache"][1] / v["xapian"][1]:.2f} |')
print('\n### sizes (bytes)\n')
for l in open(f'{w}/sizes.txt'): print('    ' + l.rstrip())
s = dict(l.split() for l in open(f'{w}/sizes.txt'))
print(f"\nix store pages / Lucene: {int(s['ix_pages']) / int(s['lucene']):.2f}; ix payload / Lucene: {int(s['ix_payload']) / int(s['lucene']):.2f}; Xapian compact / Lucene: {int(s['xapian_compact']) / int(s['lucene']):.2f}")
print('\n### index build (wall, user, sys s)\n')
for l in open(f'{w}/times.txt'): print('    ' + l.rstrip())
import os
if os.path.exists(f'{w}/q-gen.tsv'):
    gen = {'ix': load('q-gen.tsv'), 'xapian': load('q-xapian-gen.tsv'), 'xapian (again)': load('q-xapian-gen2.tsv')}
    print('\n### growth: ix and Xapian on the same generated documents (filter queries left out)\n')
    print('| kind | n | ' + ' | '.join(f'{e} top 10 p50 | p99' for e in gen) + ' | ix/xapian p50 | p99 | median total |')
    print('|---|---:|' + '---:|' * (2 * len(gen) + 3))
    for k in ['all'] + sorted({r[0] for r in gen['ix'] if r[0] != 'filter'}):
        cells, v = [], {}
        for e, rows in gen.items():
            t = [float(r[1]) for r in rows if r[0] != 'filter' and (k == 'all' or r[0] == k)]
            v[e] = (pct(t, 50), pct(t, 99))
            cells += [f'{v[e][0]:.3f}', f'{v[e][1]:.3f}']
        rows = [r for r in gen['ix'] if r[0] != 'filter' and (k == 'all' or r[0] == k)]
        print(f'| {k} | {len(rows)} | ' + ' | '.join(cells) + f' | {v["ix"][0] / v["xapian"][0]:.2f} | {v["ix"][1] / v["xapian"][1]:.2f}'
              f' | {pct([int(r[4]) for r in rows], 50)} |')
print('\n### ranking\n')
for l in open(f'{w}/map.txt'): print('    ' + l.rstrip())
EOF
say "done: $work/results.md"
