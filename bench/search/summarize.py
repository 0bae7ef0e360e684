#!/usr/bin/python3
"""summarize.py WORK: the Markdown tables of bench/search/run.sh from the
files it left in WORK (machine.txt, corpus.txt, times.txt, sizes.txt,
q-daftar.tsv, q-xapian.tsv, q-lucene.tsv). Percentiles are nearest-rank."""
import math, os, sys
from collections import defaultdict

KINDS = ['word', 'two', 'phrase', 'or', 'prefix', 'filter']

def pct(v, p):
    v = sorted(v)
    return v[max(0, math.ceil(p * len(v)) - 1)] if v else float('nan')

def med(v):
    return pct(v, 0.5)

def read_kv(path):
    d = {}
    if os.path.exists(path):
        for line in open(path, encoding='utf-8'):
            p = line.split()
            if len(p) >= 2:
                d[p[0]] = p[1:]
    return d

def read_q(path, cols):
    """kind -> {col: [values]}; 'all' too."""
    res = defaultdict(lambda: defaultdict(list))
    errs = []
    if not os.path.exists(path):
        return None, errs
    for line in open(path, encoding='utf-8'):
        p = line.rstrip('\n').split('\t')
        kind = p[0]
        if len(p) > len(cols) + 1 and p[len(cols) + 1]:
            errs.append(p[len(cols) + 1])
        for i, c in enumerate(cols):
            x = float(p[i + 1])
            res[kind][c].append(x)
            res['all'][c].append(x)
    return res, errs

