# shellcheck shell=bash
# The PostgreSQL scenarios of `make bench` (docs/performance.md, "PostgreSQL"), sourced by
# bench/run.sh, whose helpers they use. A throwaway cluster (scripts/pg-cluster.sh: fsync and
# synchronous_commit on, so that a 2xx is as durable as with SQLite) in the work directory, and a
# node on it (`--store postgresql://...`) with PG_FIXTURE_N Shelters b0..b(N-1) loaded by batch
# upsert. Each scenario runs the wrk script of its SQLite namesake and is reported twice: against
# its own baseline, and (row NAME/sqlite) against the SQLite figure of the same run when that
# scenario ran.
#   pg-get-by-id     GET by id (get_by_id.lua); baseline: nginx serving the same bytes
#   pg-query-type    GET ?type=Shelter&limit=20; baseline: nginx serving the same bytes
#   pg-patch-attr    PATCH of one attribute; baseline: pgbench, CONNS clients, each transaction an
#                    UPDATE of one row of a copy of the entities table holding PG_FIXTURE_N rows
#   pg-create        POST, 1 then CONNS connections; baseline: pgbench, 1 then CONNS clients, each
#                    transaction the INSERT of one row of the same document into a table shaped
#                    like the tenant's entities table (same columns and indexes)
#   pg-batch-upsert  100 entities per request, BATCH_CONNS connections; baseline: pgbench,
#                    BATCH_CONNS clients, each transaction one INSERT of 100 such rows
#   pg-two-nodes     a second node on the same database (another --data-dir): the create and
#                    get-by-id loads split over both nodes (two wrk at once, half the connections
#                    each) against the first node alone with all the connections; checks that
#                    each node reads what the other wrote and that no acknowledged create is lost
# The pgbench baselines store the entities row only: none of the value, geometry, summary and
# history rows a Tsunagu write adds.

# Loading the fixture into PostgreSQL is the longest step of these scenarios: a fifth of the
# SQLite fixture keeps them within about 2.5 minutes at BENCH_SCALE=1 (25 s of loading).
PG_FIXTURE_N=$(scaled 20000)
if ((PG_FIXTURE_N < FIXTURE_N)); then
  PG_FIXTURE_NOTE="PostgreSQL fixture $PG_FIXTURE_N entities, SQLite $FIXTURE_N"
else
  PG_FIXTURE_NOTE=-
fi
PG_DETAIL=
PG_BIN=
PG_DIR=
PG_URL=
PG_POSTMASTER=
PG_RUNS=0
PG_SCHEMA='"t__default"'
SHELTER_IRI=urn:ngsi-ld:Shelter:

wants_pg() {
  local s
  for s in $PG_SCENARIOS; do wants "$s" && return 0; done
  return 1
}

# The server programs of the newest PostgreSQL installed (Debian keeps them off PATH).
pg_check_setup() {
  local pgbench
  pgbench=$(printf '%s\n' /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)
  [[ -x $pgbench ]] || die "pgbench is missing (Debian: postgresql-15): run 'make deps'"
  PG_BIN=$(dirname "$pgbench")
  [[ -x $PG_BIN/psql ]] || die "$PG_BIN/psql is missing: run 'make deps'"
  # The caller's PG* variables (PGOPTIONS, PGSERVICE...) would change the baselines' sessions
  # or point them at another server.
  local name
  for name in $(compgen -e); do
    if [[ $name == PG* ]]; then unset "$name"; fi
  done
}

pg_start_cluster() {
  PG_DIR=$WORK/pg
  # As root, the cluster runs as the postgres user, who must be able to reach its directory.
  if [[ $(id -u) -eq 0 ]]; then chmod o+x "$WORK"; fi
  note "postgres: starting a throwaway cluster in $PG_DIR"
  PG_URL=$(timeout 180 bash "$ROOT/scripts/pg-cluster.sh" start "$PG_DIR" \
    2>"$WORK/pg-cluster.log") || die "the PostgreSQL cluster did not start; see $WORK/pg-cluster.log"
  PG_POSTMASTER=$(head -n 1 "$PG_DIR/data/postmaster.pid")
  PG_DETAIL+=" server=PostgreSQL_$(pg_sql 'SHOW server_version' | cut -d' ' -f1)"
  PG_DETAIL+=" fsync=$(pg_sql 'SHOW fsync') synchronous_commit=$(pg_sql 'SHOW synchronous_commit')"
}

