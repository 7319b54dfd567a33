#!/usr/bin/env bash
# Perf table of issue 18 (a benchmark, not a test; CI does not run it). On loopback, in one run: nginx as a plain
# reverse proxy to the demo stand-in upstream, and the node as `./routstr up` starts it (demo mode: embedded PostgreSQL,
# durable, fsync on; embedded Kafka; billing on), with one funded key and with 64 keys. Per target: max req/s (wrk -c32
# flat out), added p50/p99 at a paced rate (Paced.java, open loop, over the upstream called directly), SSE time to first
# byte at a paced stream rate, CPU per request (utime+stime of the process tree from /proc during the wrk run) and RSS.
# The stand-in upstream runs inside the node's JVM, so the node's CPU per request has the upstream's share (the node
# JVM's CPU per request while nginx was measured) taken off. Other load on the machine shows in the load average printed.
# Every flat-out run follows a WARM_SECONDS warm-up at the same load (the JVM's JIT compiles the hot path in that time;
# a 3 s warm-up measured half-compiled code), and the CPU per request is split into the node JVM's and PostgreSQL's.
# Usage: bench/perf/run.sh    env: MAX_SECONDS=10 WARM_SECONDS=20 CONNECTIONS=32 RATE=500 PACED_SECONDS=15 SSE_RATE=100 SSE_SECONDS=10
#                                  ROUTSTR_JAVA_OPTS (passed to ./routstr up) OUT=file (also writes the table there)
#                                  PROFILE=file.jfr (a JFR recording of the node during the 64-key wrk run)
#                                  PG_STATEMENTS=1 (PostgreSQL loads pg_stat_statements; after the table, the statements
#                                  that took the most time per request in each node run; the extension costs a little CPU)
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH=$JAVA_HOME/bin:$PATH
MAX_SECONDS=${MAX_SECONDS:-10}
WARM_SECONDS=${WARM_SECONDS:-20}
CONNECTIONS=${CONNECTIONS:-32}
RATE=${RATE:-500}
PACED_SECONDS=${PACED_SECONDS:-15}
SSE_RATE=${SSE_RATE:-100}
SSE_SECONDS=${SSE_SECONDS:-10}
cd "$(dirname "$0")/../.."
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
    apt-get install -y nginx wrk >/dev/null
fi
DIR=$(mktemp -d /tmp/perf-bench.XXXXXX)
NODE_PID=""
NGINX_PID=""
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    if [ -n "$NODE_PID" ]; then
        kill "$NODE_PID" 2>/dev/null || true
        timeout 60 tail --pid="$NODE_PID" -f /dev/null 2>/dev/null || kill -9 "$NODE_PID" 2>/dev/null || true
    fi
    rm -rf "$DIR"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port); DEMO=$(free_port); MINT=$(free_port); UP=$(free_port); NGINX=$(free_port)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# the node exactly as ./routstr up starts it (it builds what changed first), on free ports and its own data dir
env ROUTSTR_DATA_DIR="$DIR/node" ROUTSTR_PORT=$PORT ROUTSTR_DEMO_PORT=$DEMO ROUTSTR_DEMO_MINT_PORT=$MINT \
    ROUTSTR_DEMO_UPSTREAM_PORT=$UP ROUTSTR_PG_STAT_STATEMENTS=${PG_STATEMENTS:-} ./routstr up > "$DIR/node.log" 2>&1 < /dev/null &
NODE_PID=$!
for _ in $(seq 1 1200); do
    curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1 && break
    kill -0 "$NODE_PID" 2>/dev/null || { echo "node exited:"; tail -40 "$DIR/node.log"; exit 1; }
    sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "node not ready:"; tail -40 "$DIR/node.log"; exit 1; }
