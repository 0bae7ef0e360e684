#!/usr/bin/env python3
"""eval-places.py: score daftar's places and routes on the letters of
gen-places-letters.py (issue #19, item 3).

    python3 tests/data/eval-places.py LETTERS_DIR DAFTAR CASE
        [--min SPLIT:ACCURACY:PRECISION:RECALL ...] [--misses N]

LETTERS_DIR holds truth.tsv and the letters the case ingested (their paths
in the case end with the truth's SPLIT/FILE). Reads `daftar docs`,
`daftar export --format csv --table mentions` and `daftar places --json`.

A truth mention is right when a place mention of its document overlaps
it and that place's coordinates are within 10 km of the truth's. A route
daftar gives (from, to, document) is right when the document states a
route whose two ends are within 10 km of the two places'. Prints the
figures by split and script; exits 1 when a split misses a threshold
given for it with --min.
"""
import csv
import io
import json
import math
import subprocess
import sys
from collections import defaultdict


def km(a, b, c, d):
    r = math.pi / 180
    x = math.sin((c - a) * r / 2) ** 2 + math.cos(a * r) * math.cos(c * r) * math.sin((d - b) * r / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1, math.sqrt(x)))


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def main():
    letters, daftar, case = sys.argv[1:4]
    th = {"--misses": 40}
    mins = {}
    rest = sys.argv[4:]
    while rest:
        if rest[0] == "--min":
            sp, a, p, r = rest[1].split(":")
            mins[sp] = (float(a), float(p), float(r))
        else:
            th[rest[0]] = float(rest[1])
        rest = rest[2:]
    docs = {}
    for d in json.loads(run(daftar, "docs", case, "--json", "--limit", "1000000"))["documents"]:
        docs[d["path"].split("/")[-1]] = d["id"]
    ment = defaultdict(list)
    for row in csv.DictReader(io.StringIO(run(daftar, "export", case, "--format", "csv", "--table", "mentions"))):
        if row["type"] == "place":
            ment[int(row["doc"])].append((int(row["start"]), int(row["end"]), int(row["entity"] or 0)))
    pl = json.loads(run(daftar, "places", case, "--json"))
    geo = {p["id"]: (p["lat"], p["lon"]) for p in pl["places"] if p["lat"] is not None}
    texts = {}
    stats = defaultdict(lambda: [0, 0, 0])  # (split, script): mentions, found, right
    misses = []
    troutes = defaultdict(list)
    for line in open(letters + "/truth.tsv", encoding="utf-8"):
        t = line.rstrip("\n").split("\t")
        split, fname = t[1], t[2]
        if fname not in docs:  # a split the case did not ingest
            continue
        if t[0] == "route":
            troutes[docs.get(fname)].append((split, float(t[3]), float(t[4]), float(t[5]), float(t[6])))
            continue
        if fname not in texts:
            texts[fname] = open("%s/%s/%s" % (letters, split, fname), encoding="utf-8").read()
        text = texts[fname]
        s = len(text[:int(t[3])].encode())
        e = s + len(text[int(t[3]):int(t[4])].encode())
        lat, lon, script = float(t[5]), float(t[6]), t[7]
        st = stats[(split, script)]
        st[0] += 1
        hit = [m for m in ment.get(docs.get(fname), []) if m[0] < e and m[1] > s]
        if hit:
            st[1] += 1
        if any(m[2] in geo and km(lat, lon, *geo[m[2]]) <= 10 for m in hit):
            st[2] += 1
        else:
            misses.append("%s %s %s" % (split, fname, t[8]))
    failed = False
    print("places: mentions within 10 km of the right point (found = a place mention there at all)")
    for split in ("tune", "dev", "heldout"):
        tot = [0, 0, 0]
        if not any(sp == split for (sp, _) in stats):
            continue
        for (sp, script), v in sorted(stats.items()):
            if sp != split:
                continue
            print("  %-8s %-6s %4d mentions  found %4d  right %4d  accuracy %.3f" %
                  (split, script, v[0], v[1], v[2], v[2] / v[0] if v[0] else 0))
            tot = [a + b for a, b in zip(tot, v)]
        acc = tot[2] / tot[0] if tot[0] else 0
        print("  %-8s all    %4d mentions  found %4d  right %4d  accuracy %.3f" % (split, tot[0], tot[1], tot[2], acc))
        if split in mins and acc < mins[split][0]:
            print("  NOT OK: %s accuracy %.3f < %.3f" % (split, acc, mins[split][0]))
            failed = True
    byid = {}
    sys_routes = defaultdict(list)
    for r in pl["routes"]:
        if r["from"] in geo and r["to"] in geo:
            for d in r["documents"]:
                sys_routes[d].append((geo[r["from"]], geo[r["to"]]))
    split_of = {}
    for d, rs in troutes.items():
        for r in rs:
            split_of[d] = r[0]
    for fname, d in docs.items():
        byid[d] = fname
    print("routes:")
    for split in ("tune", "dev", "heldout"):
        tp = fp = fn = 0
        for d in set(troutes) | set(sys_routes):
            fname = byid.get(d, "")
            if not fname.startswith(split):
                continue
            truth = [r for r in troutes.get(d, []) if r[0] == split]
            used = [False] * len(truth)
            for (f, t) in sys_routes.get(d, []):
                ok = False
                for i, r in enumerate(truth):
                    if not used[i] and km(r[1], r[2], *f) <= 10 and km(r[3], r[4], *t) <= 10:
                        used[i] = ok = True
                        break
                tp += ok
                fp += not ok
                if not ok:
                    misses.append("%s %s: route not stated %s -> %s" % (split, fname, f, t))
            fn += used.count(False)
            for i, r in enumerate(truth):
                if not used[i]:
                    misses.append("%s %s: route missed %s" % (split, fname, r[1:]))
        if tp + fp + fn == 0:
            continue
        p = tp / (tp + fp) if tp + fp else 0
        rec = tp / (tp + fn) if tp + fn else 0
        print("  %-8s stated %4d  found %4d  right %4d  precision %.3f  recall %.3f" % (split, tp + fn, tp + fp, tp, p, rec))
        if split in mins and (p < mins[split][1] or rec < mins[split][2]):
            print("  NOT OK: %s routes precision %.3f / recall %.3f under %.3f / %.3f" % (split, p, rec, mins[split][1], mins[split][2]))
            failed = True
    if misses:
        print("misses (first %d):" % th["--misses"])
        for m in misses[:int(th["--misses"])]:
            print("  " + m)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
