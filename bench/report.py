#!/usr/bin/python3
"""Turns the JSON files bench/run.sh wrote into bench/RESULTS.md.

  report.py OUTDIR > RESULTS.md

bench/results_notes.md, when present, is added as the hand-written analysis.
OUTDIR holds machine.txt, commands.txt, load.txt, and one folder sN per
scale with paperdex_{build,latency,eval,process}.json, gen.json (N > 1),
peer_<name>_{build,query}.json, and profile_*.txt when profiles were taken.
Every figure in the output comes from those files; the target verdicts are
computed here from the same figures, with the rule written next to each.
"""
import glob
import json
import os
import re
import sys

PEER_NAMES = {
    "fts5_trigram": "SQLite FTS5 trigram",
    "fts5_unicode61": "SQLite FTS5 unicode61 (paperdex terms)",
    "xapian": "Xapian (AND, OR fill, reads hits)",
    "xapian_and_ids": "Xapian plain AND (ids)",
}
# The Xapian set-ups the issue-11 targets name (bench/peers/xapian_peer.py).
XAPIAN_SETUPS = ["xapian", "xapian_and_ids"]
CLASSES = ["ko", "en", "mixed", "one_word", "multi_word", "phrase", "no_phrase"]
KOREAN_KINDS = ["ko_phrase", "ko_compound"]


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().rstrip("\n")
    except OSError:
        return None


def fmt(x, digits=1):
    if x is None:
        return "–"
    if isinstance(x, int):
        return str(x)
    return f"{x:,.{digits}f}"


def mb(b):
    return None if b is None else b / 1e6


def ratio(a, b, digits=2):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.{digits}f}×"


class Scale:
    def __init__(self, d):
        self.dir = d
        self.n = int(re.sub(r"\D", "", os.path.basename(d)))
        self.build = load(os.path.join(d, "paperdex_build.json"))
        self.lat = load(os.path.join(d, "paperdex_latency.json"))
        # the same queries with --no-partial: no partial fill, as a plain AND
        self.lat_full = load(os.path.join(d, "paperdex_latency_full.json"))
        self.eval = load(os.path.join(d, "paperdex_eval.json"))
        self.proc = load(os.path.join(d, "paperdex_process.json"))
        self.gen = load(os.path.join(d, "gen.json"))
        self.peers = {}
        # Known-item figures only at 1x: at larger scales every real paper
        # has copies with the same title and terms, and which copy ranks first
        # is decided by each engine's tie-breaking (paperdex: newer date
        # first; the peers: insertion order, which favours the originals), not
        # by how well it finds the paper.
        if self.n > 1:
            self.eval = None
        for name in PEER_NAMES:
            b = load(os.path.join(d, f"peer_{name}_build.json"))
            q = load(os.path.join(d, f"peer_{name}_query.json"))
            if b or q:
                self.peers[name] = {"build": b or {}, "latency": (q or {}).get("latency"),
                                    "eval": (q or {}).get("eval") if self.n == 1 else None,
                                    "version": (b or q).get("version")}

    def engines(self):
        """(label, build, latency, eval) rows: paperdex first."""
        rows = [("paperdex", self.build and {
            "seconds": self.build["seconds"], "index_bytes": self.build["index_bytes"],
            "peak_rss_kb": self.build["peak_rss_kb"], "papers": self.build["papers"]},
            self.lat, self.eval)]
        for name, p in self.peers.items():
            rows.append((PEER_NAMES[name], p["build"], p["latency"], p["eval"]))
        return rows


def slow_table(w, s):
    """paperdex's slowest 1% of the latency queries, with what they match."""
    w(f"paperdex's slowest 1% of the {s.lat['queries']} latency queries at {s.n}x (median and "
      "max over the rounds; papers matching the whole query and each word alone, exact "
      "counts; 'partial' when fewer than 10 papers matched every word and partial matches "
      "filled the page):\n\n")
    w("| query | p50 µs | max µs | papers matching | each word matches | partial |\n")
    w("|---|--:|--:|--:|---|---|\n")
    for x in s.lat["slowest"]:
        words = ", ".join(f"{v['word']} {v['papers']:,}" for v in x.get("words", []))
        total = x.get("total")
        w(f"| `{x['query']}` | {fmt(x['p50_us'], 0)} | {fmt(x.get('max_us'), 0)} | "
          f"{fmt(total, 0) if total is not None and total >= 0 else '–'} | {words or '–'} | "
          f"{'yes' if x.get('partial_used') else 'no'} |\n")
    w("\n")