JPID=$(pgrep -P "$NODE_PID" java || echo "$NODE_PID") # ./routstr execs java, so this is normally NODE_PID itself
# the embedded PostgreSQL daemonises (pg_ctl), so its postmaster is not the JVM's child: count its tree with the node's
PG_PID=$(head -1 "$DIR/node/postgres/postmaster.pid" 2>/dev/null || echo "")
PG_PORT=$(sed -n 4p "$DIR/node/postgres/postmaster.pid" 2>/dev/null || echo "")
pg() { psql -X -q -A -t -h 127.0.0.1 -p "$PG_PORT" -U postgres -d routstr "$@"; }
[ "${PG_STATEMENTS:-}" = 1 ] && pg -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null

new_key() {
    local token out i
    for i in 1 2 3 4 5; do
        token=$(curl -s -X POST "http://127.0.0.1:$DEMO/demo/token" -H 'content-type: application/json' -d "{\"amount_sat\":$1}" \
                | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
        out=$(curl -s -X POST "http://127.0.0.1:$PORT/v1/wallet/create" -H 'content-type: application/json' \
                   -d "{\"cashu_token\":\"$token\"}")
        case "$out" in *'"api_key":"sk-'*) echo "$out" | sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p'; return 0 ;; esac
        echo "funding a key failed (attempt $i): $out" >&2
        sleep 2
    done
    return 1
}
new_key 1000000 > "$DIR/hot.txt"
for _ in $(seq 1 64); do new_key 100000; done > "$DIR/keys64.txt"
[ "$(grep -c '^sk-' "$DIR/hot.txt")" = 1 ] && [ "$(grep -c '^sk-' "$DIR/keys64.txt")" = 64 ] \
    || { echo "funding keys failed"; tail -20 "$DIR/node.log"; exit 1; }
echo "x" > "$DIR/none.txt"

sed -e "s#@DIR@#$DIR#g" -e "s#@UPSTREAM@#$UP#g" -e "s#@PORT@#$NGINX#g" bench/gateway/nginx.conf.template > "$DIR/nginx.conf"
nginx -c "$DIR/nginx.conf" -p "$DIR" &
NGINX_PID=$!
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$NGINX) 2>/dev/null && break; sleep 0.1; done

MSG='"messages":[{"role":"user","content":"Say hello to the benchmark please"}]'
printf '{"model":"standin-gpt","max_tokens":16,%s}' "$MSG" > "$DIR/body.json"
printf '{"model":"standin-gpt","max_tokens":16,"stream":true,"stream_options":{"include_usage":true},%s}' "$MSG" > "$DIR/sse.json"

# process tree CPU (clock ticks, utime+stime) and RSS (kB) of a pid and all its descendants
tree() {
    local all frontier next p
    all=" $1 $([ "$1" = "$NODE_PID" ] && echo "$PG_PID") "; frontier=$all
    while [ -n "$frontier" ]; do
        next=""
        for p in $frontier; do next="$next $(pgrep -P "$p" | tr '\n' ' ')"; done
        frontier=$(echo $next)
        all="$all $frontier "
    done
    echo $all
}
cpu_ticks() { local t=0 p; for p in $(tree "$1"); do
    t=$((t + $(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0))); done; echo "$t"; }
# proportional set size, so pages the PostgreSQL processes share (shared_buffers) count once
rss_kb() { local t=0 p; for p in $(tree "$1"); do
    t=$((t + $(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0))); done; echo "$t"; }
self_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
HZ=$(getconf CLK_TCK)

