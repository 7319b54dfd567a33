#!/usr/bin/env bash
# A whole node as separate JVMs on loopback: N gateways (default 3; clients spread over them), 2 billing, 2 wallets, admin,
# discovery, one KRaft broker JVM, one PostgreSQL, the stand-in upstream and the test mint. Prints where everything is,
# how fast a key revocation, a price change and a BTC-rate change reach every gateway, and the chat throughput through
# 1..N gateways; stops every process it started (by PID) when done or on Ctrl-C.
#
#   bench/cluster/run.sh [gateways]                  figures, then stop
#   bench/cluster/run.sh [gateways] --hold           figures, then keep running until Ctrl-C
#   bench/cluster/run.sh [gateways] --chaos OPS KILLS DB [MINUTES]   the chaos run (DB true: one PostgreSQL restart
#                                                   too; the load stops after MINUTES, default 40, if OPS are not done)
#   bench/cluster/run.sh 3 --chaos 100000 10 true    the long version
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
mvn -B -q -ntp -DskipTests -pl bench/cluster -am install
mvn -B -q -ntp -pl bench/cluster dependency:build-classpath -Dmdep.outputFile=target/cluster.classpath >/dev/null
CP="bench/cluster/target/classes:$(cat bench/cluster/target/cluster.classpath)"
exec java -XX:+UseSerialGC -Xmx768m --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED \
     -cp "$CP" org.routstr.cluster.ClusterMain "$@"