def main():
    out = sys.argv[1]
    scales = sorted((Scale(d) for d in glob.glob(os.path.join(out, "s*")) if os.path.isdir(d)
                     and re.fullmatch(r"s\d+", os.path.basename(d))), key=lambda s: s.n)
    w = sys.stdout.write
    w("# paperdex benchmark results\n\n")
    w("Written by `bench/run.sh` (through `bench/report.py`) from the JSON files of one run; "
      "do not edit by hand. Method: `bench/README.md`.\n\n")
    machine = read_text(os.path.join(out, "machine.txt"))
    if machine:
        w("## Machine\n\n```\n" + machine + "\n```\n\n")
    load_txt = read_text(os.path.join(out, "load.txt"))
    if load_txt:
        w("Load while the benchmark ran (this is a shared 2-core machine: other jobs may "
          "have run at the same time, which shows mostly in p99 and max latencies and in "
          "build times):\n\n```\n" + load_txt + "\n```\n\n")

    # ---- the headline table per scale ----
    for s in scales:
        input_bytes = s.build["input_bytes"] if s.build else None
        papers = s.build["papers"] if s.build else None
        w(f"## {s.n}x: {fmt(papers, 0)} papers, {fmt(mb(input_bytes))} MB of digest text\n\n")
        w("| engine | build s | papers/s | index MB | index / input | build peak RSS MB "
          "| p50 µs | p95 µs | p99 µs | mean µs | queries/s | MRR@10 | Recall@10 |\n")
        w("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
        for label, b, l, e in s.engines():
            b = b or {}
            l = l or {}
            secs = b.get("seconds")
            pps = (b.get("papers") / secs) if secs and b.get("papers") else None
            size = b.get("index_bytes")
            w(f"| {label} | {fmt(secs, 2)} | {fmt(pps, 0)} | {fmt(mb(size))} | "
              f"{fmt(size / input_bytes if size and input_bytes else None, 2)} | "
              f"{fmt(b['peak_rss_kb'] / 1024 if b.get('peak_rss_kb') else None)} | "
              f"{fmt(l.get('p50_us'))} | {fmt(l.get('p95_us'))} | {fmt(l.get('p99_us'))} | "
              f"{fmt(l.get('mean_us'))} | {fmt(l.get('qps'), 0)} | "
              f"{fmt(e['mrr10'], 3) if e else '–'} | {fmt(e['recall10'], 3) if e else '–'} |\n")
        w("\n")
        over = [f"{PEER_NAMES[k]} {v['latency']['harness_overhead_us']:.1f} µs"
                for k, v in s.peers.items() if v["latency"] and "harness_overhead_us" in v["latency"]]
        if over:
            w("The peers are driven from Python; the harness loop alone (a search that does "
              "nothing) costs per sample: " + ", ".join(over) + ". It is included in their "
              "latencies, not subtracted.\n\n")
        if s.peers and s.build and s.lat:
            w("paperdex against each peer (ratio > 1: paperdex is better by that factor; "
              "MRR: paperdex minus peer):\n\n")
            w("| peer | build time | index size | p50 | p99 | queries/s | MRR@10 |\n")
            w("|---|--:|--:|--:|--:|--:|--:|\n")
            for name, p in s.peers.items():
                pb, pl, pe = p["build"], p["latency"] or {}, p["eval"]
                mrr = (f"{s.eval['mrr10'] - pe['mrr10']:+.3f}" if s.eval and pe else "–")
                w(f"| {PEER_NAMES[name]} | {ratio(pb.get('seconds'), s.build['seconds'])} | "
                  f"{ratio(pb.get('index_bytes'), s.build['index_bytes'])} | "
                  f"{ratio(pl.get('p50_us'), s.lat['p50_us'])} | "
                  f"{ratio(pl.get('p99_us'), s.lat['p99_us'])} | "
                  f"{ratio(s.lat['qps'], pl.get('qps'))} | {mrr} |\n")
            w("\n")
        if s.lat:
            w("Latency by query class (p50 / p99 µs; a query is in one script class, one "
              "word-count class and one phrase class):\n\n")
            labels = [r[0] for r in s.engines() if r[2]]
            w("| class | queries | " + " | ".join(labels) + " |\n")
            w("|---|--:|" + "--:|" * len(labels) + "\n")
            for c in CLASSES:
                cells = []
                nq = s.lat["by_class"].get(c, {}).get("queries", 0)
                if not nq:
                    continue
                for label, b, l, e in s.engines():
                    if not l:
                        continue
                    bc = l["by_class"].get(c, {})
                    cells.append(f"{fmt(bc.get('p50_us'))} / {fmt(bc.get('p99_us'))}")
                w(f"| {c} | {nq} | " + " | ".join(cells) + " |\n")
            w("\n")
        if s.eval:
            labels = [r[0] for r in s.engines() if r[3]]
            w("Known-item effectiveness by kind (MRR@10 / Recall@10):\n\n")
            w("| kind | queries | " + " | ".join(labels) + " |\n")
            w("|---|--:|" + "--:|" * len(labels) + "\n")
            for kind, v in s.eval["by_kind"].items():
                cells = []
                for label, b, l, e in s.engines():
                    if not e:
                        continue
                    k = e["by_kind"].get(kind)
                    cells.append(f"{k['mrr10']:.3f} / {k['recall10']:.3f}" if k else "–")
                w(f"| {kind} | {v['queries']} | " + " | ".join(cells) + " |\n")
            w("\n")
        if s.lat and s.lat.get("slowest"):
            slow_table(w, s)
        if s.proc:
            w(f"Whole process (`paperdex-search -i INDEX -n 10 '{s.proc['query']}'`, output to "
              f"/dev/null, {s.proc['runs']} runs after 3 warm-up runs): median "
              f"{s.proc['p50_ms']:.2f} ms, p95 {s.proc['p95_ms']:.2f} ms, min "
              f"{s.proc['min_ms']:.2f} ms.")
            if "baseline_p50_ms" in s.proc:
                w(f" Alternating with `{s.proc['baseline']}` (A B A B, same runs): its median "
                  f"{s.proc['baseline_p50_ms']:.2f} ms, so a one-shot search costs "
                  f"{s.proc['ratio_p50']:.2f}× the spawn of `{s.proc['baseline']}` (median of "
                  f"the per-pair ratios: {s.proc['pair_ratio_p50']:.2f}×).")
            w("\n\n")

    if any(s.n > 1 for s in scales):
        w("Known-item effectiveness is reported at 1x only: in a scaled corpus every real "
          "paper has copies with the same title and the same terms, so which copy ranks "
          "first depends on each engine's tie-breaking (paperdex: newer date first; the "
          "peers: insertion order, which favours the originals), not on how well it finds "
          "the paper.\n\n")

    # ---- growth ----
    if len(scales) > 1:
        w("## How paperdex grows with the collection\n\n")
        w("| scale | papers | input MB | build s | MB/s | build peak RSS MB | index MB "
          "| index / input | p50 µs | p95 µs | p99 µs | queries/s | process median ms "
          "| process / `/bin/true` |\n")
        w("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
        for s in scales:
            b, l, p = s.build or {}, s.lat or {}, s.proc or {}
            pr = p.get("pair_ratio_p50")
            w(f"| {s.n}x | {fmt(b.get('papers'), 0)} | {fmt(mb(b.get('input_bytes')))} | "
              f"{fmt(b.get('seconds'), 2)} | {fmt(b.get('input_mb_s'), 2)} | "
              f"{fmt(b['peak_rss_kb'] / 1024 if b.get('peak_rss_kb') else None)} | "
              f"{fmt(mb(b.get('index_bytes')))} | {fmt(b.get('size_ratio'), 2)} | "
              f"{fmt(l.get('p50_us'))} | {fmt(l.get('p95_us'))} | {fmt(l.get('p99_us'))} | "
              f"{fmt(l.get('qps'), 0)} | {fmt(p.get('p50_ms'), 2)} | "
              f"{f'{pr:.2f}×' if pr else '–'} |\n")
        w("\n")
        growth = []
        for a, b in zip(scales, scales[1:]):
            if a.lat and b.lat and a.lat.get("p99_us"):
                growth.append(f"{b.n}x p99 / {a.n}x p99 = {b.lat['p99_us']:.0f} / "
                              f"{a.lat['p99_us']:.0f} µs = {b.lat['p99_us'] / a.lat['p99_us']:.2f}× "
                              f"(p50 {b.lat['p50_us'] / a.lat['p50_us']:.2f}×) for "
                              f"{b.n / a.n:g}× the papers")
        if growth:
            w("Growth of the tail: " + "; ".join(growth) + ".\n\n")

    # ---- targets ----
    w("## Targets\n\n")
    w("Goals from the benchmark issue, checked against the figures above (goals to "
      "measure against, not timed tests).\n\n")
    verdicts = []

    def verdict(name, ok, detail):
        verdicts.append(ok)
        mark = "met" if ok else ("not measured" if ok is None else "**missed**")
        w(f"- {name}: {mark}. {detail}\n")

    by_n = {s.n: s for s in scales}
    for n in (1, 20):
        s = by_n.get(n)
        if not s or not s.lat or not s.peers:
            verdict(f"Latency at {n}x, p50 and p99 at least 3x lower than the best peer", None,
                    "No peer figures at this scale.")
            continue
        peers = {k: v["latency"] for k, v in s.peers.items() if v["latency"]}
        best50 = min(peers.items(), key=lambda kv: kv[1]["p50_us"])
        best99 = min(peers.items(), key=lambda kv: kv[1]["p99_us"])
        r50 = best50[1]["p50_us"] / s.lat["p50_us"]
        r99 = best99[1]["p99_us"] / s.lat["p99_us"]
        verdict(f"Latency at {n}x, p50 and p99 at least 3x lower than the best peer",
                r50 >= 3 and r99 >= 3,
                f"p50 {s.lat['p50_us']:.0f} µs vs {best50[1]['p50_us']:.0f} µs "
                f"({PEER_NAMES[best50[0]]}): {r50:.2f}x; p99 {s.lat['p99_us']:.0f} µs vs "
                f"{best99[1]['p99_us']:.0f} µs ({PEER_NAMES[best99[0]]}): {r99:.2f}x.")
    for n in (1, 20):
        s = by_n.get(n)
        xap = {k: s.peers[k]["latency"] for k in XAPIAN_SETUPS
               if s and s.lat and k in s.peers and s.peers[k]["latency"]}
        if not xap:
            verdict(f"Latency at {n}x, p50 and p99 at least 3x under each Xapian set-up", None,
                    "No Xapian figures at this scale.")
            continue
        parts, ok = [], True
        for k, pl in xap.items():
            r50, r99 = pl["p50_us"] / s.lat["p50_us"], pl["p99_us"] / s.lat["p99_us"]
            ok = ok and r50 >= 3 and r99 >= 3
            parts.append(f"{PEER_NAMES[k]}: p50 {pl['p50_us']:.0f} / {s.lat['p50_us']:.0f} µs = "
                         f"{r50:.2f}x, p99 {pl['p99_us']:.0f} / {s.lat['p99_us']:.0f} µs = "
                         f"{r99:.2f}x")
        verdict(f"Latency at {n}x, p50 and p99 at least 3x under each Xapian set-up", ok,
                "; ".join(parts) + ".")
        pl = xap.get("xapian_and_ids")
        if pl and s.lat_full:
            lf = s.lat_full
            w(f"  - Like for like (not the target, which takes paperdex as users run it): "
              f"paperdex with full matches only (`--no-partial`, no partial fill) against "
              f"{PEER_NAMES['xapian_and_ids']}: p50 {pl['p50_us']:.0f} / {lf['p50_us']:.0f} µs "
              f"= {pl['p50_us'] / lf['p50_us']:.2f}x, p99 {pl['p99_us']:.0f} / "
              f"{lf['p99_us']:.0f} µs = {pl['p99_us'] / lf['p99_us']:.2f}x.\n")
    for a, b in ((1, 20), (20, 200)):
        sa, sb = by_n.get(a), by_n.get(b)
        if not (sa and sb and sa.lat and sb.lat):
            verdict(f"Growth: {b}x p99 at most 8x the {a}x p99", None,
                    f"No {a}x and {b}x latency in this output.")
            continue
        g = sb.lat["p99_us"] / sa.lat["p99_us"]
        verdict(f"Growth: {b}x p99 at most 8x the {a}x p99", g <= 8,
                f"{sb.lat['p99_us']:.0f} µs / {sa.lat['p99_us']:.0f} µs = {g:.2f}x.")
    for n, bound in ((1, 1.5), (20, 2.0)):
        s = by_n.get(n)
        if not (s and s.proc and "pair_ratio_p50" in s.proc):
            verdict(f"One-shot search at {n}x at most {bound:g}x the time of /bin/true", None,
                    "No alternating whole-process figures at this scale.")
            continue
        r = s.proc["pair_ratio_p50"]
        verdict(f"One-shot search at {n}x at most {bound:g}x the time of /bin/true "
                "(rule: median of the per-pair ratios, A B A B)", r <= bound,
                f"{r:.2f}x ({s.proc['p50_ms']:.2f} ms against {s.proc['baseline_p50_ms']:.2f} ms).")
    s = by_n.get(1)
    if s and s.eval and s.peers:
        evals = {k: v["eval"] for k, v in s.peers.items() if v["eval"]}
        worse = [PEER_NAMES[k] for k, e in evals.items() if e["mrr10"] > s.eval["mrr10"]]
        verdict("MRR@10 at 1x at least as high as every peer's", not worse,
                f"paperdex {s.eval['mrr10']:.3f}; " + ", ".join(
                    f"{PEER_NAMES[k]} {e['mrr10']:.3f}" for k, e in evals.items())
                + (f". Higher: {', '.join(worse)}." if worse else "."))
        gaps = []
        ok = True
        for kind in KOREAN_KINDS:
            mine = s.eval["by_kind"].get(kind, {}).get("mrr10")
            if mine is None:
                continue
            best = max((e["by_kind"].get(kind, {}).get("mrr10", 0), PEER_NAMES[k])
                       for k, e in evals.items())
            gaps.append(f"{kind} {mine:.3f} vs best peer {best[0]:.3f} ({best[1]})")
            ok = ok and mine - best[0] >= 0.05
        verdict("Korean kinds clearly higher (rule used: at least +0.05 MRR@10 over every peer)",
                ok, "; ".join(gaps) + ".")
    for n in sorted(by_n):
        s = by_n[n]
        if not (s.build and s.peers):
            continue
        slower = [PEER_NAMES[k] for k, v in s.peers.items()
                  if v["build"].get("seconds") and v["build"]["seconds"] <= s.build["seconds"]]
        verdict(f"Build at {n}x faster than every peer configuration", not slower,
                f"paperdex {s.build['seconds']:.2f} s; " + ", ".join(
                    f"{PEER_NAMES[k]} {v['build']['seconds']:.2f} s" for k, v in s.peers.items()
                    if v["build"].get("seconds")) + ". (Peers start from parsed JSON, paperdex "
                "from the markdown digests.)")
        x = s.peers.get("xapian", {}).get("build", {}).get("index_bytes")
        if x:
            verdict(f"Index at {n}x no larger than Xapian's", s.build["index_bytes"] <= x,
                    f"paperdex {mb(s.build['index_bytes']):.1f} MB, Xapian {mb(x):.1f} MB.")
    s = by_n.get(1)
    if s and s.proc:
        verdict("Whole-process single query on the 1x index under 5 ms median",
                s.proc["p50_ms"] < 5, f"median {s.proc['p50_ms']:.2f} ms.")
    s = by_n.get(200)
    if s and s.build and s.lat:
        verdict("200x build with peak RSS under 2 GB", s.build["peak_rss_kb"] < 2 * 1024 * 1024,
                f"{s.build['peak_rss_kb'] / 1024:.0f} MB for {s.build['papers']:.0f} papers.")
        verdict("200x p99 under 10 ms", s.lat["p99_us"] < 10000,
                f"p99 {s.lat['p99_us'] / 1000:.2f} ms (p50 {s.lat['p50_us']:.0f} µs).")
    else:
        verdict("200x targets (peak RSS under 2 GB, p99 under 10 ms)", None,
                "No 200x run in this output.")
    w("\n")
    serve_load = read_text(os.path.join(out, "serve_load.md"))
    if serve_load:  # bench/load.py's own section, written by run.sh at 1x
        w(serve_load.strip() + "\n\n")
    update_bench = read_text(os.path.join(out, "update_bench.md"))
    if update_bench:  # bench/update_bench.sh's own section (issue 12), when run into OUT
        w("<!-- update_bench -->\n" + update_bench.strip() + "\n<!-- /update_bench -->\n\n")
    notes = read_text(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   "results_notes.md"))
    if notes:
        w("## Analysis (written by hand from a run; check it against the figures above "
          "after a new run)\n\n" + notes + "\n\n")

    # ---- profiles ----
    profs = sorted(glob.glob(os.path.join(out, "s*", "profile_*.txt")))
    if profs:
        w("## Where the time goes\n\n")
        w("Flat profiles from `perf record -e cpu-clock` (self time per function, top "
          "entries), taken by run.sh on the largest scale:\n\n")
        for p in profs:
            title = os.path.basename(os.path.dirname(p)) + " " + os.path.basename(p)[8:-4]
            w(f"`{title}`:\n\n```\n{read_text(p)}\n```\n\n")

    cmds = read_text(os.path.join(out, "commands.txt"))
    if cmds:
        w("## Commands\n\nThe commands run.sh ran, in order (paths as on this machine):\n\n"
          "```\n" + cmds + "\n```\n")


if __name__ == "__main__":
    main()
