#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis servers on loopback, for the production-mode tests
# (tests/e2e/test_production.py) and for trying endpoints.production.yml on one
# machine. Not for real client data: PostgreSQL runs with fsync off, Redis keeps
# nothing on disk, and the passwords are random ones written to DIR/env.
#
#   scripts/services.sh start DIR [postgres|redis]   install what is missing, start, write DIR/env
#   scripts/services.sh stop  DIR [postgres|redis]   stop (PostgreSQL's data stays in DIR)
#   scripts/services.sh status DIR                   exit 0 when both answer
#   scripts/services.sh pid DIR postgres|redis       the server's process id (fault tests)
#
# Ports: PG_PORT (default 55432) and REDIS_PORT (default 56379), read on the first
# start only; later starts in the same DIR reuse the ports and passwords in DIR/env,
# so a service that was stopped comes back where its clients expect it.
#
# Why it looks like this:
# - PostgreSQL refuses to run as root, so initdb, pg_ctl and psql run as the
#   `postgres` system user (created by Debian's package) in DIR/postgres, which that
#   user owns. DIR itself must be reachable by that user: it is made traversable
#   (o+x), and a DIR under a private folder (pytest's /tmp/pytest-of-root) is refused.
# - apt-get runs only when a server is missing, and `apt-get update` only when the
#   first install attempt fails (a fresh machine has no package lists), so a start on
#   a machine that has both is a matter of seconds.
set -euo pipefail

usage() {
  grep '^#   scripts/services.sh' "$0" | sed 's/^#   //' >&2
  exit 2
}

[ $# -ge 2 ] || usage
command=$1
DIR=$2
which=${3:-all}
case "$which" in all | postgres | redis) ;; *) usage ;; esac

mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
ENV_FILE="$DIR/env"
PG_ROOT="$DIR/postgres"
PG_DATA="$PG_ROOT/data"
PG_RUN="$PG_ROOT/run"
REDIS_DIR="$DIR/redis"
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_PID="$REDIS_DIR/redis.pid"

log() { printf 'services.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# The newest PostgreSQL installed by Debian's packages (/usr/lib/postgresql/15/bin on Debian 12).
pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && printf '%s\n' "$dir"
}

# Install PostgreSQL and/or Redis from Debian's packages when missing; fast when present.
ensure_installed() {
  local missing=()
  pg_bin >/dev/null || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "${missing[*]} missing and not root: install them with apt-get first"
  log "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt-get on the same machine (a colleague, CI) holds the lock for a while: wait for it.
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -q)
  if ! "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2; then
    log "install failed; refreshing the package lists (apt-get update) and trying again"
    "${apt[@]}" update >&2
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}" >&2
  fi
  pg_bin >/dev/null || die "PostgreSQL is still missing after apt-get install postgresql"
  command -v redis-server >/dev/null 2>&1 || die "redis-server is still missing after apt-get install"
}

