#!/usr/bin/env bash
# Builds paperdex in several configurations, each in its own directory, with
# -Werror and everything on (library, programs, tests, bench), and fails if
# any configuration does not build or prints a warning of any kind (the
# linker's and CMake's too, which -Werror does not cover).
#
#   tests/build_matrix.sh                       # the whole matrix, sequentially
#   tests/build_matrix.sh gcc:Release clang:Debug   # what CI runs
#   MATRIX_TEST=gcc:Release tests/build_matrix.sh gcc:Release clang:Debug
#                                               # ...and run ctest in that one
#
# A configuration is COMPILER:BUILD_TYPE (gcc or clang; Debug, Release,
# RelWithDebInfo, MinSizeRel) or `fuzz` (clang, RelWithDebInfo,
# -DPAPERDEX_FUZZ=ON: the libFuzzer targets as well). The default is all
# nine. Build directories are build-matrix/<config>/ (reused, so a second run
# only rebuilds what changed); the full log of a failed configuration is
# build-matrix/<config>.log. SHARED (default ../shared) is passed to CMake as
# PAPERDEX_SHARED_DIR for the tests.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/build-matrix"
shared="${SHARED:-$root/../shared}"
jobs="$(nproc 2>/dev/null || echo 2)"
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
    configs=(gcc:Debug gcc:Release gcc:RelWithDebInfo gcc:MinSizeRel
             clang:Debug clang:Release clang:RelWithDebInfo clang:MinSizeRel fuzz)
fi
mkdir -p "$out"

# parse CONFIG: sets cc, type and extra (more CMake arguments) for it;
# status 1, with a message, when it is not a configuration this script knows.
parse() {
    extra=()
    case "$1" in
    fuzz) cc=clang type=RelWithDebInfo extra=(-DPAPERDEX_FUZZ=ON) ;;
    gcc:* | clang:*) cc="${1%%:*}" type="${1#*:}" ;;
    *) echo "build_matrix: unknown configuration '$1' (COMPILER:BUILD_TYPE or fuzz)" >&2; return 1 ;;
    esac
    case "$type" in
    Debug | Release | RelWithDebInfo | MinSizeRel) ;;
    *) echo "build_matrix: unknown build type '$type' in '$1'" >&2; return 1 ;;
    esac
    if ! command -v "$cc" >/dev/null; then
        echo "build_matrix: $cc not found (apt-get install $cc)" >&2
        return 1
    fi
}

# build_one CONFIG: configures and builds it; status 0 only when both
# succeed without a single warning line.
build_one() {
    local config="$1" cc type extra
    parse "$config" || return 1
    local dir="$out/${config/:/-}" log="$out/${config/:/-}.log"
    # The compiler is fixed when a build directory is first configured.
    if [ -f "$dir/CMakeCache.txt" ] && ! grep -q "^CMAKE_C_COMPILER:.*/$cc\$" "$dir/CMakeCache.txt"; then
        rm -rf "$dir"
    fi
    {
        CC="$cc" cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE="$type" -DPAPERDEX_WERROR=ON \
            -DPAPERDEX_TESTS=ON -DPAPERDEX_BENCH=ON -DPAPERDEX_SHARED_DIR="$shared" \
            "${extra[@]}" &&
            cmake --build "$dir" -j "$jobs"
    } >"$log" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] && grep -qE 'warning:|Warning' "$log"; then
        rc=1
    fi
    # The fuzzers are blind unless the library's own objects carry the
    # coverage instrumentation, not only the fuzz targets.
    if [ $rc -eq 0 ] && [ "$config" = fuzz ] &&
        ! nm "$dir/libpaperdex.a" 2>/dev/null | grep -c __sanitizer_cov >/dev/null; then
        echo "libpaperdex.a has no coverage instrumentation" >>"$log"
        rc=1
    fi
    if [ $rc -ne 0 ]; then
        echo "FAIL $config (log: ${log#"$root"/})"
        grep -E -A3 'warning:|Warning|error:|Error [0-9]|instrumentation' "$log" | head -40 |
            sed 's/^/     /'
        return 1
    fi
    if [[ ",${MATRIX_TEST:-}," == *",$config,"* ]]; then
        if ! (cd "$dir" && ctest --output-on-failure -j "$jobs") >>"$log" 2>&1; then
            echo "FAIL $config: ctest (log: ${log#"$root"/})"
            grep -E 'tests passed|Failed|\*\*\*' "$log" | tail -20 | sed 's/^/     /'
            return 1
        fi
        echo "ok   $config (built, no warnings, ctest passed)"
        return 0
    fi
    echo "ok   $config (built, no warnings)"
}

for config in "${configs[@]}"; do # usage errors before any build
    parse "$config" || exit 2
done
failed=0
for config in "${configs[@]}"; do
    build_one "$config" || failed=$((failed + 1))
done
echo "build_matrix: $((${#configs[@]} - failed)) of ${#configs[@]} configurations clean"
[ "$failed" -eq 0 ]
