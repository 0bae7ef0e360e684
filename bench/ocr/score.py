#!/usr/bin/env python3
"""score.py - CER and WER of OCR outputs against the dev set's ground truth.

Usage: score.py MANIFEST OCRDIR [--split tune|test] [--lang ar|en] [--pages OUT.tsv]
                [--cross OUT.tsv] [--md]

OCRDIR holds <id>.txt for each page (a missing file counts as empty output and is
reported).  If OCRDIR/times.tsv exists (id <TAB> wall seconds [<TAB> CPU seconds], as
run-tesseract.sh writes it), seconds a page and pages/s are reported too.

Normalisation, applied to reference and hypothesis alike, before counting:
  1. Unicode NFC; Arabic presentation forms (U+FB50-FDFF, U+FE70-FEFF) to their
     NFKC letters;
  2. bidi and joiner controls removed (U+200B-200F, U+202A-202E, U+2066-2069, U+FEFF);
  3. tatweel (U+0640) removed;
  4. every whitespace run, line breaks included, to one space; trimmed.
The "nodiac" figures also remove Arabic diacritics (U+064B-065F, U+0670).
Digits are NOT unified: Arabic-Indic and Latin digits must be read as printed.

CER = Levenshtein distance (characters) / reference length; WER the same over
space-separated words.  "WER bag" is order-free: max(words missed, words extra) /
reference words (multisets), so a line read in another place costs nothing there;
the gap between WER and WER bag is reading order.  Aggregates are micro-averages: sum of distances / sum of
reference lengths over the pages of a group.
"""
import argparse, collections, os, re, sys, unicodedata

CTRL = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
PRES = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
DIAC = re.compile("[\u064b-\u065f\u0670]")
WS = re.compile(r"\s+")


def norm(s, nodiac=False):
    s = unicodedata.normalize("NFC", s)
    s = PRES.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), s)
    s = CTRL.sub("", s)
    s = s.replace("\u0640", "")
    if nodiac:
        s = DIAC.sub("", s)
    return WS.sub(" ", s).strip()


