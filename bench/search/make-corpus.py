#!/usr/bin/python3
"""make-corpus.py OUT [--total N] [--seed S]

Writes the search-benchmark corpus into folder OUT (plain UTF-8 .txt files,
one document a file; nothing of it is committed), from the real texts in
$DAFTAR_SHARED/corpora (default: ../shared/corpora next to the repo):

  news-ar/   SaudiNewsNet, the four days of 2015-07-22..25, one article a file
             (title, blank line, content)                          ~7,000
  cran/      the 1,400 Cranfield abstracts (title + text)
  cisi/      the 1,460 CISI abstracts (title + author + text)
  conll/     CoNLL-2003 English (train, valid, test), one -DOCSTART- a file,
             tokens joined back into sentences                     ~1,390
  anercorp/  ANERCorp Arabic, 8 sentences a file                   ~  600
  aqmar/     AQMAR Arabic Wikipedia NER, 8 sentences a file        ~  330
  tika/      the plain-text (.txt) files of tika-test-documents
  gen-ar/, gen-en/  generated documents, until there are about N in all
             (default 21,000; duplicate texts are written once): each a random draw of real sentences of one language
             (length drawn from the real documents' lengths), so vocabulary
             and term frequencies stay those of real text.

Deterministic for a given seed (default 1). Standard library only.
"""
import json, os, random, re, sys, zipfile

def main():
    args = sys.argv[1:]
    if not args or args[0].startswith('-'):
        sys.exit(__doc__)
    out = args[0]
    total, seed = 21000, 1
    i = 1
    while i < len(args):
        if args[i] == '--total':
            total = int(args[i + 1]); i += 2
        elif args[i] == '--seed':
            seed = int(args[i + 1]); i += 2
        else:
            sys.exit('make-corpus: unknown argument ' + args[i])
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get('DAFTAR_SHARED', os.path.join(here, '..', '..', '..', 'shared'))
    corp = os.path.join(shared, 'corpora')
    rnd = random.Random(seed)
    docs = {}  # dir -> list of texts

    # SaudiNewsNet
    news = []
    sn = os.path.join(corp, 'saudinewsnet-ar')
    for name in sorted(os.listdir(sn)):
        if name.endswith('.zip'):
            with zipfile.ZipFile(os.path.join(sn, name)) as z:
                for member in z.namelist():
                    if member.endswith('.json'):
                        for a in json.loads(z.read(member).decode('utf-8')):
                            if a.get('content'):
                                news.append((a.get('title') or '') + '\n\n' + a['content'] + '\n')
    docs['news-ar'] = news

    # SMART collections
    def smart(path, keep):
        res, body, sec, cur = [], [], '', False
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                line = line.rstrip('\r\n')
                if line.startswith('.I '):
                    if cur:
                        res.append('\n'.join(body) + '\n')
                    body, sec, cur = [], '', True
                    continue
                if re.fullmatch(r'\.[A-Z]', line):
                    sec = line[1]
                    continue
                if sec in keep:
                    body.append(line)
        if cur:
            res.append('\n'.join(body) + '\n')
        return res
    docs['cran'] = smart(os.path.join(corp, 'cranfield', 'cran.all.1400'), 'W')
    docs['cisi'] = smart(os.path.join(corp, 'cisi', 'CISI.ALL'), 'TAW')

    # CoNLL-2003: token per line, blank line between sentences
    conll = []
    for part in ('train.txt', 'valid.txt', 'test.txt'):
        cur, sent = None, []
        with open(os.path.join(corp, 'conll2003-en', part), encoding='utf-8') as f:
            for line in f:
                t = line.split()
                if not t:
                    if sent and cur is not None:
                        cur.append(' '.join(sent))
                    sent = []
                    continue
                if t[0] == '-DOCSTART-':
                    if cur:
                        conll.append('\n'.join(cur) + '\n')
                    cur, sent = [], []
                    continue
                sent.append(t[0])
        if sent and cur is not None:
            cur.append(' '.join(sent))
        if cur:
            conll.append('\n'.join(cur) + '\n')
    docs['conll'] = conll

    # Arabic NER corpora: token per line; sentences end at '.'
    def ner_sentences(path):
        sents, sent = [], []
        with open(path, encoding='utf-8', errors='replace') as f:
            for line in f:
                t = line.split()
                if not t:
                    if sent:
                        sents.append(' '.join(sent)); sent = []
                    continue
                if t[0].startswith('-DOCSTART-'):
                    continue
                sent.append(t[0])
                if t[0] in ('.', '؟', '!', '?') and len(sent) > 3:
                    sents.append(' '.join(sent)); sent = []
        if sent:
            sents.append(' '.join(sent))
        return sents
    def group(sents, n):
        return ['\n'.join(sents[k:k + n]) + '\n' for k in range(0, len(sents), n)]
    docs['anercorp'] = group(ner_sentences(os.path.join(corp, 'anercorp-ar', 'ANERCorp.txt')), 8)
    docs['aqmar'] = group(ner_sentences(os.path.join(corp, 'aqmar-ar', 'AQMAR_Arabic_NER_corpus-1.0.txt')), 8)

    # tika .txt files
    tk = os.path.join(corp, 'tika-test-documents')
    tika = []
    for name in sorted(os.listdir(tk)):
        if name.endswith('.txt'):
            with open(os.path.join(tk, name), encoding='utf-8', errors='replace') as f:
                t = f.read()
            if t.strip():
                tika.append(t)
    docs['tika'] = tika

    # generated: real sentences of one language, shuffled into new documents
    arabic = re.compile('[\u0600-\u06ff]')
    pools = {'ar': [], 'en': []}
    lens = {'ar': [], 'en': []}
    for d, texts in docs.items():
        if d == 'tika':
            continue
        lang = 'ar' if d in ('news-ar', 'anercorp', 'aqmar') else 'en'
        for t in texts:
            ss = [s.strip() for s in re.split(r'(?<=[.!?؟])\s+|\n+', t) if len(s.strip()) > 20]
            pools[lang].extend(ss)
            lens[lang].append(max(1, len(ss)))
    real = sum(len(v) for v in docs.values())
    need = max(0, total - real) + 300  # room for duplicates, dropped below
    for lang in ('ar', 'en'):
        gen = []
        for _ in range(need // 2 + (need % 2 if lang == 'ar' else 0)):
            n = rnd.choice(lens[lang])
            gen.append('\n'.join(rnd.choice(pools[lang]) for _ in range(n)) + '\n')
        docs['gen-' + lang] = gen

    # the same text twice is one document to daftar (one SHA-256): write it once
    n, seen = 0, set()
    for d, texts in docs.items():
        os.makedirs(os.path.join(out, d), exist_ok=True)
        k = 0
        for i, t in enumerate(texts):
            if t in seen:
                continue
            seen.add(t)
            k += 1
            # Cranfield and CISI keep their own numbers (the relevance
            # judgements use them), other folders count what was written
            name = i + 1 if d in ('cran', 'cisi') else k
            with open(os.path.join(out, d, '%05d.txt' % name), 'w', encoding='utf-8') as f:
                f.write(t)
        n += k
        print('%-9s %6d documents' % (d, k), file=sys.stderr)
    print('total     %6d documents' % n, file=sys.stderr)

if __name__ == '__main__':
    main()
