#!/usr/bin/python3
"""render_forms.py - make_forms.py's typed forms rendered as page images (clean
300-dpi scans, flat-bed scans, phone photos) with bench/ocr/make_devset.py's
renderer (Pango/Cairo) and degradations, for daftar's OCR path: the forms
are ingested as images, OCR'd, and their records scored with evaluate.py
against the same truth.

Usage: render_forms.py GENDIR OUTDIR [--per-template N] [--conds clean,scan,photo] [--seed S]
Writes OUTDIR/files/<cond>/<template>/<name>.png|jpg and OUTDIR/truth.json
(the truth of each rendered form, under its image's path).
"""
import argparse, hashlib, json, os, random, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "ocr"))
import make_devset as md  # noqa: E402
import numpy as np  # noqa: E402

AR_FACES = [("Amiri", "Amiri", "normal"), ("NotoSansArabic", "Noto Sans Arabic", "normal"),
            ("DejaVuSans", "DejaVu Sans", "normal")]
EN_FACES = [("LiberationSans", "Liberation Sans", "normal"), ("DejaVuSerif", "DejaVu Serif", "normal"),
            ("LiberationSerif", "Liberation Serif", "normal")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gen")
    ap.add_argument("out")
    ap.add_argument("--per-template", type=int, default=4)
    ap.add_argument("--conds", default="clean,scan,photo")
    ap.add_argument("--seed", type=int, default=18)
    a = ap.parse_args()
    truth = json.load(open(os.path.join(a.gen, "truth.json"), encoding="utf-8"))
    rng = random.Random(a.seed)
    out = {"templates": truth["templates"], "files": {}}
    by_t = {}
    for rel in sorted(truth["files"]):
        f = truth["files"][rel]
        if f["template"]:
            by_t.setdefault(f["template"], []).append(rel)
    conds = a.conds.split(",")
    n = 0
    for t, rels in sorted(by_t.items()):
        lang = truth["templates"][t]["language"]
        for rel in rels[:a.per_template]:
            text = open(os.path.join(a.gen, "files", rel), encoding="utf-8").read()
            lines = text.rstrip("\n").split("\n")
            blocks = [(line, "form", 1.0, False) for line in lines]
            pt = 12 if len(lines) <= 28 else 9  # a long form on one page, smaller
            for cond in conds:
                face = rng.choice(AR_FACES if lang != "en" else EN_FACES)
                gray, gt = md.render(blocks, face[1], face[2], pt, 300, "ar" if lang != "en" else "en", 80, rng)
                seed = int(hashlib.sha256((rel + cond).encode()).hexdigest()[:8], 16)
                img, ext, kw, _ = md.degrade(gray, cond, 300, rng, np.random.default_rng(seed))
                kw = dict(kw)
                kw.setdefault("dpi", (300, 300))
                name = "%s/%s.%s" % (cond, rel[:-4], ext)
                os.makedirs(os.path.dirname(os.path.join(a.out, "files", name)), exist_ok=True)
                img.save(os.path.join(a.out, "files", name), **kw)
                f = dict(truth["files"][rel], condition=cond, face=face[0])
                # only the fields whose line is on the page (a page that overflowed loses its end)
                shown = "\n".join(gt)
                f["fields"] = {k: v for k, v in f["fields"].items() if (k + ":") in shown or ("| " + k) in shown or k in shown}
                out["files"][name] = f
                n += 1
    with open(os.path.join(a.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
    print("%d pages in %s" % (n, os.path.join(a.out, "files")), file=sys.stderr)


if __name__ == "__main__":
    main()
