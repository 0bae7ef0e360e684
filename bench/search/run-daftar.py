#!/usr/bin/python3
"""run-daftar.py DAFTAR CASE QUERIES.tsv OUT.tsv

Runs each query of QUERIES (make-queries.py) as its own
    DAFTAR search CASE QUERY --json --limit 10
over the whole list twice and keeps the second (warm) pass. OUT gets one
line a query: kind, end-to-end ms (process start to exit, as a user sees it:
start, open the case, parse, search, snippets, print), took_ms (daftar's own
in-process time: the count(*) of all matches plus the top 10 with BM25,
snippets and page; facets off), total, and the error if the query failed.
"""
import json, subprocess, sys, time

def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    daftar, case, qfile, out = sys.argv[1:]
    qs = []
    with open(qfile, encoding='utf-8') as f:
        for line in f:
            p = line.rstrip('\n').split('\t')
            if len(p) == 3:
                qs.append((p[0], p[1]))
    rows = []
    for rnd in range(2):
        rows = []
        for kind, q in qs:
            t0 = time.perf_counter()
            r = subprocess.run([daftar, 'search', case, q, '--json', '--limit', '10'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            e2e = (time.perf_counter() - t0) * 1000.0
            took, total, err = -1.0, -1, ''
            try:
                j = json.loads(r.stdout)
                took = float(j.get('took_ms', -1))
                total = int(j.get('total', -1))
                if r.returncode != 0:
                    err = j.get('error', '') or r.stderr.decode('utf-8', 'replace').strip()
            except ValueError:
                err = r.stderr.decode('utf-8', 'replace').strip() or 'exit %d' % r.returncode
            rows.append((kind, e2e, took, total, err.replace('\t', ' ').replace('\n', ' ')))
    with open(out, 'w', encoding='utf-8') as f:
        for kind, e2e, took, total, err in rows:
            f.write('%s\t%.4f\t%.4f\t%d\t%s\n' % (kind, e2e, took, total, err))

if __name__ == '__main__':
    main()
