#!/usr/bin/env bash
# Valgrind memcheck of the programs as users run them: indexing the seed
# digests, checking the index, and a few searches. Any memory error, and
# any definite or indirect leak, fails the script (still-reachable memory
# at exit is not a leak). Uses a plain (non-sanitizer), dynamically linked
# build in $BUILD (default: build-valgrind, configured with
# PAPERDEX_STATIC_SEARCH=OFF and built here if needed: the default
# paperdex-search links libc statically, and memcheck cannot replace the
# allocator of such a program).
#
#   tests/valgrind.sh            # what CI runs after `make test`
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
seeds="$(cd "$here/../../shared/seeds" 2>/dev/null && pwd || true)"
BUILD=${BUILD:-build-valgrind}
cd "$root"
if ! command -v valgrind >/dev/null; then
    echo "valgrind.sh: valgrind not found (apt-get install valgrind)" >&2
    exit 1
fi
if [ -z "$seeds" ] || [ ! -d "$seeds" ]; then
    echo "valgrind.sh: no seed digests at ../shared/seeds" >&2
    exit 1
fi
# Configured once; brought up to date at every run (a no-op when it is).
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD" -DPAPERDEX_STATIC_SEARCH=OFF -DPAPERDEX_TESTS=OFF \
        -DPAPERDEX_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" -j 2 --target paperdex-index paperdex-search >/dev/null
# A static program has no program interpreter: memcheck would miss its leaks.
if ! LC_ALL=C readelf -l "$BUILD/paperdex-search" | grep -q 'INTERP'; then
    echo "valgrind.sh: $BUILD/paperdex-search is statically linked; configure $BUILD" \
        "with -DPAPERDEX_STATIC_SEARCH=OFF (or leave BUILD unset)" >&2
    exit 1
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
VG=(valgrind --quiet --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
    --track-fds=no --num-callers=30)
fail=0

# run EXPECTED_STATUSES DESCRIPTION -- command...: status 99 is valgrind's.
run() {
    local ok="$1" what="$2"
    shift 3
    local rc=0
    "${VG[@]}" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
    if [ "$rc" -eq 99 ] || ! [[ " $ok " == *" $rc "* ]]; then
        echo "valgrind.sh: FAILED: $what (exit $rc)" >&2
        cat "$tmp/err" >&2
        fail=1
    else
        echo "ok: $what (exit $rc)"
    fi
}

idx="$tmp/seeds.idx"
run "0" "index the seeds" -- "$BUILD/paperdex-index" -q -o "$idx" "$seeds"
run "0" "index the seeds again, small memory budget (spills runs)" -- \
    "$BUILD/paperdex-index" -q --mem-mb 1 -o "$idx" "$seeds"
run "0" "--check" -- "$BUILD/paperdex-index" --check "$idx"
run "0" "--info" -- "$BUILD/paperdex-index" --info "$idx"
run "0 1" "search: words" -- "$BUILD/paperdex-search" -i "$idx" diffusion 모델
run "0 1" "search: Korean particle, JSON" -- "$BUILD/paperdex-search" -i "$idx" --json 학습을
run "0 1" "search: phrase, OR, exclusion" -- \
    "$BUILD/paperdex-search" -i "$idx" '"language model"' OR transformer -survey
run "0 1" "search: prefix, field, filters, sort" -- \
    "$BUILD/paperdex-search" -i "$idx" --sort votes 'title:trans*' 'date:2024' 'votes:>=1'
run "0 1" "search: paging" -- "$BUILD/paperdex-search" -i "$idx" -n 3 --offset 2 model
run "0 1 2" "search: malformed query" -- "$BUILD/paperdex-search" -i "$idx" 'nofield:x' '"open'
run "2" "search: not an index" -- "$BUILD/paperdex-search" -i "$seeds/README.md" model

if [ "$fail" -ne 0 ]; then
    echo "valgrind.sh: memcheck found errors or leaks" >&2
    exit 1
fi
echo "valgrind.sh: no memory errors, no leaks"
