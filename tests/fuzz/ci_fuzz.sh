#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in their own build directory and
# runs each for a bounded time (FUZZ_SECONDS, default 60) starting from the
# seed corpus. Exits non-zero if any target crashes, leaks, times out or
# runs out of memory; the input that did it is left in
# $BUILD/artifacts/<target>/ (see README.md "When a target crashes").
#
#   tests/fuzz/ci_fuzz.sh                      # what CI runs
#   FUZZ_SECONDS=1800 tests/fuzz/ci_fuzz.sh index   # one target, longer
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${FUZZ_BUILD:-build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=${*:-digest tokenizer query index lexcand}

if ! command -v clang >/dev/null; then
    echo "ci_fuzz: clang not found (apt-get install clang)" >&2
    exit 1
fi
# -Werror stays with the gcc builds: a clang-only warning in some file must
# not stop the fuzzers from running.
CC=clang cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPAPERDEX_FUZZ=ON \
    -DPAPERDEX_WERROR=OFF -DPAPERDEX_TESTS=OFF -DPAPERDEX_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" \
    $(for t in $TARGETS; do printf -- '--target fuzz_%s ' "$t"; done) >/dev/null

status=0
for t in $TARGETS; do
    work="$BUILD/corpus/$t"          # grows across runs; the seeds stay clean
    art="$BUILD/artifacts/$t"
    mkdir -p "$work" "$art"
    echo "== fuzz_$t: ${SECONDS_EACH}s"
    if "$BUILD/fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=2048 \
        -max_len=131072 -print_final_stats=1 -artifact_prefix="$art/" \
        "$work" "tests/fuzz/corpus/$t" >"$BUILD/fuzz_$t.log" 2>&1; then
        grep -E '^stat::number_of_executed_units|DONE' "$BUILD/fuzz_$t.log" | tail -2
    else
        status=1
        echo "fuzz_$t FAILED; last lines of $BUILD/fuzz_$t.log:" >&2
        tail -n 60 "$BUILD/fuzz_$t.log" >&2
        ls -l "$art" >&2
    fi
done
exit $status
