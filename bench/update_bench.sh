#!/usr/bin/env bash
# bench/update_bench.sh: issue 12's speed targets for a living index.
#
#   bench/update_bench.sh [--bin DIR] [--out DIR] [--scale N] [--rounds R]
#                         [--segments K] [--lat-rounds R] [--results FILE]
#                         [--no-results]
#
# 1. Adding one day: builds a Nx index (default 20x: the corpus plus the
#    copies `paperdex-bench gen` writes, as bench/run.sh does) of everything
#    but one held-out day (the last digest with 10-20 papers), then, R times
#    (default 3), alternating in one run: puts the held-out day back,
#    `paperdex-index --update` on a fresh copy of that index (timed), and a
#    full rebuild of the same files (timed). Reports the medians, their
#    ratio (target: the update at least 100x faster), the peak RSS of each
#    (target: --update bounded by --mem-mb like a full build), and checks
#    that the updated index passes --check and answers 20 latency queries
#    exactly as the rebuilt one (paperdex-search --json, hit by hit).
# 2. Search over 10 segments (--segments 0 skips; needs a scale of 5 or
#    more): one full build of most copies, then 9 updates of decreasing
#    sizes that the merge policy leaves as they are (see below), then
#    `paperdex-bench latency` on it and on the same index after --optimize,
#    alternating A B A B (--lat-rounds pairs of 1 round each, default 4);
#    reports the segment count reached, p50/p99 of each and their ratios
#    (target: within 1.5x).
# Writes OUT/update_bench.json and OUT/update_bench.md, and puts the latter
# into RESULTS (default bench/RESULTS.md) between the markers
# "<!-- update_bench -->" and "<!-- /update_bench -->" (appended when absent;
# bench/report.py includes OUT/update_bench.md when run.sh regenerates the
# file). Defaults: BIN = build (the default RelWithDebInfo build; it must
# have --update), OUT = bench/out.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$(realpath -m "${PAPERDEX_SHARED_DIR:-$ROOT/../shared}")"
CORPUS="$SHARED/corpus/paper_logs"
QUERIES="$SHARED/eval/latency_queries.txt"
BIN="$ROOT/build"
OUT="$ROOT/bench/out"
SCALE=20
ROUNDS=3
SEGMENTS=10
LAT_ROUNDS=4
RESULTS="$ROOT/bench/RESULTS.md"
SEED=0x5eed2024

while [ $# -gt 0 ]; do
    case "$1" in
    --bin) BIN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --scale) SCALE="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --segments) SEGMENTS="$2"; shift 2 ;;
    --lat-rounds) LAT_ROUNDS="$2"; shift 2 ;;
    --results) RESULTS="$2"; shift 2 ;;
    --no-results) RESULTS=""; shift ;;
    -h | --help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "update_bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

INDEXER="$BIN/paperdex-index"
BENCH="$BIN/paperdex-bench"
for b in "$INDEXER" "$BENCH" "$BIN/paperdex-search"; do
    [ -x "$b" ] || { echo "update_bench.sh: $b is missing (build first: make build)" >&2; exit 1; }
done
"$INDEXER" --help 2>&1 | grep -q -- --update ||
    { echo "update_bench.sh: $INDEXER has no --update" >&2; exit 1; }
[ -d "$CORPUS" ] || { echo "update_bench.sh: no corpus at $CORPUS" >&2; exit 1; }

log() { echo "== $(date +%H:%M:%S) $*" >&2; }
W="$OUT/update_bench"
rm -rf "$W"
mkdir -p "$W"
OUT="$(cd "$OUT" && pwd)"
W="$OUT/update_bench"
echo "start: $(uptime)" >"$W/load.txt"

# ---- inputs: the corpus minus one day, plus the generated copies ----
GEN="$OUT/gen$SCALE"
if [ "$SCALE" -gt 1 ]; then
    if [ ! -f "$GEN/gen.json" ] || ! grep -q "\"seed\":$((SEED))," "$GEN/gen.json"; then
        log "generating the ${SCALE}x corpus into $GEN"
        rm -rf "$GEN"
        mkdir -p "$GEN"
        "$BENCH" gen --corpus "$CORPUS" --scale "$SCALE" --out "$GEN" --seed "$SEED" --quiet \
            --json >"$W/gen.json"
        cp "$W/gen.json" "$GEN/gen.json"
    fi
