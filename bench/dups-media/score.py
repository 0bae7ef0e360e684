#!/usr/bin/python3
"""score.py MANIFEST RUNDIR - score `dups` and `new` on a make_letters.py set.

dups: every pair of documents in one cluster is a link; a link is right when
both are the same letter (typed, scans, photos).  Precision over all links
(different letters of one office sharing letterhead and closing included),
recall over the pairs of one letter, and per image whether it is linked to
its typed text.  new: each image of the batch "media" must be a near (or
text) copy `of` a document of its own letter.  Figures per split, language,
medium and font; prints a table and writes RUNDIR/score.json.
"""
import collections, itertools, json, os, sys

man, run = sys.argv[1], sys.argv[2]
rows = [l.rstrip("\n").split("\t") for l in open(man, encoding="utf-8")][1:]
info = {os.path.basename(r[0]): dict(file=r[0], letter=r[1], split=r[2], lang=r[3], office=r[4], medium=r[5],
                                     font=r[6]) for r in rows}
docs = json.load(open(os.path.join(run, "docs.json")))["documents"]
by_id = {}
for d in docs:
    b = os.path.basename(d["path"])
    if b in info:
        by_id[d["id"]] = info[b]
ids = sorted(by_id)
dups = json.load(open(os.path.join(run, "dups.json")))
new = json.load(open(os.path.join(run, "new.json")))

linked = set()
sim_of = {}
for c in dups["clusters"]:
    if c["kind"] not in ("text", "near"):
        continue
    m = [x for x in c["documents"] if x in by_id]
    for a, b in itertools.combinations(sorted(m), 2):
        linked.add((a, b))
        sim_of[(a, b)] = c["similarity"]

def same(a, b):
    return by_id[a]["letter"] == by_id[b]["letter"]

out = {}
lines = []
for split in sorted(set(x["split"] for x in by_id.values())):
    S = [i for i in ids if by_id[i]["split"] == split]
    Sset = set(S)
    pred = [p for p in linked if p[0] in Sset and p[1] in Sset]
    tp = sum(1 for a, b in pred if same(a, b))
    fp = [(a, b) for a, b in pred if not same(a, b)]
    truth = [(a, b) for a, b in itertools.combinations(S, 2) if same(a, b)]
    office_neg = sum(1 for a, b in itertools.combinations(S, 2)
                     if not same(a, b) and by_id[a]["office"] == by_id[b]["office"])
    res = dict(links=len(pred), right=tp, wrong=len(fp), truth_pairs=len(truth),
               precision=tp / len(pred) if pred else 1.0, recall=tp / len(truth) if truth else 1.0,
               office_pairs_not_copies=office_neg,
               wrong_links=[[by_id[a]["file"], by_id[b]["file"], sim_of[(a, b)]] for a, b in fp][:20])
    # per image: linked to its typed text (dups) and new's verdict
    verdict = {v["id"]: v for v in new.get("of", [])}
    groups = collections.defaultdict(lambda: [0, 0, 0, 0, 0, []])  # images, dups-linked, new-right, new-wrong, new-new, sims
    typed_of = {by_id[i]["letter"]: i for i in S if by_id[i]["medium"] == "typed"}
    for i in S:
        x = by_id[i]
        if x["medium"] == "typed":
            continue
        t = typed_of[x["letter"]]
        key_all = [("all", x["lang"], x["medium"]), ("font", x["lang"], x["font"] + " " + x["medium"])]
        p = (min(i, t), max(i, t))
        v = verdict.get(i)
        right = v is not None and v["kind"] in ("near", "text") and v["of"] in by_id and same(v["of"], i)
        wrong = v is not None and v["kind"] in ("near", "text") and not right
        for k in key_all:
            g = groups[k]
            g[0] += 1
            g[1] += p in linked
            g[2] += right
            g[3] += wrong
            g[4] += v is None or v["kind"] == "new"
            if p in linked:
                g[5].append(sim_of[p])
    res["images"] = {" ".join(k): dict(images=g[0], linked_to_typed=g[1], new_right=g[2], new_wrong=g[3],
                                       new_said_new=g[4], min_similarity=min(g[5]) if g[5] else None)
                     for k, g in sorted(groups.items())}
    out[split] = res
    lines.append("%s: dups precision %.4f (%d of %d links right), recall %.4f (%d of %d pairs of one letter); "
                 "%d pairs of different letters of one office" % (split, res["precision"], tp, len(pred),
                                                                   res["recall"], tp, len(truth), office_neg))
    for k, g in res["images"].items():
        lines.append("  %-32s %2d images: linked to typed %2d, new: right %2d wrong %d said-new %d, min sim %s" % (
            k, g["images"], g["linked_to_typed"], g["new_right"], g["new_wrong"], g["new_said_new"],
            "%.2f" % g["min_similarity"] if g["min_similarity"] is not None else "-"))
    for w in res["wrong_links"]:
        lines.append("  WRONG link %s ~ %s (%.2f)" % tuple(w))
json.dump(out, open(os.path.join(run, "score.json"), "w"), indent=1, ensure_ascii=False)
print("\n".join(lines))
