#!/usr/bin/env bash
# `make bench`: Tsunagu's load scenarios, each divided by a ceiling of this machine measured in
# the same run (nginx for HTTP, raw SQLite for storage, pgbench for PostgreSQL, mosquitto for
# notifications). See docs/performance.md.
#
# Environment (all optional):
#   BENCH=name[,name]    scenarios to run. Default (`all`, about 9 minutes): get-by-id query-type
#                        patch-attr create batch-upsert memory startup query-eq query-range
#                        query-near query-within query-nested notify temporal history-write
#                        token-issue get-by-id-auth query-personal. `postgres` (about 4
#                        minutes): the five request scenarios on SQLite and on PostgreSQL side by
#                        side, pg-get-by-id pg-query-type pg-patch-attr pg-create pg-batch-upsert,
#                        and pg-two-nodes (bench/postgres.sh); `everything`: both sets
#   BENCH_SCALE=1        multiplies the data sets (100,000 entities for reads and patches,
#                        1,000,000 for memory, start-up and the query-* scenarios, which share
#                        one server), the 20,000 entities of the pg-* scenarios, and the 10,000
#                        subscriptions of notify; 0.1 for a quick run
#   BENCH_DURATION=5     seconds of each measured load (after BENCH_WARMUP=1 second of warm-up)
#   BENCH_QUERY_DURATION=3  the same for each load of the query-* and temporal-* scenarios (after
#                        BENCH_QUERY_WARMUP=1), which run twice each (1 and 32 connections)
#   BENCH_SCAN_SECONDS=3 time for the full-scan baseline of each query-* scenario (at least 3
#                        and at most 100 queries)
#   BENCH_QUERY_DATA     run the query-* scenarios (without memory and startup) on the data
#                        directory that an earlier run kept (BENCH_KEEP=1: <work dir>/big/data)
#                        instead of loading the entities again
#   BENCH_CONNECTIONS=32 connections of the concurrent scenarios and of the nginx baselines
#   BENCH_BATCH_CONNECTIONS=8  connections of the batch upsert scenario
#   BENCH_NOTIFY_CONNECTIONS=8 connections that write in the notify scenario
#   BENCH_MQTT_WINDOW=100  messages the publisher of the notify baseline keeps in flight
#   BENCH_LOG_LEVEL=warn log level of the server (warn: no access log, as nginx has none here)
#   BENCH_SERVER_ARGS    more flags for the server of the request scenarios, for A/B runs
#                        (e.g. --no-history)
#   BENCH_TMPDIR         where the temporary data directories go (default: $TMPDIR or /tmp);
#                        it must be a real disk, or durable writes cost nothing
#   BENCH_KEEP=1         keep the temporary directory (logs, databases) for inspection
#   BUILD_DIR            build directory with tsunagu and the bench tools (default build/release)
#
# Every server listens on 127.0.0.1 only and is stopped on exit, failure or interrupt; every
# step has a time limit.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build/release}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
TSUNAGU=$BUILD_DIR/tsunagu
CLIENT=$BUILD_DIR/bench/tsunagu_bench_client
SQLITE_BASELINE=$BUILD_DIR/bench/tsunagu_sqlite_baseline
QUERY_SCAN=$BUILD_DIR/bench/tsunagu_query_scan_baseline
export BENCH_DIR=$ROOT/bench

QUERY_KINDS="eq range near within nested"
ALL_SCENARIOS="get-by-id query-type patch-attr create batch-upsert memory startup"
ALL_SCENARIOS+=" query-eq query-range query-near query-within query-nested notify temporal"
ALL_SCENARIOS+=" history-write token-issue get-by-id-auth query-personal"
# Apart from the default run, which must end within 10 minutes (issue 4): a PostgreSQL cluster
# and its loads add minutes that a run about SQLite does not need.
PG_SCENARIOS="pg-get-by-id pg-query-type pg-patch-attr pg-create pg-batch-upsert pg-two-nodes"
SCENARIOS=${BENCH:-all}
SCENARIOS=${SCENARIOS//,/ }
case $SCENARIOS in
  all) SCENARIOS=$ALL_SCENARIOS ;;
  postgres) SCENARIOS="get-by-id query-type patch-attr create batch-upsert $PG_SCENARIOS" ;;
  everything) SCENARIOS="$ALL_SCENARIOS $PG_SCENARIOS" ;;
esac
SCALE=${BENCH_SCALE:-1}
DURATION=${BENCH_DURATION:-5}
WARMUP=${BENCH_WARMUP:-1}
CONNS=${BENCH_CONNECTIONS:-32}
BATCH_CONNS=${BENCH_BATCH_CONNECTIONS:-8}
LOG_LEVEL=${BENCH_LOG_LEVEL:-warn}
QUERY_DURATION=${BENCH_QUERY_DURATION:-3}
QUERY_WARMUP=${BENCH_QUERY_WARMUP:-1}
SCAN_SECONDS=${BENCH_SCAN_SECONDS:-3}
WRK_THREADS=2
BATCH=100
STARTUP_RUNS=3
RESULTS=$ROOT/bench/results
ENTITIES_URL=/ngsi-ld/v1/entities