# Settings: those of an earlier start in this DIR, else new ones (random passwords).
load_settings() {
  if [ -f "$ENV_FILE" ]; then
    # shellcheck disable=SC1090
    . "$ENV_FILE"
  fi
  DB_HOST=${DB_HOST:-127.0.0.1}
  DB_PORT=${DB_PORT:-${PG_PORT:-55432}}
  DB_NAME=${DB_NAME:-rasa}
  DB_USER=${DB_USER:-rasa}
  DB_PASSWORD=${DB_PASSWORD:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
  REDIS_HOST=${REDIS_HOST:-127.0.0.1}
  REDIS_PORT=${REDIS_PORT:-56379}
  REDIS_PASSWORD=${REDIS_PASSWORD:-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
  REDIS_DB=${REDIS_DB:-1}
}

write_env() {
  local old_umask
  old_umask=$(umask)
  umask 077  # the file holds passwords
  cat >"$ENV_FILE" <<EOF
DB_HOST=$DB_HOST
DB_PORT=$DB_PORT
DB_NAME=$DB_NAME
DB_USER=$DB_USER
DB_PASSWORD=$DB_PASSWORD
REDIS_HOST=$REDIS_HOST
REDIS_PORT=$REDIS_PORT
REDIS_PASSWORD=$REDIS_PASSWORD
REDIS_DB=$REDIS_DB
EOF
  umask "$old_umask"
}

as_postgres() { runuser -u postgres -- "$@"; }

pg_running() {
  [ -f "$PG_DATA/PG_VERSION" ] && as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# psql as the database superuser, over the Unix socket in DIR (peer authentication).
pg_admin() {
  as_postgres "$(pg_bin)/psql" -h "$PG_RUN" -p "$DB_PORT" -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  id postgres >/dev/null 2>&1 || die "no 'postgres' system user (Debian's postgresql package creates it)"
  chmod o+x "$DIR"
  as_postgres test -x "$DIR" ||
    die "$DIR is not reachable by the postgres user: use a folder under /tmp or /var/tmp, not a private one"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    install -d -o postgres -g postgres -m 700 "$PG_ROOT" "$PG_RUN"
    # Local socket: peer (the postgres user only); TCP on loopback: passwords (SCRAM).
    as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres -E UTF8 --no-locale \
      --auth-local=peer --auth-host=scram-sha-256 >"$PG_ROOT/initdb.log" 2>&1 ||
      die "initdb failed; see $PG_ROOT/initdb.log"
  fi
  if ! pg_running; then
    as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/server.log" -w -t 60 -o \
      "-p $DB_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_RUN -c fsync=off" \
      start >/dev/null || die "PostgreSQL did not start; see $PG_ROOT/server.log"
  fi
  if [ "$(pg_admin -c "select count(*) from pg_roles where rolname = '$DB_USER'")" = "0" ]; then
    pg_admin -c "create role $DB_USER login password '$DB_PASSWORD'"
    pg_admin -c "create database $DB_NAME owner $DB_USER"
  fi
  log "PostgreSQL on $DB_HOST:$DB_PORT (database $DB_NAME, user $DB_USER)"
}

stop_postgres() {
  pg_running || return 0
  # A server paused with SIGSTOP (fault tests) must run again to shut down.
  kill -CONT "$(head -n 1 "$PG_DATA/postmaster.pid")" 2>/dev/null || true
  as_postgres "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
  log "PostgreSQL stopped"
}

redis_pid() { [ -f "$REDIS_PID" ] && cat "$REDIS_PID"; }
redis_running() { local pid; pid=$(redis_pid) && kill -0 "$pid" 2>/dev/null; }

start_redis() {
  mkdir -p "$REDIS_DIR"
  chmod 700 "$REDIS_DIR"
  # A config file rather than arguments: the password stays out of the process list.
  cat >"$REDIS_CONF" <<EOF
port $REDIS_PORT
bind 127.0.0.1
protected-mode yes
requirepass $REDIS_PASSWORD
save ""
appendonly no
daemonize yes
dir $REDIS_DIR
pidfile $REDIS_PID
logfile $REDIS_DIR/redis.log
EOF
  chmod 600 "$REDIS_CONF"
  if ! redis_running; then
    redis-server "$REDIS_CONF" || die "Redis did not start; see $REDIS_DIR/redis.log"
  fi
  local _
  for _ in $(seq 1 100); do
    if [ "$(REDISCLI_AUTH=$REDIS_PASSWORD redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; then
      log "Redis on $REDIS_HOST:$REDIS_PORT"
      return 0
    fi
    sleep 0.1
  done
  die "Redis did not answer on port $REDIS_PORT; see $REDIS_DIR/redis.log"
}

stop_redis() {
  local pid _
  pid=$(redis_pid) || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null || true  # paused by a fault test
  kill -TERM "$pid"
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { log "Redis stopped"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  log "Redis killed (did not stop within 10 s)"
}

case "$command" in
  start)
    ensure_installed
    load_settings
    write_env
    if [ "$which" != redis ]; then start_postgres; fi
    if [ "$which" != postgres ]; then start_redis; fi
    # The settings, passwords masked; the full values are in DIR/env.
    sed -E 's/^(.*PASSWORD)=.*/\1=(see file)/' "$ENV_FILE"
    log "settings written to $ENV_FILE (load with: set -a; . $ENV_FILE; set +a)"
    ;;
  stop)
    load_settings
    if [ "$which" != redis ] && pg_bin >/dev/null; then stop_postgres; fi
    if [ "$which" != postgres ]; then stop_redis; fi
    ;;
  status)
    load_settings
    pg_running && echo "postgres: running on port $DB_PORT" || { echo "postgres: stopped"; exit 1; }
    redis_running && echo "redis: running on port $REDIS_PORT" || { echo "redis: stopped"; exit 1; }
    ;;
  pid)
    case "$which" in
      postgres) pg_running && head -n 1 "$PG_DATA/postmaster.pid" ;;
      redis) redis_running && redis_pid ;;
      *) usage ;;
    esac
    ;;
  *) usage ;;
esac
