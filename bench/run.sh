#!/usr/bin/env bash
# bench/run.sh: the full paperdex benchmark, from a clean checkout.
#
#   bench/run.sh [--scales "1 20 200"] [--peer-scales "1 20"] [--rounds R]
#                [--out DIR] [--results FILE] [--queries FILE] [--bin DIR]
#                [--build-runs N] [--process-runs N] [--load-seconds S]
#                [--no-install] [--no-profile] [--quick]
#
# Installs what it needs with apt-get (build tools, sqlite3, python3-xapian),
# builds paperdex (RelWithDebInfo, the default build) into OUT/build, then
# for each scale N: generates the scaled corpus (N > 1), measures paperdex's
# build, query latency, known-item effectiveness and whole-process latency,
# and, at the peer scales, exports the same papers and measures SQLite FTS5
# (trigram; unicode61 over paperdex's terms) and Xapian the same way. Last,
# paperdex-serve under load on the 1x index (bench/load.py, S seconds per
# phase, default 30, 0 skips it), perf profiles at the largest scale and
# bench/RESULTS.md from report.py.
# Defaults: scales 1 20 200, peers at 1 and 20 (Xapian at 200x would take
# about an hour here), 5 rounds, OUT = bench/out (git-ignored). Xapian runs
# in two set-ups on one database: AND with OR fill reading each hit, and
# plain AND returning ids. Whole-process runs alternate with /bin/true.
# --quick: a check of the pipeline in a few minutes, not figures to quote
# (scales 1 2, peers at both, 2 rounds, 1 build run, 20 process runs, no
# profiles; RESULTS.md goes to OUT/RESULTS.md unless --results is given).
# Method and caveats: bench/README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="$(realpath -m "${PAPERDEX_SHARED_DIR:-$ROOT/../shared}")"
CORPUS="$SHARED/corpus/paper_logs"
SCALES="1 20 200"
PEER_SCALES="1 20"
ROUNDS=5
OUT="$ROOT/bench/out"
RESULTS="$ROOT/bench/RESULTS.md"
QUERIES="$SHARED/eval/latency_queries.txt"
JUDGMENTS="$SHARED/eval/queries_visible.jsonl"
BIN=""
BUILD_RUNS_1X=3
PROCESS_RUNS=50
LOAD_SECONDS=30
PROCESS_QUERY="diffusion 모델"
INSTALL=1
PROFILE=1
SEED=0x5eed2024
PY=/usr/bin/python3 # Debian's: python3-xapian installs for it, not for other pythons
QUICK=0
RESULTS_SET=0

while [ $# -gt 0 ]; do
    case "$1" in
    --scales) SCALES="$2"; shift 2 ;;
    --peer-scales) PEER_SCALES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --results) RESULTS="$2"; RESULTS_SET=1; shift 2 ;;
    --queries) QUERIES="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --build-runs) BUILD_RUNS_1X="$2"; shift 2 ;;
    --process-runs) PROCESS_RUNS="$2"; shift 2 ;;
    --load-seconds) LOAD_SECONDS="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    --no-profile) PROFILE=0; shift ;;
    --quick)
        SCALES="1 2"; PEER_SCALES="1 2"; ROUNDS=2; BUILD_RUNS_1X=1; PROCESS_RUNS=20; LOAD_SECONDS=5
        PROFILE=0; QUICK=1; shift ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

log() { echo "== $(date +%H:%M:%S) $*" >&2; }
# Quotes for the record: 'word' when a word needs it.
quote() {
    local a out=""
    for a in "$@"; do
        case "$a" in
        *[!A-Za-z0-9_./=:,+-]* | "") out="$out '${a//\'/\'\\\'\'}'" ;;
        *) out="$out $a" ;;
        esac
    done
    printf '%s' "${out# }"
}
# runto FILE CMD...: runs CMD with stdout to FILE and records the command.
runto() {
    local f="$1"; shift
    printf '%s > %s\n' "$(quote "$@")" "${f#"$OUT"/}" >>"$OUT/commands.txt"
    "$@" >"$f"
}
run() {
    printf '%s\n' "$(quote "$@")" >>"$OUT/commands.txt"
    "$@"
}

# ---- dependencies ----
DEBS="build-essential cmake pkg-config libstemmer-dev libutf8proc-dev libxxhash-dev sqlite3 python3-xapian"
if [ "$INSTALL" = 1 ]; then
    missing=""
    for d in $DEBS; do dpkg -s "$d" >/dev/null 2>&1 || missing="$missing $d"; done
    if [ -n "$missing" ]; then
        SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
        log "installing$missing"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
    fi
