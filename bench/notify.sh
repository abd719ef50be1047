# The notify scenario of `make bench` (docs/performance.md, "Subscriptions"), sourced by
# bench/run.sh, whose helpers it uses: Tsunagu's notifications to a loopback receiver with
# NOTIFY_SUBSCRIPTIONS subscriptions present, NOTIFY_MATCHING of them matching every write,
# against mosquitto doing the same fan-out (bench/notify_scenario.hpp, bench/mqtt_baseline.hpp).

NOTIFY_TOOL=$BUILD_DIR/bench/tsunagu_notify_bench
NOTIFY_SUBSCRIPTIONS=$(scaled 10000)
NOTIFY_MATCHING=10
NOTIFY_ENTITIES=1000  # the PATCHes pick among them
NOTIFY_CONNS=${BENCH_NOTIFY_CONNECTIONS:-8}
MQTT_WINDOW=${BENCH_MQTT_WINDOW:-100}
NOTIFY_DETAIL=

# Starts mosquitto on a free loopback port, without persistence, with its configuration and log
# under $WORK/mosquitto. Sets MOSQUITTO_PID and MOSQUITTO_PORT.
start_mosquitto() {
  local dir=$WORK/mosquitto
  mkdir -p "$dir"
  MOSQUITTO_PORT=$("$CLIENT" free-port)
  # set_tcp_nodelay: as the receiver and the libmosquitto clients do; with Nagle's algorithm a
  # stream of small messages waits for acknowledgements.
  cat >"$dir/mosquitto.conf" <<EOF
listener $MOSQUITTO_PORT 127.0.0.1
allow_anonymous true
persistence false
set_tcp_nodelay true
log_dest file $dir/mosquitto.log
EOF
  mosquitto -c "$dir/mosquitto.conf" >"$dir/stdout.log" 2>&1 &
  MOSQUITTO_PID=$!
  PIDS+=("$MOSQUITTO_PID")
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$MOSQUITTO_PORT") 2>/dev/null && return 0
    kill -0 "$MOSQUITTO_PID" 2>/dev/null || break
    sleep 0.05
  done
  die "mosquitto did not start; see $dir/mosquitto.log"
}

# One run of the MQTT baseline: QOS BYTES RATE (messages/s, 0: as fast as the window allows);
# prints its key=value line.
run_mqtt_baseline() {
  timeout $((WARMUP + DURATION + 120)) "$NOTIFY_TOOL" mqtt --port "$MOSQUITTO_PORT" \
    --broker-pid "$MOSQUITTO_PID" --qos "$1" --bytes "$2" --rate "$3" \
    --subscribers "$NOTIFY_MATCHING" \
    --idle-subscriptions $((NOTIFY_SUBSCRIPTIONS - NOTIFY_MATCHING)) --window "$MQTT_WINDOW" --warmup "$WARMUP" --seconds "$DURATION"
}

# "k=v k=v" -> " PREFIXk=v PREFIXk=v", for the details of latest.json.
prefixed() { tr ' ' '\n' | awk -v p="$1" 'NF { printf " %s%s", p, $0 }'; }

warn_notify() {
  local key value
  for key in w0_failures w1_failures w2_failures missing unexpected duplicates; do
    value=$(echo "$1" | field "$key")
    if ((value > 0)); then note "WARNING: notify: $key=$value"; fi
  done
}

# Tsunagu first; then mosquitto as fast as it goes at QoS 0 and 1 (throughput), and at QoS 1 at
# the rate of Tsunagu's notifications (latency and CPU at the same load).
scenario_notify() {
  start_tsunagu notify
  note "notify: PATCHes with 0, $((NOTIFY_SUBSCRIPTIONS - NOTIFY_MATCHING)) and" \
    "$NOTIFY_SUBSCRIPTIONS subscriptions ($NOTIFY_CONNS connections), then mosquitto"
  local out q0 q1 same bytes rate
  timeout 300 "$CLIENT" load --port "$SERVER_PORT" --template "$BENCH_DIR/shelter.json" \
    --count "$NOTIFY_ENTITIES" --prefix n --batch "$BATCH" --conns 1 >/dev/null
  out=$(timeout $((3 * (WARMUP + DURATION) + 300)) "$NOTIFY_TOOL" notify --port "$SERVER_PORT" \
    --server-pid "$SERVER_PID" --prefix n --entities "$NOTIFY_ENTITIES" \
    --subscriptions "$NOTIFY_SUBSCRIPTIONS" --matching "$NOTIFY_MATCHING" \
    --conns "$NOTIFY_CONNS" --warmup "$WARMUP" --seconds "$DURATION")
  stop_pid "$SERVER_PID"
  warn_notify "$out"
  bytes=$(echo "$out" | field body_bytes)
  rate=$(awk -v n="$(echo "$out" | field notifications_per_s)" -v m="$NOTIFY_MATCHING" \
    'BEGIN { printf "%d", n / m + 0.5 }')
  start_mosquitto
  q0=$(run_mqtt_baseline 0 "$bytes" 0)
  q1=$(run_mqtt_baseline 1 "$bytes" 0)
  same=$(run_mqtt_baseline 1 "$bytes" $((rate > 0 ? rate : 1)))
  stop_pid "$MOSQUITTO_PID"
  NOTIFY_DETAIL="$(echo "$out" | prefixed "")$(echo "$q0" | prefixed mqtt0_)"
  NOTIFY_DETAIL+="$(echo "$q1" | prefixed mqtt1_)$(echo "$same" | prefixed mqtt1_same_rate_)"
  add_notify_rows "$out" "$q0" "$same"
  add_write_row notify-write-idle w1 "$out"
  add_write_row notify-write w2 "$out"
}

