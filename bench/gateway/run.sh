#!/usr/bin/env bash
# Gateway benchmark (not a test). On loopback, in one go: (a) the stand-in upstream called directly, (b) the same through
# nginx as a plain reverse proxy, (c) through the gateway with billing on (embedded PostgreSQL, a Kafka broker in its own
# JVM, 64 funded keys: every request is authenticated, reserved in SQL, forwarded, metered and published to Kafka).
# For each: a fixed-rate open-loop run (Load.java, latency from the scheduled start) and a max-throughput run (wrk).
# Usage: bench/gateway/run.sh   env: RATE=1000 FIXED_SECONDS=20 MAX_SECONDS=10 CONNECTIONS=32 DURABLE=true
#        (DURABLE=false runs PostgreSQL with fsync off, to show what the reserve's commit flush costs)
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH=$JAVA_HOME/bin:$PATH
RATE=${RATE:-1000}
FIXED_SECONDS=${FIXED_SECONDS:-20}
MAX_SECONDS=${MAX_SECONDS:-10}
CONNECTIONS=${CONNECTIONS:-32}
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
    apt-get install -y nginx wrk >/dev/null
fi
mvn -B -o -q -pl gateway -am install -DskipTests >/dev/null
CP_FILE=$(mktemp)
mvn -B -o -q -pl gateway dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="gateway/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"

DIR=$(mktemp -d /tmp/gateway-bench.XXXXXX)
mkfifo "$DIR/host.in"
NGINX_PID=""
HOST_PID=""
cleanup() {
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null
    exec 3>&- 2>/dev/null || true
    [ -n "$HOST_PID" ] && { timeout 30 tail --pid="$HOST_PID" -f /dev/null 2>/dev/null || kill "$HOST_PID" 2>/dev/null; }
    rm -rf "$DIR"
}
trap cleanup EXIT

java -Xmx1g -XX:+UseParallelGC -Ddurable="${DURABLE:-true}" -Djava.util.logging.config.file=/dev/null -cp "$CP" bench/gateway/Host.java "$DIR" \
    < "$DIR/host.in" > "$DIR/host.log" 2>&1 &
HOST_PID=$!
exec 3> "$DIR/host.in"
for _ in $(seq 1 240); do [ -f "$DIR/ready" ] && break; sleep 0.5; done
[ -f "$DIR/ready" ] || { echo "host did not start:"; tail -50 "$DIR/host.log"; exit 1; }
UPSTREAM=$(sed -n 's/^upstream=//p' "$DIR/ready")
GATEWAY=$(sed -n 's/^gateway=//p' "$DIR/ready")
NGINX=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s#@DIR@#$DIR#g" -e "s#@UPSTREAM@#$UPSTREAM#g" -e "s#@PORT@#$NGINX#g" bench/gateway/nginx.conf.template > "$DIR/nginx.conf"
nginx -c "$DIR/nginx.conf" -p "$DIR" &
NGINX_PID=$!
for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/$NGINX) 2>/dev/null && break; sleep 0.1; done

printf '{"model":"standin-gpt","max_tokens":16,"messages":[{"role":"user","content":"Say hello to the benchmark please"}]}' \
    > "$DIR/body.json"
KEYS="$DIR/keys.txt"

# wrk prints latencies as 812.00us / 1.23ms / 1.02s: convert to ms
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'; }
max_run() {
    local out
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${MAX_SECONDS}s" --latency -s bench/gateway/post.lua "$1" -- "$DIR/body.json" "$KEYS")
    local rps p50 p99 non2xx
    rps=$(echo "$out" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    p50=$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")
    p99=$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")
    non2xx=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
    echo "$rps $p50 $p99 ${non2xx:-0}"
}
fixed_run() { java -Xmx256m -Dtimeline="${TIMELINE:-false}" -cp "$DIR" bench/gateway/Load.java "$1" "$RATE" "$FIXED_SECONDS" "$DIR/body.json" "$KEYS"; }

declare -A URL=([direct]="http://127.0.0.1:$UPSTREAM/v1/chat/completions"
                [nginx]="http://127.0.0.1:$NGINX/v1/chat/completions"
                [gateway]="http://127.0.0.1:$GATEWAY/v1/chat/completions")
declare -A FIXED MAX
for t in ${TARGETS:-direct nginx gateway}; do
    echo "running $t ..." >&2
    FIXED[$t]=$(fixed_run "${URL[$t]}")
    MAX[$t]=$(max_run "${URL[$t]}")
done

field() { echo "$1" | awk -v i="$2" '{ print $i }'; }
echo
echo "Gateway bench: $(nproc) cores, loopback; fixed rate $RATE req/s for ${FIXED_SECONDS}s (open loop), max throughput wrk -c$CONNECTIONS ${MAX_SECONDS}s"
printf '%-10s | %9s %9s %9s %6s | %9s %9s %9s %6s\n' target "fixed rps" "p50 ms" "p99 ms" errors "max rps" "p50 ms" "p99 ms" non2xx
for t in direct nginx gateway; do
    printf '%-10s | %9s %9s %9s %6s | %9s %9s %9s %6s\n' "$t" \
        "$(field "${FIXED[$t]}" 1)" "$(field "${FIXED[$t]}" 2)" "$(field "${FIXED[$t]}" 3)" "$(field "${FIXED[$t]}" 4)" \
        "$(field "${MAX[$t]}" 1)" "$(field "${MAX[$t]}" 2)" "$(field "${MAX[$t]}" 3)" "$(field "${MAX[$t]}" 4)"
done
d50=$(field "${FIXED[direct]}" 2); d99=$(field "${FIXED[direct]}" 3)
g50=$(field "${FIXED[gateway]}" 2); g99=$(field "${FIXED[gateway]}" 3)
awk -v g50="$g50" -v d50="$d50" -v g99="$g99" -v d99="$d99" -v gm="$(field "${MAX[gateway]}" 1)" -v nm="$(field "${MAX[nginx]}" 1)" 'BEGIN {
    printf "gateway added latency at the fixed rate: p50 %+.3f ms (goal <= 1), p99 %+.3f ms (goal <= 5)\n", g50 - d50, g99 - d99
    printf "gateway max throughput = %.0f%% of nginx (goal >= 50%%)\n", 100 * gm / nm }'
