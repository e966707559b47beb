# Sourced by scripts/test: a throwaway PostgreSQL cluster for the history store's tests.
#
# `start_test_postgres` initialises a cluster in a temporary folder, listening on a unix socket
# there only (no TCP port to collide with), exports WA_TEMPLATES_TEST_POSTGRES for the tests and
# stops and removes it when the script exits. As root (CI), initdb and postgres run as the
# unprivileged `postgres` user, since PostgreSQL refuses to run as root; the binaries are
# installed with apt-get when missing. In CI (CI set) or with
# WA_TEMPLATES_TEST_POSTGRES_REQUIRED=1 a PostgreSQL that cannot be had is an error; otherwise the
# PostgreSQL variants of the tests are skipped. A WA_TEMPLATES_TEST_POSTGRES already set is used
# as it is. The cluster does not fsync: it is thrown away, and the tests kill receivers, never
# the database server.

_pg_bindir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
  done | sort -V | tail -n 1
}

_pg_required() {
  [ -n "${CI:-}" ] || [ -n "${WA_TEMPLATES_TEST_POSTGRES_REQUIRED:-}" ]
}

start_test_postgres() {
  if [ -n "${WA_TEMPLATES_TEST_POSTGRES:-}" ]; then
    return 0
  fi
  if _pg_required; then
    export WA_TEMPLATES_TEST_POSTGRES_REQUIRED=1
  fi
  PG_BINDIR="$(_pg_bindir)"
  if [ -z "$PG_BINDIR" ] && _pg_required && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL: not installed; installing it with apt-get" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BINDIR="$(_pg_bindir)"
  fi
  if [ -z "$PG_BINDIR" ]; then
    if _pg_required; then
      echo "PostgreSQL: initdb not found and could not be installed; the store tests need it" >&2
      return 1
    fi
    echo "PostgreSQL: not installed, so the history store is tested on SQLite only" >&2
    return 0
  fi
  PG_DIR="$(mktemp -d /tmp/wa-pg.XXXXXX)"
  PG_AS=()
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  trap stop_test_postgres EXIT
  if ! "${PG_AS[@]}" "$PG_BINDIR/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 \
      --no-sync >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    return 1
  fi
  if ! "${PG_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-k $PG_DIR -c listen_addresses= -c max_connections=200 -c fsync=off \
          -c full_page_writes=off" start >/dev/null; then
    cat "$PG_DIR/server.log" >&2
    return 1
  fi
  export WA_TEMPLATES_TEST_POSTGRES="postgresql://postgres@/postgres?host=$PG_DIR"
  echo "PostgreSQL: $("$PG_BINDIR/postgres" --version) on $PG_DIR" >&2
}

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_AS[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=""
  fi
}
