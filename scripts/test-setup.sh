#!/usr/bin/env bash
# What the test suite needs besides node_modules, made ready before `bun test` (package.json "test",
# README "Run the whole test suite", .ci/run):
#   - Chromium for the console's browser test (KTEST_CHROMIUM, default /usr/bin/chromium);
#   - PostgreSQL answering on 127.0.0.1:5432 with a superuser role `root` (trust on loopback) and a
#     database `test` — the default KTEST_PG_URL postgres://root@127.0.0.1:5432/test;
#   - Redis answering on 127.0.0.1:6379 (the default KTEST_REDIS_URL).
# As root on Debian/Ubuntu it installs what is missing (one apt-get update) and starts the services;
# otherwise it stops at once with one line saying what to install or start. A KTEST_* variable that
# is set means "mine": that part is left alone. With everything in place it only looks (well under 2 s).
set -euo pipefail

say() { echo "test-setup: $*" >&2; }
die() { say "$*"; exit 1; }
root=$([ "$(id -u)" = 0 ] && echo yes || echo no)
chromium="${KTEST_CHROMIUM:-/usr/bin/chromium}"
manage_pg=$([ -z "${KTEST_PG_URL:-}" ] && echo yes || echo no)
manage_redis=$([ -z "${KTEST_REDIS_URL:-}" ] && echo yes || echo no)

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 -t 2 2>/dev/null; }
pg_role_ok() { PGCONNECT_TIMEOUT=3 psql -qAtX "host=127.0.0.1 port=5432 user=root dbname=test" -c "select 1" >/dev/null 2>&1; }
redis_up() {
  timeout 2 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 && read -r reply <&3 && [[ $reply == +PONG* ]]' 2>/dev/null
}
wait_for() { for _ in $(seq 1 50); do "$1" && return 0; sleep 0.2; done; return 1; }

# 1. What is missing (apt package names).
missing=()
if [ -n "${KTEST_CHROMIUM:-}" ]; then
  [ -x "$chromium" ] || die "KTEST_CHROMIUM=$chromium is not an executable"
elif [ ! -x "$chromium" ]; then
  missing+=(chromium)
fi
[ "$manage_pg" = yes ] && ! command -v pg_ctlcluster >/dev/null && missing+=(postgresql)
[ "$manage_redis" = yes ] && ! command -v redis-server >/dev/null && ! redis_up && missing+=(redis-server)

if [ ${#missing[@]} -gt 0 ]; then
  hint="or set KTEST_CHROMIUM / KTEST_PG_URL / KTEST_REDIS_URL to ones you run"
  [ "$root" = yes ] || die "missing ${missing[*]}: install them as root (apt-get install -y ${missing[*]}) or run this as root, $hint"
  command -v apt-get >/dev/null || die "missing ${missing[*]}: install them with your distribution's package manager, $hint"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ -x "$chromium" ] || [ -n "${KTEST_CHROMIUM:-}" ] || die "chromium installed but $chromium is missing (on Ubuntu it is a snap): set KTEST_CHROMIUM"
fi

# 2. PostgreSQL: running, with the role and database the tests use by default.
if [ "$manage_pg" = yes ]; then
  if ! pg_up; then
    [ "$root" = yes ] || die "PostgreSQL is not answering on 127.0.0.1:5432: start it as root (pg_ctlcluster <version> main start) or set KTEST_PG_URL"
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
    [ -n "$version" ] || die "PostgreSQL is installed but has no cluster: create one as root (pg_createcluster --start <version> main) or set KTEST_PG_URL"
    [ -d "/etc/postgresql/$version/main" ] || pg_createcluster "$version" main >/dev/null
    say "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for pg_up || die "PostgreSQL $version did not start: see /var/log/postgresql/"
  fi
  if ! pg_role_ok; then
    [ "$root" = yes ] || die "PostgreSQL role 'root' (superuser) or database 'test' missing or refused on 127.0.0.1: create them as root (see scripts/test-setup.sh) or set KTEST_PG_URL"
    as_pg() { runuser -u postgres -- psql -p 5432 -qAtX -v ON_ERROR_STOP=1 "$@"; }
    say "creating PostgreSQL role root and database test"
    as_pg -c "do \$\$ begin if not exists (select from pg_roles where rolname = 'root') then create role root superuser login; end if; end \$\$"
    [ "$(as_pg -c "select 1 from pg_database where datname = 'test'")" = 1 ] || as_pg -c "create database test owner root"
    if ! pg_role_ok; then
      # A fresh cluster asks for a password over TCP: let root in from loopback only.
      hba=$(as_pg -c "show hba_file")
      say "trusting role root from 127.0.0.1 and ::1 in $hba"
      { printf '# konstruct scripts/test-setup.sh: the test suite connects as root without a password\nhost all root 127.0.0.1/32 trust\nhost all root ::1/128 trust\n'; cat "$hba"; } >"$hba.new"
      chown --reference="$hba" "$hba.new" && chmod --reference="$hba" "$hba.new" && mv "$hba.new" "$hba"
      as_pg -c "select pg_reload_conf()" >/dev/null
      wait_for pg_role_ok || die "PostgreSQL still refuses postgres://root@127.0.0.1:5432/test: check $hba, or set KTEST_PG_URL"
    fi
  fi
fi

# 3. Redis.
if [ "$manage_redis" = yes ] && ! redis_up; then
  [ "$root" = yes ] || die "Redis is not answering on 127.0.0.1:6379: start it (redis-server --daemonize yes) or set KTEST_REDIS_URL"
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/test-setup.log
  wait_for redis_up || die "Redis did not start: see /var/log/redis/test-setup.log"
fi
