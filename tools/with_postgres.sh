#!/usr/bin/env bash
# Runs a command with a private PostgreSQL server for the tests: initdb into a temporary
# folder, pg_ctl start listening only on a Unix socket in that folder (no TCP port, nothing
# shared with other servers), a database `mmm_test`, and MMM_TEST_POSTGRES_URL naming it; the
# server is stopped and the folder removed when the command ends, however it ends.
# Usage: tools/with_postgres.sh COMMAND [ARGS…]   (exit code: the command's)
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (created
# by Debian's postgresql package).
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with_postgres: no PostgreSQL server installed (Debian package postgresql); running without it" >&2
  exec "$@"
fi
dir=$(mktemp -d /tmp/mmm_pg.XXXXXX)
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi
stop() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$bindir/initdb" -D "$dir/data" -U mmm -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
"${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }
"${as[@]}" "$bindir/createdb" -h "$dir" -U mmm mmm_test
export MMM_TEST_POSTGRES_URL="postgresql:///mmm_test?host=$dir&user=mmm"
echo "with_postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on $dir (MMM_TEST_POSTGRES_URL)" >&2
set +e
"$@"
rc=$?
set -e
exit $rc
