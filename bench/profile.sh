#!/usr/bin/env bash
# Profiles one scenario of `make bench` with callgrind (instruction counts per function; works on
# machines without hardware performance counters, such as most VMs). Slow: the server runs under
# valgrind, about fifty times slower, so the load is short and light.
#
#   bash bench/profile.sh get-by-id|query-type|patch-attr|create|batch-upsert [SECONDS]
#   bash bench/profile.sh query-eq|query-range|query-near|query-within|query-nested [SECONDS]
#
# Builds tsunagu with debug information into build/prof (Release flags plus -g), loads
# BENCH_SCALE x 100,000 entities with the release binary (for query-*, of the city data set of
# bench/city.hpp, and one connection sends the queries of that scenario in turn), then drives
# the scenario for SECONDS
# (default 20) against the server under callgrind and prints the functions of src/ by inclusive
# cost. The raw profile stays in build/prof/callgrind.<scenario>.out for callgrind_annotate or
# kcachegrind.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCENARIO=${1:?usage: bench/profile.sh SCENARIO [SECONDS]}
SECONDS_=${2:-20}
SCALE=${BENCH_SCALE:-1}
PROF=$ROOT/build/prof
RELEASE=$ROOT/build/release
export BENCH_DIR=$ROOT/bench
N=$(awk -v s="$SCALE" 'BEGIN { v = int(100000 * s); if (v < 1000) v = 1000; print v }')

for tool in valgrind callgrind_annotate wrk; do
  if ! command -v "$tool" >/dev/null; then
    echo "profile: $tool is missing (apt-get install valgrind wrk)" >&2
    exit 1
  fi
done

cmake -S "$ROOT" -B "$PROF" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="-g -fno-omit-frame-pointer" >/dev/null
cmake --build "$PROF" -j 2 --target tsunagu
cmake -S "$ROOT" -B "$RELEASE" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$RELEASE" -j 2 --target tsunagu tsunagu_bench_client tsunagu_query_scan_baseline

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tsunagu-profile.XXXXXX")
PID=
cleanup() {
  if [[ -n $PID ]]; then
    kill -TERM "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts a server binary ($1, with an optional wrapper before it) on $WORK/data.
start() {
  rm -f "$WORK/ready"
  "$@" serve --insecure-no-auth --listen 127.0.0.1:0 --data-dir "$WORK/data" --ready-file "$WORK/ready" \
    --log-level warn >>"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1200); do
    [[ -s $WORK/ready ]] && return 0
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "profile: the server did not start" >&2
  exit 1
}

stop() {
  kill -TERM "$PID"
  wait "$PID" || true
  PID=
}

DATASET=(--template "$BENCH_DIR/shelter.json")
if [[ $SCENARIO == query-* && $SCENARIO != query-type ]]; then
  DATASET=(--dataset city)
  "$RELEASE/bench/tsunagu_query_scan_baseline" queries --kind "${SCENARIO#query-}" --count 1000 \
    >"$WORK/queries.txt"
fi
start "$RELEASE/tsunagu"
timeout 3600 "$RELEASE/bench/tsunagu_bench_client" load --port "$(cut -d: -f2 "$WORK/ready")" \
  "${DATASET[@]}" --count "$N" --prefix b --conns 4
stop

OUT=$PROF/callgrind.$SCENARIO.out
rm -f "$OUT"
start valgrind --tool=callgrind --callgrind-out-file="$OUT" "$PROF/tsunagu"
URL=http://$(cat "$WORK/ready")
wrk_run() { timeout $((SECONDS_ + 120)) wrk -d"${SECONDS_}s" --timeout 30s "$@"; }
case $SCENARIO in
  get-by-id) wrk_run -t1 -c4 -s "$BENCH_DIR/lua/get_by_id.lua" "$URL" -- "$N" b ;;
  query-type) wrk_run -t1 -c2 -s "$BENCH_DIR/lua/fixed_get.lua" \
    "$URL/ngsi-ld/v1/entities?type=Shelter&limit=20" ;;
  patch-attr) wrk_run -t1 -c8 -s "$BENCH_DIR/lua/patch_attr.lua" "$URL" -- "$N" b ;;
  create) wrk_run -t1 -c8 -s "$BENCH_DIR/lua/create.lua" "$URL" -- p ;;
  batch-upsert) wrk_run -t1 -c2 -s "$BENCH_DIR/lua/batch_upsert.lua" "$URL" -- p 100 ;;
  query-eq | query-range | query-near | query-within | query-nested)
    wrk_run -t1 -c1 -s "$BENCH_DIR/lua/query_list.lua" "$URL" -- "$WORK/queries.txt" ;;
  *) echo "profile: unknown scenario '$SCENARIO'" >&2; exit 2 ;;
esac | grep BENCH_RESULT
stop

echo
echo "inclusive instruction counts of the functions of src/ (whole run, all threads):"
callgrind_annotate --inclusive=yes "$OUT" 2>/dev/null |
  grep -E 'PROGRAM TOTALS|tsunagu::|sqlite3_step|json::parse' | grep -v 'boost::asio' | head -40 |
  cut -c1-160
echo
echo "profile: $OUT"
