#!/usr/bin/env bash
# The directory rules (README.md "A tour of the source"), checked on the
# source text; CTest runs this as the test `layering`.
#
#   common/   depends on nothing else in the tree;
#   indexer/  depends on common/, never on searcher/;
#   searcher/ depends on common/, never on indexer/;
#   the library (all but *_cli.c) never uses the programs' JSON helpers.
#
# CMakeLists.txt already keeps each folder's include path to what it may
# include; this also catches what an include path cannot: relative includes
# ("../searcher/searcher.h"), the other side's public header
# (paperdex/search.h is the searcher's, paperdex/parser.h the indexer's) and
# calls to the other side's functions. A side's functions are the ones
# declared in its internal header and its public header, plus the writer's
# pdx_writer_*, so a new function is covered without editing this script.
# Comments are ignored. Prints FILE:LINE: what, and exits 1 on a violation.
#
#   tests/layering.sh [SOURCE_ROOT]
set -uo pipefail
root="${1:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root" || exit 2
status=0

# functions_of HEADER...: the pdx_ function names the headers declare, as
# an alternation for grep -E.
functions_of() {
    strip_comments "$@" | grep -oE '\bpdx_[a-z0-9_]+[[:space:]]*\(' |
        sed -E 's/[[:space:]]*\($//' | sort -u | paste -sd'|'
}

# strip_comments FILE...: the files with /* */ and // comments blanked,
# line numbers kept.
strip_comments() {
    perl -0777 -pe 's{/\*.*?\*/}{"\n" x ($& =~ tr/\n//)}gse; s{//[^\n]*}{}g' "$@"
}

# forbid WHAT REGEX FILE...: reports each line of the files (comments
# ignored) that matches REGEX.
forbid() {
    local what="$1" regex="$2" f hits
    shift 2
    for f in "$@"; do
        [ -f "$f" ] || continue
        hits="$(strip_comments "$f" | grep -nE "$regex")" || continue
        while IFS= read -r hit; do
            echo "$f:${hit%%:*}: $what: ${hit#*:}"
        done <<<"$hits"
        status=1
    done
}

indexer_fns="$(functions_of indexer/indexer.h include/paperdex/parser.h)|pdx_writer_[a-z0-9_]+"
searcher_fns="$(functions_of searcher/searcher.h include/paperdex/search.h)"
inc='^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]'

forbid "common/ includes indexer/ or searcher/" \
    "$inc"'([^">]*/)?(indexer|searcher)(/|\.h)|'"$inc"'paperdex/(search|parser)\.h' \
    common/*.c common/*.h
forbid "common/ calls the indexer" "\\b($indexer_fns)[[:space:]]*\\(" common/*.c common/*.h
forbid "common/ calls the searcher" "\\b($searcher_fns)[[:space:]]*\\(" common/*.c common/*.h

forbid "indexer/ includes searcher/" "$inc"'([^">]*/)?searcher(/|\.h)|'"$inc"'paperdex/search\.h' \
    indexer/*.c indexer/*.h
forbid "indexer/ calls the searcher" "\\b($searcher_fns)[[:space:]]*\\(" indexer/*.c indexer/*.h

forbid "searcher/ includes indexer/" "$inc"'([^">]*/)?indexer(/|\.h)|'"$inc"'paperdex/parser\.h' \
    searcher/*.c searcher/*.h
forbid "searcher/ calls the indexer" "\\b($indexer_fns)[[:space:]]*\\(" searcher/*.c searcher/*.h

library=()
for f in common/*.c common/*.h indexer/*.c indexer/*.h searcher/*.c searcher/*.h; do
    case "$f" in *_cli.c | common/json.[ch] | common/cli_opt.[ch] | searcher/hit_json.[ch]) ;; *) library+=("$f") ;; esac
done
forbid "library code uses the programs' JSON helpers" "$inc"'([^">]*/)?json\.h|\bpdx_json_' \
    "${library[@]}"

if [ "$status" -eq 0 ]; then
    echo "layering: common/, indexer/ and searcher/ keep the directory rules"
fi
exit "$status"
