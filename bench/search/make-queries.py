#!/usr/bin/python3
"""make-queries.py CORPUS OUT.tsv [--seed S]

Writes the fixed mix of 1,000 queries of the search benchmark, built from
the corpus's own words (make-corpus.py), one a line:
    kind <TAB> daftar query <TAB> peer query (Lucene classic QueryParser and
                                              Xapian QueryParser syntax)
Half of each kind is Arabic, half English (by the document drawn from):
  word    250  one word; half drawn uniformly from the words in >= 3 documents,
               half in proportion to their frequency (common words)
  two     200  two words of one random document (both must match)
  phrase  150  2 or 3 consecutive words of a random document, "quoted"
  or      150  a OR b, each word drawn as for 'word'
  prefix  150  the first 3-5 letters of a word of >= 6 letters, then *
               (Arabic: words that begin with no clitic or article letter,
               since the peers' stemmers strip those)
  filter  100  a word of a document + path:<its corpus folder>
               (daftar: its path: filter; peers: a term on a path field)
Words are runs of Latin or Arabic letters only, >= 3 letters. Deterministic
for a given seed (default 1).
"""
import os, random, re, sys
from collections import Counter

WORD = re.compile(r'^(?:[A-Za-z]{3,}|[\u0621-\u063a\u0641-\u064a]{3,})$')
ARABIC = re.compile('[\u0600-\u06ff]')

def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    corpus, out = args[0], args[1]
    seed = int(args[3]) if len(args) >= 4 and args[2] == '--seed' else 1
    rnd = random.Random(seed)
    docs = []  # (folder, lang, tokens)
    df = {'ar': Counter(), 'en': Counter()}
    tf = {'ar': Counter(), 'en': Counter()}
    for sub in sorted(os.listdir(corpus)):
        for name in sorted(os.listdir(os.path.join(corpus, sub))):
            with open(os.path.join(corpus, sub, name), encoding='utf-8', errors='replace') as f:
                text = f.read()
            toks = text.split()
            ar = sum(1 for t in toks if ARABIC.search(t))
            lang = 'ar' if ar * 2 > len(toks) else 'en'
            docs.append((sub, lang, toks))
            words = [t for t in toks if WORD.match(t)]
            tf[lang].update(words)
            df[lang].update(set(words))
    by_lang = {l: [d for d in docs if d[1] == l] for l in ('ar', 'en')}
    vocab = {l: sorted(w for w, n in df[l].items() if n >= 3) for l in ('ar', 'en')}
    freq = {l: (list(tf[l].keys()), list(tf[l].values())) for l in ('ar', 'en')}

    def word(lang, k):
        if k % 2 == 0:
            return rnd.choice(vocab[lang])
        ws, wt = freq[lang]
        return rnd.choices(ws, wt)[0]

    def doc_words(lang, n):
        while True:
            d = rnd.choice(by_lang[lang])
            ws = [t for t in d[2] if WORD.match(t)]
            if len(set(ws)) >= n:
                return d, rnd.sample(sorted(set(ws)), n)

    qs = []
    def add(kind, dq, pq=None):
        qs.append((kind, dq, pq if pq is not None else dq))
    for k in range(250):
        add('word', word('ar' if k % 2 else 'en', k // 2))
    for k in range(200):
        add('two', ' '.join(doc_words('ar' if k % 2 else 'en', 2)[1]))
    for k in range(150):
        lang = 'ar' if k % 2 else 'en'
        n = 2 + k % 3 // 2  # 2, 2, 3
        while True:
            toks = rnd.choice(by_lang[lang])[2]
            if len(toks) <= n:
                continue
            i = rnd.randrange(len(toks) - n)
            run = toks[i:i + n]
            if all(WORD.match(t) for t in run):
                add('phrase', '"' + ' '.join(run) + '"')
                break
    for k in range(150):
        lang = 'ar' if k % 2 else 'en'
        add('or', word(lang, k) + ' OR ' + word(lang, k + 1))
    clitic = ('و', 'ف', 'ب', 'ل', 'ك', 'ا', 'أ', 'إ', 'آ')
    for k in range(150):
        lang = 'ar' if k % 2 else 'en'
        while True:
            w = word(lang, k)
            if len(w) < 6 or (lang == 'ar' and (w.startswith(clitic) or re.search('[ىةئؤء]', w[:5]))):
                continue
            add('prefix', w[:3 + k % 3].lower() + '*')
            break
    for k in range(100):
        d, (w,) = doc_words('ar' if k % 2 else 'en', 1)
        add('filter', w + ' path:' + d[0])
    with open(out, 'w', encoding='utf-8') as f:
        for q in qs:
            f.write('\t'.join(q) + '\n')
    print('make-queries: %d queries (%s)' % (len(qs), ', '.join('%s %d' % (k, n) for k, n in
          Counter(q[0] for q in qs).items())), file=sys.stderr)

if __name__ == '__main__':
    main()