def lev(a, b):
    """Levenshtein distance of two sequences (Hyyro's bit-parallel algorithm, big ints)."""
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    peq = {}
    for i, c in enumerate(b):
        peq[c] = peq.get(c, 0) | (1 << i)
    mask = (1 << m) - 1
    hb = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for c in a:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & hb:
            score += 1
        elif mh & hb:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def words(s):
    return s.split(" ") if s else []


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("manifest")
    ap.add_argument("ocrdir")
    ap.add_argument("--split")
    ap.add_argument("--lang")
    ap.add_argument("--pages", help="write per-page scores here (TSV)")
    ap.add_argument("--cross", help="write lang x condition x font x dpi aggregates here (TSV)")
    ap.add_argument("--md", action="store_true", help="print markdown tables")
    a = ap.parse_args()
    base = os.path.dirname(os.path.abspath(a.manifest))
    with open(a.manifest, encoding="utf-8") as f:
        hdr = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(hdr, l.rstrip("\n").split("\t"))) for l in f if l.strip()]
    # a run restricted to a split or a language (run-tesseract.sh's SPLIT, LANG_ONLY in
    # OCRDIR/run.info) is scored on those pages only, unless --split/--lang say otherwise
    info = {}
    ipath = os.path.join(a.ocrdir, "run.info")
    if os.path.exists(ipath):
        for l in open(ipath, encoding="utf-8"):
            p = l.rstrip("\n").split("\t")
            if len(p) == 2:
                info[p[0]] = p[1]
    if not a.split and info.get("split", "all") != "all":
        a.split = info["split"]
    if not a.lang and info.get("lang_only", "all") != "all":
        a.lang = info["lang_only"]
    if a.split or a.lang:
        print("score: pages of split %s, lang %s" % (a.split or "all", a.lang or "all"))
    rows = [r for r in rows if (not a.split or r["split"] == a.split) and (not a.lang or r["lang"] == a.lang)]
    times = {}
    tpath = os.path.join(a.ocrdir, "times.tsv")
    if os.path.exists(tpath):
        for l in open(tpath, encoding="utf-8"):
            p = l.split("\t")
            if len(p) >= 2:
                try:
                    times[p[0]] = (float(p[1]), float(p[2]) if len(p) > 2 else None)
                except ValueError:
                    pass
    res = []
    missing = 0
    for r in rows:
        ref_raw = read(os.path.join(base, r["gt"]))
        hyp_raw = read(os.path.join(a.ocrdir, r["id"] + ".txt"))
        if hyp_raw is None:
            missing += 1
            hyp_raw = ""
        d = {}
        for tag, nd in (("", False), ("nd_", True)):
            ref, hyp = norm(ref_raw, nd), norm(hyp_raw, nd)
            d[tag + "ce"] = lev(ref, hyp)
            d[tag + "cn"] = len(ref)
            rw, hw = words(ref), words(hyp)
            d[tag + "we"] = lev(rw, hw)
            d[tag + "wn"] = len(rw)
            # order-free: words missed and words extra, whatever their place (a moved line costs nothing)
            cr, ch = collections.Counter(rw), collections.Counter(hw)
            d[tag + "wb"] = max(sum((cr - ch).values()), sum((ch - cr).values()))
        d["t"], d["cpu"] = times.get(r["id"], (None, None))
        res.append((r, d))

    def agg(items):
        s = collections.Counter()
        tt, nt, tc, nc = 0.0, 0, 0.0, 0
        for _, d in items:
            for k in ("ce", "cn", "we", "wn", "wb", "nd_ce", "nd_cn"):
                s[k] += d[k]
            if d["t"] is not None:
                tt += d["t"]
                nt += 1
            if d["cpu"] is not None:
                tc += d["cpu"]
                nc += 1
        pct = lambda e, n: 100.0 * e / n if n else float("nan")  # noqa: E731
        return dict(n=len(items), cer=pct(s["ce"], s["cn"]), wer=pct(s["we"], s["wn"]), werbag=pct(s["wb"], s["wn"]),
                    cer_nd=pct(s["nd_ce"], s["nd_cn"]), sec=(tt / nt if nt else None),
                    cpu=(tc / nc if nc else None))

    if a.pages:
        with open(a.pages, "w", encoding="utf-8") as f:
            f.write("id\tsplit\tlang\tfont\tdpi\tcondition\tkind\tref_chars\tcer\tcer_nodiac\twer\twer_bag\tseconds\tcpu_seconds\n")
            for r, d in res:
                f.write("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%s\t%s\n" % (
                    r["id"], r["split"], r["lang"], r["font"], r["dpi"], r["condition"], r["kind"], d["cn"],
                    100.0 * d["ce"] / max(d["cn"], 1), 100.0 * d["nd_ce"] / max(d["nd_cn"], 1),
                    100.0 * d["we"] / max(d["wn"], 1), 100.0 * d["wb"] / max(d["wn"], 1),
                    "" if d["t"] is None else "%.2f" % d["t"], "" if d["cpu"] is None else "%.2f" % d["cpu"]))

    def group(keys):
        g = collections.OrderedDict()
        for r, d in sorted(res, key=lambda x: tuple(x[0][k] for k in keys)):
            g.setdefault(tuple(r[k] for k in keys), []).append((r, d))
        return g

    if a.cross:
        keys = ["lang", "condition", "font", "dpi"]
        with open(a.cross, "w", encoding="utf-8") as f:
            f.write("\t".join(keys) + "\tpages\tcer\tcer_nodiac\twer\twer_bag\n")
            for k, items in group(keys).items():
                s = agg(items)
                f.write("\t".join(k) + "\t%d\t%.2f\t%.2f\t%.2f\t%.2f\n" % (s["n"], s["cer"], s["cer_nd"], s["wer"],
                                                                    s["werbag"]))

    def table(title, keys):
        print("\n### %s\n" % title if a.md else "\n== %s" % title)
        cols = keys + ["pages", "CER %", "CER nodiac %", "WER %", "WER bag %", "s/page", "CPU s/page"]
        if a.md:
            print("| " + " | ".join(cols) + " |")
            print("|" + "---|" * len(cols))
        else:
            print("\t".join(cols))
        for k, items in group(keys).items():
            s = agg(items)
            vals = list(k) + [str(s["n"]), "%.2f" % s["cer"], "%.2f" % s["cer_nd"], "%.2f" % s["wer"], "%.2f" % s["werbag"],
                              "-" if s["sec"] is None else "%.2f" % s["sec"],
                              "-" if s["cpu"] is None else "%.2f" % s["cpu"]]
            print(("| " + " | ".join(vals) + " |") if a.md else "\t".join(vals))

    table("by split x lang", ["split", "lang"])
    table("by lang", ["lang"])
    table("by lang x condition", ["lang", "condition"])
    table("by lang x font", ["lang", "font"])
    table("by lang x dpi", ["lang", "dpi"])
    table("by lang x kind", ["lang", "kind"])
    if missing:
        print("\nscore: %d of %d pages have no OCR output (counted as empty)" % (missing, len(rows)))
    if times:
        s = agg([x for x in res if x[1]["t"] is not None])
        if s["sec"]:
            print("\nscore: %d pages timed: %.2f s wall a page (%.3f pages/s a process)%s" % (
                s["n"], s["sec"], 1 / s["sec"],
                "" if not s["cpu"] else ", %.2f CPU s a page (%.3f pages/s a core)" % (s["cpu"], 1 / s["cpu"])))


if __name__ == "__main__":
    main()
