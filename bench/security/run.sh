#!/usr/bin/env bash
# Security fuzz benchmark (not a CI test): the CI fuzzer (node PublicPortFuzzTest) with many more cases. It runs the whole
# node in one JVM (gateway in front of wallet, billing, admin, discovery; test mint; stand-in upstream) on embedded
# PostgreSQL and Kafka, sends seeded malformed requests to the public port over many connections and prints the seed,
# cases/s, the status histogram and where the time went. It fails on any 5xx, any error without the JSON envelope and
# any money movement (ledger, balances, proofs, the mint's books).
# Usage: bench/security/run.sh            env: CASES=200000 CONNECTIONS=64 SEED=<number> (default: the clock)
#        SKIP_BUILD=1 uses the modules last installed instead of installing them first
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH=$JAVA_HOME/bin:$PATH
CASES=${CASES:-200000}
CONNECTIONS=${CONNECTIONS:-64}
SEED=${SEED:-$(date +%s%3N)}
cd "$(dirname "$0")/../.."
if [ -z "${SKIP_BUILD:-}" ]; then
    mvn -B -q -ntp -pl node -am install -DskipTests >/dev/null
fi
LOG=$(mktemp /tmp/security-fuzz.XXXXXX.log)
set +e
mvn -B -ntp -pl node test -Dtest=PublicPortFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Droutstr.fuzz.cases="$CASES" -Droutstr.fuzz.connections="$CONNECTIONS" -Droutstr.fuzz.seed="$SEED" >"$LOG" 2>&1
rc=$?
set -e
grep -h '^PublicPortFuzzTest ' "$LOG" || true
if [ $rc -ne 0 ]; then
    grep -h -A6 '<<< FAILURE' "$LOG" | cut -c1-4000 || true
    echo "FAILED (full output: $LOG; repeat with SEED=$SEED)"
    exit $rc
fi
echo "ok: no 5xx, every error the JSON envelope, no money moved (seed $SEED; full output: $LOG)"
