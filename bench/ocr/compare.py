#!/usr/bin/env python3
"""compare.py - CER of several OCR runs side by side (markdown), for the README.

Usage: compare.py MANIFEST NAME=OCRDIR [NAME=OCRDIR ...] [--split S] [--by lang,condition]...
                  [--where condition=clean,dpi=300|200] [--nodiac]

Each run is scored like score.py (same normalisation, micro-averaged CER); a run
restricted to one language (run.info lang_only) shows "-" for the other.  Several
--by options print several tables; default: lang; lang,condition; lang,font; lang,dpi;
lang,kind.  --nodiac uses the diacritics-removed CER.
"""
import argparse, collections, os, sys

sys.dont_write_bytecode = True  # no __pycache__ in the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import lev, norm, read  # noqa: E402


def info_of(d):
    info = {}
    p = os.path.join(d, "run.info")
    if os.path.exists(p):
        for l in open(p, encoding="utf-8"):
            x = l.rstrip("\n").split("\t")
            if len(x) == 2:
                info[x[0]] = x[1]
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manifest")
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--split")
    ap.add_argument("--by", action="append")
    ap.add_argument("--nodiac", action="store_true")
    ap.add_argument("--where", default="", help="only pages with these manifest values, e.g. condition=clean,dpi=300")
    a = ap.parse_args()
    base = os.path.dirname(os.path.abspath(a.manifest))
    with open(a.manifest, encoding="utf-8") as f:
        hdr = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(hdr, l.rstrip("\n").split("\t"))) for l in f if l.strip()]
    if a.split:
        rows = [r for r in rows if r["split"] == a.split]
    for cond in filter(None, a.where.split(",")):
        k, v = cond.split("=", 1)
        rows = [r for r in rows if r[k] in v.split("|")]
    refs = {r["id"]: norm(read(os.path.join(base, r["gt"])), a.nodiac) for r in rows}
    runs = []
    for spec in a.runs:
        name, d = spec.split("=", 1)
        info = info_of(d)
        lang_only = info.get("lang_only", "all")
        dist = {}
        for r in rows:
            if lang_only != "all" and r["lang"] != lang_only:
                continue
            hyp = read(os.path.join(d, r["id"] + ".txt")) or ""
            dist[r["id"]] = lev(refs[r["id"]], norm(hyp, a.nodiac))
        runs.append((name, dist))
    bys = [b.split(",") for b in (a.by or ["lang", "lang,condition", "lang,font", "lang,dpi", "lang,kind"])]
    for keys in bys:
        groups = collections.OrderedDict()
        for r in sorted(rows, key=lambda r: tuple(r[k] for k in keys)):
            groups.setdefault(tuple(r[k] for k in keys), []).append(r)
        print("\n| " + " | ".join(keys) + " | pages | " + " | ".join(n for n, _ in runs) + " |")
        print("|" + "---|" * (len(keys) + 1 + len(runs)))
        for k, rs in groups.items():
            cells = []
            for _, dist in runs:
                have = [r for r in rs if r["id"] in dist]
                n = sum(len(refs[r["id"]]) for r in have)
                cells.append("%.1f" % (100.0 * sum(dist[r["id"]] for r in have) / n) if have and n else "-")
            print("| " + " | ".join(k) + " | %d | " % len(rs) + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
