# PostgreSQL for the data-access and outbox tests: Debian's package, a fresh cluster in a temp dir,
# listening on 127.0.0.1:54329 (and a socket in the cluster dir), trust auth for user postgres.
# Tests create their own databases from CHARTER_TEST_DATABASE_URL.
CHARTER_PG_PORT=${CHARTER_PG_PORT:-54329}
export CHARTER_TEST_DATABASE_URL=${CHARTER_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:$CHARTER_PG_PORT/postgres}
if (exec 3<>"/dev/tcp/127.0.0.1/$CHARTER_PG_PORT") 2>/dev/null; then
  echo "postgres: reusing the server on 127.0.0.1:$CHARTER_PG_PORT"
else
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt_install postgresql
  fi
  CHARTER_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  CHARTER_PGDATA=$(mktemp -d /tmp/charter-pg.XXXXXX)
  chown postgres: "$CHARTER_PGDATA"
  runuser -u postgres -- "$CHARTER_PG_BIN/initdb" -D "$CHARTER_PGDATA" -U postgres -A trust \
    --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  runuser -u postgres -- "$CHARTER_PG_BIN/pg_ctl" -D "$CHARTER_PGDATA" -l "$CHARTER_PGDATA/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $CHARTER_PG_PORT -k $CHARTER_PGDATA -c fsync=off -c max_connections=300" \
    start >/dev/null
  wait_port 127.0.0.1 "$CHARTER_PG_PORT" 30
  echo "postgres: started $("$CHARTER_PG_BIN/postgres" --version) on 127.0.0.1:$CHARTER_PG_PORT ($CHARTER_PGDATA)"
fi
