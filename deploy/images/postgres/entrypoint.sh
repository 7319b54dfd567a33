#!/bin/sh
# PostgreSQL 15 from Debian: initialises $PGDATA on first start (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB), then runs
# postgres with the given arguments, e.g. -c listen_addresses=127.0.0.1 -c port=25432 (host networking, loopback only).
set -eu
BIN=/usr/lib/postgresql/15/bin
: "${PGDATA:=/var/lib/postgresql/data}"
USER_NAME=${POSTGRES_USER:-postgres}
DB_NAME=${POSTGRES_DB:-$USER_NAME}
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is required}"
  pw=$(mktemp)
  printf '%s' "$POSTGRES_PASSWORD" >"$pw"
  "$BIN/initdb" -D "$PGDATA" -U "$USER_NAME" --pwfile="$pw" -A scram-sha-256 --auth-local=trust -E UTF8 >/dev/null
  rm -f "$pw"
  if [ "$DB_NAME" != postgres ]; then
    "$BIN/postgres" --single -D "$PGDATA" -j postgres >/dev/null <<SQL
CREATE DATABASE "$DB_NAME" OWNER "$USER_NAME";
SQL
  fi
  echo "pg-entrypoint: initialised $PGDATA (user $USER_NAME, database $DB_NAME)"
fi
exec "$BIN/postgres" -D "$PGDATA" -c unix_socket_directories=/tmp "$@"
