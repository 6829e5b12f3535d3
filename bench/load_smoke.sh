#!/usr/bin/env bash
# CI's short run of bench/load.py (the full one is 30 s per phase): the
# seed digests, 16 clients, 3 s per phase, the index replaced every second
# in the last; fails on any failed request. About 15 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${SHARED:-$(cd .. && pwd)/shared}"
if [ ! -d "$SHARED/seeds" ] || [ ! -f "$SHARED/eval/latency_queries.txt" ]; then
    echo "load_smoke: no $SHARED/seeds or eval/latency_queries.txt; skipped"
    exit 0
fi
python3 bench/load.py build --corpus "$SHARED/seeds" --queries "$SHARED/eval/latency_queries.txt" \
    --clients 16 --seconds 3
