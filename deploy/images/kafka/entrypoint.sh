#!/bin/sh
# A single-node KRaft broker (broker and controller in one process) for tests and small installs; on Kubernetes the
# Strimzi operator runs the brokers instead. Environment: KAFKA_HOST (127.0.0.1), KAFKA_PORT (9092),
# KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA (/tmp/kafka), KAFKA_CLUSTER_ID (random), KAFKA_HEAP_OPTS (-Xmx192m).
set -eu
HOST=${KAFKA_HOST:-127.0.0.1}
PORT=${KAFKA_PORT:-9092}
CPORT=${KAFKA_CONTROLLER_PORT:-9093}
D=${KAFKA_DATA:-/tmp/kafka}
CP="/opt/kafka/libs/*"
mkdir -p "$D/data"
cat >"$D/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CPORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$D/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=8388608
PROPS
if [ ! -f "$D/data/meta.properties" ]; then
  id=${KAFKA_CLUSTER_ID:-$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}
  java -Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$CP" kafka.tools.StorageTool format -t "$id" -c "$D/server.properties" >/dev/null
fi
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx192m} -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -cp "$CP" kafka.Kafka "$D/server.properties"
