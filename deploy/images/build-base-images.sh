#!/usr/bin/env bash
# Builds the base images a machine without a registry needs, into the local Docker engine:
#   local/routstr-jre:25         Debian bookworm (debootstrap minbase) + a Java runtime made by jlink from the installed JDK
#   local/routstr-postgres:15    the same rootfs + postgresql-15 from Debian, runs as user postgres
#   local/routstr-kafka:<ver>    the JRE image + the KRaft broker's jars from Maven Central, runs as uid 10001
# Each image is skipped when it exists with this script's recipe hash (label org.routstr.recipe), so re-runs take a second.
# Needs root (debootstrap, chroot), docker, debootstrap, a JDK 21+ (JAVA_HOME) and mvn. DOCKER_HOST selects the engine.
#   deploy/images/build-base-images.sh            build what is missing
#   ROUTSTR_IMAGES_REBUILD=1 deploy/images/...    rebuild all three
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
CACHE=${ROUTSTR_IMAGES_CACHE:-/var/tmp/routstr-images}
SUITE=bookworm
JRE=local/routstr-jre:25
PG=local/routstr-postgres:15
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' kafka/pom.xml)
KAFKA=local/routstr-kafka:$KAFKA_VERSION
RECIPE=$(cat "$(basename "$0")" kafka/pom.xml postgres/entrypoint.sh kafka/entrypoint.sh | sha256sum | cut -c1-16)
# the runtime is jlinked from this JDK; the service images' JVM flags need 24 or newer (Temurin 25 here)
jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'; }
if [ -z "${JAVA_HOME:-}" ] || [ "$(jdk_major "$JAVA_HOME")" -lt 24 ] 2>/dev/null; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -x "$j/bin/jlink" ] && [ "$(jdk_major "$j")" -ge 24 ] 2>/dev/null && JAVA_HOME=$j && break
  done
fi
[ -x "${JAVA_HOME:-}/bin/jlink" ] || { echo "base-images: no JDK 24+ with jlink found (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
mkdir -p "$CACHE"

say() { echo "base-images: $*" >&2; }

fresh() {   # true when the image exists and was made by this recipe
  [ -z "${ROUTSTR_IMAGES_REBUILD:-}" ] &&
    [ "$(docker image inspect -f '{{index .Config.Labels "org.routstr.recipe"}}' "$1" 2>/dev/null)" = "$RECIPE" ]
}

# a minbase rootfs tarball, made once and reused by every image
rootfs_tar() {
  local tar=$CACHE/rootfs-$SUITE-minbase.tar
  if [ ! -s "$tar" ]; then
    say "debootstrap $SUITE (once; about a minute)"
    local r=$CACHE/rootfs.tmp
    rm -rf "$r"
    debootstrap --variant=minbase "$SUITE" "$r" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 ||
      { tail -20 "$CACHE/debootstrap.log"; exit 1; }
    rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
    tar -C "$r" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$r"
  fi
  echo "$tar"
}

unpack() {   # unpack the rootfs into a fresh directory $1
  rm -rf "$1" && mkdir -p "$1" && tar -C "$1" -xf "$(rootfs_tar)"
}

import() {   # import directory $1 as image $2 with extra --change options
  local dir=$1 image=$2
  shift 2
  tar -C "$dir" -c . | docker import -c "LABEL org.routstr.recipe=$RECIPE" "$@" - "$image" >/dev/null
  say "built $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}

jre() {
  fresh "$JRE" && { say "$JRE is up to date"; return; }
  local r=$CACHE/jre.rootfs
  unpack "$r"
  say "jlink a runtime from $JAVA_HOME"
  # what the services and the broker use (jdeps over their jars), plus jcmd/jfr/JMX for operators
  "$JAVA_HOME/bin/jlink" --output "$r/opt/java/openjdk" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --add-modules java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.attach,jdk.crypto.cryptoki,jdk.httpserver,jdk.jcmd,jdk.jfr,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs
  mkdir -p "$r/app" "$r/tmp" && chmod 1777 "$r/tmp"
  import "$r" "$JRE" -c 'ENV JAVA_HOME=/opt/java/openjdk' \
    -c 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'ENV LANG=C.UTF-8'
  rm -rf "$r"
}

postgres() {
  fresh "$PG" && { say "$PG is up to date"; return; }
  local r=$CACHE/pg.rootfs
  unpack "$r"
  say "apt-get install postgresql-15 in the rootfs (about a minute)"
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d" && chmod +x "$r/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  chroot "$r" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null &&
    apt-get clean && rm -rf /var/lib/apt/lists/*' >"$CACHE/pg-apt.log" 2>&1 || { tail -20 "$CACHE/pg-apt.log"; exit 1; }
  rm -f "$r/usr/sbin/policy-rc.d"
  install -m 0755 postgres/entrypoint.sh "$r/usr/local/bin/pg-entrypoint"
  mkdir -p "$r/var/lib/postgresql/data" && chroot "$r" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
  import "$r" "$PG" -c 'USER postgres' -c 'ENV PGDATA=/var/lib/postgresql/data' -c 'ENV LANG=C.UTF-8' \
    -c 'ENTRYPOINT ["/usr/local/bin/pg-entrypoint"]'
  rm -rf "$r"
}

kafka() {
  fresh "$KAFKA" && { say "$KAFKA is up to date"; return; }
  local r=$CACHE/kafka.rootfs
  unpack "$r"
  say "jars of kafka_2.13 $KAFKA_VERSION from Maven"
  mkdir -p "$r/opt/kafka/libs"
  mvn -B -q -ntp -f kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$r/opt/kafka/libs" >/dev/null
  # the runtime of the JRE image: the broker image is that image plus the jars
  local id
  id=$(docker create "$JRE" /bin/true)
  docker export "$id" | tar -C "$r" -x opt/java
  docker rm "$id" >/dev/null
  install -m 0755 kafka/entrypoint.sh "$r/usr/local/bin/kafka-entrypoint"
  chmod 1777 "$r/tmp"
  import "$r" "$KAFKA" -c 'USER 10001:10001' -c 'ENV JAVA_HOME=/opt/java/openjdk' -c 'ENV LANG=C.UTF-8' \
    -c 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENTRYPOINT ["/usr/local/bin/kafka-entrypoint"]'
  rm -rf "$r"
}

jre
postgres
kafka
