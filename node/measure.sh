#!/usr/bin/env bash
# Measures the node: time from `./routstr up` to its "ready" line, and the node process's RSS after 30 s idle.
#   node/measure.sh [data-dir]    (default: a fresh temporary folder; pass the same folder again to measure a restart)
# Build first (./routstr up builds when sources changed; that time is not part of "ready in").
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-$(mktemp -d)}
out=$(mktemp)
export ROUTSTR_DATA_DIR=$dir ROUTSTR_PORT=${ROUTSTR_PORT:-18000} ROUTSTR_DEMO_PORT=${ROUTSTR_DEMO_PORT:-18010}
export ROUTSTR_DEMO_MINT_PORT=${ROUTSTR_DEMO_MINT_PORT:-18338} ROUTSTR_DEMO_UPSTREAM_PORT=${ROUTSTR_DEMO_UPSTREAM_PORT:-18011}
t0=$(date +%s%N)
./routstr up > "$out" 2>&1 &
pid=$!
until grep -q -E 'routstr: (ready in|FAILED)' "$out"; do
  kill -0 "$pid" 2>/dev/null || { cat "$out"; exit 1; }
  sleep 0.1
done
t1=$(date +%s%N)
grep -q 'FAILED' "$out" && { cat "$out"; exit 1; }
echo "data folder $dir: command to ready $(( (t1 - t0) / 1000000 )) ms; $(grep 'ready in' "$out")"
sleep 30
echo "idle RSS of the node process: $(( $(ps -o rss= -p "$pid") / 1024 )) MB"
kill -TERM "$pid"
wait "$pid" && echo "stopped, exit code 0"
