#!/usr/bin/env bash
# run.sh - the search benchmark (docs/BENCHMARKS-SEARCH.md): daftar vs Xapian
# 1.4 vs Lucene 8 on the same plain-text documents, in one run.
#
#   bash bench/search/run.sh [--work DIR] [--total N] [--keep] [--skip-e2e]
#
# 1. make-corpus.py: ~N (default 21,000) unique .txt documents of real text
#    (../shared/corpora) plus generated ones, into WORK/corpus
# 2. make-queries.py: the fixed 1,000-query mix (seed 1), WORK/queries.tsv
# 3. index build, wall clock, the corpus read once before each (page cache
#    warm for all three):
#      daftar   daftar init + daftar ingest CASE corpus -j 2 (hash, copy,
#               sniff, extract, store the text, daftar's own index)
#      xapian   xapian-bench index (C++ against libxapian, one thread), then
#               compacted (Database::compact, as xapian-compact) for its size
#      lucene   java LuceneBench index (one IndexWriter thread; JVM start included)
#    and two FTS5 references built in the sqlite3 shell from daftar's stored
#    texts with the stock unicode61 tokenizer (daftar's own tokenizer exists
#    only inside the daftar binary, so the shell cannot rebuild its index)
# 4. sizes: store.db, its index tables (dbstat: ix_terms, ix_segs,
#    ix_norms, ix_stats), its texts; the Xapian and Lucene folders
#    and tokcount.c: the tokens daftar's analyzer emits a word position
# 5. queries, each engine over the list twice, the second (warm) pass kept:
#      daftar   run-daftar.py: end-to-end per process, and its took_ms
#      xapian   top10 / exact count / exact + snippets
#      lucene   top10 / exact count / exact + highlighter
#    and phases.c: daftar in one long-lived process, as the workbench
#    runs it (dft_store_search on one connection; no process start)
# 6. summarize.py: the Markdown tables, WORK/results.md (also printed)
#
# Needs: the daftar binary (DAFTAR, default build-sbench/daftar, else
# build/daftar), /usr/bin/python3, g++ and libxapian-dev, javac and
# liblucene8-java, sqlite3 with dbstat. Everything lives in WORK (default a
# new /tmp/sbench.XXXX), removed at the end unless --keep.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=""
total=21000
keep=0
e2e=1
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --total) total=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --skip-e2e) e2e=0; shift ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

