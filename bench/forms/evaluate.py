#!/usr/bin/python3
"""evaluate.py - daftar's templates and records against make_forms.py's truth.

Usage: evaluate.py DAFTAR CASE GENDIR [--json OUT] [--quiet] [--min-template-p P] [--min-template-r R]
                   [--min-field A] [--max-letters N]

Template precision: daftar templates whose members are >= 90% of one true
template (and not letters or reports), over all daftar templates. Template
recall: true templates found exactly once, covering >= 90% of their
members. Field accuracy, per kind: a true field (as the generator wrote it)
whose value daftar read the same (NFC, blanks collapsed) under the label of
the same name; "normalized" accuracy where the truth has a normalised value
(ISO date, ISO 3166, E.164, digits). Exit 1 when a --min/--max is missed.
"""
import argparse, collections, json, subprocess, sys, unicodedata


def norm(s):
    if s is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", s).split())


def fold_label(s):
    return " ".join(unicodedata.normalize("NFKC", s).casefold().split())


def run(daftar, *args):
    out = subprocess.run([daftar] + list(args), check=True, capture_output=True).stdout
    return json.loads(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("daftar")
    ap.add_argument("case")
    ap.add_argument("gen")
    ap.add_argument("--json")
    ap.add_argument("--quiet", action="store_true", help="print nothing but failures")
    ap.add_argument("--min-template-p", type=float, default=0)
    ap.add_argument("--min-template-r", type=float, default=0)
    ap.add_argument("--min-field", type=float, default=0)
    ap.add_argument("--max-letters", type=int, default=10 ** 9)
    a = ap.parse_args()
    truth = json.load(open(a.gen + "/truth.json", encoding="utf-8"))
    docs = run(a.daftar, "docs", a.case, "--json")["documents"]
    path_of = {}
    for d in docs:
        for p in d.get("paths") or [d["path"]]:
            rel = p.split("files/", 1)[-1] if "files/" in p else p
            if rel in truth["files"]:
                path_of[d["id"]] = rel
    recs = run(a.daftar, "records", a.case, "--json")["templates"]
    # templates
    matched = {}  # daftar template id -> true template
    letters_in = 0
    found = collections.defaultdict(list)
    for t in recs:
        members = [path_of.get(r["document"]) for r in t["records"]]
        kinds = collections.Counter(truth["files"][m]["template"] if m else None for m in members)
        letters_in += kinds.get(None, 0)
        top, n = kinds.most_common(1)[0] if kinds else (None, 0)
        if top is not None and n >= 0.9 * len(members):
            matched[t["template"]] = top
            found[top].append(t["template"])
    true_templates = truth["templates"]
    recall_ok = 0
    per_template = {}
    for name in true_templates:
        total = sum(1 for f in truth["files"].values() if f["template"] == name)
        ids = found.get(name, [])
        covered = 0
        for t in recs:
            if t["template"] in ids:
                covered += sum(1 for r in t["records"] if truth["files"].get(path_of.get(r["document"]), {}).get("template") == name)
        ok = len(ids) == 1 and covered >= 0.9 * total
        recall_ok += ok
        per_template[name] = {"members": total, "found_as": ids, "covered": covered}
    precision = len(matched) / len(recs) if recs else 0.0
    recall = recall_ok / len(true_templates) if true_templates else 0.0
    # fields
    acc = collections.defaultdict(lambda: [0, 0])
    nacc = collections.defaultdict(lambda: [0, 0])
    seen_docs = set()
    for t in recs:
        name = matched.get(t["template"])
        labels = {fold_label(l): l for l in t["labels"]}
        # a true label daftar read differently (OCR'd half of a bilingual label): the label
        # sharing most of its words
        for tl in truth["templates"].get(name, {}).get("labels", []):
            ft = fold_label(tl)
            if ft in labels:
                continue
            words = set(ft.replace("/", " ").split())
            best = max(t["labels"], key=lambda l: len(words & set(fold_label(l).replace("/", " ").split())), default=None)
            if best and words & set(fold_label(best).replace("/", " ").split()):
                labels[ft] = best
        for r in t["records"]:
            rel = path_of.get(r["document"])
            if not rel or truth["files"][rel]["template"] != name:
                continue
            seen_docs.add(rel)
            for lab, tf in truth["files"][rel]["fields"].items():
                got = r["fields"].get(labels.get(fold_label(lab), "\0"))
                kind = tf["kind"]
                cond = truth["files"][rel].get("condition")
                right = got is not None and norm(got.get("value")) == norm(tf["value"])
                acc[kind][1] += 1
                acc["all"][1] += 1
                if cond:
                    acc["%s/%s" % (cond, truth["templates"][name]["language"])][1] += 1
                    acc["%s/%s" % (cond, truth["templates"][name]["language"])][0] += right
                if right:
                    acc[kind][0] += 1
                    acc["all"][0] += 1
                if tf["normalized"] is not None:
                    nacc[kind][1] += 1
                    if got is not None and (got.get("normalized") or "") == tf["normalized"]:
                        nacc[kind][0] += 1
    # fields of forms daftar did not put in a template count as wrong
    for rel, f in truth["files"].items():
        if f["template"] and rel not in seen_docs:
            for lab, tf in f["fields"].items():
                acc[tf["kind"]][1] += 1
                acc["all"][1] += 1
                if f.get("condition"):
                    acc["%s/%s" % (f["condition"], truth["templates"][f["template"]]["language"])][1] += 1
                if tf["normalized"] is not None:
                    nacc[tf["kind"]][1] += 1
    # same-person links against the generator's people
    doc_person = {}
    for t in recs:
        for r in t["records"]:
            rel = path_of.get(r["document"])
            if rel and truth["files"][rel].get("template"):
                doc_person[r["document"]] = truth["files"][rel].get("person")
    got_links = set()
    for t in recs:
        for r in t["records"]:
            for s in r.get("same_person", []):
                got_links.add(tuple(sorted((r["document"], s["document"]))))
    right_links = sum(1 for a, b in got_links if doc_person.get(a) is not None and doc_person.get(a) == doc_person.get(b))
    by_person = collections.defaultdict(list)
    for doc, p in doc_person.items():
        by_person[p].append(doc)
    true_links = sum(len(v) * (len(v) - 1) // 2 for v in by_person.values())
    res = {
        "same_person": {"links": len(got_links), "right": right_links, "true_pairs": true_links},
        "template_precision": round(precision, 4), "template_recall": round(recall, 4),
        "daftar_templates": len(recs), "true_templates": len(true_templates), "letters_in_templates": letters_in,
        "per_template": per_template,
        "field_accuracy": {k: round(v[0] / v[1], 4) if v[1] else None for k, v in sorted(acc.items())},
        "fields": {k: v[1] for k, v in sorted(acc.items())},
        "normalized_accuracy": {k: round(v[0] / v[1], 4) if v[1] else None for k, v in sorted(nacc.items())},
    }
    if not a.quiet:
        print(json.dumps(res, ensure_ascii=False, indent=1))
    if a.json:
        json.dump(res, open(a.json, "w"), ensure_ascii=False, indent=1)
    bad = []
    if precision < a.min_template_p:
        bad.append("template precision %.3f < %.3f" % (precision, a.min_template_p))
    if recall < a.min_template_r:
        bad.append("template recall %.3f < %.3f" % (recall, a.min_template_r))
    if acc["all"][1] and acc["all"][0] / acc["all"][1] < a.min_field:
        bad.append("field accuracy %.4f < %.4f" % (acc["all"][0] / acc["all"][1], a.min_field))
    if letters_in > a.max_letters:
        bad.append("%d letters or reports in templates" % letters_in)
    for b in bad:
        print("FAIL: " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