fi
IN="$W/in"
mkdir -p "$IN"
cp -r "$CORPUS" "$IN/corpus"
[ "$SCALE" -gt 1 ] && ln -s "$GEN" "$IN/gen"
# The held-out day: the last digest (in walk order) with 10 to 20 papers.
DAY_REL="$(cd "$IN/corpus" && find . -name '*.md' | LC_ALL=C sort -r | while read -r f; do
    n=$(grep -c '^### ' "$f" || true)
    if [ "$n" -ge 10 ] && [ "$n" -le 20 ]; then echo "${f#./}"; break; fi
done)"
[ -n "$DAY_REL" ] || { echo "update_bench.sh: no digest with 10-20 papers" >&2; exit 1; }
DAY_PAPERS=$(grep -c '^### ' "$IN/corpus/$DAY_REL")
mv "$IN/corpus/$DAY_REL" "$W/day.md"
log "held-out day: $DAY_REL ($DAY_PAPERS papers)"

# timed OUTJSON CMD...: runs CMD (stdout to OUTJSON.stdout), writes
# {"seconds", "peak_rss_kb", "status"} to OUTJSON; fails when CMD fails.
timed() {
    local out="$1"
    shift
    python3 - "$out" "$@" <<'EOF'
import json, os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
with open(out + ".stdout", "wb") as so:
    pid = os.fork()
    if pid == 0:
        os.dup2(so.fileno(), 1)
        os.execv(argv[0], argv)
    _, status, ru = os.wait4(pid, 0)
t = time.monotonic() - t0
code = os.waitstatus_to_exitcode(status)
json.dump({"seconds": t, "peak_rss_kb": ru.ru_maxrss, "status": code}, open(out, "w"))
sys.exit(1 if code else 0)
EOF
}

# ---- 1. one day added vs a full rebuild ----
log "${SCALE}x: full build without the held-out day"
mkdir -p "$W/base"
timed "$W/base_build.json" "$INDEXER" -q --json -o "$W/base/papers.idx" "$IN"
for r in $(seq 1 "$ROUNDS"); do
    rm -rf "$W/upd" "$W/full"
    cp -a "$W/base" "$W/upd"
    mkdir -p "$W/full"
    cp "$W/day.md" "$IN/corpus/$DAY_REL"
    sync
    log "round $r: --update adding the day"
    timed "$W/update_$r.json" "$INDEXER" -q --json --update -o "$W/upd/papers.idx" "$IN"
    log "round $r: full rebuild"
    timed "$W/rebuild_$r.json" "$INDEXER" -q --json -o "$W/full/papers.idx" "$IN"
    rm "$IN/corpus/$DAY_REL"
done
echo "after part 1: $(uptime)" >>"$W/load.txt"
"$INDEXER" --check "$W/upd/papers.idx" >"$W/check.txt"
# The updated index answers as the rebuilt one (20 latency queries).
python3 - "$BIN" "$W" "$QUERIES" "$ROOT/tests" <<'EOF'
import sys
bin_dir, w, queries, tests = sys.argv[1:5]
sys.path.insert(0, tests)
import update_harness as H
tools = H.Tools(bin_dir)
qs = [l.strip() for l in open(queries, encoding="utf-8") if l.strip()][::25]
cases = [(q, ["-n", "20"]) for q in qs]
a = tools.answers(w + "/full/papers.idx", cases)
b = tools.answers(w + "/upd/papers.idx", cases)
msgs = H.compare("rebuilt", a, "updated", b, cases)
if msgs:
    sys.exit("update_bench.sh: the updated index answers differently:\n" + "\n".join(msgs))
print("update_bench.sh: updated == rebuilt on %d queries, %d hits" % (len(cases),
                                                                    H.hit_count(a)))
EOF