say() { printf '[sbench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

daftar=${DAFTAR:-}
if [ -z "$daftar" ]; then
  for c in "$repo/build-sbench/daftar" "$repo/build/daftar"; do
    [ -x "$c" ] && { daftar=$c; break; }
  done
fi
[ -n "$daftar" ] && [ -x "$daftar" ] || die "no daftar binary (build it, or set DAFTAR)"
py=/usr/bin/python3
[ -x "$py" ] || die "/usr/bin/python3 is missing"
command -v xapian-config >/dev/null || die "xapian-config missing: apt-get install libxapian-dev"
command -v javac >/dev/null || die "javac missing: apt-get install default-jdk-headless"
command -v sqlite3 >/dev/null || die "sqlite3 missing"
jars=""
for j in core analyzers-common queryparser highlighter queries memory; do
  f=$(ls /usr/share/java/lucene-$j-8*.jar 2>/dev/null | head -1)
  [ -n "$f" ] || die "lucene-$j 8 missing: apt-get install liblucene8-java"
  jars="$jars${jars:+:}$f"
done

if [ -z "$work" ]; then work=$(mktemp -d /tmp/sbench.XXXX); fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
[ $keep = 1 ] || trap 'rm -rf "$work"' EXIT
say "work folder $work, daftar $daftar"

# ---- machine ---------------------------------------------------------------------
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem/ {print $2}') GB"
  echo "kernel: $(uname -r)"
  echo "daftar: $(cd "$repo" && git rev-parse --short HEAD) ($daftar)"
  echo "sqlite3 shell: $(sqlite3 --version | cut -d' ' -f1)"
  echo "xapian: $(xapian-config --version)"
  echo "lucene: $(basename "$(ls /usr/share/java/lucene-core-8*.jar | head -1)" .jar)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$work/machine.txt"

# ---- corpus, queries, harnesses ----------------------------------------------------
if [ ! -d "$work/corpus" ]; then
  say "corpus"
  "$py" "$here/make-corpus.py" "$work/corpus" --total "$total" 2> "$work/corpus.txt"
fi
ndocs=$(find "$work/corpus" -type f | wc -l)
cbytes=$(find "$work/corpus" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
say "corpus: $ndocs documents, $cbytes bytes"
[ -f "$work/queries.tsv" ] || "$py" "$here/make-queries.py" "$work/corpus" "$work/queries.tsv"

say "build the peers' harnesses"
g++ -O2 -std=c++17 -o "$work/xapian-bench" "$here/xapian-bench.cc" $(xapian-config --cxxflags --libs)
mkdir -p "$work/classes"
javac -nowarn -d "$work/classes" -cp "$jars" "$here/LuceneBench.java"
lucene() { java -Xmx1g -cp "$work/classes:$jars" LuceneBench "$@"; }
[ -x /usr/bin/time ] || die "/usr/bin/time missing: apt-get install time"

warm() { find "$work/corpus" -type f -print0 | xargs -0 cat > /dev/null; }

# ---- index build -------------------------------------------------------------------
times="$work/times.txt"
: > "$times"
timed() { # NAME COMMAND... : wall, user and system seconds into times.txt
  local name=$1; shift
  warm
  /usr/bin/time -a -o "$times" -f "$name %e %U %S" "$@"
  say "$(tail -1 "$times") (wall user sys, s)"
}
rm -rf "$work/case" "$work/xapian" "$work/xapian-compact" "$work/lucene"
"$daftar" init "$work/case" > /dev/null
timed daftar "$daftar" ingest "$work/case" "$work/corpus" -j 2 > "$work/ingest.txt"
timed xapian "$work/xapian-bench" index "$work/xapian" "$work/corpus"
"$work/xapian-bench" compact "$work/xapian" "$work/xapian-compact"
timed lucene java -Xmx1g -cp "$work/classes:$jars" LuceneBench index "$work/lucene" "$work/corpus"

# FTS5 references: the stock unicode61 tokenizer over daftar's stored texts
for ref in plain prefix; do
  rm -f "$work/fts-$ref.db"
  opt=""
  [ $ref = prefix ] && opt=", prefix='2 3'"
  warm
  /usr/bin/time -a -o "$times" -f "fts5-unicode61-$ref %e %U %S" sqlite3 "$work/fts-$ref.db" > /dev/null <<EOF
PRAGMA journal_mode = WAL;
PRAGMA cache_size = -65536;
ATTACH '$work/case/store.db' AS s;
CREATE VIRTUAL TABLE f USING fts5(title, path, body, content='', tokenize='unicode61 remove_diacritics 2'$opt);
INSERT INTO f(rowid, title, path, body) SELECT d.id, NULL, (SELECT path FROM s.locations l WHERE l.doc_id = d.id LIMIT 1), t.text
  FROM s.documents d JOIN s.texts t ON t.doc_id = d.id;
DETACH s;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
done

# ---- sizes ---------------------------------------------------------------------------
sizes="$work/sizes.txt"
"$daftar" status "$work/case" > "$work/status.txt"
{
  echo "corpus_bytes $cbytes"
  echo "corpus_files $ndocs"
  echo "daftar_store $(stat -c %s "$work/case/store.db")"
  echo "daftar_blobs $(du -sb "$work/case/blobs" | cut -f1)"
  sqlite3 "$work/case/store.db" "SELECT 'daftar_index ' || sum(pgsize) FROM dbstat WHERE name LIKE 'ix%';
    SELECT 'daftar_index_payload ' || (SELECT sum(length(post)) + sum(coalesce(length(pos), 0)) + sum(length(term)) FROM ix_terms);
    SELECT 'daftar_texts ' || sum(pgsize) FROM dbstat WHERE name = 'texts';
    SELECT 'daftar_docs ' || count(*) FROM documents WHERE status = 'ok';
    SELECT 'daftar_failed ' || count(*) FROM documents WHERE status = 'failed';"
  echo "xapian $(du -sb "$work/xapian" | cut -f1)"
  echo "xapian_compact $(du -sb "$work/xapian-compact" | cut -f1)"
  echo "lucene $(du -sb "$work/lucene" | cut -f1)"
  for ref in plain prefix; do
    sqlite3 "$work/fts-$ref.db" "SELECT 'fts5_unicode61_$ref ' || sum(pgsize) FROM dbstat WHERE name LIKE 'f%'"
  done
} > "$sizes"
"$daftar" docs "$work/case" --failed > "$work/failed.txt" 2>&1 || true
# daftar's tokens a position: rows of the vocabulary (per document and column) vs plain FTS5
sqlite3 "$work/fts-plain.db" "CREATE VIRTUAL TABLE v USING fts5vocab(f, 'row'); SELECT 'fts5_unicode61_terms ' || count(*) || ' ' || sum(cnt) FROM v;" >> "$sizes"
sqlite3 "$work/case/store.db" "SELECT 'daftar_terms ' || count(DISTINCT term) || ' ' || sum(df) FROM ix_terms;" >> "$sizes"
# what daftar's analyzer emits over the corpus (tokcount.c, against the library of the daftar build)
lib=$(dirname "$daftar")/libdaftar_lib.a
if [ -f "$lib" ] && gcc -O2 -std=c11 -I"$repo/include" -o "$work/tokcount" "$here/tokcount.c" "$lib" -lstemmer \
     $(pkg-config --libs icu-uc icu-i18n) -lm 2> "$work/tokcount.err"; then
  find "$work/corpus" -type f -print0 | xargs -0 "$work/tokcount" |
    awk '{for (i = 1; i <= NF; i++) s[i] += $i} END {printf "daftar_tokens %d %d %d %d %d %d %d %d\n", s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]}' >> "$sizes"
fi
cat "$sizes" >&2

# ---- queries -------------------------------------------------------------------------
say "queries: xapian"
"$work/xapian-bench" query "$work/xapian" "$work/corpus" "$work/queries.tsv" "$work/q-xapian.tsv"
say "queries: lucene"
lucene query "$work/lucene" "$work/corpus" "$work/queries.tsv" "$work/q-lucene.tsv"
if [ $e2e = 1 ]; then
  say "queries: daftar (one process a query, twice)"
  (cd "$work/corpus" && "$py" "$here/run-daftar.py" "$daftar" "$work/case" "$work/queries.tsv" "$work/q-daftar.tsv")
fi

# where daftar's query time goes (phases.c, against the library of the daftar build)
if [ -f "$lib" ]; then
  libs="$(pkg-config --libs sqlite3 libarchive libxml-2.0 uchardet icu-uc icu-i18n libcrypto libseccomp tesseract lept \
          gmime-3.0 libpst libgsf-1 libexttextcat libpcre2-8 json-c libsodium libpq libheif libmicrohttpd) \
        $(pkg-config --static --libs mupdf harfbuzz) -lmagic -lstemmer -lm"
  if gcc -O2 -std=c11 -I"$repo/include" -o "$work/phases" "$here/phases.c" "$lib" $libs 2> "$work/phases.err"; then
    say "queries: daftar in one process (phases.c)"
    "$work/phases" "$work/case" "$work/queries.tsv" > "$work/q-phases.tsv"
  fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$work/machine.txt"

"$py" "$here/summarize.py" "$work" | tee "$work/results.md"
say "done: $work/results.md"