fi
[ -d "$CORPUS" ] || { echo "run.sh: no corpus at $CORPUS (set PAPERDEX_SHARED_DIR)" >&2; exit 1; }

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# A quick run's figures are not RESULTS.md's.
[ "$QUICK" = 1 ] && [ "$RESULTS_SET" = 0 ] && RESULTS="$OUT/RESULTS.md"
: >"$OUT/commands.txt"
: >"$OUT/load.txt"
for d in "$OUT"/s*; do [ -d "$d" ] && rm -rf "$d"; done

# ---- build ----
if [ -z "$BIN" ]; then
    BIN="$OUT/build"
    log "building paperdex into $BIN"
    run cmake -S "$ROOT" -B "$BIN" -DPAPERDEX_TESTS=OFF -DPAPERDEX_BENCH=ON \
        -DPAPERDEX_SHARED_DIR="$SHARED" >/dev/null
    run cmake --build "$BIN" -j "$(nproc)" >/dev/null
fi
BENCH="$BIN/paperdex-bench"
INDEXER="$BIN/paperdex-index"
for b in "$BENCH" "$INDEXER" "$BIN/paperdex-search"; do
    [ -x "$b" ] || { echo "run.sh: $b is missing" >&2; exit 1; }
done

HAVE_SQLITE=0; HAVE_XAPIAN=0
"$PY" -c 'import sqlite3; c = sqlite3.connect(":memory:"); c.execute("create virtual table t using fts5(a, tokenize=trigram)")' 2>/dev/null && HAVE_SQLITE=1
"$PY" -c 'import xapian' 2>/dev/null && HAVE_XAPIAN=1

# ---- the machine ----
{
    echo "date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit:    $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (working tree has uncommitted changes)')"
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|Hypervisor vendor|L2 cache|L3 cache)' || true
    echo "memory:    $(free -h | awk '/^Mem:/ {print $2}')"
    echo "kernel:    $(uname -sr)"
    echo "compiler:  $(cc --version | head -1)"
    echo "build:     $(grep -E '^CMAKE_BUILD_TYPE' "$BIN/CMakeCache.txt" 2>/dev/null | cut -d= -f2 || echo '?')"
    [ "$HAVE_SQLITE" = 1 ] && echo "sqlite:    $("$PY" -c 'import sqlite3; print(sqlite3.sqlite_version)') (python3 sqlite3 module)"
    [ "$HAVE_XAPIAN" = 1 ] && echo "xapian:    $("$PY" -c 'import xapian; print(xapian.version_string())') (python3-xapian)"
    echo "python:    $("$PY" --version 2>&1)"
} >"$OUT/machine.txt"
echo "start:       $(uptime)" >>"$OUT/load.txt"

runto "$OUT/queries.tok.jsonl" "$BENCH" tokenize --queries "$QUERIES"
runto "$OUT/judgments.tok.jsonl" "$BENCH" tokenize --judgments "$JUDGMENTS"