# Tsunagu's notifications against mosquitto's throughput at QoS 0, and against its latency at
# QoS 1 at the same rate (ratio: mosquitto's p50 / Tsunagu's, as for the query scenarios).
add_notify_rows() {
  local rate p50 p99 cpu base base_p50
  rate=$(echo "$1" | field notifications_per_s)
  p50=$(echo "$1" | field latency_p50_ms)
  p99=$(echo "$1" | field latency_p99_ms)
  cpu=$(round1 "$(echo "$1" | field cpu_us_per_notification)")
  base=$(echo "$2" | field deliveries_per_s)
  add_row notify "$NOTIFY_CONNS" "$(round1 "$rate")" notifications/s "$(round2 "$p50")" \
    "$(round2 "$p99")" "$cpu" "mosquitto QoS 0, 1 to $NOTIFY_MATCHING" "$(round1 "$base")" \
    "$(round1 "$(echo "$2" | field cpu_us_per_delivery)")" "$(ratio "$rate" "$base")" - -
  base_p50=$(echo "$3" | field p50_ms)
  add_row notify-latency "$NOTIFY_CONNS" "$(round1 "$rate")" notifications/s "$(round2 "$p50")" \
    "$(round2 "$p99")" "$cpu" "QoS 1 same rate, p50 ms" "$(round2 "$base_p50")" \
    "$(round1 "$(echo "$3" | field cpu_us_per_delivery)")" "$(ratio "$base_p50" "$p50")" - -
}

# A row of the writes of load PHASE (w1, w2) against the same writes without subscriptions (w0):
# NAME PHASE NOTIFY_OUTPUT.
add_write_row() {
  local rate base
  rate=$(echo "$3" | field "$2_per_s")
  base=$(echo "$3" | field w0_per_s)
  add_row "$1" "$NOTIFY_CONNS" "$(round1 "$rate")" req/s \
    "$(round2 "$(echo "$3" | field "$2_p50_ms")")" "$(round2 "$(echo "$3" | field "$2_p99_ms")")" \
    "$(round1 "$(echo "$3" | field "$2_cpu_us")")" "same PATCHes, 0 subscriptions" \
    "$(round1 "$base")" "$(round1 "$(echo "$3" | field w0_cpu_us)")" "$(ratio "$rate" "$base")" - -
}

# A value of NOTIFY_DETAIL, rounded to $2 decimals when given.
notify_value() {
  local value
  value=$(echo "$NOTIFY_DETAIL" | field "$1")
  if [[ -n ${2:-} ]]; then awk -v a="$value" -v d="$2" 'BEGIN { printf "%.*f", d, a }'; else
    echo "$value"; fi
}

# The lines under the table: what arrived, and the baselines' latencies.
print_notify_summary() {
  local n=notify_value
  echo "notify:  $($n subscriptions) subscriptions, $($n matching) matching each PATCH" \
    "(created at $($n subscribe_per_s 0)/s); of the $($n expected) notifications owed for the" \
    "writes of the window $($n received) arrived ($($n duplicates) twice, $($n unexpected)" \
    "unexpected); commit to receipt at most $($n latency_max_ms 1) ms, $($n early_share 2) of" \
    "them before the 2xx; server CPU per notification beyond the write's" \
    "$($n marginal_cpu_us_per_notification 1) us; body $($n body_bytes) B"
  echo "         mosquitto, publish to receipt p50/p99: QoS 0 $($n mqtt0_deliveries_per_s 0)" \
    "deliveries/s, $($n mqtt0_p50_ms 2) / $($n mqtt0_p99_ms 2) ms; QoS 1" \
    "$($n mqtt1_deliveries_per_s 0)/s, $($n mqtt1_p50_ms 2) / $($n mqtt1_p99_ms 2) ms" \
    "($($n mqtt0_window) messages in flight at most); QoS 1 at Tsunagu's rate:" \
    "$($n mqtt1_same_rate_p50_ms 2) / $($n mqtt1_same_rate_p99_ms 2) ms"
}
