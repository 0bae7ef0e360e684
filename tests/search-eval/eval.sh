#!/usr/bin/env bash
# eval.sh DAFTAR WORKDIR [OUT.md]: search quality of daftar against plain
# SQLite FTS5 (unicode61 remove_diacritics 2) on the same texts.
#  1. builds the corpus (make-corpus.sh) in WORKDIR/trove and a case in
#     WORKDIR/case (daftar init + ingest -j 2);
#  2. runs every query of queries.tsv through `daftar search --json --limit 10`;
#  3. fills `plain` (FTS5, unicode61) from the case's texts and runs the
#     natural FTS5 translation of each query: words quoted and ANDed, phrases
#     as FTS5 phrases, OR kept, `~Name` as the plain word Name;
#  4. prints per category and overall: n, recall@10 and MRR for both, writes
#     the table to OUT.md if given, and WORKDIR/per-query.tsv (category, query,
#     daftar rank of the first relevant hit, found/relevant, the same for
#     unicode61; rank 0 = not in the top 10) and WORKDIR/summary.tsv.
# recall@10 = relevant documents in the top 10 / min(10, relevant documents);
# MRR = mean of 1/rank of the first relevant hit (0 when none in the top 10).
# A hit is relevant when any of its paths is (identical files are one document).
set -euo pipefail
DAFTAR=${1:?usage: eval.sh DAFTAR WORKDIR [OUT.md]}
W=${2:?usage: eval.sh DAFTAR WORKDIR [OUT.md]}
OUTMD=${3:-}
HERE=$(cd "$(dirname "$0")" && pwd)
Q=$HERE/queries.tsv
mkdir -p "$W"
if [ ! -f "$W/case/store.db" ]; then
  rm -rf "$W/trove" "$W/case"
  "$HERE/make-corpus.sh" "$W/trove"
  "$DAFTAR" init "$W/case" >/dev/null
  "$DAFTAR" ingest "$W/case" "$W/trove" -j 2 --batch eval >/dev/null
fi
grep -v '^#' "$Q" > "$W/q.tsv"

# daftar: one line a query, the hits' paths (|-separated within a hit, space between hits)
: > "$W/daftar.hits"
while IFS= read -r line; do
  query=$(printf '%s' "$line" | cut -f2)
  hits=$("$DAFTAR" search "$W/case" "$query" --json --limit 10 2>/dev/null |
    jq -r '[.hits[] | (.paths // [.path]) | join("|")] | join(" ")') || hits="ERROR"
  printf '%s\n' "$hits" >> "$W/daftar.hits"
done < "$W/q.tsv"

# plain FTS5 unicode61 on the same texts
rm -f "$W/plain.db"
sqlite3 "$W/plain.db" <<SQL
ATTACH '$W/case/store.db' AS c;
CREATE VIRTUAL TABLE plain USING fts5(body, tokenize='unicode61 remove_diacritics 2');
INSERT INTO plain(rowid, body) SELECT doc_id, text FROM c.texts;
CREATE TABLE paths AS SELECT doc_id AS id, group_concat(path, '|') AS p FROM (SELECT doc_id, path FROM c.locations UNION SELECT id, path FROM c.documents) GROUP BY doc_id;
SQL
awk -F'\t' '
  function fts(q,   out, i, c, tok, inq, op) {
    out = ""; tok = ""; inq = 0; op = ""
    q = q " "
    for (i = 1; i <= length(q); i++) {
      c = substr(q, i, 1)
      if (c == "\"") { if (inq) { out = out op "\"" tok "\""; op = " AND "; tok = "" } inq = !inq; continue }
      if (c == " " && !inq) {
        if (tok == "OR") op = " OR "
        else if (tok != "") { sub(/^~/, "", tok); gsub(/"/, "\"\"", tok); out = out op "\"" tok "\""; op = " AND " }
        tok = ""; continue }
      tok = tok c
    }
    return out
  }
  { e = fts($2); gsub(/\x27/, "\x27\x27", e)
    printf "SELECT %d, p FROM (SELECT rowid AS id FROM plain WHERE plain MATCH \x27%s\x27 ORDER BY rank LIMIT 10) JOIN paths USING (id);\n", NR, e
    print NR "\t" e > "/dev/stderr" }' "$W/q.tsv" > "$W/plain.sql" 2> "$W/plain.expr"
sqlite3 -separator $'\t' "$W/plain.db" < "$W/plain.sql" > "$W/plain.rows" 2> "$W/plain.err" || true
awk -F'\t' -v n="$(wc -l < "$W/q.tsv")" '{ h[$1] = h[$1] (h[$1] == "" ? "" : " ") $2 }
  END { for (i = 1; i <= n; i++) print h[i] }' "$W/plain.rows" > "$W/plain.hits"

# score
paste "$W/q.tsv" "$W/daftar.hits" "$W/plain.hits" | awk -F'\t' -v per="$W/per-query.tsv" '
  function score(hits, rel,   k, h, i, j, ps, m, found, first, nrel, R, got) {
    nrel = split(rel, R, ","); delete isrel; delete got
    for (i = 1; i <= nrel; i++) isrel[R[i]] = 1
    k = split(hits, h, " "); found = 0; first = 0
    for (i = 1; i <= k && i <= 10; i++) {
      m = split(h[i], ps, "|"); hit = 0
      for (j = 1; j <= m; j++) if ((ps[j] in isrel) && !(ps[j] in got)) { got[ps[j]] = 1; found++; hit = 1 }
      if (!hit) for (j = 1; j <= m; j++) if (ps[j] in isrel) hit = 1
      if (hit && !first) first = i
    }
    S_rec = found / (nrel < 10 ? nrel : 10); S_rr = first ? 1 / first : 0
    return first "\t" found "/" nrel
  }
  BEGIN { OFS = "\t" }
  { a = score($5, $3); ra = S_rec; rra = S_rr
    b = score($6, $3); rb = S_rec; rrb = S_rr
    print $1, $2, a, b > per
    c = $1; n[c]++; R1[c] += ra; M1[c] += rra; R2[c] += rb; M2[c] += rrb
    N++; T1 += ra; U1 += rra; T2 += rb; U2 += rrb
    if (!(c in ord)) ord[c] = ++nc; name[ord[c]] = c }
  END {
    for (i = 1; i <= nc; i++) { c = name[i]; printf "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\n", c, n[c], R1[c]/n[c], M1[c]/n[c], R2[c]/n[c], M2[c]/n[c] }
    printf "overall\t%d\t%.3f\t%.3f\t%.3f\t%.3f\n", N, T1/N, U1/N, T2/N, U2/N }' > "$W/summary.tsv"

{ echo "| category | n | recall@10 daftar | MRR daftar | recall@10 unicode61 | MRR unicode61 |"
  echo "|---|---:|---:|---:|---:|---:|"
  awk -F'\t' '{ b = ($1 == "overall") ? "**" : ""; printf "| %s%s%s | %s | %s%s%s | %s%s%s | %s | %s |\n", b, $1, b, $2, b, $3, b, b, $4, b, $5, $6 }' "$W/summary.tsv"
} > "$W/table.md"
column -t -s $'\t' -N category,n,R@10-daftar,MRR-daftar,R@10-unicode61,MRR-unicode61 "$W/summary.tsv" 2>/dev/null || cat "$W/summary.tsv"
if [ -n "$OUTMD" ]; then cp "$W/table.md" "$OUTMD"; fi
