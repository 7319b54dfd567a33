#!/usr/bin/env bash
# Billing benchmark (not a test): settled events/s for one billing consumer, and settlement lag p99 at 1,000 events/s,
# against embedded PostgreSQL (durable, fsync on) and a real Kafka broker in its own JVM.
# Usage: bench/billing/run.sh [-Devents=200000] [-Drate=1000] [-Dseconds=30] [-Dfast=true: fsync off, the old default]
set -euo pipefail
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
export PATH=$JAVA_HOME/bin:$PATH
cd "$(dirname "$0")/../.."
mvn -B -o -q -pl billing-service -am install -DskipTests >/dev/null
CP_FILE=$(mktemp)
mvn -B -o -q -pl billing-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >/dev/null
CP="billing-service/target/classes:billing-service/target/test-classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
exec java -Xmx1g -Djava.util.logging.config.file=/dev/null "$@" -cp "$CP" bench/billing/Bench.java
