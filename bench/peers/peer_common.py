"""Shared harness of the peer benchmarks (bench/peers/*.py).

Each peer indexes the papers that `paperdex-index --export-jsonl` wrote and
answers the queries that `paperdex-bench tokenize` described, and is
measured the way `paperdex-bench` measures paperdex:

- latency: one warm-up pass over every query, then R timed rounds; each
  sample is parse + search for the top 10 + fetching the ids of the hits,
  in this process, one thread; nearest-rank percentiles over all samples,
  also per query class (the classes come from paperdex-bench, so every
  engine is split the same way);
- effectiveness: MRR@10 and Recall@10 over known-item queries, per kind.

The output is one JSON object with the same keys as paperdex-bench's.
"""
import argparse
import json
import math
import os
import resource
import sys
import time

CLASSES = ["ko", "en", "mixed", "other", "one_word", "multi_word", "phrase", "no_phrase"]


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def percentile(sorted_samples, p):
    """Nearest rank, as bench_percentile() in bench/bench_stats.c."""
    n = len(sorted_samples)
    if n == 0:
        return 0.0
    i = max(0, math.ceil(p / 100.0 * n) - 1)
    return sorted_samples[min(i, n - 1)]


def summary(samples):
    s = sorted(samples)
    n = len(s)
    return {
        "p50_us": round(percentile(s, 50), 1),
        "p95_us": round(percentile(s, 95), 1),
        "p99_us": round(percentile(s, 99), 1),
        "mean_us": round(sum(s) / n, 1) if n else 0.0,
    }


def measure_latency(search, queries, rounds=5, warmup=1):
    """search(qobj) -> list of ids (top 10). queries: objects from
    `paperdex-bench tokenize --queries`."""
    for _ in range(warmup):
        for q in queries:
            search(q)
    per_query = [[] for _ in queries]
    hits = 0
    busy = 0.0
    clock = time.perf_counter_ns
    for _ in range(rounds):
        r0 = time.perf_counter()
        for i, q in enumerate(queries):
            t0 = clock()
            ids = search(q)
            t1 = clock()
            per_query[i].append((t1 - t0) / 1000.0)
            hits += len(ids)
        busy += time.perf_counter() - r0
    all_samples = [x for xs in per_query for x in xs]
    out = {"queries": len(queries), "rounds": rounds, "samples": len(all_samples), "errors": 0}
    out.update(summary(all_samples))
    out["max_us"] = round(max(all_samples), 1) if all_samples else 0.0
    out["qps"] = round(len(all_samples) / busy, 1) if busy > 0 else 0.0
    out["hits_mean"] = round(hits / len(all_samples), 2) if all_samples else 0.0
    by = {}
    for c in CLASSES:
        xs = [x for q, qs in zip(queries, per_query) if c in q["classes"] for x in qs]
        d = {"queries": sum(1 for q in queries if c in q["classes"])}
        d.update(summary(xs))
        by[c] = d
    out["by_class"] = by
    # What the harness itself costs per sample: the same loop around a search
    # that does nothing. Not subtracted from the figures above.
    noop = []
    for _ in range(3):
        for q in queries:
            t0 = clock()
            (lambda _q: [])(q)
            noop.append((clock() - t0) / 1000.0)
    out["harness_overhead_us"] = round(sorted(noop)[len(noop) // 2], 2)
    med = sorted(((sorted(xs)[(len(xs) - 1) // 2], q["query"]) for q, xs in zip(queries, per_query)),
                 reverse=True)[:5]
    out["slowest"] = [{"query": q, "p50_us": round(t, 1)} for t, q in med]
    return out


def evaluate(search, judgments, k=10):
    tot_rr = tot_rec = 0.0
    kinds = {}
    for j in judgments:
        ids = search(j)[:k]
        rel = set(j["relevant"])
        rr = 0.0
        for rank, i in enumerate(ids, 1):
            if i in rel:
                rr = 1.0 / rank
                break
        rec = len(rel.intersection(ids)) / len(rel) if rel else 0.0
        tot_rr += rr
        tot_rec += rec
        a = kinds.setdefault(j["kind"], [0, 0.0, 0.0])
        a[0] += 1
        a[1] += rr
        a[2] += rec
    n = len(judgments)
    return {
        "queries": n, "errors": 0,
        "mrr10": round(tot_rr / n, 4) if n else 0.0,
        "recall10": round(tot_rec / n, 4) if n else 0.0,
        "by_kind": {kd: {"queries": a[0], "mrr10": round(a[1] / a[0], 4),
                         "recall10": round(a[2] / a[0], 4)} for kd, a in kinds.items()},
    }


def peak_rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def path_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def emit(obj):
    json.dump(obj, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def run_cli(doc, build, query, add_args=None):
    """The command line every peer script shares: `build --papers F` or
    `query [--queries F] [--judgments F]`, on `--db PATH`. add_args(ap) adds
    a peer's own options."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("command", choices=["build", "query"])
    if add_args:
        add_args(ap)
    ap.add_argument("--db", required=True)
    ap.add_argument("--papers")
    ap.add_argument("--queries")
    ap.add_argument("--judgments")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.command == "build":
        if not args.papers:
            ap.error("build needs --papers")
        build(args)
    else:
        query(args)
