#!/usr/bin/env python3
"""gen.py OUT N [SEED] - a trove of N text letters in families of near-copies
(for bench/dedup/run.sh): Zipf words, English-like and Arabic-like, variants
with insertions, deletions, swapped paragraphs, OCR-like noise and other
headers, plus exact copies and unrelated letters. Deterministic.
OUT/one is the first delivery; OUT/two the second: every family's fourth
member (a later version of a letter in OUT/one) and the last 5% of the
families (new letters)."""
import os, random, sys

out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
SYL = "ka ter mo ri san de lo vin ga po rel stu ne bi cor fa mi tro al en ux pe".split()
AR = list("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
vocab = {False: ["".join(rng.choice(SYL) for _ in range(rng.randint(1, 3))) for _ in range(4000)],
         True: ["".join(rng.choice(AR) for _ in range(rng.randint(3, 6))) for _ in range(4000)]}
weights = [1.0 / (i + 8) for i in range(4000)]

def words(ar, k):
    return rng.choices(vocab[ar], weights, k=k)

def base(ar):
    n = int(40 * (900 / 40) ** rng.random())
    w = words(ar, n)
    paras, i = [], 0
    while i < len(w):
        j = i + rng.randint(20, 80)
        paras.append(w[i:j])
        i = j
    return paras

def mutate(paras, ar):
    p = [list(x) for x in paras]
    s = rng.random() * rng.random() * 0.16
    flat = sum(len(x) for x in p)
    for _ in range(int(s * flat * rng.random())):
        x = rng.choice(p); x.insert(rng.randint(0, len(x)), words(ar, 1)[0])
    for _ in range(int(s * flat * rng.random())):
        x = rng.choice(p)
        if len(x) > 2: del x[rng.randrange(len(x))]
    if rng.random() < 0.3 and len(p) > 1:
        i = rng.randrange(len(p) - 1); p[i], p[i + 1] = p[i + 1], p[i]
    if rng.random() < 0.4:
        for x in p:
            for i in range(len(x)):
                if rng.random() < s * 0.5 and len(x[i]) > 3:
                    k = rng.randrange(len(x[i])); x[i] = x[i][:k] + rng.choice(AR if ar else "lo1rnce") + x[i][k + 1:]
    if rng.random() < 0.4:
        p = [words(ar, rng.randint(2, 9)) + ["%d/%d" % (rng.randint(1, 999), rng.randint(2010, 2019))]] + p + [["page", str(rng.randint(1, 9))]]
    return p

os.makedirs(out, exist_ok=True)
made = 0
fam = 0
while made < n:
    ar = rng.random() < 0.5
    members = [base(ar)]
    if rng.random() >= 0.3:
        for _ in range(rng.randint(1, 7)):
            members.append(mutate(rng.choice(members), ar))
    late = made >= 0.95 * n
    for k, m in enumerate(members):
        if made >= n: break
        d = os.path.join(out, "two" if late or k == 3 else "one", "f%05d" % (fam // 100), "%05d" % fam)
        os.makedirs(d, exist_ok=True)
        text = "\n\n".join(" ".join(x) for x in m) + "\n"
        with open(os.path.join(d, "v%d.txt" % k), "w") as f: f.write(text)
        made += 1
        if rng.random() < 0.05 and made < n:
            with open(os.path.join(d, "v%d-copy.txt" % k), "w") as f: f.write(text)
            made += 1
    fam += 1
