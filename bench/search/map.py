#!/usr/bin/python3
"""map.py - ranking on Cranfield and CISI for bench/search (issue #20).

  map.py queries SHARED cran|cisi > Q.TSV     "qnum<TAB>words": each query's
                                              words, lower case, for the OR
  map.py score SHARED cran|cisi NAME=RUN ...  MAP@100 of each run
                                              ("qnum<TAB>docno", best first)

One scorer for every engine (ixbench map writes its runs with
IXBENCH_RUNS=DIR; xapian-bench rank and LuceneBench rank write theirs), so
the figures differ only by the engine. Queries are numbered in file order
(Cranfield's .I numbers are not the judgements' numbers); a Cranfield
document is relevant with codes 1-4, a CISI one when listed; queries
without a relevant document are left out; AP@100 divides by
min(relevant, 100).
"""
import re
import sys


def read_queries(shared, coll):
    path = (f'{shared}/corpora/cranfield/cran.qry' if coll == 'cran'
            else f'{shared}/corpora/cisi/CISI.QRY')
    qs, cur, inw = {}, None, False
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\r\n')
            if line.startswith('.I'):
                cur = len(qs) + 1
                qs[cur] = []
                inw = False
            elif re.fullmatch(r'\.[A-Z]', line):
                inw = line == '.W'
            elif inw and cur:
                qs[cur].append(line)
    return {k: ' '.join(re.findall(r'[a-z0-9]+', ' '.join(v).lower())) for k, v in qs.items()}


def read_rel(shared, coll):
    path = (f'{shared}/corpora/cranfield/cranqrel' if coll == 'cran'
            else f'{shared}/corpora/cisi/CISI.REL')
    rel = {}
    with open(path) as f:
        for line in f:
            t = line.split()
            if len(t) < 3:
                continue
            q, d, c = int(t[0]), int(t[1]), float(t[2])
            if coll == 'cran' and not 1 <= c <= 4:
                continue
            rel.setdefault(q, set()).add(d)
    return rel


def score(run, rel):
    hits = {}
    with open(run) as f:
        for line in f:
            q, d = line.split('\t')[:2]
            hits.setdefault(int(q), []).append(int(d))
    total = 0.0
    for q, r in rel.items():
        ap, found = 0.0, 0
        for i, d in enumerate(hits.get(q, [])[:100]):
            if d in r:
                found += 1
                ap += found / (i + 1)
        total += ap / min(len(r), 100)
    return total / len(rel), len(rel)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'queries':
        for k, v in read_queries(sys.argv[2], sys.argv[3]).items():
            print(f'{k}\t{v}')
        return
    if len(sys.argv) >= 5 and sys.argv[1] == 'score':
        rel = read_rel(sys.argv[2], sys.argv[3])
        for arg in sys.argv[4:]:
            name, run = arg.split('=', 1)
            m, n = score(run, rel)
            print(f'{sys.argv[3]}\t{name}\tqueries {n}\tMAP@100 {m:.4f}')
        return
    sys.exit(__doc__)


if __name__ == '__main__':
    main()