die() { echo "bench: $*" >&2; exit 1; }
# Progress, with the seconds since the run began (the default run must end within 10 minutes).
note() { echo "bench [${SECONDS}s]: $*" >&2; }

# n * BENCH_SCALE, at least 1000.
scaled() {
  awk -v s="$SCALE" -v n="$1" 'BEGIN { v = int(n * s); if (v < 1000) v = 1000; print v }'
}
FIXTURE_N=$(scaled 100000)
MEMORY_N=$(scaled 1000000)

wants() { [[ " $SCENARIOS " == *" $1 "* ]]; }

# shellcheck source=bench/notify.sh
source "$BENCH_DIR/notify.sh"
# shellcheck source=bench/temporal.sh
source "$BENCH_DIR/temporal.sh"
# shellcheck source=bench/auth.sh
source "$BENCH_DIR/auth.sh"
# shellcheck source=bench/consent.sh
source "$BENCH_DIR/consent.sh"
# shellcheck source=bench/postgres.sh
source "$BENCH_DIR/postgres.sh"

check_setup() {
  for s in $SCENARIOS; do
    [[ " $ALL_SCENARIOS $PG_SCENARIOS " == *" $s "* ]] ||
      die "unknown scenario '$s'; known: $ALL_SCENARIOS $PG_SCENARIOS (or all, postgres, everything)"
  done
  for f in "$TSUNAGU" "$CLIENT" "$SQLITE_BASELINE" "$QUERY_SCAN" "$NOTIFY_TOOL" "$TEMPORAL_TOOL"; do
    [[ -x $f ]] || die "$f is missing: run 'make bench' (it builds it)"
  done
  for tool in wrk nginx sqlite3 curl awk timeout; do
    command -v "$tool" >/dev/null || die "$tool is missing: run 'make deps'"
  done
  if wants notify; then
    command -v mosquitto >/dev/null || die "mosquitto is missing: run 'make deps'"
  fi
  if wants_pg; then pg_check_setup; fi
  awk -v s="$SCALE" 'BEGIN { exit !(s > 0) }' || die "BENCH_SCALE must be a positive number"
}

# ---------------------------------------------------------------- processes and clean-up

WORK=
PIDS=()

