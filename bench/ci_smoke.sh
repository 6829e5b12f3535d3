#!/usr/bin/env bash
# bench/ci_smoke.sh: keeps the benchmark code working, in a few minutes.
#
# Runs bench/run.sh at 1x with a few latency queries, one round and both
# peers when they are installed (CI installs sqlite3 and python3-xapian),
# then checks that every JSON file has the keys scripts rely on, that the
# numbers are sane (the known-item MRR of a working search is far above
# zero), that the generator is deterministic, and that the report was
# written. The full benchmark is bench/run.sh, not this.
# Prints "bench_smoke: N passed, M failed" (one word before the colon, the
# form CI recognises as a closing line) and exits non-zero on a failure.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${PAPERDEX_SHARED_DIR:-$ROOT/../shared}"
BUILD="${BUILD:-$ROOT/build}"
PY=/usr/bin/python3
TMP="$(mktemp -d /tmp/paperdex-bench-smoke.XXXXXX)"
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
check() { # check NAME CMD...
    local name="$1"; shift
    if "$@" >"$TMP/check.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$TMP/check.log" | tail -20
    fi
}
finish() {
    echo "bench_smoke: $passed passed, $failed failed"
    [ "$failed" = 0 ]
    exit $?
}

if [ ! -d "$SHARED/corpus/paper_logs" ]; then
    echo "bench smoke: no corpus at $SHARED/corpus/paper_logs"
    failed=1
    finish
fi

check "build paperdex-bench" cmake --build "$BUILD" -j "$(nproc)"
BENCH="$BUILD/paperdex-bench"

# A few queries of each kind: the first 12 and every 25th of the file.
awk 'NR <= 12 || NR % 25 == 0' "$SHARED/eval/latency_queries.txt" >"$TMP/queries.txt"

check "run.sh at 1x (few queries, 1 round, peers if installed)" \
    bash "$ROOT/bench/run.sh" --scales 1 --peer-scales 1 --rounds 1 --build-runs 1 \
    --process-runs 5 --load-seconds 0 --queries "$TMP/queries.txt" --bin "$BUILD" --out "$TMP/out" \
    --results "$TMP/RESULTS.md" --no-install --no-profile

S="$TMP/out/s1"
has_keys() { # has_keys FILE [PATH.]KEY...: each key present (a.b for nested)
    "$PY" - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = d
    for part in k.split("."):
        if part not in v:
            sys.exit(f"{sys.argv[1]}: no key {k}")
        v = v[part]
EOF
}
check "build JSON keys" has_keys "$S/paperdex_build.json" papers input_bytes index_bytes \
    size_ratio seconds input_mb_s papers_s peak_rss_kb
check "latency JSON keys" has_keys "$S/paperdex_latency.json" p50_us p95_us p99_us mean_us qps \
    queries by_class.ko.p50_us by_class.en.p99_us by_class.mixed.mean_us \
    by_class.one_word.queries by_class.multi_word.queries by_class.phrase.queries
check "eval JSON keys" has_keys "$S/paperdex_eval.json" mrr10 recall10 queries \
    by_kind.en_title.mrr10 by_kind.ko_phrase.recall10
check "process JSON keys" has_keys "$S/paperdex_process.json" p50_ms p95_ms runs \
    baseline baseline_p50_ms ratio_p50 pair_ratio_p50
