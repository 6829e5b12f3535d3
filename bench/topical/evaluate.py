#!/usr/bin/python3
"""nDCG@10 and P@10 of paperdex and Xapian on the topical needs, per language.

  evaluate.py [--json] [--paperdex-args="..."] [--index I] [--work DIR]
              [--no-build] [--write-runs DIR] [--verbose]

Runs every query of needs.jsonl through paperdex-search (top 10, default
options plus --paperdex-args) and the Xapian peer, and scores the lists
against qrels.tsv (nid<TAB>arxiv_id<TAB>grade, grades 0/1/2):

- nDCG@10: gain = grade, discount log2(rank + 1); the ideal list is the
  need's judged papers, best grades first. A need with no paper judged 1 or
  2 has no ideal and is left out of the nDCG means (the count is printed).
- P@10: papers graded 1 or 2 in the top 10, divided by 10.

A paper in an engine's top 10 that qrels.tsv does not judge counts as 0 and
is counted in the `unjudged` column: judge it blindly (pool.py --pending on
the runs that --write-runs saves) before trusting a difference.
"""
import argparse
import json
import math
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topical_common as tc  # noqa: E402


def dcg(grades):
    return sum(g / math.log2(rank + 1) for rank, g in enumerate(grades[:tc.K], 1))


def score_list(ids, judged):
    """(nDCG@10 or None when the need has no relevant judged paper, P@10,
    unjudged papers in the top 10) of one ranked list. judged: id -> grade."""
    top = ids[:tc.K]
    ideal = dcg(sorted(judged.values(), reverse=True))
    gains = [judged.get(pid, 0) for pid in top]
    ndcg = dcg(gains) / ideal if ideal > 0 else None
    prec = sum(1 for g in gains if g >= 1) / tc.K
    unjudged = sum(1 for pid in top if pid not in judged)
    return ndcg, prec, unjudged


def aggregate(rows):
    """Means over the rows of one group and engine."""
    nd = [r["ndcg10"] for r in rows if r["ndcg10"] is not None]
    return {
        "needs": len(rows),
        "needs_without_relevant": len(rows) - len(nd),
        "ndcg10": round(sum(nd) / len(nd), 4) if nd else None,
        "p10": round(sum(r["p10"] for r in rows) / len(rows), 4) if rows else None,
        "unjudged": sum(r["unjudged"] for r in rows),
    }


def evaluate(needs, qrels, runs):
    """{"per_need": [...], "by_lang": {lang|"all": {engine: aggregate}}}."""
    judged = {}
    for (nid, pid), g in qrels.items():
        judged.setdefault(nid, {})[pid] = g
    lang = {n["nid"]: n["lang"] for n in needs}
    per_need = []
    for r in runs:
        ndcg, prec, unj = score_list(r["ids"], judged.get(r["nid"], {}))
        per_need.append({"nid": r["nid"], "lang": lang[r["nid"]], "engine": r["engine"],
                         "ndcg10": None if ndcg is None else round(ndcg, 4),
                         "p10": prec, "unjudged": unj})
    by_lang = {}
    for group in tc.LANGS + ["all"]:
        by_lang[group] = {e: aggregate([p for p in per_need if p["engine"] == e and
                                        (group == "all" or p["lang"] == group)])
                          for e in tc.ENGINES}
    return {"per_need": per_need, "by_lang": by_lang}


def fmt(x):
    return "   n/a" if x is None else "%6.3f" % x


def print_table(res, judged_pairs, paperdex_args, verbose):
    print("Topical evaluation: %d judged pairs; paperdex-search options: %s" % (
        judged_pairs, " ".join(paperdex_args) or "(defaults)"))
    print("%-6s %5s | %-24s | %-24s" % ("", "", "nDCG@10", "P@10") + " | unjudged in top 10")
    print("%-6s %5s | %11s %11s  | %11s %11s  | %8s %8s" % (
        "lang", "needs", "paperdex", "xapian", "paperdex", "xapian", "paperdex", "xapian"))
    for group in tc.LANGS + ["all"]:
        p, x = res["by_lang"][group]["paperdex"], res["by_lang"][group]["xapian"]
        print("%-6s %5d | %11s %11s  | %11s %11s  | %8d %8d" % (
            group, p["needs"], fmt(p["ndcg10"]), fmt(x["ndcg10"]), fmt(p["p10"]),
            fmt(x["p10"]), p["unjudged"], x["unjudged"]))
    missing = res["by_lang"]["all"]["paperdex"]["needs_without_relevant"]
    if missing:
        print("(%d needs have no paper judged relevant yet: left out of the nDCG means)" % missing)
    if verbose:
        print("\nper need (nDCG@10 / P@10 / unjudged):")
        rows = {}
        for r in res["per_need"]:
            rows.setdefault(r["nid"], {})[r["engine"]] = r
        for nid in sorted(rows):
            p, x = rows[nid]["paperdex"], rows[nid]["xapian"]
            print("  %-8s paperdex %s %5.2f %2d   xapian %s %5.2f %2d" % (
                nid, fmt(p["ndcg10"]), p["p10"], p["unjudged"], fmt(x["ndcg10"]), x["p10"],
                x["unjudged"]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    tc.add_engine_args(ap)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--paperdex-args", default="", help="extra paperdex-search options, one quoted string: --paperdex-args=\"--no-partial\"")
    ap.add_argument("--qrels", default=tc.QRELS, help="judgments (default %(default)s)")
    ap.add_argument("--write-runs", metavar="DIR",
                    help="also save the runs as DIR/paperdex.jsonl and DIR/xapian.jsonl")
    ap.add_argument("--verbose", action="store_true", help="also print every need")
    args = ap.parse_args()
    paperdex_args = shlex.split(args.paperdex_args)
    needs = tc.read_needs()
    qrels = tc.read_qrels(args.qrels, {n["nid"] for n in needs})
    engines = tc.engines_from_args(args, paperdex_args)
    runs = engines.runs(needs)
    if args.write_runs:
        os.makedirs(args.write_runs, exist_ok=True)
        for e in tc.ENGINES:
            tc.write_runs(os.path.join(args.write_runs, e + ".jsonl"),
                          [r for r in runs if r["engine"] == e])
    res = evaluate(needs, qrels, runs)
    if args.json:
        res["judged_pairs"] = len(qrels)
        res["paperdex_args"] = paperdex_args
        json.dump(res, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_table(res, len(qrels), paperdex_args, args.verbose)


if __name__ == "__main__":
    main()
