# The history scenarios of `make bench` (docs/performance.md, "History"), sourced by
# bench/run.sh, whose helpers it uses:
#   temporal       TEMPORAL_SENSORS sensors x 10,000 readings loaded through the temporal API,
#                  then three queries (the hourly average of one sensor over a month, its last 100
#                  readings, the daily maximum of every sensor over a month), each against the
#                  same readings in a plain SQLite table queried directly (bench/temporal_bench.cpp)
#   history-write  PATCHes of one attribute with history on, against the same with history off

TEMPORAL_TOOL=$BUILD_DIR/bench/tsunagu_temporal_bench
TEMPORAL_SENSORS=$(awk -v s="$SCALE" 'BEGIN { v = int(1000 * s); if (v < 10) v = 10; print v }')
TEMPORAL_READINGS=10000
HISTORY_WRITE_N=10000
# The daily query: the maximum of every sensor per day of a month (one page of 1,000).
TEMPORAL_DAILY_PATH="/ngsi-ld/v1/temporal/entities?type=Sensor&attrs=level&timerel=between"
TEMPORAL_DAILY_PATH+="&timeAt=2026-01-01T00:00:00Z&endTimeAt=2026-01-31T00:00:00Z"
TEMPORAL_DAILY_PATH+="&aggrMethods=max&aggrPeriodDuration=P1D&limit=1000"
TEMPORAL_DETAIL=

# One query kind against the server (1 connection, then CONNS but for the daily query, whose
# answer is a thousand entities) and against the plain table: NAME LUA BASELINE_KIND [ARGS...]
temporal_query() {
  local name=$1 script=$2 kind=$3 base one_rps one_p50 one_p99 one_cpu
  shift 3
  note "$name: tsunagu (1 connection$([[ $name != temporal-daily ]] && echo ", then $CONNS"))," \
    "then the plain SQLite table"
  local WARMUP=$QUERY_WARMUP DURATION=$QUERY_DURATION
  if [[ $name == temporal-daily ]]; then
    # Seconds per answer: a few sequential requests rather than wrk's time windows.
    local out
    out=$(timeout 600 "$TEMPORAL_TOOL" get --port "$SERVER_PORT" --server-pid "$SERVER_PID" \
      --path "$TEMPORAL_DAILY_PATH" --runs 3)
    one_p50=$(round2 "$(echo "$out" | field p50_ms)") one_p99=$(round2 "$(echo "$out" | field p99_ms)")
    one_rps=$(awk -v p="$one_p50" 'BEGIN { printf "%.2f", (p > 0 ? 1000 / p : 0) }')
    one_cpu=$(round1 "$(echo "$out" | field cpu_us_per_request)")
  else
    run_wrk "$SERVER_PID" 1 "$SERVER_URL" "$script" "$@"
    warn_errors "$name" "$W_ERRORS"
    one_rps=$W_RPS one_p50=$W_P50 one_p99=$W_P99 one_cpu=$W_CPU_US
  fi
  base=$(timeout 600 "$TEMPORAL_TOOL" baseline --db "$WORK/temporal-base.db" \
    --sensors "$TEMPORAL_SENSORS" --readings "$TEMPORAL_READINGS" --kind "$kind" \
    --seconds "$SCAN_SECONDS")
  TEMPORAL_DETAIL+="$(echo "$base" | prefixed "base_${kind}_")"
  local base_p50
  base_p50=$(echo "$base" | field p50_ms)
  # As for the query scenarios: the 1-connection ratio is the baseline's p50 over Tsunagu's.
  add_row "$name" 1 "$one_rps" req/s "$one_p50" "$one_p99" "$one_cpu" \
    "plain SQLite table, p50 ms" "$(round2 "$base_p50")" - "$(ratio "$base_p50" "$one_p50")" \
    "$([[ $name == temporal-hourly ]] && echo "p99 < 50 ms")" \
    "$([[ $name == temporal-hourly ]] && below "$one_p99" 50)"
  [[ $name == temporal-daily ]] && return
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" "$script" "$@"
  warn_errors "$name" "$W_ERRORS"
  add_row "$name" "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "plain SQLite, 1 thread, queries/s" "$(round1 "$(awk -v p="$base_p50" \
      'BEGIN { print (p > 0 ? 1000 / p : 0) }')")" - \
    "$(ratio "$W_RPS" "$(awk -v p="$base_p50" 'BEGIN { print (p > 0 ? 1000 / p : 0) }')")" - -
}

scenario_temporal() {
  start_tsunagu temporal
  note "temporal: loading $TEMPORAL_SENSORS sensors x $TEMPORAL_READINGS readings through" \
    "POST /temporal/entities"
  local load base_load
  load=$(timeout 1800 "$TEMPORAL_TOOL" load --port "$SERVER_PORT" --server-pid "$SERVER_PID" \
    --sensors "$TEMPORAL_SENSORS" --readings "$TEMPORAL_READINGS" --conns 4)
  TEMPORAL_DETAIL+="$(echo "$load" | prefixed "load_")"
  TEMPORAL_DETAIL+=" db_bytes=$(db_bytes "$WORK/temporal/data")"
  rm -f "$WORK/temporal-base.db"*
  base_load=$(timeout 1800 "$TEMPORAL_TOOL" baseline --db "$WORK/temporal-base.db" \
    --sensors "$TEMPORAL_SENSORS" --readings "$TEMPORAL_READINGS" --kind lastn --seconds 1)
  TEMPORAL_DETAIL+=" base_load_rows_per_s=$(echo "$base_load" | field load_rows_per_s)"
  add_row temporal-load 4 "$(round1 "$(echo "$load" | field instances_per_s)")" instances/s \
    - - "$(round1 "$(echo "$load" | field cpu_us_per_instance)")" \
    "plain SQLite, 1,000 rows per commit" \
    "$(round1 "$(echo "$base_load" | field load_rows_per_s)")" - \
    "$(ratio "$(echo "$load" | field instances_per_s)" \
      "$(echo "$base_load" | field load_rows_per_s)")" - -
  temporal_query temporal-hourly temporal_hourly.lua hourly "$TEMPORAL_SENSORS"
  temporal_query temporal-lastn temporal_lastn.lua lastn "$TEMPORAL_SENSORS"
  temporal_query temporal-daily - daily
  stop_pid "$SERVER_PID"
  rm -f "$WORK/temporal-base.db"*
}

# The same PATCHes (bench/lua/patch_attr.lua, a new value and observedAt each) on a server with
# history and on one without: what recording history costs a write.
scenario_history_write() {
  local on_rps on_p50 on_p99 on_cpu
  for mode in off on; do
    if [[ $mode == off ]]; then start_tsunagu history-off --no-history; else
      start_tsunagu history-on; fi
    timeout 300 "$CLIENT" load --port "$SERVER_PORT" --template "$BENCH_DIR/shelter.json" \
      --count "$HISTORY_WRITE_N" --prefix h --batch "$BATCH" --conns 4 >/dev/null
    note "history-write: PATCH with history $mode ($CONNS connections)"
    run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" patch_attr.lua "$HISTORY_WRITE_N" h
    warn_errors "history-write ($mode)" "$W_ERRORS"
    stop_pid "$SERVER_PID"
    if [[ $mode == off ]]; then
      off_rps=$W_RPS off_cpu=$W_CPU_US
    fi
  done
  add_row history-write "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "same PATCHes, history off" "$off_rps" "$off_cpu" "$(ratio "$W_RPS" "$off_rps")" - -
}
