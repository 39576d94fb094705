#!/usr/bin/env bash
# Start a throw-away PostgreSQL server (from the distribution's packages) and print
# TEST_DATABASE_URLS for the integration suite: one database per component.
set -euo pipefail
PGPORT=${PGPORT:-55432}
PGDATA=${PGDATA:-/tmp/consortium-pg}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql) >&2
fi
BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
RUN_AS=()
if [ "$(id -u)" = 0 ]; then RUN_AS=(runuser -u postgres --); fi
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" stop -m immediate >/dev/null 2>&1 || true
# `postgres.sh stop`: just stop the throw-away server (the end of .ci/run).
if [ "${1:-}" = stop ]; then rm -rf "$PGDATA"; exit 0; fi
rm -rf "$PGDATA"
mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown postgres "$PGDATA"
"${RUN_AS[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust >/dev/null
"${RUN_AS[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
  -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >&2
urls=()
for db in referral payment staffing gateway; do
  "${RUN_AS[@]}" "$BIN/psql" -h /tmp -p "$PGPORT" -U postgres -q -c "CREATE DATABASE $db" >&2
  urls+=("$db=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/$db")
done
(IFS=,; echo "${urls[*]}")