# ---- 2. search over 10 segments vs the optimized index ----
# The merge policy (indexer/merge.c) keeps at most 3 segments per level
# (log4 of the live papers; a level spans 0.75), so ten segments that it
# leaves alone form a ladder: one big full build (the corpus, all copies but
# the last four, and a part of the last), three updates of one copy each
# (level ~6), three of a quarter copy (~5) and three of a twentieth (~3.9):
# every paper of the scale, 1 + 3 + 3 + 3 segments.
link_files() { # link_files COPY FROM TO: files FROM..TO-1 of a copy into SIN
    local c="$1" from="$2" to="$3" f
    sed -n "$((from + 1)),${to}p" "$W/files_$c.txt" | while read -r f; do
        mkdir -p "$SIN/$c/$(dirname "$f")"
        ln -s "$GEN/$c/$f" "$SIN/$c/$f"
    done
}
add_files() { # add_files COPY FROM TO: those files added by one --update
    link_files "$@"
    u=$((u + 1))
    "$INDEXER" -q --json --update -o "$W/seg/papers.idx" "$SIN" >"$W/seg_update_$u.json"
}
if [ "$SEGMENTS" -gt 0 ] && [ "$SCALE" -ge 5 ]; then
    log "10 segments: a full build, then 9 updates of decreasing sizes"
    SIN="$W/seg_in"
    mkdir -p "$SIN" "$W/seg"
    ln -s "$CORPUS" "$SIN/corpus"
    COPIES=($(cd "$GEN" && ls -d c* | LC_ALL=C sort))
    NB=$((${#COPIES[@]} - 4))
    for c in "${COPIES[@]:0:$NB}"; do ln -s "$GEN/$c" "$SIN/$c"; done
    for c in "${COPIES[@]:$NB:4}"; do
        (cd "$GEN/$c" && find . -name '*.md' | sed 's|^\./||' | LC_ALL=C sort) >"$W/files_$c.txt"
    done
    last="${COPIES[$((NB + 3))]}"
    n=$(wc -l <"$W/files_$last.txt")
    q=$((n / 4)) t=$((n / 20))
    b=$((n - 3 * q - 3 * t)) # files of the last copy that go into the full build
    link_files "$last" 0 "$b"
    "$INDEXER" -q --json -o "$W/seg/papers.idx" "$SIN" >"$W/seg_build.json"
    u=0
    for c in "${COPIES[@]:$NB:3}"; do add_files "$c" 0 "$(wc -l <"$W/files_$c.txt")"; done
    for k in 0 1 2; do add_files "$last" $((b + k * q)) $((b + (k + 1) * q)); done
    for k in 0 1 2; do add_files "$last" $((b + 3 * q + k * t)) $((b + 3 * q + (k + 1) * t)); done
    "$INDEXER" --check "$W/seg/papers.idx" >/dev/null
    "$INDEXER" --info "$W/seg/papers.idx" >"$W/seg_info.txt"
    cp -a "$W/seg" "$W/opt"
    "$INDEXER" -q --json --optimize "$W/opt/papers.idx" >"$W/optimize.json"
    echo "before latency: $(uptime)" >>"$W/load.txt"
    for r in $(seq 1 "$LAT_ROUNDS"); do
        for v in seg opt; do
            log "latency round $r: $v"
            "$BENCH" latency --index "$W/$v/papers.idx" --queries "$QUERIES" --rounds 1 \
                --json >"$W/lat_${v}_$r.json"
        done
    done
    echo "after latency: $(uptime)" >>"$W/load.txt"
fi
echo "end: $(uptime)" >>"$W/load.txt"

# ---- report ----
python3 - "$W" "$OUT" "$SCALE" "$ROUNDS" "$DAY_REL" "$DAY_PAPERS" "$SEGMENTS" "$RESULTS" \
    "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'EOF'
import glob, json, os, re, statistics, subprocess, sys
w, out, scale, rounds, day_rel, day_papers, segments, results, commit = sys.argv[1:10]
rounds = int(rounds)
def load(p):
    with open(p) as f:
        return json.load(f)
def last_json(p):
    lines = [l for l in open(p).read().splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else {}
upd = [load("%s/update_%d.json" % (w, r)) for r in range(1, rounds + 1)]
reb = [load("%s/rebuild_%d.json" % (w, r)) for r in range(1, rounds + 1)]
usum = last_json("%s/update_1.json.stdout" % w)
rsum = last_json("%s/rebuild_1.json.stdout" % w)
med_u = statistics.median(x["seconds"] for x in upd)
med_r = statistics.median(x["seconds"] for x in reb)
res = {"scale": int(scale), "day": day_rel, "day_papers": int(day_papers),
       "index_papers": rsum.get("papers"), "rounds": rounds,
       "update_s": [x["seconds"] for x in upd], "rebuild_s": [x["seconds"] for x in reb],
       "update_median_s": med_u, "rebuild_median_s": med_r, "speedup": med_r / med_u,
       "update_peak_rss_kb": max(x["peak_rss_kb"] for x in upd),
       "rebuild_peak_rss_kb": max(x["peak_rss_kb"] for x in reb), "update_summary": usum}
lat = {}
for v in ("seg", "opt"):
    files = sorted(glob.glob("%s/lat_%s_*.json" % (w, v)))
    if files:
        runs = [load(f) for f in files]
        lat[v] = {k: statistics.median(r[k] for r in runs) for k in ("p50_us", "p99_us",
                                                                       "mean_us")}
        lat[v]["rounds"] = len(runs)
if lat:
    ups = sorted(glob.glob("%s/seg_update_*.json" % w),
                 key=lambda p: int(re.search(r"_(\d+)\.json$", p).group(1)))
    lat["segments"] = last_json(ups[-1]).get("segments") if ups else None
    lat["p50_ratio"] = lat["seg"]["p50_us"] / lat["opt"]["p50_us"]
    lat["p99_ratio"] = lat["seg"]["p99_us"] / lat["opt"]["p99_us"]
    res["latency"] = lat
load_txt = open("%s/load.txt" % w).read().strip()
res["load"] = load_txt
json.dump(res, open("%s/update_bench.json" % out, "w"), indent=1)
cpu = subprocess.run("lscpu | grep -E '^(Model name|CPU\\(s\\))'", shell=True,
                     capture_output=True, text=True).stdout.strip()
L = []
L.append("## Updates (bench/update_bench.sh): one day added to a %sx index" % scale)
L.append("")
L.append("Written by `bench/update_bench.sh` (commit %s); method in its header. Machine:" % commit)
L.append("")
L.append("```\n%s\n%s\n```" % (cpu, load_txt))
L.append("")
L.append("Held-out day `%s` (%s papers) added to an index of the other %s papers "
         "(%s rounds, alternating --update on a fresh copy of the index and a full rebuild "
         "of the same files):" % (day_rel, day_papers,
                                  (res["index_papers"] or 0) - int(day_papers), rounds))
L.append("")
L.append("| | median s | runs s | peak RSS MB |")
L.append("|---|--:|--:|--:|")
L.append("| `paperdex-index --update` | %.3f | %s | %.0f |" % (
    med_u, ", ".join("%.3f" % x["seconds"] for x in upd), res["update_peak_rss_kb"] / 1024))
L.append("| full rebuild | %.2f | %s | %.0f |" % (
    med_r, ", ".join("%.2f" % x["seconds"] for x in reb), res["rebuild_peak_rss_kb"] / 1024))
L.append("")
ok = res["speedup"] >= 100
L.append("**%s**: the update is %.0fx faster than the rebuild (target: at least 100x). "
         "The updated index passes `--check` and answers 20 latency queries exactly as the "
         "rebuilt one. --update summary: `%s`." % ("Met" if ok else "Not met", res["speedup"],
                                                   json.dumps(usum)))
if lat:
    L.append("")
    L.append("Search over %s segments (one full build and 9 updates of decreasing sizes: "
             "1 copy x3, 1/4 copy x3, 1/20 copy x3, so that the merge policy keeps them) against "
             "the same index after --optimize, `paperdex-bench latency` "
             "over the 500 latency queries, %d alternating rounds each (medians of the "
             "rounds' figures):" % (lat["segments"], lat["seg"]["rounds"]))
    L.append("")
    L.append("| index | p50 µs | p99 µs | mean µs |")
    L.append("|---|--:|--:|--:|")
    for v, name in (("seg", "%s segments" % lat["segments"]), ("opt", "optimized (1)")):
        L.append("| %s | %.0f | %.0f | %.0f |" % (name, lat[v]["p50_us"], lat[v]["p99_us"],
                                                  lat[v]["mean_us"]))
    ok2 = lat["p50_ratio"] <= 1.5 and lat["p99_ratio"] <= 1.5
    L.append("")
    L.append("**%s**: p50 %.2fx, p99 %.2fx the optimized index (target: within 1.5x)." % (
        "Met" if ok2 else "Not met", lat["p50_ratio"], lat["p99_ratio"]))
L.append("")
L.append("Command: `bench/update_bench.sh --scale %s --rounds %d --segments %s`" % (
    scale, rounds, segments))
md = "\n".join(L) + "\n"
open("%s/update_bench.md" % out, "w").write(md)
print(md)
if results:
    begin, end = "<!-- update_bench -->", "<!-- /update_bench -->"
    text = open(results).read() if os.path.exists(results) else ""
    block = begin + "\n" + md + end
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    tmp = results + ".tmp"
    open(tmp, "w").write(text)
    os.replace(tmp, results)
    print("update_bench.sh: wrote the section into " + results, file=sys.stderr)
EOF