check "figures are sane" "$PY" - "$S" <<'EOF'
import json, sys
s = sys.argv[1]
b = json.load(open(f"{s}/paperdex_build.json"))
l = json.load(open(f"{s}/paperdex_latency.json"))
e = json.load(open(f"{s}/paperdex_eval.json"))
assert b["papers"] > 4000 and b["index_bytes"] > 0 and b["peak_rss_kb"] > 0, b
assert l["errors"] == 0 and 0 < l["p50_us"] <= l["p95_us"] <= l["p99_us"], l
assert l["hits_mean"] > 5, l
assert e["queries"] == 200 and e["mrr10"] > 0.5 and e["recall10"] > 0.5, e
# the slowest 1% (at least 5), slowest first, with what each matches
sl = l["slowest"]
assert len(sl) == max(5, (l["queries"] + 99) // 100), sl
assert all(a["p50_us"] >= b["p50_us"] for a, b in zip(sl, sl[1:])), sl
assert all(x["words"] and x["total"] >= 0 for x in sl), sl
# --no-partial leaves the partial fill out: fewer hits, same queries
f = json.load(open(f"{s}/paperdex_latency_full.json"))
assert f["errors"] == 0 and f["queries"] == l["queries"] and 0 < f["p50_us"], f
assert f["hits_mean"] < l["hits_mean"], (f["hits_mean"], l["hits_mean"])
p = json.load(open(f"{s}/paperdex_process.json"))
assert p["baseline"] == "/bin/true" and 0 < p["baseline_p50_ms"] and p["pair_ratio_p50"] > 0, p
EOF
if "$PY" -c 'import sqlite3' 2>/dev/null; then
    for p in fts5_trigram fts5_unicode61; do
        check "peer $p" has_keys "$S/peer_${p}_query.json" latency.p50_us latency.p99_us \
            latency.qps eval.mrr10 eval.by_kind.ko_compound.mrr10
    done
fi
if "$PY" -c 'import xapian' 2>/dev/null; then
    check "peer xapian" has_keys "$S/peer_xapian_query.json" latency.p50_us eval.mrr10
    check "peer xapian plain AND (ids)" "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["setup"] == "and_ids" and d["latency"]["p99_us"] > 0 and d["eval"]["mrr10"] > 0.5, d
' "$S/peer_xapian_and_ids_query.json"
    check "report compares both Xapian set-ups" grep -q \
        "p50 and p99 at least 3x under each Xapian set-up: [^n].*Xapian plain AND (ids): p50" \
        "$TMP/RESULTS.md"
fi
check "report written" grep -q "^## Targets" "$TMP/RESULTS.md"

# eval scores what paperdex-search shows: a misspelt query is corrected
# ("showing results for") unless --no-correct. A digest of our own words.
check "eval corrects as paperdex-search does" "$PY" - "$BUILD" "$TMP" <<'EOF'
import json, os, subprocess, sys
build, tmp = sys.argv[1:]
os.makedirs(f"{tmp}/typo", exist_ok=True)
papers = [("2405.00001", "Gaussian Splatting for Small Rooms", "가우시안 스플래팅으로 방을 그린다."),
          ("2405.00002", "Faster Diffusion Samplers", "확산 모델의 샘플링을 줄인다."),
          ("2405.00003", "Robots That Listen", "로봇이 말을 듣고 움직인다.")]
with open(f"{tmp}/typo/2024-05-01.md", "w") as f:
    f.write("## Daily Papers (2024-05-01)\n\n")
    for i, t, s in papers:
        f.write(f"### [{t}](https://arxiv.org/abs/{i})\n\nVote: 3\n\nAuthors: Ann Lee\n\n- {s}\n\n")
subprocess.run([f"{build}/paperdex-index", "-q", "-o", f"{tmp}/typo.idx", f"{tmp}/typo"], check=True)
with open(f"{tmp}/typo.jsonl", "w") as f:
    f.write(json.dumps({"qid": "t1", "query": "gausian", "kind": "typo",
                        "relevant": ["2405.00001"]}) + "\n")
def mrr(*extra):
    out = subprocess.run([f"{build}/paperdex-bench", "eval", "--index", f"{tmp}/typo.idx",
                          "--judgments", f"{tmp}/typo.jsonl", "--json", *extra],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["mrr10"]
assert mrr() == 1.0 and mrr("--no-correct") == 0.0, (mrr(), mrr("--no-correct"))
EOF
check "report names the slowest 1%" grep -q "^paperdex's slowest 1% of the" "$TMP/RESULTS.md"

# The generator: same seed, same bytes; the copies parse into new papers.
SUB="$TMP/sub"
mkdir -p "$SUB/2024"
cp -r "$SHARED/corpus/paper_logs/2024/06" "$SUB/2024/"
check "gen is deterministic" sh -c "'$BENCH' gen --corpus '$SUB' --scale 3 --out '$TMP/g1' -q &&
    '$BENCH' gen --corpus '$SUB' --scale 3 --out '$TMP/g2' -q && diff -r '$TMP/g1' '$TMP/g2'"
check "gen copies index as 3x the papers" "$PY" - "$BUILD" "$SUB" "$TMP" <<'EOF'
import json, subprocess, sys
build, sub, tmp = sys.argv[1:]
def papers(*paths):
    out = subprocess.run([f"{build}/paperdex-index", "-q", "--json", "-o", f"{tmp}/g.idx", "--",
                          *paths], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["papers"]
one, three = papers(sub), papers(sub, f"{tmp}/g1")
assert three == 3 * one, (one, three)
EOF
check "export-jsonl has every paper" "$PY" - "$BUILD" "$SUB" "$TMP" <<'EOF'
import json, subprocess, sys
build, sub, tmp = sys.argv[1:]
out = subprocess.run([f"{build}/paperdex-index", "-q", "--json", "-o", f"{tmp}/e.idx",
                      "--export-jsonl", f"{tmp}/e.jsonl", "--", sub],
                     check=True, capture_output=True, text=True).stdout
rows = [json.loads(l) for l in open(f"{tmp}/e.jsonl", encoding="utf-8")]
assert len(rows) == json.loads(out)["papers"], len(rows)
assert len({r["id"] for r in rows}) == len(rows)
for k in ("id", "url", "title", "authors", "summary", "date", "votes", "title_terms",
          "authors_terms", "summary_terms"):
    assert k in rows[0], k
assert any(r["summary_terms"] for r in rows)
EOF
finish