# wrk flat out; prints "rps requests cpu_us_per_request(tree) cpu_us_per_request(node JVM alone) non2xx"
max_run() {
    local url=$1 keys=$2 pid=$3 out c0 c1 j0 j1 n rps bad
    wrk -t2 -c"$CONNECTIONS" -d"${WARM_SECONDS}s" -s bench/gateway/post.lua "$url" -- "$DIR/body.json" "$keys" >/dev/null # warm-up
    [ -n "${PROFILE:-}" ] && [ "$keys" = "$DIR/keys64.txt" ] && jcmd "$JPID" JFR.start name=perf settings=profile >/dev/null
    [ "${PG_STATEMENTS:-}" = 1 ] && [ "$pid" = "$NODE_PID" ] && pg -c 'SELECT pg_stat_statements_reset()' >/dev/null
    c0=$(cpu_ticks "$pid"); j0=$(self_ticks "$JPID")
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${MAX_SECONDS}s" -s bench/gateway/post.lua "$url" -- "$DIR/body.json" "$keys")
    c1=$(cpu_ticks "$pid"); j1=$(self_ticks "$JPID")
    if [ -n "${PROFILE:-}" ] && [ "$keys" = "$DIR/keys64.txt" ]; then
        jcmd "$JPID" JFR.dump name=perf filename="$PROFILE" >/dev/null; jcmd "$JPID" JFR.stop name=perf >/dev/null
    fi
    rps=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    n=$(echo "$out" | awk '/requests in/ { print $1 }')
    if [ "${PG_STATEMENTS:-}" = 1 ] && [ "$pid" = "$NODE_PID" ]; then # top statements by executor time per request
        pg -F ' | ' -c "SELECT round(total_exec_time * 1000 / $n)::text || ' µs', round(calls::numeric / $n, 3)::text || ' calls',
                               round(shared_blks_hit::numeric / greatest(calls, 1), 1)::text || ' blocks/call',
                               left(regexp_replace(query, '\\s+', ' ', 'g'), 100)
                        FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12" > "$DIR/statements-$(basename "$keys")"
        # row versions since the node started (not reset: autovacuum decides on these counters): a dead version stays in
        # every index of its table, and is read past, until a vacuum removes it
        pg -F ' | ' -c "SELECT relname, 'updates ' || n_tup_upd, 'HOT ' || n_tup_hot_upd, 'inserts ' || n_tup_ins, 'dead now ' || n_dead_tup,
                               'autovacuums ' || autovacuum_count
                        FROM pg_stat_user_tables WHERE relname IN ('accounts', 'reservations', 'billing_processed_events') ORDER BY relname" >> "$DIR/statements-$(basename "$keys")"
        pg -F ' | ' -c "SELECT 'oldest snapshot now: ' || coalesce(max(age(backend_xmin)), 0) || ' transactions, by '
                               || coalesce(string_agg(DISTINCT state, ','), '-') FROM pg_stat_activity WHERE backend_xmin IS NOT NULL" >> "$DIR/statements-$(basename "$keys")"
    fi
    bad=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
    echo "$rps $n $(( (c1 - c0) * 1000000 / HZ / n )) $(( (j1 - j0) * 1000000 / HZ / n )) ${bad:-0}"
}
paced() { java -Xmx512m -XX:+UseSerialGC -cp "$DIR" bench/perf/Paced.java "$@"; }

declare -A URL=([direct]="http://127.0.0.1:$UP/v1/chat/completions" [nginx]="http://127.0.0.1:$NGINX/v1/chat/completions"
                [node1]="http://127.0.0.1:$PORT/v1/chat/completions" [node64]="http://127.0.0.1:$PORT/v1/chat/completions")
declare -A KEYS=([direct]="$DIR/none.txt" [nginx]="$DIR/none.txt" [node1]="$DIR/hot.txt" [node64]="$DIR/keys64.txt")
declare -A PID=([nginx]="$NGINX_PID" [node1]="$NODE_PID" [node64]="$NODE_PID")
declare -A MAX FIX SSE
for t in direct nginx node1 node64; do
    echo "running $t ..." >&2
    # flat out first: a paced run the target cannot keep up with leaves a backlog that would slow the next run
    [ "$t" = direct ] || MAX[$t]=$(max_run "${URL[$t]}" "${KEYS[$t]}" "${PID[$t]}")
    FIX[$t]=$(paced json "${URL[$t]}" "$RATE" "$PACED_SECONDS" "$DIR/body.json" "${KEYS[$t]}")
    SSE[$t]=$(paced sse "${URL[$t]}" "$SSE_RATE" "$SSE_SECONDS" "$DIR/sse.json" "${KEYS[$t]}")