stop_pid() {
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  PIDS=("${kept[@]+"${kept[@]}"}")
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$pid"; done
  pg_stop_cluster
  if [[ -n $WORK && -d $WORK ]]; then
    if [[ ${BENCH_KEEP:-0} == 1 ]]; then
      note "temporary files kept in $WORK"
    elif ((status != 0)); then
      # The logs tell what failed; the databases (up to gigabytes) go.
      rm -rf "$WORK"/*/data "$WORK"/sqlite-*.db*
      note "logs of the failed run kept in $WORK"
    else
      rm -rf "$WORK"
    fi
  fi
  exit "$status"
}

make_workdir() {
  local base=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
  WORK=$(mktemp -d "$base/tsunagu-bench.XXXXXX")
  if [[ $(stat -f -c %T "$WORK") == tmpfs ]]; then
    note "WARNING: $base is tmpfs: fsync costs nothing there, so durable-write figures are not"
    note "         what a disk gives; set BENCH_TMPDIR to a directory on a disk"
  fi
}

# Starts tsunagu on a free loopback port with the data directory $WORK/$1, without tokens unless
# REQUIRE_TOKENS=1. Sets SERVER_PID, SERVER_PORT, SERVER_URL.
start_tsunagu() {
  local dir=$WORK/$1 auth=(--insecure-no-auth)
  shift
  [[ ${REQUIRE_TOKENS:-0} == 1 ]] && auth=()
  mkdir -p "$dir"
  rm -f "$dir/ready"
  "$TSUNAGU" serve --listen 127.0.0.1:0 --data-dir "$dir/data" --ready-file "$dir/ready" \
    --log-level "$LOG_LEVEL" "${auth[@]+"${auth[@]}"}" "$@" >>"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 600); do
    [[ -s $dir/ready ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "tsunagu exited at start; see $dir/server.log"
    sleep 0.05
  done
  [[ -s $dir/ready ]] || die "tsunagu did not get ready in 30 s"
  local address
  address=$(head -n1 "$dir/ready")
  SERVER_PORT=${address##*:}
  SERVER_URL=http://$address
}

# Starts nginx as the current user, with its own prefix and configuration under $WORK/nginx,
# serving the files of $WORK/nginx/html. Sets NGINX_PID and NGINX_URL.
start_nginx() {
  local prefix=$WORK/nginx port user_line=
  mkdir -p "$prefix/logs" "$prefix/tmp"
  port=$("$CLIENT" free-port)
  # Run as root, nginx would hand its workers to 'nobody', who cannot read this private prefix.
  [[ $(id -u) -eq 0 ]] && user_line="user $(id -un) $(id -gn);"
  cat >"$prefix/nginx.conf" <<EOF
daemon off;
$user_line
worker_processes $(nproc);
pid $prefix/logs/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  types { }
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65s;
  keepalive_requests 100000000;
  open_file_cache max=16 inactive=600s;
  open_file_cache_valid 600s;
  client_body_temp_path $prefix/tmp/body;
  proxy_temp_path $prefix/tmp/proxy;
  fastcgi_temp_path $prefix/tmp/fastcgi;
  uwsgi_temp_path $prefix/tmp/uwsgi;
  scgi_temp_path $prefix/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $prefix/html;
  }
}
EOF
  nginx -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" \
    >"$prefix/logs/stdout.log" 2>&1 &
  NGINX_PID=$!
  PIDS+=("$NGINX_PID")
  NGINX_URL=http://127.0.0.1:$port
  for _ in $(seq 200); do
    curl -fs -o /dev/null "$NGINX_URL/entity.json" && return 0
    sleep 0.05
  done
  die "nginx did not start; see $prefix/logs/error.log"
}

# ---------------------------------------------------------------- measurements

TICKS_PER_S=$(getconf CLK_TCK)

# CPU time (user + system, in clock ticks) used so far by a process and its children
# (nginx's workers).
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    [[ -r /proc/$pid/stat ]] || continue
    # Fields after the ")" that closes the command name: utime is the 12th, stime the 13th.
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}

# Runs wrk (after a warm-up) against the server of process SERVER (for its CPU time).
#   run_wrk SERVER_PID CONNECTIONS URL SCRIPT [SCRIPT ARGS...]
# Sets W_RPS W_P50 W_P99 (ms) W_ERRORS W_CPU_US (server CPU per request, microseconds), and
# W_ALSO_CPU_US: with WRK_ALSO_CPU set to a command that prints clock ticks (another process's
# CPU time, e.g. the database server's), their growth per request.
# A script argument "@RUN@" becomes a prefix that differs between warm-up and measurement.
run_wrk() {
  local pid=$1 conns=$2 url=$3 script=$4
  shift 4
  local threads=$((conns < WRK_THREADS ? conns : WRK_THREADS)) out=$WORK/wrk.out cpu0 cpu1
  local also0=0 also1=0
  local common=(-t"$threads" -c"$conns" --timeout 10s -s "$BENCH_DIR/lua/$script" "$url")
  timeout $((WARMUP + 60)) wrk "${common[@]}" -d"${WARMUP}s" -- "${@//@RUN@/w$RANDOM}" \
    >/dev/null
  if [[ -n ${WRK_ALSO_CPU:-} ]]; then also0=$("$WRK_ALSO_CPU"); fi
  cpu0=$(cpu_ticks "$pid")
  timeout $((DURATION + 60)) wrk "${common[@]}" -d"${DURATION}s" -- \
    "${@//@RUN@/m$RANDOM$RANDOM}" >"$out"
  cpu1=$(cpu_ticks "$pid")
  if [[ -n ${WRK_ALSO_CPU:-} ]]; then also1=$("$WRK_ALSO_CPU"); fi
  cat "$out" >>"$WORK/wrk.log"
  read -r W_RPS W_P50 W_P99 W_ERRORS W_CPU_US W_ALSO_CPU_US < <(awk -v ticks=$((cpu1 - cpu0)) \
    -v also=$((also1 - also0)) -v hz="$TICKS_PER_S" '/^BENCH_RESULT/ {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      errors = v["non2xx"] + v["connect_errors"] + v["read_errors"] + v["write_errors"] + \
               v["timeouts"]
      printf "%.1f %.2f %.2f %d %.1f %.1f\n", v["requests"] / (v["duration_us"] / 1e6),
             v["p50_us"] / 1000, v["p99_us"] / 1000, errors,
             (v["requests"] > 0 ? ticks / hz * 1e6 / v["requests"] : 0),
             (v["requests"] > 0 ? also / hz * 1e6 / v["requests"] : 0)
    }' "$out")
  [[ -n ${W_RPS:-} ]] || die "wrk printed no result; see $out"
}

# Runs the raw SQLite baseline: the rows the main server's database holds for entity b0, written
# again for new ids (bench/sqlite_baseline.cpp). Sets S_RATE (entities/s) and S_CPU_US (CPU per
# entity); adds the latencies of its commits to BASELINE_DETAIL.
BASELINE_DETAIL=
run_sqlite_baseline() {
  local name=$1 out
  shift
  rm -f "$WORK/sqlite-$name".db*
  out=$(timeout $((DURATION + 300)) "$SQLITE_BASELINE" --db "$WORK/sqlite-$name.db" \
    --like "$WORK/main/data/tenants/_default.sqlite" --sample urn:ngsi-ld:Shelter:b0 \
    --seconds "$DURATION" "$@")
  rm -f "$WORK/sqlite-$name".db*
  S_RATE=$(echo "$out" | field rows_per_s)
  BASELINE_DETAIL+=" sqlite_${name}_commit_p50_ms=$(echo "$out" | field p50_ms)"
  BASELINE_DETAIL+=" sqlite_${name}_commit_p99_ms=$(echo "$out" | field p99_ms)"
  S_CPU_US=$(echo "$out" | field cpu_us_per_row)
}

# key=value output of a bench tool -> the value of `key`.
field() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }

# One line of results, fields separated by '|', "-" where a field does not apply:
# scenario conns value unit p50 p99 cpu_us baseline baseline_value baseline_cpu_us ratio target met
# [note]
ROWS=
add_row() {
  local IFS='|'
  echo "$*" >>"$ROWS"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b ? "yes" : "no") }'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? "yes" : "no") }'; }
round1() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }
round2() { awk -v a="$1" 'BEGIN { printf "%.2f", a }'; }

warn_errors() {
  if (($2 > 0)); then note "WARNING: $1: $2 requests failed (non-2xx or socket errors)"; fi
}

rss_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

db_bytes() {
  local total=0 f
  for f in "$1"/tenants/*.sqlite*; do
    [[ -e $f ]] && total=$((total + $(stat -c %s "$f")))
  done
  echo "$total"
}

# ---------------------------------------------------------------- scenarios

# The server of the request scenarios, with FIXTURE_N entities b0..b(N-1) loaded by batch upsert,
# and the documents nginx serves: the responses of a GET by id and of the type query (same size).
# The raw SQLite baseline reads the rows of b0 from this server's database.
prepare_request_server() {
  # shellcheck disable=SC2086
  start_tsunagu main ${BENCH_SERVER_ARGS:-}
  note "loading $FIXTURE_N entities by batch upsert"
  local load
  load=$(timeout 1800 "$CLIENT" load --port "$SERVER_PORT" --template "$BENCH_DIR/shelter.json" \
    --count "$FIXTURE_N" --prefix b --batch "$BATCH" --conns 4)
  FIXTURE_LOAD_RATE=$(echo "$load" | field entities_per_s)
  mkdir -p "$WORK/nginx/html"
  curl -fs -H 'Accept: application/json' "$SERVER_URL$ENTITIES_URL/urn:ngsi-ld:Shelter:b1" \
    >"$WORK/nginx/html/entity.json"
  curl -fs -H 'Accept: application/json' "$SERVER_URL$QUERY_PATH" >"$WORK/nginx/html/query.json"
  start_nginx
}

QUERY_PATH="$ENTITIES_URL?type=Shelter&limit=20"

scenario_get_by_id() {
  note "get-by-id: nginx baseline, then tsunagu ($CONNS connections)"
  run_wrk "$NGINX_PID" "$CONNS" "$NGINX_URL/entity.json" fixed_get.lua
  local base=$W_RPS base_cpu=$W_CPU_US r
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" get_by_id.lua "$FIXTURE_N" b
  warn_errors get-by-id "$W_ERRORS"
  r=$(ratio "$W_RPS" "$base")
  add_row get-by-id "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "nginx $(stat -c %s "$WORK/nginx/html/entity.json") B" "$base" "$base_cpu" "$r" \
    ">= 0.5 x nginx" "$(at_least "$r" 0.5)"
}

scenario_query_type() {
  note "query-type: nginx baseline, then tsunagu ($CONNS connections)"
  run_wrk "$NGINX_PID" "$CONNS" "$NGINX_URL/query.json" fixed_get.lua
  local base=$W_RPS base_cpu=$W_CPU_US
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL$QUERY_PATH" fixed_get.lua
  warn_errors query-type "$W_ERRORS"
  add_row query-type "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "nginx $(stat -c %s "$WORK/nginx/html/query.json") B" "$base" "$base_cpu" \
    "$(ratio "$W_RPS" "$base")" - -
}

scenario_patch_attr() {
  note "patch-attr: tsunagu ($CONNS connections), then raw SQLite ($CONNS such PATCHes per commit)"
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" patch_attr.lua "$FIXTURE_N" b
  warn_errors patch-attr "$W_ERRORS"
  run_sqlite_baseline update --mode update --batch "$CONNS" --prefill "$FIXTURE_N" \
    --patched-attr https://uri.etsi.org/ngsi-ld/default-context/occupancy
  add_row patch-attr "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "sqlite $CONNS patches/commit" "$S_RATE" "$(round1 "$S_CPU_US")" \
    "$(ratio "$W_RPS" "$S_RATE")" - -
}

scenario_create() {
  note "create: raw SQLite (1 and $CONNS entities per commit), then tsunagu with 1 and $CONNS connections"
  run_sqlite_baseline commit1 --mode insert --batch 1
  local sqlite_one=$S_RATE sqlite_one_cpu=$S_CPU_US sqlite_gain
  # What group commit gives raw SQLite itself here: the ceiling of the 32/1 ratio.
  run_sqlite_baseline "commit$CONNS" --mode insert --batch "$CONNS"
  sqlite_gain=$(ratio "$S_RATE" "$sqlite_one")
  S_RATE=$sqlite_one S_CPU_US=$sqlite_one_cpu
  run_wrk "$SERVER_PID" 1 "$SERVER_URL" create.lua @RUN@
  warn_errors create-1 "$W_ERRORS"
  local one=$W_RPS one_cpu=$W_CPU_US speedup
  add_row create-1conn 1 "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" "sqlite 1 entity/commit" \
    "$S_RATE" "$(round1 "$S_CPU_US")" "$(ratio "$W_RPS" "$S_RATE")" - -
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" create.lua @RUN@
  warn_errors "create-$CONNS" "$W_ERRORS"
  speedup=$(ratio "$W_RPS" "$one")
  add_row "create-${CONNS}conn" "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "create-1conn" "$one" "$one_cpu" "$speedup" ">= 10 x 1 connection" \
    "$(at_least "$speedup" 10)" \
    "raw SQLite, same rows, $CONNS per commit against 1: ${sqlite_gain} x"
}

scenario_batch_upsert() {
  note "batch-upsert: raw SQLite ($BATCH entities per commit), then tsunagu ($BATCH_CONNS connections)"
  run_sqlite_baseline batch --mode insert --batch "$BATCH"
  run_wrk "$SERVER_PID" "$BATCH_CONNS" "$SERVER_URL" batch_upsert.lua @RUN@ "$BATCH"
  warn_errors batch-upsert "$W_ERRORS"
  local eps cpu r met
  eps=$(awk -v r="$W_RPS" -v b="$BATCH" 'BEGIN { printf "%.1f", r * b }')
  cpu=$(awk -v c="$W_CPU_US" -v b="$BATCH" 'BEGIN { printf "%.1f", c / b }')
  r=$(ratio "$eps" "$S_RATE")
  met=$(awk -v e="$eps" -v r="$r" 'BEGIN { print (e >= 100000 && r >= 0.3 ? "yes" : "no") }')
  # The two halves of the target apart: the rate cannot exceed what raw SQLite writes here.
  add_row batch-upsert "$BATCH_CONNS" "$eps" entities/s "$W_P50" "$W_P99" "$cpu" \
    "sqlite $BATCH entities/commit" "$S_RATE" "$(round1 "$S_CPU_US")" "$r" \
    ">= 100000/s, >= 0.3 x sqlite" "$met" \
    "0.3 x sqlite: $(at_least "$r" 0.3); 100000/s: $(at_least "$eps" 100000) (raw SQLite itself: $(round1 "$S_RATE")/s)"
}

# Memory after loading MEMORY_N entities of the city data set (bench/city.hpp, the data of the
# query-* scenarios, which then run on this server) into a fresh server, and the database size.
# The load goes in two halves, so that the growth of the second half (when SQLite's page cache is
# full) is reported too.
scenario_memory() {
  start_tsunagu big "${BIG_ARGS[@]}"
  local idle idle_rss half full half_n=$((MEMORY_N / 2)) t0 secs bytes per_entity
  idle=$(anon_kib "$SERVER_PID")
  idle_rss=$(rss_kib "$SERVER_PID" VmRSS)
  note "memory: loading $MEMORY_N entities by batch upsert"
  t0=$(date +%s%N)
  load_entities m 0 "$half_n"
  half=$(anon_kib "$SERVER_PID")
  load_entities m "$half_n" $((MEMORY_N - half_n))
  secs=$(awk -v t="$(( $(date +%s%N) - t0 ))" 'BEGIN { printf "%.3f", t / 1e9 }')
  full=$(anon_kib "$SERVER_PID")
  bytes=$(db_bytes "$WORK/big/data")
  per_entity=$(awk -v a="$full" -v b="$idle" -v n="$MEMORY_N" \
    'BEGIN { printf "%.4f", (a - b) / n }')
  add_row memory-rss - "$per_entity" "KiB/entity" - - - - - - - "< 1.5 KiB/entity" \
    "$(below "$per_entity" 1.5)"
  MEMORY_DETAIL="entities=$MEMORY_N rss_idle_kib=$idle_rss"
  MEMORY_DETAIL+=" beyond_page_cache_idle_kib=$idle beyond_page_cache_half_kib=$half"
  MEMORY_DETAIL+=" beyond_page_cache_loaded_kib=$full"
  MEMORY_DETAIL+=" rss_loaded_kib=$(rss_kib "$SERVER_PID" VmRSS)"
  MEMORY_DETAIL+=" rss_file_loaded_kib=$(rss_kib "$SERVER_PID" RssFile)"
  MEMORY_DETAIL+=" kib_per_entity_second_half=$(awk -v a="$full" -v b="$half" \
    -v n=$((MEMORY_N - half_n)) 'BEGIN { printf "%.4f", (a - b) / n }')"
  BIG_LOAD_RATE=$(awk -v n="$MEMORY_N" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')
  MEMORY_DETAIL+=" db_bytes=$bytes load_entities_per_s=$BIG_LOAD_RATE"
  add_row db-size - "$(awk -v b="$bytes" -v n="$MEMORY_N" 'BEGIN { printf "%.0f", b / n }')" \
    "bytes/entity" - - - - - - - - -
}

# Upserts COUNT entities PREFIX<START>.. of the city data set into the current server, 100 per
# request.
load_entities() {
  timeout 3600 "$CLIENT" load --port "$SERVER_PORT" --dataset city --prefix "$1" --start "$2" \
    --count "$3" --batch "$BATCH" --conns 4 >/dev/null
}

# Resident memory that is not page cache: VmRSS minus the file-backed pages (SQLite maps the
# database file).
anon_kib() { echo $(($(rss_kib "$1" VmRSS) - $(rss_kib "$1" RssFile))); }

# Time from exec to the ready file and to the first successful GET by id, with MEMORY_N entities.
scenario_startup() {
  [[ -d $WORK/big ]] || scenario_memory
  local times=() t0 out stop_start stop_ms
  note "startup: $STARTUP_RUNS restarts with $MEMORY_N entities"
  for _ in $(seq "$STARTUP_RUNS"); do
    stop_start=$(date +%s%N)
    stop_pid "$SERVER_PID"
    stop_ms=$(( ($(date +%s%N) - stop_start) / 1000000 ))
    rm -f "$WORK/big/ready"
    t0=$(date +%s%N)
    start_tsunagu_timed big
    out=$(timeout 150 "$CLIENT" wait-ready --ready-file "$WORK/big/ready" --t0-ns "$t0" \
      --path "$ENTITIES_URL/urn:ngsi-ld:Shelter:m$((MEMORY_N / 2))" --timeout-s 120)
    times+=("$(echo "$out" | field ready_ms) $(echo "$out" | field first_get_ms) $stop_ms")
  done
  local median ready first
  median=$(printf '%s\n' "${times[@]}" | sort -n -k2 | awk -v m=$(((STARTUP_RUNS + 1) / 2)) \
    'NR == m { print }')
  read -r ready first stop_ms <<<"$median"
  add_row startup - "$first" "ms to first GET" - - - - - - - - -
  STARTUP_DETAIL="entities=$MEMORY_N runs=$STARTUP_RUNS ready_ms=$ready first_get_ms=$first"
  STARTUP_DETAIL+=" previous_shutdown_ms=$stop_ms"
}

# The server of the million entities (memory, startup, query-*) keeps no history: those
# scenarios measure the entity store, history has its own (temporal, history-write), and a
# million creations recorded twice would double the load, the longest step of the run.
BIG_ARGS=(--no-history)

# Like start_tsunagu, but returns at once: the caller measures readiness.
start_tsunagu_timed() {
  local dir=$WORK/$1
  "$TSUNAGU" serve --listen 127.0.0.1:0 --data-dir "$dir/data" --ready-file "$dir/ready" \
    --log-level "$LOG_LEVEL" --insecure-no-auth "${BIG_ARGS[@]}" >>"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
}

# The server of the query-* scenarios: the one of the memory and startup scenarios when they ran,
# else a fresh server with the same MEMORY_N entities of the city data set (bench/city.hpp:
# Shelters uniform over the Osaka bounding box, with category, capacity, occupancy and its
# reliability, address and location) loaded by batch upsert.
prepare_query_server() {
  QUERY_DB=$WORK/big/data/tenants/_default.sqlite
  if [[ ! -d $WORK/big && -n ${BENCH_QUERY_DATA:-} ]]; then
    [[ -f $BENCH_QUERY_DATA/tenants/_default.sqlite ]] ||
      die "no tenant database in $BENCH_QUERY_DATA"
    mkdir -p "$WORK/big"
    ln -s "$(cd "$BENCH_QUERY_DATA" && pwd)" "$WORK/big/data"
    note "query: on the entities kept in $BENCH_QUERY_DATA"
    start_tsunagu big "${BIG_ARGS[@]}"
  elif [[ ! -d $WORK/big ]]; then
    load_query_server
  fi
  QUERY_N=$(sqlite3 "$QUERY_DB" 'SELECT count(*) FROM entities')
}

# A fresh server with MEMORY_N entities of the city data set; sets BIG_LOAD_RATE.
load_query_server() {
  start_tsunagu big "${BIG_ARGS[@]}"
  note "query: loading $MEMORY_N entities of the city data set by batch upsert"
  local t0
  t0=$(date +%s%N)
  load_entities m 0 "$MEMORY_N"
  BIG_LOAD_RATE=$(awk -v n="$MEMORY_N" -v t="$(($(date +%s%N) - t0))" \
    'BEGIN { printf "%.1f", n / (t / 1e9) }')
}

# Stops the server of the query scenarios and starts it again on the same data: a query that
# takes minutes goes on after wrk has closed its connection, and must not weigh on the next
# measurement.
restart_query_server() {
  stop_pid "$SERVER_PID"
  start_tsunagu big "${BIG_ARGS[@]}"
}

# One query scenario: 1000 queries of one kind (query_scan_baseline queries), sent in turn by wrk
# with 1 and with CONNS connections, then answered by the full scan from the server's database
# file (bench/query_scan_baseline.cpp), whose first 10 pages are compared with the server's.
# Each of the three steps starts on a freshly started server.
scenario_query() {
  local kind=$1 name=query-$1 file=$WORK/queries-$1.txt out
  "$QUERY_SCAN" queries --kind "$kind" --count 1000 >"$file"
  mkdir -p "$WORK/query"
  note "$name: tsunagu with 1 and $CONNS connections, then the full scan"
  restart_query_server
  run_query_wrk "$name" 1 "$file"
  local rps1=$W_RPS p50_1=$W_P50 p99_1=$W_P99 cpu1=$W_CPU_US
  restart_query_server
  run_query_wrk "$name" "$CONNS" "$file"
  restart_query_server
  out=$(timeout $((SCAN_SECONDS + 900)) "$QUERY_SCAN" scan --db "$QUERY_DB" --queries "$file" \
    --max-queries 100 --seconds "$SCAN_SECONDS" --check-port "$SERVER_PORT" \
    --check-queries 10 2>>"$WORK/query/check.log")
  local scan_p50 scan_qps scan_cpu mismatches target=- met=-
  scan_p50=$(echo "$out" | field p50_ms)
  scan_qps=$(awk -v m="$(echo "$out" | field mean_ms)" 'BEGIN { printf "%.1f", 1000 / m }')
  scan_cpu=$(awk -v m="$(echo "$out" | field cpu_ms)" 'BEGIN { printf "%.0f", m * 1000 }')
  mismatches=$(echo "$out" | field mismatches)
  if ((${mismatches:-0} > 0)); then
    note "WARNING: $name: $mismatches of the server's pages differ from the full scan's;"
    note "         see $WORK/query/check.log"
  fi
  local key
  if [[ $(echo "$out" | field check_gave_up) == 1 ]]; then
    note "WARNING: $name: the server did not answer a check query within 30 s"
  fi
  for key in p50_ms p99_ms queries docs_per_query matches_per_query checked mismatches \
    check_gave_up; do
    BASELINE_DETAIL+=" scan_${kind}_$key=$(echo "$out" | field "$key")"
  done
  if [[ $kind == near ]]; then
    target="p99 < 5 ms at 1M"
    if ((QUERY_N >= 1000000)); then
      met=no
      [[ $p99_1 == - ]] || met=$(below "$p99_1" 5)
    fi
  fi
  add_row "$name-1conn" 1 "$rps1" req/s "$p50_1" "$p99_1" "$cpu1" "full scan, p50 ms" \
    "$(round1 "$scan_p50")" "$scan_cpu" "$(ratio "$scan_p50" "$p50_1")" "$target" "$met"
  add_row "$name-${CONNS}conn" "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "full scan, queries/s" "$scan_qps" "$scan_cpu" "$(ratio "$W_RPS" "$scan_qps")" - -
}

# run_wrk for a query scenario: NAME CONNECTIONS QUERY_FILE. When no answer came back within
# the measurement (the server still worked on the queries of the warm-up), the latencies are "-"
# and a warning says so.
run_query_wrk() {
  DURATION=$QUERY_DURATION WARMUP=$QUERY_WARMUP run_wrk "$SERVER_PID" "$2" "$SERVER_URL" \
    query_list.lua "$3"
  warn_errors "$1-$2" "$W_ERRORS"
  if [[ $W_RPS == 0.0 ]]; then
    note "WARNING: $1 with $2 connections: no answer within ${QUERY_DURATION}s"
    W_P50=- W_P99=- W_CPU_US=-
  fi
}

wants_query() {
  local kind
  for kind in $QUERY_KINDS; do wants "query-$kind" && return 0; done
  return 1
}

# ---------------------------------------------------------------- report

json_string() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# "k=v k=v" -> JSON object members (numbers stay numbers).
kv_json() {
  local first=1 pair
  for pair in $1; do
    ((first)) || printf ', '
    first=0
    printf '"%s": ' "${pair%%=*}"
    if [[ ${pair#*=} =~ ^-?[0-9.]+$ || ${pair#*=} == null ]]; then
      printf '%s' "${pair#*=}"
    else
      json_string "${pair#*=}"
    fi
  done
}

machine_json() {
  local cpu mem
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
  printf '{"nproc": %s, "memory_kib": %s, "cpu_model": %s, "kernel": %s, ' \
    "$(nproc)" "$mem" "$(json_string "$cpu")" "$(json_string "$(uname -r)")"
  printf '"load_average_start": %s, "load_average_end": %s}' "$(json_string "$LOAD_BEFORE")" \
    "$(json_string "$(load_average)")"
}

git_commit() {
  local commit
  commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$ROOT" status --porcelain -- src CMakeLists.txt 2>/dev/null) ]]; then
    commit+="-dirty"
  fi
  echo "$commit"
}

row_json() {
  awk -F'|' '
    function num(v) { return (v ~ /^-?[0-9.]+$/) ? v : (v == "-" ? "null" : "\"" v "\"") }
    function str(v) { return v == "-" ? "null" : "\"" v "\"" }
    { printf "%s    {\"scenario\": \"%s\", \"connections\": %s, \"throughput\": %s, ",
             (NR > 1 ? ",\n" : ""), $1, num($2), num($3)
      printf "\"unit\": \"%s\", \"p50_ms\": %s, \"p99_ms\": %s, \"cpu_us_per_op\": %s, ",
             $4, num($5), num($6), num($7)
      printf "\"baseline\": %s, \"baseline_throughput\": %s, \"baseline_cpu_us_per_op\": %s, ",
             str($8), num($9), num($10)
      printf "\"ratio\": %s, \"target\": %s, \"target_met\": %s", num($11), str($12),
             ($13 == "yes" ? "true" : ($13 == "no" ? "false" : "null"))
      if (NF >= 14 && $14 != "-") printf ", \"note\": \"%s\"", $14
      printf "}" }' "$ROWS"
}

write_json() {
  mkdir -p "$RESULTS"
  {
    printf '{\n  "date": "%s",\n  "git_commit": "%s",\n' "$(date -u +%FT%TZ)" "$(git_commit)"
    printf '  "elapsed_s": %s,\n' "$SECONDS"
    printf '  "machine": %s,\n' "$(machine_json)"
    printf '  "settings": {"scenarios": %s, "scale": %s, "duration_s": %s, "connections": %s, ' \
      "$(json_string "$SCENARIOS")" "$SCALE" "$DURATION" "$CONNS"
    printf '"batch_connections": %s, "log_level": "%s", "wrk_threads": %s},\n' \
      "$BATCH_CONNS" "$LOG_LEVEL" "$WRK_THREADS"
    printf '  "results": [\n%s\n  ],\n' "$(row_json)"
    printf '  "details": {"fixture_load": {%s}, "memory": {%s}, "startup": {%s}, ' \
      "$(kv_json "entities=$FIXTURE_N entities_per_s=${FIXTURE_LOAD_RATE:-null}")" \
      "$(kv_json "${MEMORY_DETAIL:-}")" "$(kv_json "${STARTUP_DETAIL:-}")"
    printf '"query_load": {%s}, ' \
      "$(kv_json "entities=${QUERY_N:-null} entities_per_s=${BIG_LOAD_RATE:-null}")"
    printf '"notify": {%s}, ' "$(kv_json "$NOTIFY_DETAIL")"
    printf '"temporal": {%s}, ' "$(kv_json "$TEMPORAL_DETAIL")"
    printf '"auth": {%s}, ' "$(kv_json "$AUTH_DETAIL")"
    printf '"consent": {%s}, ' "$(kv_json "${PERSONAL_DETAIL:-}")"
    printf '"postgres": {%s}, ' "$(kv_json "$PG_DETAIL")"
    printf '"baselines": {%s}}\n}\n' "$(kv_json "$BASELINE_DETAIL")"
  } >"$RESULTS/latest.json"
}

print_table() {
  echo
  awk -F'|' 'BEGIN {
      f = "%-23s %5s %10s %-15s %7s %8s %7s  %-22s %10s %7s %7s  %s\n"
      printf f, "scenario", "conns", "result", "unit", "p50 ms", "p99 ms", "cpu us", "baseline",
             "baseline", "cpu us", "ratio", "target (met)"
    }
    { target = ($12 == "-") ? "" : $12 " (" $13 ")"
      printf f, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, target
      if (NF >= 14 && $14 != "-") notes = notes "  " $1 ": " $14 "\n" }
    END { if (notes != "") printf "\nnotes:\n%s", notes }' "$ROWS"
  echo
  echo "cpu us: CPU time (user + system) of the server, or of the baseline, per request or row"
  [[ -n ${MEMORY_DETAIL:-} ]] && echo "memory:  $MEMORY_DETAIL"
  [[ -n ${STARTUP_DETAIL:-} ]] && echo "startup: $STARTUP_DETAIL"
  if [[ -n ${QUERY_DB:-} ]]; then
    echo "query:   $QUERY_N entities of the city data set, loaded at ${BIG_LOAD_RATE:-?}/s;"
    echo "         full scan: $(echo "$BASELINE_DETAIL" | tr ' ' '\n' | grep '^scan_' |
      tr '\n' ' ')"
  fi
  [[ -n $NOTIFY_DETAIL ]] && print_notify_summary
  [[ -n $PG_DETAIL ]] && print_pg_summary
  echo "machine: $(nproc) cores, load average $LOAD_BEFORE at start, $(load_average) at end"
  echo "elapsed: $SECONDS s"
  echo "results: bench/results/latest.json"
}

load_average() { cut -d' ' -f1-3 /proc/loadavg; }

main() {
  check_setup
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  LOAD_BEFORE=$(load_average)
  make_workdir
  ROWS=$WORK/rows.txt
  : >"$ROWS"
  note "scenarios: $SCENARIOS; scale $SCALE; ${DURATION}s per load; work dir $WORK"

  if wants get-by-id || wants query-type || wants patch-attr || wants create ||
    wants batch-upsert || wants token-issue || wants get-by-id-auth || wants query-personal; then
    prepare_request_server
    if wants query-personal; then prepare_personal_data; fi
    if wants get-by-id; then scenario_get_by_id; fi
    if wants query-type; then scenario_query_type; fi
    if wants patch-attr; then scenario_patch_attr; fi
    if wants create; then scenario_create; fi
    if wants batch-upsert; then scenario_batch_upsert; fi
    if wants token-issue || wants get-by-id-auth || wants query-personal; then
      if wants get-by-id-auth; then measure_get_by_id_without_tokens; fi
      restart_with_tokens
      if wants token-issue; then scenario_token_issue; fi
      if wants get-by-id-auth; then scenario_get_by_id_auth; fi
      if wants query-personal; then scenario_query_personal; fi
    fi
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
  fi
  if wants_pg; then run_pg_scenarios; fi
  if wants notify; then scenario_notify; fi
  if wants temporal; then scenario_temporal; fi
  if wants history-write; then scenario_history_write; fi
  if wants memory; then scenario_memory; fi
  if wants startup; then scenario_startup; fi
  if wants_query; then
    prepare_query_server
    for kind in $QUERY_KINDS; do
      if wants "query-$kind"; then scenario_query "$kind"; fi
    done
  fi
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$pid"; done

  write_json
  print_table
}

main "$@"