def main():
    w = sys.argv[1]
    out = []
    pr = out.append
    times = read_kv(os.path.join(w, 'times.txt'))
    sizes = read_kv(os.path.join(w, 'sizes.txt'))
    mb = lambda k: int(sizes[k][0]) / 1e6
    pr('### Machine\n')
    pr('```')
    pr(open(os.path.join(w, 'machine.txt')).read().rstrip())
    pr('```\n')
    pr('### Corpus\n')
    pr('```')
    pr(open(os.path.join(w, 'corpus.txt')).read().rstrip())
    pr('```')
    pr('%s files, %.1f MB of text; daftar: %s documents indexed, %s failed (see failed.txt).\n' %
       (sizes['corpus_files'][0], mb('corpus_bytes'), sizes['daftar_docs'][0], sizes['daftar_failed'][0]))

    n = int(sizes['corpus_files'][0])
    pr('### Index build and size\n')
    pr('| engine | build, wall (s) | CPU user+sys (s) | docs/s (wall) | index (MB) | index / Lucene |')
    pr('|---|---:|---:|---:|---:|---:|')
    luc = mb('lucene')
    rows = [('daftar ingest -j 2 (whole: hash, copy, extract, text, index)', 'daftar', 'daftar_index'),
            ('Xapian 1.4 (TermGenerator, STEM_SOME), as written', 'xapian', 'xapian'),
            ('Xapian 1.4, compacted (Database::compact, not timed)', None, 'xapian_compact'),
            ('Lucene 8.7 (one analyzer, one thread, JVM start included)', 'lucene', 'lucene'),
            ('ref: FTS5 unicode61, no prefix index (sqlite3 shell)', 'fts5-unicode61-plain', 'fts5_unicode61_plain'),
            ('ref: FTS5 unicode61, prefix=\'2 3\' (sqlite3 shell)', 'fts5-unicode61-prefix', 'fts5_unicode61_prefix')]
    for label, tk, sk in rows:
        t = float(times[tk][0]) if tk in times else float('nan')
        cpu = float(times[tk][1]) + float(times[tk][2]) if tk in times else float('nan')
        s = mb(sk) if sk in sizes else float('nan')
        pr(('| %s | %.1f | %.1f | %.0f | %.1f | %.2f× |' % (label, t, cpu, n / t, s, s / luc)).replace('nan', '–'))
    pr('\ndaftar\'s store.db is %.1f MB in all: its index %.1f MB (payload: postings, positions and terms %.1f MB), '
       'texts %.1f MB, the rest (documents, locations, meta, seen_files and their indexes) %.1f MB; blobs/ %.1f MB.\n' %
       (mb('daftar_store'), mb('daftar_index'), mb('daftar_index_payload'), mb('daftar_texts'),
        mb('daftar_store') - mb('daftar_index') - mb('daftar_texts'), mb('daftar_blobs')))

    if 'daftar_tokens' in sizes:
        t = [int(x) for x in sizes['daftar_tokens']]
        u = [int(x) for x in sizes.get('fts5_unicode61_terms', ['0', '0'])]
        pr('daftar\'s analyzer over the corpus (tokcount.c): %d word positions, %d tokens = %.2f a position '
           '(surface %d, clitic-stripped %d, s: stems %d, k: and k:= name keys %d); prefix=\'2 3\' adds %d '
           'prefix entries, %d of them for s:/k: tokens that no prefix query uses. Plain FTS5 unicode61: '
           '%d tokens, 1 a position.\n' % (t[0], t[5], t[5] / t[0], t[1], t[2], t[3], t[4], t[6], t[7], u[1]))

    dq, derr = read_q(os.path.join(w, 'q-daftar.tsv'), ['e2e', 'took', 'total'])
    xq, _ = read_q(os.path.join(w, 'q-xapian.tsv'), ['top10', 'exact', 'snippet', 'total'])
    lq, _ = read_q(os.path.join(w, 'q-lucene.tsv'), ['top10', 'exact', 'snippet', 'total'])
    series = []
    if dq:
        series += [('daftar end-to-end (one `daftar search` process)', dq, 'e2e'),
                   ('daftar took_ms (count(*) + top 10 + snippets)', dq, 'took')]
    series += [('Xapian top 10 (estimated total)', xq, 'top10'),
               ('Xapian top 10 + exact total', xq, 'exact'),
               ('Xapian top 10 + exact total + snippets', xq, 'snippet'),
               ('Lucene top 10 (total counted to 1,000)', lq, 'top10'),
               ('Lucene top 10 + exact total', lq, 'exact'),
               ('Lucene top 10 + exact total + highlighter', lq, 'snippet')]
    pr('### Query latency, 1,000 queries, second (warm) pass, ms\n')
    pr('| engine, what is timed | p50 | p99 | mean | max |')
    pr('|---|---:|---:|---:|---:|')
    for label, q, c in series:
        v = q['all'][c]
        pr('| %s | %.2f | %.2f | %.2f | %.1f |' % (label, med(v), pct(v, 0.99), sum(v) / len(v), max(v)))
    if dq:
        pr('\nRatios, daftar took_ms against the peer with the same work (exact total + snippets) '
           'and against the cheapest peer mode (top 10):\n')
        pr('| | p50 ratio | p99 ratio |')
        pr('|---|---:|---:|')
        d = dq['all']['took']
        for label, q, c in [('daftar / Xapian exact + snippets', xq, 'snippet'),
                            ('daftar / Xapian top 10', xq, 'top10'),
                            ('daftar / Lucene exact + highlighter', lq, 'snippet'),
                            ('daftar / Lucene top 10', lq, 'top10')]:
            v = q['all'][c]
            pr('| %s | %.2f× | %.2f× |' % (label, med(d) / med(v), pct(d, 0.99) / pct(v, 0.99)))
        if derr:
            pr('\n%d daftar queries failed; first: %s' % (len(derr), derr[0]))

    pr('\n### By kind: p50 / p99 ms (second pass)\n')
    cols = []
    if dq:
        cols += [('daftar took', dq, 'took'), ('daftar e2e', dq, 'e2e')]
    cols += [('Xapian exact', xq, 'exact'), ('Xapian +snip', xq, 'snippet'),
             ('Lucene exact', lq, 'exact'), ('Lucene +hl', lq, 'snippet')]
    pr('| kind | n | ' + ' | '.join(c[0] for c in cols) + ' |')
    pr('|---|---:|' + '---:|' * len(cols))
    for k in KINDS:
        cells = ['%.2f / %.2f' % (med(q[k][c]), pct(q[k][c], 0.99)) for _, q, c in cols]
        pr('| %s | %d | %s |' % (k, len(xq[k]['exact']), ' | '.join(cells)))

    ph, _ = read_q(os.path.join(w, 'q-phases.tsv'), ['inproc', 'took', 'total'])
    if ph:
        pr('\n### daftar in one long-lived process (phases.c: dft_store_search on one connection, as the '
           'workbench runs it), p50 / p99 ms, second pass\n')
        pr('| kind | daftar in-process | Xapian exact + snippets | Lucene exact + highlighter |')
        pr('|---|---:|---:|---:|')
        for k in KINDS + ['all']:
            pr('| %s | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f |' % (
                k, med(ph[k]['inproc']), pct(ph[k]['inproc'], 0.99), med(xq[k]['snippet']), pct(xq[k]['snippet'], 0.99),
                med(lq[k]['snippet']), pct(lq[k]['snippet'], 0.99)))

    pr('\n### Matches (sanity: the engines analyse differently, so totals differ)\n')
    engines = ([('daftar', dq)] if dq else []) + [('Xapian', xq), ('Lucene', lq)]
    pr('| kind | ' + ' | '.join('%s median total' % e for e, _ in engines) + ' | ' +
       ' | '.join('%s no hits' % e for e, _ in engines) + ' |')
    pr('|---|' + '---:|' * (2 * len(engines)))
    for k in KINDS + ['all']:
        tot = [q[k]['total'] for _, q in engines]
        pr('| %s | %s | %s |' % (k, ' | '.join('%.0f' % med(t) for t in tot),
                                 ' | '.join('%d' % sum(1 for x in t if x == 0) for t in tot)))
    print('\n'.join(out))

if __name__ == '__main__':
    main()