done
NGINX_RSS=$(rss_kb "$NGINX_PID"); NODE_RSS=$(rss_kb "$NODE_PID"); JVM_RSS=$(awk '/^Pss:/ { print $2 }' "/proc/$JPID/smaps_rollup")
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

f() { echo "$1" | awk -v i="$2" '{ print $i }'; }
{
echo "bench/perf/run.sh: $(nproc) cores, loopback, $(date -u +%FT%TZ), git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo '+dirty')"
echo "load average at start $LOAD_START, at end $LOAD_END; wrk -t2 -c$CONNECTIONS ${MAX_SECONDS}s after ${WARM_SECONDS}s warm-up; paced $RATE req/s ${PACED_SECONDS}s;" \
     "SSE $SSE_RATE streams/s ${SSE_SECONDS}s; ROUTSTR_JAVA_OPTS='${ROUTSTR_JAVA_OPTS:-}'"
echo "direct to the upstream: p50 $(f "${FIX[direct]}" 2) ms, p99 $(f "${FIX[direct]}" 3) ms; SSE first byte p50 $(f "${SSE[direct]}" 2) ms"
upcpu=$(f "${MAX[nginx]}" 4)
printf '| %-22s | %9s | %7s | %22s | %18s | %26s | %17s | %s\n' target "max req/s" "× nginx" "added p50 / p99 ms" \
       "SSE TTFB p50/p99" "CPU/request (JVM + PG)" "RSS (PSS) MB" "errors (non-2xx max/paced/sse)"
for t in nginx node1 node64; do
    name=$([ "$t" = nginx ] && echo "nginx plain proxy" || ([ "$t" = node1 ] && echo "node, 1 funded key" || echo "node, 64 keys"))
    if [ "$t" = nginx ]; then cpu="$(f "${MAX[$t]}" 3) µs"; rss=$(awk -v k="$NGINX_RSS" 'BEGIN { printf "%.0f", k / 1024 }')
    else cpu="$(( $(f "${MAX[$t]}" 3) - upcpu )) µs ($(( $(f "${MAX[$t]}" 4) - upcpu )) + $(( $(f "${MAX[$t]}" 3) - $(f "${MAX[$t]}" 4) )))"; rss=$(awk -v k="$NODE_RSS" -v j="$JVM_RSS" 'BEGIN { printf "%.0f (JVM %.0f)", k / 1024, j / 1024 }'); fi
    printf '| %-22s | %9s | %7s | %22s | %18s | %26s | %17s | %s\n' "$name" "$(f "${MAX[$t]}" 1)" \
        "$(awk -v a="$(f "${MAX[$t]}" 1)" -v b="$(f "${MAX[nginx]}" 1)" 'BEGIN { printf "%.3f", a / b }')" \
        "$(awk -v a="$(f "${FIX[$t]}" 2)" -v b="$(f "${FIX[direct]}" 2)" -v c="$(f "${FIX[$t]}" 3)" -v d="$(f "${FIX[direct]}" 3)" 'BEGIN { printf "%+.3f / %+.3f", a - b, c - d }')" \
        "$(f "${SSE[$t]}" 2) / $(f "${SSE[$t]}" 3)" "$cpu" "$rss" \
        "$(f "${MAX[$t]}" 5)/$(f "${FIX[$t]}" 4)/$(f "${SSE[$t]}" 4)"
done
echo "node CPU/request = the node's process tree (the JVM, and PostgreSQL's postmaster with its backends) during wrk, minus the upstream's share (node JVM CPU per request during the nginx run: $upcpu µs)"
if [ "${PG_STATEMENTS:-}" = 1 ]; then
    for k in hot keys64; do
        echo "PostgreSQL executor time per request, top statements, node with $([ $k = hot ] && echo '1 funded key' || echo '64 keys') (pg_stat_statements, track=all: a function's inner statements count inside it as well):"
        sed 's/^/    /' "$DIR/statements-$k.txt"
    done
fi
} | tee "${OUT:-/dev/null}"