# Stops the cluster and removes it, keeping its log beside the others (called on exit too).
pg_stop_cluster() {
  [[ -n $PG_DIR && -f $PG_DIR/url ]] || return 0
  cp "$PG_DIR/log" "$WORK/pg-server.log" 2>/dev/null || true
  timeout 60 bash "$ROOT/scripts/pg-cluster.sh" stop "$PG_DIR" >>"$WORK/pg-cluster.log" 2>&1 ||
    note "WARNING: stopping the PostgreSQL cluster in $PG_DIR failed"
  PG_DIR=
}

pg_sql() { "$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$PG_URL" -c "$1"; }

# CPU time (clock ticks) of the whole cluster so far: the postmaster, the children it has reaped
# (backends of closed connections) and its live children (backends, walwriter, checkpointer...).
pg_cpu_ticks() {
  local total pid
  total=$(sed 's/.*) //' "/proc/$PG_POSTMASTER/stat" | awk '{ print $12 + $13 + $14 + $15 }')
  for pid in $(pgrep -P "$PG_POSTMASTER" || true); do
    [[ -r /proc/$pid/stat ]] || continue
    total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}

# ---------------------------------------------------------------- the pgbench baselines

# The tables and scripts of the baselines, from the fixture's stored row of b0: bench.template
# holds its index columns and its document cut around the id; bench.entities and bench.patch have
# the tenant's entities table's columns and indexes. pgbench scripts cannot hold a ':' outside a
# variable (it would read a variable name), hence the id prefix in the template too.
pg_prepare_baselines() {
  local id=${SHELTER_IRI}b0 ok
  pg_sql "CREATE SCHEMA bench;
    CREATE TABLE bench.template AS
      SELECT types, attrs, kinds, instances, '${SHELTER_IRI}pg' AS prefix,
             split_part(doc, '\"$id\"', 1) || '\"' AS before_id,
             '\"' || split_part(doc, '\"$id\"', 2) AS after_id
        FROM $PG_SCHEMA.entities WHERE id = '$id';
    CREATE TABLE bench.entities (LIKE $PG_SCHEMA.entities INCLUDING ALL);"
  ok=$(pg_sql "SELECT count(*) FROM bench.template t JOIN $PG_SCHEMA.entities e
                 ON e.id = '$id' AND t.before_id || '$id' || t.after_id = e.doc")
  [[ $ok == 1 ]] || die "postgres: cannot cut the stored document of $id around its id"
  PG_DETAIL+=" doc_bytes=$(pg_sql "SELECT octet_length(doc) FROM $PG_SCHEMA.entities
                                   WHERE id = '$id'")"
  mkdir -p "$WORK/pgbench"
  # One new row per transaction; :n counts each client's transactions.
  cat >"$WORK/pgbench/insert.sql" <<'EOF'
\set n :n + 1
INSERT INTO bench.entities(id, types, attrs, kinds, instances, created_at, modified_at, doc)
SELECT x.id, t.types, t.attrs, t.kinds, t.instances, x.ms, x.ms, t.before_id || x.id || t.after_id
  FROM bench.template t,
       LATERAL (SELECT concat(t.prefix, CAST(:run AS text), '-', CAST(:client_id AS text), '-',
                              CAST(:n AS text)) AS id,
                       (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms) x;
EOF
  # BATCH new rows per transaction, in one statement.
  cat >"$WORK/pgbench/batch.sql" <<EOF
\\set n :n + 1
INSERT INTO bench.entities(id, types, attrs, kinds, instances, created_at, modified_at, doc)
SELECT x.id, t.types, t.attrs, t.kinds, t.instances, x.ms, x.ms, t.before_id || x.id || t.after_id
  FROM bench.template t, generate_series(1, $BATCH) g,
       LATERAL (SELECT concat(t.prefix, CAST(:run AS text), '-', CAST(:client_id AS text), '-',
                              CAST(:n AS text), '-', g) AS id,
                       (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms) x;
EOF
  # The update of one random row of PG_FIXTURE_N, its document rewritten (the same bytes).
  cat >"$WORK/pgbench/update.sql" <<EOF
\\set i random(0, $((PG_FIXTURE_N - 1)))
UPDATE bench.patch SET modified_at = (extract(epoch FROM clock_timestamp()) * 1000)::bigint,
                       doc = doc
 WHERE id = (SELECT concat(prefix, CAST(:i AS text)) FROM bench.template);
EOF
  if wants pg-patch-attr; then
    pg_sql "CREATE TABLE bench.patch (LIKE $PG_SCHEMA.entities INCLUDING ALL);
      INSERT INTO bench.patch(id, types, attrs, kinds, instances, created_at, modified_at, doc)
      SELECT x.id, t.types, t.attrs, t.kinds, t.instances, 0, 0, t.before_id || x.id || t.after_id
        FROM bench.template t, generate_series(0, $((PG_FIXTURE_N - 1))) g,
             LATERAL (SELECT t.prefix || g AS id) x;"
    pg_sql "VACUUM ANALYZE bench.patch"
  fi
}

# Runs pgbench with a script of $WORK/pgbench (after a warm-up of WARMUP seconds), DURATION
# seconds, in prepared mode.
#   run_pgbench NAME CLIENTS SCRIPT ROWS_PER_TRANSACTION
# Sets P_RATE (rows/s, from pgbench's tps without connection time) and P_CPU_US (the cluster's
# CPU per row; pgbench's own is not counted); adds the latencies of its transactions to
# BASELINE_DETAIL.
run_pgbench() {
  local name=$1 clients=$2 file=$WORK/pgbench/$3 per_tx=$4 out log=$WORK/pgbench/log-$1
  local threads=$((clients < WRK_THREADS ? clients : WRK_THREADS)) cpu0 cpu1
  local common=(-n -M prepared -c "$clients" -j "$threads" -f "$file" -D n=0)
  # Each run its own ids: the number of the run, w for the warm-up and m for the measurement.
  PG_RUNS=$((PG_RUNS + 1))
  if ((WARMUP > 0)); then
    timeout $((WARMUP + 60)) "$PG_BIN/pgbench" "${common[@]}" -T "$WARMUP" \
      -D "run=${PG_RUNS}w" "$PG_URL" >>"$WORK/pgbench.log" 2>&1 ||
      die "pgbench $name failed; see $WORK/pgbench.log"
  fi
  cpu0=$(pg_cpu_ticks)
  out=$(timeout $((DURATION + 60)) "$PG_BIN/pgbench" "${common[@]}" -T "$DURATION" \
    -D "run=${PG_RUNS}m" -l --log-prefix="$log" "$PG_URL" 2>>"$WORK/pgbench.log") ||
    die "pgbench $name failed; see $WORK/pgbench.log"
  # The backends of pgbench's connections exit now; their time counts once they are reaped.
  sleep 0.3
  cpu1=$(pg_cpu_ticks)
  echo "$out" >>"$WORK/pgbench.log"
  local tps processed failed p50 p99
  tps=$(echo "$out" | awk '/^tps = / { print $3 }')
  processed=$(echo "$out" | awk -F': ' '/^number of transactions actually processed/ { print $2 }')
  failed=$(echo "$out" | awk '/^number of failed transactions/ { print $5 }')
  [[ -n $tps && -n $processed ]] || die "pgbench $name printed no result; see $WORK/pgbench.log"
  if ((${failed:-0} > 0)); then note "WARNING: pgbench $name: $failed transactions failed"; fi
  P_RATE=$(awk -v t="$tps" -v r="$per_tx" 'BEGIN { printf "%.1f", t * r }')
  P_CPU_US=$(awk -v t=$((cpu1 - cpu0)) -v hz="$TICKS_PER_S" -v n="$processed" -v r="$per_tx" \
    'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / (n * r) : 0) }')
  # The per-transaction log: client, transaction, latency in microseconds, ...
  read -r p50 p99 < <(cat "$log".* | awk '{ print $3 }' | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- -"; exit }
    printf "%.2f %.2f\n", v[int((NR - 1) * 0.50) + 1] / 1000, v[int((NR - 1) * 0.99) + 1] / 1000 }')
  rm -f "$log".*
  BASELINE_DETAIL+=" pgbench_${name}_tx_p50_ms=$p50 pgbench_${name}_tx_p99_ms=$p99"
  BASELINE_DETAIL+=" pgbench_${name}_cpu_us_per_row=$P_CPU_US"
}

# ---------------------------------------------------------------- nodes and measurements

# Starts a node on the cluster with the data directory $WORK/NAME (its platform database); sets
# what start_tsunagu sets.
start_pg_node() {
  # shellcheck disable=SC2086
  start_tsunagu "$1" --store "$PG_URL" ${BENCH_SERVER_ARGS:-}
}

# run_wrk against the first node, with the cluster's CPU per request too (PG_CPU_US).
pg_run_wrk() {
  WRK_ALSO_CPU=pg_cpu_ticks run_wrk "$PG1_PID" "$@"
  PG_CPU_US=$W_ALSO_CPU_US
}

# The SQLite row NAME of this run: "throughput cpu_us", or nothing when it did not run.
sqlite_figure() { awk -F'|' -v s="$1" '$1 == s { print $3, $7; exit }' "$ROWS"; }

# The row NAME/sqlite: the PostgreSQL figure just measured (W_*) against the SQLite row SQLITE.
#   pg_vs_sqlite NAME SQLITE CONNS VALUE UNIT CPU_US [NOTE]
# NOTE "fixture" says how the fixtures differ, when they do (reads and PATCHes pick among them).
pg_vs_sqlite() {
  local figure value cpu
  figure=$(sqlite_figure "$2")
  [[ -n $figure ]] || return 0
  read -r value cpu <<<"$figure"
  add_row "$1/sqlite" "$3" "$4" "$5" "$W_P50" "$W_P99" "$6" "$2 (SQLite)" "$value" "$cpu" \
    "$(ratio "$4" "$value")" - - "$([[ ${7:-} == fixture ]] && echo "$PG_FIXTURE_NOTE" || echo -)"
}

# The cluster's CPU per operation of a row, for the summary and latest.json.
pg_cpu_detail() { PG_DETAIL+=" $1_cluster_cpu_us=$2"; }

# A node on the cluster with the fixture, the baselines' tables, and nginx serving its answers.
prepare_pg_server() {
  start_pg_node pg1
  PG1_PID=$SERVER_PID PG1_URL=$SERVER_URL PG1_PORT=$SERVER_PORT
  note "postgres: loading $PG_FIXTURE_N entities by batch upsert"
  local load t0 cpu0
  t0=$(date +%s%N)
  cpu0=$(pg_cpu_ticks)
  load=$(timeout 1800 "$CLIENT" load --port "$PG1_PORT" --template "$BENCH_DIR/shelter.json" \
    --count "$PG_FIXTURE_N" --prefix b --batch "$BATCH" --conns 4)
  PG_DETAIL+=" fixture_entities=$PG_FIXTURE_N"
  PG_DETAIL+=" fixture_entities_per_s=$(echo "$load" | field entities_per_s)"
  PG_DETAIL+=" fixture_cluster_cpu_us_per_entity=$(awk -v t=$(($(pg_cpu_ticks) - cpu0)) \
    -v hz="$TICKS_PER_S" -v n="$PG_FIXTURE_N" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')"
  PG_DETAIL+=" fixture_load_s=$(awk -v t=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.1f", t / 1e9 }')"
  # Statistics, as autovacuum would gather within a minute: the planner of a table loaded just now
  # still takes it for empty, and sorts every Shelter to answer ?type=Shelter&limit=20 (4x slower
  # at 2,000 entities, worse the more there are).
  pg_sql "ANALYZE"
  pg_prepare_baselines
  # The nginx baselines serve the PostgreSQL node's answers; the SQLite node's, when it ran, must
  # be the same bytes.
  mkdir -p "$WORK/nginx/html"
  curl -fs -H 'Accept: application/json' "$PG1_URL$ENTITIES_URL/${SHELTER_IRI}b1" \
    >"$WORK/pg-entity.json" || die "postgres: GET ${SHELTER_IRI}b1 failed"
  if [[ -s $WORK/nginx/html/entity.json ]] &&
    ! cmp -s "$WORK/nginx/html/entity.json" "$WORK/pg-entity.json"; then
    note "WARNING: the PostgreSQL node's answer to GET ${SHELTER_IRI}b1 differs from SQLite's"
    diff "$WORK/nginx/html/entity.json" "$WORK/pg-entity.json" >&2 || true
  fi
  cp "$WORK/pg-entity.json" "$WORK/nginx/html/entity.json"
  curl -fs -H 'Accept: application/json' "$PG1_URL$QUERY_PATH" >"$WORK/nginx/html/query.json" ||
    die "postgres: GET $QUERY_PATH failed"
  start_nginx
  PG_NGINX_PID=$NGINX_PID PG_NGINX_URL=$NGINX_URL
}

# ---------------------------------------------------------------- scenarios

scenario_pg_get_by_id() {
  note "pg-get-by-id: nginx baseline, then the PostgreSQL node ($CONNS connections)"
  run_wrk "$PG_NGINX_PID" "$CONNS" "$PG_NGINX_URL/entity.json" fixed_get.lua
  local base=$W_RPS base_cpu=$W_CPU_US
  pg_run_wrk "$CONNS" "$PG1_URL" get_by_id.lua "$PG_FIXTURE_N" b
  warn_errors pg-get-by-id "$W_ERRORS"
  add_row pg-get-by-id "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "nginx $(stat -c %s "$WORK/nginx/html/entity.json") B" "$base" "$base_cpu" \
    "$(ratio "$W_RPS" "$base")" - -
  pg_cpu_detail get_by_id "$PG_CPU_US"
  pg_vs_sqlite pg-get-by-id get-by-id "$CONNS" "$W_RPS" req/s "$W_CPU_US" fixture
}

scenario_pg_query_type() {
  note "pg-query-type: nginx baseline, then the PostgreSQL node ($CONNS connections)"
  run_wrk "$PG_NGINX_PID" "$CONNS" "$PG_NGINX_URL/query.json" fixed_get.lua
  local base=$W_RPS base_cpu=$W_CPU_US
  pg_run_wrk "$CONNS" "$PG1_URL$QUERY_PATH" fixed_get.lua
  warn_errors pg-query-type "$W_ERRORS"
  add_row pg-query-type "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "nginx $(stat -c %s "$WORK/nginx/html/query.json") B" "$base" "$base_cpu" \
    "$(ratio "$W_RPS" "$base")" - -
  pg_cpu_detail query_type "$PG_CPU_US"
  pg_vs_sqlite pg-query-type query-type "$CONNS" "$W_RPS" req/s "$W_CPU_US" fixture
}

scenario_pg_patch_attr() {
  note "pg-patch-attr: the PostgreSQL node ($CONNS connections), then pgbench ($CONNS clients," \
    "one UPDATE per transaction)"
  pg_run_wrk "$CONNS" "$PG1_URL" patch_attr.lua "$PG_FIXTURE_N" b
  warn_errors pg-patch-attr "$W_ERRORS"
  local rps=$W_RPS cpu=$W_CPU_US
  pg_cpu_detail patch_attr "$PG_CPU_US"
  run_pgbench update "$CONNS" update.sql 1
  add_row pg-patch-attr "$CONNS" "$rps" req/s "$W_P50" "$W_P99" "$cpu" \
    "pgbench, 1 UPDATE/tx" "$P_RATE" "$P_CPU_US" "$(ratio "$rps" "$P_RATE")" - -
  pg_vs_sqlite pg-patch-attr patch-attr "$CONNS" "$rps" req/s "$cpu" fixture
}

scenario_pg_create() {
  local n
  for n in 1 "$CONNS"; do
    note "pg-create: pgbench ($n clients, 1 row per transaction), then the PostgreSQL node" \
      "($n connections)"
    run_pgbench "insert$n" "$n" insert.sql 1
    pg_run_wrk "$n" "$PG1_URL" create.lua @RUN@
    warn_errors "pg-create-$n" "$W_ERRORS"
    add_row "pg-create-${n}conn" "$n" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
      "pgbench, 1 row/tx" "$P_RATE" "$P_CPU_US" "$(ratio "$W_RPS" "$P_RATE")" - -
    pg_cpu_detail "create_${n}conn" "$PG_CPU_US"
    pg_vs_sqlite "pg-create-${n}conn" "create-${n}conn" "$n" "$W_RPS" req/s \
      "$W_CPU_US"
  done
}

scenario_pg_batch_upsert() {
  note "pg-batch-upsert: pgbench ($BATCH_CONNS clients, $BATCH rows per transaction), then the" \
    "PostgreSQL node ($BATCH_CONNS connections)"
  run_pgbench batch "$BATCH_CONNS" batch.sql "$BATCH"
  pg_run_wrk "$BATCH_CONNS" "$PG1_URL" batch_upsert.lua @RUN@ "$BATCH"
  warn_errors pg-batch-upsert "$W_ERRORS"
  local eps cpu
  eps=$(awk -v r="$W_RPS" -v b="$BATCH" 'BEGIN { printf "%.1f", r * b }')
  cpu=$(awk -v c="$W_CPU_US" -v b="$BATCH" 'BEGIN { printf "%.1f", c / b }')
  add_row pg-batch-upsert "$BATCH_CONNS" "$eps" entities/s "$W_P50" "$W_P99" "$cpu" \
    "pgbench, $BATCH rows/tx" "$P_RATE" "$P_CPU_US" \
    "$(ratio "$eps" "$P_RATE")" - -
  pg_cpu_detail batch_upsert "$(awk -v c="$PG_CPU_US" -v b="$BATCH" \
    'BEGIN { printf "%.1f", c / b }')"
  pg_vs_sqlite pg-batch-upsert batch-upsert "$BATCH_CONNS" "$eps" entities/s "$cpu"
}

# wrk against the two nodes at once, CONNS/2 connections and one thread each (two threads in
# all, as run_wrk has), same script and arguments; "@RUN@" becomes a prefix that differs between
# warm-up and measurement and between the nodes (PAIR_RUN + a or b).
#   pg_wrk_pair SCRIPT [ARGS...]
# Sets W_RPS (the sum), W_P50 and W_P99 (the higher of the two), W_ERRORS, W_OK (2xx answers),
# W_CPU_US (both nodes' CPU per request) and PG_CPU_US (the cluster's).
pg_wrk_pair() {
  local script=$1 half=$((CONNS / 2)) run pid0 pid1 cpu0 cpu1 pg0 pg1
  shift
  local common=(-t1 -c"$half" --timeout 10s -s "$BENCH_DIR/lua/$script")
  PAIR_RUN=p$RANDOM$RANDOM
  for run in "w$RANDOM" "$PAIR_RUN"; do
    if [[ $run == "$PAIR_RUN" ]]; then
      cpu0=$(($(cpu_ticks "$PG1_PID") + $(cpu_ticks "$PG2_PID")))
      pg0=$(pg_cpu_ticks)
    elif ((WARMUP == 0)); then
      continue
    fi
    local secs=$DURATION
    [[ $run == "$PAIR_RUN" ]] || secs=$WARMUP
    timeout $((secs + 60)) wrk "${common[@]}" -d"${secs}s" "$PG1_URL" -- "${@//@RUN@/${run}a}" \
      >"$WORK/wrk-a.out" &
    pid0=$!
    timeout $((secs + 60)) wrk "${common[@]}" -d"${secs}s" "$PG2_URL" -- "${@//@RUN@/${run}b}" \
      >"$WORK/wrk-b.out" &
    pid1=$!
    wait "$pid0" || die "wrk against the first node failed"
    wait "$pid1" || die "wrk against the second node failed"
  done
  cpu1=$(($(cpu_ticks "$PG1_PID") + $(cpu_ticks "$PG2_PID")))
  pg1=$(pg_cpu_ticks)
  cat "$WORK/wrk-a.out" "$WORK/wrk-b.out" >>"$WORK/wrk.log"
  W_RPS=
  read -r W_RPS W_P50 W_P99 W_ERRORS W_OK W_CPU_US PG_CPU_US < <(cat "$WORK/wrk-a.out" \
    "$WORK/wrk-b.out" | awk -v ticks=$((cpu1 - cpu0)) -v pg=$((pg1 - pg0)) \
    -v hz="$TICKS_PER_S" '/^BENCH_RESULT/ {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      n++
      requests += v["requests"]
      rps += v["requests"] / (v["duration_us"] / 1e6)
      if (v["p50_us"] > p50) p50 = v["p50_us"]
      if (v["p99_us"] > p99) p99 = v["p99_us"]
      non2xx += v["non2xx"]
      errors += v["non2xx"] + v["connect_errors"] + v["read_errors"] + v["write_errors"] + \
                v["timeouts"]
    }
    END {
      if (n != 2) exit 1
      printf "%.1f %.2f %.2f %d %d %.1f %.1f\n", rps, p50 / 1000, p99 / 1000, errors,
             requests - non2xx, (requests > 0 ? ticks / hz * 1e6 / requests : 0),
             (requests > 0 ? pg / hz * 1e6 / requests : 0)
    }') || true
  [[ -n ${W_RPS:-} ]] || die "wrk printed no result; see $WORK/wrk-a.out and $WORK/wrk-b.out"
}

# The entities with an id that starts with PREFIX, in the default tenant.
pg_count_ids() {
  pg_sql "SELECT count(*) FROM $PG_SCHEMA.entities WHERE id LIKE '${SHELTER_IRI}$1%'"
}

# The id of the last entity stored whose id starts with PREFIX.
pg_last_id() {
  pg_sql "SELECT id FROM $PG_SCHEMA.entities WHERE id LIKE '${SHELTER_IRI}$1%'
          ORDER BY rid DESC LIMIT 1"
}

# GET of ID on the node at URL must answer 200.
pg_check_read() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/json' \
    "$1$ENTITIES_URL/$2")
  [[ $code == 200 ]] && return 0
  note "WARNING: pg-two-nodes: GET $2 on $1 answered $code"
  PG_TWO_NODES_FAILED=$((PG_TWO_NODES_FAILED + 1))
}

scenario_pg_two_nodes() {
  ((CONNS >= 2)) || die "pg-two-nodes needs BENCH_CONNECTIONS >= 2"
  local shared="2 cores shared by PostgreSQL, both nodes and wrk: shows sharing works under"
  shared+=" load and its overhead, not scale-out"
  PG_TWO_NODES_FAILED=0
  start_pg_node pg2
  PG2_PID=$SERVER_PID PG2_URL=$SERVER_URL
  # The second node reads what the first wrote, byte for byte.
  local node
  for node in 1 2; do
    local url=$PG1_URL
    [[ $node == 2 ]] && url=$PG2_URL
    curl -fs -H 'Accept: application/json' "$url$ENTITIES_URL/${SHELTER_IRI}b1" \
      >"$WORK/pg-two-nodes-$node.json" || die "pg-two-nodes: node $node cannot read ${SHELTER_IRI}b1"
  done
  if ! cmp -s "$WORK/pg-two-nodes-1.json" "$WORK/pg-two-nodes-2.json"; then
    note "WARNING: pg-two-nodes: the nodes answer GET ${SHELTER_IRI}b1 differently"
    PG_TWO_NODES_FAILED=$((PG_TWO_NODES_FAILED + 1))
  fi

  note "pg-two-nodes: create, one node ($CONNS connections), then two ($((CONNS / 2)) each)"
  pg_run_wrk "$CONNS" "$PG1_URL" create.lua @RUN@
  warn_errors pg-two-nodes-create-one "$W_ERRORS"
  local one=$W_RPS one_cpu=$W_CPU_US created a_rows b_rows
  pg_wrk_pair create.lua @RUN@
  warn_errors pg-two-nodes-create "$W_ERRORS"
  # Every create answered 2xx is in the database (more may be: wrk stops with requests in flight),
  # and each node reads what the other created.
  a_rows=$(pg_count_ids "${PAIR_RUN}a-")
  b_rows=$(pg_count_ids "${PAIR_RUN}b-")
  created=$((a_rows + b_rows))
  if ((created < W_OK)); then
    note "WARNING: pg-two-nodes: $W_OK creates answered 2xx, but $created entities are stored"
    PG_TWO_NODES_FAILED=$((PG_TWO_NODES_FAILED + 1))
  fi
  pg_check_read "$PG2_URL" "$(pg_last_id "${PAIR_RUN}a-")"
  pg_check_read "$PG1_URL" "$(pg_last_id "${PAIR_RUN}b-")"
  PG_DETAIL+=" two_nodes_create_2xx=$W_OK two_nodes_create_stored=$created"
  PG_DETAIL+=" two_nodes_create_stored_via_first=$a_rows two_nodes_create_stored_via_second=$b_rows"
  pg_cpu_detail two_nodes_create "$PG_CPU_US"
  add_row pg-two-nodes-create "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "one node, same conns" "$one" "$one_cpu" "$(ratio "$W_RPS" "$one")" - - "$shared"

  note "pg-two-nodes: get-by-id, one node ($CONNS connections), then two ($((CONNS / 2)) each)"
  pg_run_wrk "$CONNS" "$PG1_URL" get_by_id.lua "$PG_FIXTURE_N" b
  warn_errors pg-two-nodes-get-one "$W_ERRORS"
  one=$W_RPS one_cpu=$W_CPU_US
  pg_wrk_pair get_by_id.lua "$PG_FIXTURE_N" b
  warn_errors pg-two-nodes-get "$W_ERRORS"
  pg_cpu_detail two_nodes_get "$PG_CPU_US"
  add_row pg-two-nodes-get "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "one node, same conns" "$one" "$one_cpu" "$(ratio "$W_RPS" "$one")" - - "$shared"
  PG_DETAIL+=" two_nodes_failed_checks=$PG_TWO_NODES_FAILED"
  stop_pid "$PG2_PID"
}

# Lines at warn level or above in the nodes' logs (the servers run with --log-level warn, so
# any line is one) but the warning of --insecure-no-auth at start: a non-2xx in a PostgreSQL
# scenario is a bug, and they say why.
pg_report_logs() {
  local log lines
  for log in "$WORK"/pg1/server.log "$WORK"/pg2/server.log; do
    [[ -f $log ]] || continue
    lines=$(grep -vc 'tokens are NOT required' "$log" || true)
    ((lines > 0)) || continue
    note "WARNING: $log has $lines lines of warnings or errors; the first:"
    grep -v 'tokens are NOT required' "$log" | head -n 5 >&2
  done
}

# The PostgreSQL scenarios, from the cluster's start to its stop.
run_pg_scenarios() {
  pg_start_cluster
  prepare_pg_server
  [[ $PG_FIXTURE_NOTE == - ]] || note "postgres: $PG_FIXTURE_NOTE (a fifth, to keep the run short)"
  if wants pg-get-by-id; then scenario_pg_get_by_id; fi
  if wants pg-query-type; then scenario_pg_query_type; fi
  if wants pg-patch-attr; then scenario_pg_patch_attr; fi
  if wants pg-create; then scenario_pg_create; fi
  if wants pg-batch-upsert; then scenario_pg_batch_upsert; fi
  if wants pg-two-nodes; then scenario_pg_two_nodes; fi
  PG_DETAIL+=" entities_at_end=$(pg_sql "SELECT count(*) FROM $PG_SCHEMA.entities")"
  # The tenant's tables and indexes (history included), not the baselines' tables.
  PG_DETAIL+=" tenant_bytes=$(pg_sql "SELECT sum(pg_total_relation_size(c.oid))
    FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
   WHERE s.nspname = 't__default' AND c.relkind IN ('r', 'm')")"
  local pid
  for pid in "${PIDS[@]+"${PIDS[@]}"}"; do stop_pid "$pid"; done
  pg_report_logs
  pg_stop_cluster
}

print_pg_summary() {
  echo "postgres: ${PG_DETAIL# }"
  echo "          cluster CPU per request or entity (PostgreSQL's processes) in *_cluster_cpu_us;"
  echo "          pgbench rows: baseline cpu us is the cluster's per row"
}
