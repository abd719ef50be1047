#!/usr/bin/env bash
# A throwaway PostgreSQL cluster with PostGIS, for the benchmarks and for trying the PostgreSQL
# store by hand; tests/pg/pg_cluster.cpp does the same for the tests.
#
#   scripts/pg-cluster.sh start <dir>   initdb into <dir>, start a server on a free port of
#                                       127.0.0.1 with PostGIS in every database, print its URL
#   scripts/pg-cluster.sh url <dir>     print the URL again
#   scripts/pg-cluster.sh stop <dir>    stop the server and remove <dir>
#
# <dir> must be new or empty, and its path short: the server's Unix socket lives in it. The user
# `tsunagu` connects without a password, over the loopback only. As root, the server programs run
# as the postgres user, since initdb and pg_ctl refuse root.
set -euo pipefail

user=tsunagu
# The server refuses a Unix socket path longer than sun_path allows.
max_socket_path=107
socket_name=/.s.PGSQL.65535

die() {
  echo "pg-cluster: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start|url|stop <dir>" >&2
  exit 2
}

# Debian keeps each major version's server programs off PATH, in /usr/lib/postgresql/<major>/bin.
find_bin() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  [[ -x "$initdb" ]] || die "PostgreSQL is not installed: no /usr/lib/postgresql/<version>/bin/initdb" \
    "(Debian: postgresql-15; run scripts/install-deps.sh)"
  dirname "$initdb"
}

as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

conf_string() {
  printf "'%s'" "${1//\'/\'\'}"
}

psql_in() {
  local database=$1 sql=$2
  "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$user" -d "$database" -c "$sql" 2>&1
}

# Whatever start has made goes again when it fails.
discard() {
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  cd /
  rm -rf -- "$dir"
  forget_link
}

start_server() {
  local out
  for _ in 1 2 3; do
    port=$(free_port)
    if out=$(as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port" start 2>&1); then
      return 0
    fi
    # Another process may have taken the port between our probe and the server's bind.
    grep -q "Address already in use" "$dir/log" 2>/dev/null || break
  done
  echo "pg-cluster: pg_ctl start failed:" >&2
  echo "$out" >&2
  echo "the server log ends with:" >&2
  tail -n 30 "$dir/log" >&2 2>/dev/null || true
  return 1
}

# The server runs as the postgres user, who must be able to reach its directory, and its Unix
# socket lives there, whose path may not be long. Below a folder only root may enter (a clone in
# root's home), or deep below others, the cluster goes to a private directory under /tmp
# instead, and <dir> becomes a link to it.
place() {
  mkdir -p "$(dirname "$dir")"
  local parent full
  parent=$(cd "$(dirname "$dir")" && pwd -P)
  full=$parent/$(basename "$dir")
  if ((${#full} + ${#socket_name} > max_socket_path)) ||
    { [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$parent" 2>/dev/null; }; then
    [[ -L "$dir" ]] && rm -f "$dir"
    ln -s "$(mktemp -d /tmp/tsunagu-pg.XXXXXX)" "$dir"
  else
    mkdir -p "$dir"
  fi
}

# A link that place() made goes with the cluster it points to.
forget_link() {
  if [[ -L "$origin" ]]; then rm -f -- "$origin"; fi
}

start() {
  if [[ -e "$dir" && -n "$(ls -A "$dir")" ]]; then die "$dir exists and is not empty"; fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "initdb refuses to run as root, and the postgres user it would run as is missing" \
      "(Debian's postgresql-common creates it)"
  fi
  place
  dir=$(cd "$dir" && pwd -P)
  if ((${#dir} + ${#socket_name} > max_socket_path)); then
    rmdir "$dir"
    die "$dir is too long a path for the server's Unix socket: choose a shorter one"
  fi
  chmod 700 "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  trap discard EXIT
  cd "$dir"

  local out
  out=$(as_server "$bin/initdb" -D "$dir/data" -A trust -U "$user" --encoding=UTF8 --no-locale 2>&1) ||
    { echo "pg-cluster: initdb failed:" >&2; echo "$out" >&2; false; }
  # In the configuration file rather than in pg_ctl's -o, which goes through a shell unquoted.
  cat >>"$dir/data/postgresql.conf" <<EOF

# A throwaway cluster for the benchmarks: loopback only, its socket beside its data, and
# commits as durable as in production.
listen_addresses = '127.0.0.1'
unix_socket_directories = $(conf_string "$dir")
fsync = on
max_connections = 200
shared_buffers = 128MB
EOF
  start_server
  # In template1, so that every database created afterwards has PostGIS by copying.
  local major
  major=$(basename "$(dirname "$bin")")
  out=$(psql_in template1 "CREATE EXTENSION postgis") || {
    echo "pg-cluster: cannot create the PostGIS extension: is PostGIS installed for PostgreSQL" \
      "$major (Debian: postgresql-$major-postgis-3; run scripts/install-deps.sh)?" >&2
    echo "$out" >&2
    false
  }
  out=$(psql_in postgres "CREATE DATABASE $user") ||
    { echo "pg-cluster: CREATE DATABASE $user failed:" >&2; echo "$out" >&2; false; }

  trap - EXIT
  echo "postgresql://$user@127.0.0.1:$port/$user" >"$dir/url"
  cat "$dir/url"
}

stop() {
  [[ -d "$dir" ]] || die "$dir does not exist"
  # A directory without our mark could be anything: never remove it.
  [[ -f "$dir/url" && -f "$dir/data/PG_VERSION" ]] ||
    die "$dir was not made by $0 start; not removing it"
  dir=$(cd "$dir" && pwd -P)
  cd "$dir"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_server "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
  fi
  cd /
  rm -rf -- "$dir"
  forget_link
}

[[ $# -eq 2 ]] || usage
dir=$2
origin=$2
# The caller's PG* variables (PGOPTIONS, PGSSLMODE, PGSERVICE...) would change our psql sessions
# or point them at another server.
for name in $(compgen -e); do
  if [[ "$name" == PG* ]]; then unset "$name"; fi
done

case "$1" in
  start)
    bin=$(find_bin)
    start
    ;;
  url)
    [[ -f "$dir/url" ]] || die "$dir holds no cluster made by $0 start"
    cat "$dir/url"
    ;;
  stop)
    bin=$(find_bin)
    stop
    ;;
  *) usage ;;
esac
