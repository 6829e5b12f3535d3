#!/usr/bin/python3
"""Pool the top 10 of paperdex and Xapian for every need, and write blind
judging packets.

  pool.py [--work DIR] [--packets DIR] [--index I] [--no-build] [--packet-count N]
  pool.py --pending RUN_FILE... [same options]

Default: builds paperdex from this checkout, indexes the corpus, exports it
for the Xapian peer, runs each query of needs.jsonl through both engines
(top 10, default options) and adds every (nid, arxiv id) pair to pool.jsonl
(ids only, no engine, sorted by a hash of nid and id). The engines' runs go
to WORK/runs.jsonl.

--pending RUN_FILE...: reads runs (JSON Lines {"nid", "ids": [...]}, as
WORK/runs.jsonl or evaluate.py --write-runs writes them), lists the pairs in
their top 10 that qrels.tsv does not judge yet, and adds them to pool.jsonl.

Either way, the pairs of the pool that qrels.tsv does not judge yet are
written as judging packets to PACKETS (default /tmp/topical_packets, never
the repository: they quote the corpus): packet_N.md (need, grading rules,
papers in an order that hides engine and rank, each with id, title and the
first 600 characters of its summary) and packet_N.tsv (the answer sheet:
nid<TAB>id<TAB> for the judge to add the grade), plus keys.tsv (packet, nid,
id). Nothing in a packet says which engine returned a paper.
"""
import argparse
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import topical_common as tc  # noqa: E402

SUMMARY_CHARS = 600


def read_pool(path):
    if not os.path.exists(path):
        return set()
    return {(o["nid"], o["id"]) for o in tc.read_jsonl(path, ("nid", "id"))}


def write_pool(path, pairs):
    lines = sorted(pairs, key=lambda p: tc.blind_key(*p))
    tc.write_atomic(path, "".join(json.dumps({"nid": n, "id": i}, ensure_ascii=False) + "\n"
                                  for n, i in lines))


def top_pairs(runs, nids):
    pairs = set()
    for r in runs:
        if r["nid"] not in nids:
            tc.die("run names unknown need '%s'" % r["nid"])
        for pid in r["ids"][:tc.K]:
            pairs.add((r["nid"], pid))
    return pairs


def split_packets(by_need, count):
    """Whole needs into `count` packets of about the same number of papers:
    largest need first, each into the lightest packet."""
    packets = [[] for _ in range(count)]
    load = [0] * count
    for nid in sorted(by_need, key=lambda n: (-len(by_need[n]), n)):
        i = min(range(count), key=lambda j: (load[j], j))
        packets[i].append(nid)
        load[i] += len(by_need[nid])
    return [sorted(p) for p in packets if p]


def paper_text(papers, pid):
    p = papers.get(pid)
    if p is None:
        return "(not in the exported corpus)", ""
    s = p["summary"]
    if len(s) > SUMMARY_CHARS:
        s = s[:SUMMARY_CHARS] + " …"
    return p["title"], s


def packet_markdown(num, total, nids, by_need, needs, papers):
    out = ["# Topical judging packet %d of %d\n" % (num, total),
           "For each need, grade every paper listed under it from its title and summary:",
           "**2** highly relevant, **1** partially relevant, **0** not relevant (the need's",
           "own grade-2 and grade-1 rules say what that means for it). Write the grade in the",
           "third column of packet_%d.tsv (same order as here). Judge each paper on its own;" % num,
           "the order of the papers means nothing.\n"]
    for nid in nids:
        n = needs[nid]
        out.append("## %s — query: `%s`\n" % (nid, n["query"]))
        out.append("- Need: %s" % n["need"])
        out.append("- Grade 2: %s" % n["grade2"])
        out.append("- Grade 1: %s\n" % n["grade1"])
        for k, pid in enumerate(by_need[nid], 1):
            title, summary = paper_text(papers, pid)
            out.append("### %s.%d  %s — %s\n" % (nid, k, pid, title))
            out.append(summary + "\n")
    return "\n".join(out)


def write_packets(dest, pending, needs, papers, count):
    os.makedirs(dest, exist_ok=True)
    for old in glob.glob(os.path.join(dest, "packet_*")) + glob.glob(os.path.join(dest, "keys.tsv")):
        os.remove(old)
    by_need = {}
    for nid, pid in pending:
        by_need.setdefault(nid, []).append(pid)
    for nid in by_need:
        by_need[nid].sort(key=lambda pid: tc.blind_key(nid, pid))
    packets = split_packets(by_need, count)
    keys = ["packet\tnid\tid\n"]
    for num, nids in enumerate(packets, 1):
        md = packet_markdown(num, len(packets), nids, by_need, needs, papers)
        tc.write_atomic(os.path.join(dest, "packet_%d.md" % num), md)
        sheet = "".join("%s\t%s\t\n" % (nid, pid) for nid in nids for pid in by_need[nid])
        tc.write_atomic(os.path.join(dest, "packet_%d.tsv" % num), sheet)
        keys.extend("%d\t%s\t%s\n" % (num, nid, pid) for nid in nids for pid in by_need[nid])
    tc.write_atomic(os.path.join(dest, "keys.tsv"), "".join(keys))
    return [(num, sum(len(by_need[n]) for n in nids)) for num, nids in enumerate(packets, 1)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    tc.add_engine_args(ap)
    ap.add_argument("--packets", default="/tmp/topical_packets",
                    help="where the judging packets go (default %(default)s)")
    ap.add_argument("--packet-count", type=int, default=4)
    ap.add_argument("--pending", nargs="+", metavar="RUN_FILE",
                    help="add the unjudged top-10 pairs of these runs")
    args = ap.parse_args()
    if args.packet_count < 1:
        ap.error("--packet-count must be at least 1")
    if os.path.abspath(args.packets).startswith(tc.ROOT + os.sep):
        ap.error("--packets must be outside the repository (the packets quote the corpus)")
    needs = {n["nid"]: n for n in tc.read_needs()}
    qrels = tc.read_qrels(tc.QRELS, needs)
    engines = tc.engines_from_args(args)
    if args.pending:
        runs = [r for path in args.pending for r in tc.read_runs(path)]
    else:
        runs = engines.runs(list(needs.values()))
        tc.write_runs(os.path.join(args.work, "runs.jsonl"), runs)
    new = top_pairs(runs, needs)
    pool = read_pool(tc.POOL)
    write_pool(tc.POOL, pool | new)
    if args.pending:
        pending = sorted(p for p in new if p not in qrels)
        for nid, pid in pending:
            print("%s\t%s" % (nid, pid))
    else:
        pending = sorted(p for p in pool | new if p not in qrels)
    sizes = write_packets(args.packets, pending, needs, engines.papers(), args.packet_count)
    sys.stderr.write("pool: %d pairs (%d new); unjudged: %d; packets in %s: %s\n" % (
        len(pool | new), len(new - pool), len(pending), args.packets,
        ", ".join("packet_%d %d papers" % s for s in sizes) or "none"))


if __name__ == "__main__":
    main()
