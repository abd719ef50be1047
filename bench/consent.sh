# The consent scenario of `make bench` (docs/performance.md, "Consent"), sourced by bench/run.sh:
#   query-personal  GET /entities?type=ChildcareApplication&limit=20 by a client that residents
#                   granted, where ChildcareApplication is declared personal: the store narrows
#                   the query to the granted subjects, each entity is decided again, and every
#                   entity returned is written to the audit log (one durable append per
#                   request). Against the same query of the same client on the Shelter type,
#                   which is not personal and has the same documents but the applicant, measured
#                   just before on the same server.
# The applications are loaded and the rule declared while the server runs without tokens; the
# grants are written into the platform database while it is stopped for the token scenarios
# (bench/auth.sh), as an operator's migration of paper consents would.

PERSONAL_N=$(((FIXTURE_N + 9) / 10))
PERSONAL_GRANTED=$((PERSONAL_N < 1000 ? PERSONAL_N : 1000))
PERSONAL_QUERY="$ENTITIES_URL?type=ChildcareApplication&limit=20"
PERSONAL_BASE_QUERY="$ENTITIES_URL?type=Shelter&limit=20"

prepare_personal_data() {
  note "query-personal: loading $PERSONAL_N applications and declaring them personal"
  timeout 1800 "$CLIENT" load --port "$SERVER_PORT" --template "$BENCH_DIR/application.json" \
    --count "$PERSONAL_N" --prefix a --batch "$BATCH" --conns 4 >/dev/null
  curl -fs -X PUT "$SERVER_URL/admin/v1/personal-data/_default" \
    -H 'Content-Type: application/json' \
    -d '[{"type":"ChildcareApplication","category":"childcare-application","subject":"applicant"}]' \
    >/dev/null || die "declaring the personal data failed"
}

# Grants of residents r0..r(PERSONAL_GRANTED-1) to the bench client, for a year.
write_personal_grants() {
  local now_ms=$(($(date +%s) * 1000))
  sqlite3 "$WORK/main/data/platform.sqlite" "
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $PERSONAL_GRANTED)
    INSERT INTO consent_grants(id, subject, client_id, tenant, category, purpose, granted,
                               expires, withdrawn)
    SELECT 'bench-grant-' || i, 'r' || i, '$AUTH_CLIENT_ID', '', 'childcare-application',
           'benchmark', $now_ms, $now_ms + 31536000000, NULL FROM n;" ||
    die "writing the consent grants failed"
}

scenario_query_personal() {
  note "query-personal: the same query on a non-personal type, then on the personal one"
  local token
  token=$(auth_token)
  [[ -n $token ]] || die "no token from $SERVER_URL/oauth2/token"
  local visible
  visible=$(curl -fs -H "Authorization: Bearer $token" -H 'Accept: application/json' \
    "$SERVER_URL$PERSONAL_QUERY&count=true" -o /dev/null -D - |
    awk -F': ' 'tolower($1) == "ngsild-results-count" { print $2 + 0 }')
  [[ ${visible:-0} -eq $PERSONAL_GRANTED ]] ||
    die "query-personal: $visible applications visible, $PERSONAL_GRANTED granted"
  export BENCH_TOKEN=$token  # fixed_get.lua sends it
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL$PERSONAL_BASE_QUERY" fixed_get.lua
  local base=$W_RPS base_cpu=$W_CPU_US
  local audit_before
  audit_before=$(sqlite3 "$WORK/main/data/platform.sqlite" "SELECT count(*) FROM audit_log")
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL$PERSONAL_QUERY" fixed_get.lua
  unset BENCH_TOKEN
  warn_errors query-personal "$W_ERRORS"
  local audited
  audited=$(sqlite3 "$WORK/main/data/platform.sqlite" "SELECT count(*) FROM audit_log")
  PERSONAL_DETAIL="applications=$PERSONAL_N granted=$PERSONAL_GRANTED audit_records=$((audited - audit_before))"
  add_row query-personal "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "same query, Shelter" "$base" "$base_cpu" "$(ratio "$W_RPS" "$base")" - -
}