in_list() { case " $2 " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

LARGEST=""
for N in $SCALES; do
    S="$OUT/s$N"
    mkdir -p "$S"
    LARGEST="$N"
    PATHS=("$CORPUS")
    if [ "$N" -gt 1 ]; then
        GEN="$OUT/gen$N"
        if [ ! -f "$GEN/gen.json" ] || ! grep -q "\"seed\":$((SEED))," "$GEN/gen.json"; then
            log "generating the ${N}x corpus into $GEN"
            rm -rf "$GEN"
            mkdir -p "$GEN"
            runto "$S/gen.json" "$BENCH" gen --corpus "$CORPUS" --scale "$N" --out "$GEN" \
                --seed "$SEED" --quiet --json
            cp "$S/gen.json" "$GEN/gen.json"
        else
            cp "$GEN/gen.json" "$S/gen.json"
        fi
        PATHS+=("$GEN")
    fi
    echo "${N}x:  $(uptime)" >>"$OUT/load.txt"
    RUNS=1; [ "$N" = 1 ] && RUNS="$BUILD_RUNS_1X"
    log "${N}x: paperdex build ($RUNS run(s))"
    runto "$S/paperdex_build.json" "$BENCH" build --index "$S/paperdex.idx" --runs "$RUNS" \
        --json "${PATHS[@]}"
    log "${N}x: paperdex latency"
    runto "$S/paperdex_latency.json" "$BENCH" latency --index "$S/paperdex.idx" \
        --queries "$QUERIES" --rounds "$ROUNDS" --json
    # The same without partial matches, the work of a plain AND, where the
    # peers run: report.py sets it beside Xapian's plain AND (like for like).
    if in_list "$N" "$PEER_SCALES"; then
        log "${N}x: paperdex latency, full matches only (--no-partial)"
        runto "$S/paperdex_latency_full.json" "$BENCH" latency --index "$S/paperdex.idx" \
            --queries "$QUERIES" --rounds "$ROUNDS" --no-partial --json
    fi
    # Known-item queries at 1x only: in a scaled corpus the copies of a paper
    # tie with it, so the figure would measure tie-breaking (report.py).
    if [ "$N" = 1 ]; then
        log "${N}x: paperdex known-item queries"
        runto "$S/paperdex_eval.json" "$BENCH" eval --index "$S/paperdex.idx" \
            --judgments "$JUDGMENTS" --json
    fi
    log "${N}x: whole-process latency (alternating with /bin/true)"
    runto "$S/paperdex_process.json" "$BENCH" process --index "$S/paperdex.idx" \
        --runs "$PROCESS_RUNS" --baseline /bin/true --json "$PROCESS_QUERY"

    if in_list "$N" "$PEER_SCALES" && [ $((HAVE_SQLITE + HAVE_XAPIAN)) -gt 0 ]; then
        log "${N}x: exporting the papers for the peers"
        run "$INDEXER" -q -o "$S/export.idx" --export-jsonl "$S/papers.jsonl" -- "${PATHS[@]}" \
            2>/dev/null
        rm -f "$S/export.idx" "$S"/export.idx.*  # the manifest, its segment and lock
        PEERS=()
        [ "$HAVE_SQLITE" = 1 ] && PEERS+=(fts5_trigram fts5_unicode61)
        [ "$HAVE_XAPIAN" = 1 ] && PEERS+=(xapian xapian_and_ids)
        for p in "${PEERS[@]}"; do
            case "$p" in
            fts5_*) CMD=("$PY" "$ROOT/bench/peers/fts5_peer.py"); ARGS=(--config "${p#fts5_}" --db "$S/$p.db") ;;
            xapian) CMD=("$PY" "$ROOT/bench/peers/xapian_peer.py"); ARGS=(--db "$S/xapian.db") ;;
            # the second set-up queries the database the first one built
            xapian_and_ids) CMD=("$PY" "$ROOT/bench/peers/xapian_peer.py")
                ARGS=(--db "$S/xapian.db" --setup and_ids) ;;
            esac
            if [ "$p" != xapian_and_ids ]; then
                log "${N}x: $p build"
                runto "$S/peer_${p}_build.json" "${CMD[@]}" build "${ARGS[@]}" --papers "$S/papers.jsonl"
            fi
            log "${N}x: $p queries"
            EVAL=(); [ "$N" = 1 ] && EVAL=(--judgments "$OUT/judgments.tok.jsonl")
            runto "$S/peer_${p}_query.json" "${CMD[@]}" query "${ARGS[@]}" \
                --queries "$OUT/queries.tok.jsonl" "${EVAL[@]}" --rounds "$ROUNDS"
        done
        rm -f "$S/papers.jsonl"
    fi
done

# ---- the server under load, on the 1x index (bench/load.py) ----
if [ "$LOAD_SECONDS" != 0 ] && [ -x "$BIN/paperdex-serve" ] && [ -f "$OUT/s1/paperdex.idx" ]; then
    echo "server: $(uptime)" >>"$OUT/load.txt"
    log "1x: paperdex-serve under load (${LOAD_SECONDS} s per phase)"
    run "$PY" "$ROOT/bench/load.py" "$BIN" --index "$OUT/s1/paperdex.idx" --queries "$QUERIES" \
        --seconds "$LOAD_SECONDS" --out "$OUT/serve_load.md" >/dev/null
fi
echo "end:   $(uptime)" >>"$OUT/load.txt"

# ---- profiles at the largest scale ----
if [ "$PROFILE" = 1 ] && [ -n "$LARGEST" ] && command -v perf >/dev/null 2>&1; then
    S="$OUT/s$LARGEST"
    profile() { # profile NAME CMD...: flat self-time profile of CMD
        local name="$1"; shift
        if perf record -q -e cpu-clock -F 999 -o "$S/perf.data" -- "$@" >/dev/null 2>&1; then
            perf report -i "$S/perf.data" --stdio --no-children --sort symbol 2>/dev/null |
                grep -E '^ +[0-9]' | head -25 >"$S/profile_$name.txt" || true
            printf 'perf record -e cpu-clock -F 999 -- %s\n' "$(quote "$@")" >>"$OUT/commands.txt"
        fi
        rm -f "$S/perf.data"
    }
    log "${LARGEST}x: profiles"
    profile latency "$BENCH" latency --index "$S/paperdex.idx" --queries "$QUERIES" --rounds 2
    PATHS=("$CORPUS")
    [ "$LARGEST" -gt 1 ] && PATHS+=("$OUT/gen$LARGEST")
    profile build "$INDEXER" -q -o "$S/profile.idx" -- "${PATHS[@]}"
    rm -f "$S/profile.idx"
fi

log "writing $RESULTS"
"$PY" "$ROOT/bench/report.py" "$OUT" >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
log "done"
