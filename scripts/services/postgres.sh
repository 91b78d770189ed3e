# Sourced by scripts/test.sh before pytest: a throwaway PostgreSQL cluster for the warehouse
# tests, on a free 127.0.0.1 port, exported as SHAHRNAMEH_TEST_POSTGRES; stopped and removed
# by the `cleanups` array at exit. Without PostgreSQL (and no root + apt to install it) the
# PostgreSQL tests are skipped, except in CI (CI=true), where that is a failure.
# shellcheck shell=bash

_pg_bindir() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return 0
    fi
    # Debian keeps the server binaries off PATH, one directory per major version.
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

_pg_install() {
    apt_install postgresql
}

_pg_start() {
    local bindir dir port as_user=()
    bindir=$(_pg_bindir) || { _pg_install && bindir=$(_pg_bindir); } || {
        echo "postgres.sh: no PostgreSQL (initdb, pg_ctl) and cannot install it (needs root and apt)" >&2
        return 1
    }
    dir=$(mktemp -d /tmp/shahrnameh-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then
        # PostgreSQL refuses to run as root: the cluster belongs to an unprivileged user.
        chown nobody "$dir"
        as_user=(runuser -u nobody --)
    fi
    port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${as_user[@]}" "$bindir/initdb" -D "$dir/data" -U shahrnameh -A trust -E UTF8 --locale=C --no-sync \
        >"$dir/initdb.log" 2>&1 || { echo "postgres.sh: initdb failed: $(tail -n 1 "$dir/initdb.log")" >&2; return 1; }
    # fsync off: a test cluster is thrown away, durability only slows the tests down.
    "${as_user[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -F -c max_connections=200" start >/dev/null 2>&1 ||
        { echo "postgres.sh: the server did not start: $(tail -n 1 "$dir/server.log")" >&2; return 1; }
    cleanups+=("${as_user[*]} $bindir/pg_ctl -D $dir/data -m fast stop >/dev/null 2>&1; rm -rf $dir")
    "${as_user[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U shahrnameh shahrnameh_test ||
        { echo "postgres.sh: createdb failed" >&2; return 1; }
    export SHAHRNAMEH_TEST_POSTGRES="postgresql+psycopg://shahrnameh@127.0.0.1:$port/shahrnameh_test"
    echo "postgres.sh: $("$bindir/pg_ctl" --version) on 127.0.0.1:$port for the tests" >&2
}

if [ -n "${SHAHRNAMEH_TEST_POSTGRES:-}" ]; then
    echo "postgres.sh: using SHAHRNAMEH_TEST_POSTGRES from the environment" >&2
elif ! _pg_start; then
    if [ "${CI:-}" = "true" ]; then
        echo "postgres.sh: CI must run the warehouse tests on PostgreSQL too; stopping" >&2
        exit 1
    fi
    echo "postgres.sh: PostgreSQL tests will be skipped" >&2
fi
