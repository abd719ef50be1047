# The oneID scenarios of `make bench` (docs/performance.md, "Tokens"), sourced by bench/run.sh,
# whose helpers and request server they use:
#   token-issue     client_credentials tokens per second (each an ES256 signature), against nginx
#                   serving a token response of the same size;
#   get-by-id-auth  GET by id with a bearer token checked on every request, against the same load
#                   without tokens on the same data, measured just before (the cost of the
#                   check: an ES256 verification and the claim checks).
# Both need a server that requires tokens: the request server is restarted without
# --insecure-no-auth on the same data directory, with a client registered meanwhile.

AUTH_DETAIL=

# Stops the request server, registers a client in its data directory and starts it again with
# tokens required. Sets AUTH_CLIENT_ID and AUTH_CLIENT_SECRET.
restart_with_tokens() {
  stop_pid "$SERVER_PID"
  local out
  out=$("$TSUNAGU" clients add --data-dir "$WORK/main/data" --name bench \
    --scope ngsi-ld:read --scope ngsi-ld:write)
  AUTH_CLIENT_ID=$(echo "$out" | awk -F= '$1 == "client_id" { print $2 }')
  AUTH_CLIENT_SECRET=$(echo "$out" | awk -F= '$1 == "client_secret" { print $2 }')
  [[ -n $AUTH_CLIENT_ID && -n $AUTH_CLIENT_SECRET ]] || die "tsunagu clients add failed: $out"
  if wants query-personal; then write_personal_grants; fi
  # shellcheck disable=SC2086
  REQUIRE_TOKENS=1 start_tsunagu main ${BENCH_SERVER_ARGS:-}
}

# A token of the bench client.
auth_token() {
  curl -fs -u "$AUTH_CLIENT_ID:$AUTH_CLIENT_SECRET" -d grant_type=client_credentials \
    "$SERVER_URL/oauth2/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

scenario_token_issue() {
  note "token-issue: nginx baseline, then tsunagu ($CONNS connections)"
  curl -fs -u "$AUTH_CLIENT_ID:$AUTH_CLIENT_SECRET" -d grant_type=client_credentials \
    "$SERVER_URL/oauth2/token" >"$WORK/nginx/html/token.json"
  run_wrk "$NGINX_PID" "$CONNS" "$NGINX_URL/token.json" fixed_get.lua
  local base=$W_RPS base_cpu=$W_CPU_US
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" token_issue.lua "$AUTH_CLIENT_ID" \
    "$AUTH_CLIENT_SECRET"
  warn_errors token-issue "$W_ERRORS"
  add_row token-issue "$CONNS" "$W_RPS" tokens/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "nginx $(stat -c %s "$WORK/nginx/html/token.json") B" "$base" "$base_cpu" \
    "$(ratio "$W_RPS" "$base")" - -
}

# The baseline half of get-by-id-auth, on the server without tokens: run before the restart.
measure_get_by_id_without_tokens() {
  note "get-by-id-auth: baseline without tokens ($CONNS connections)"
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" get_by_id.lua "$FIXTURE_N" b
  AUTH_BASE_RPS=$W_RPS
  AUTH_BASE_CPU=$W_CPU_US
  AUTH_BASE_P50=$W_P50
}

scenario_get_by_id_auth() {
  note "get-by-id-auth: tsunagu with a bearer token on every request ($CONNS connections)"
  local token
  token=$(auth_token)
  [[ -n $token ]] || die "no token from $SERVER_URL/oauth2/token"
  run_wrk "$SERVER_PID" "$CONNS" "$SERVER_URL" get_by_id.lua "$FIXTURE_N" b "$token"
  warn_errors get-by-id-auth "$W_ERRORS"
  local r
  r=$(ratio "$W_RPS" "$AUTH_BASE_RPS")
  AUTH_DETAIL="no_auth_p50_ms=$AUTH_BASE_P50 token_bytes=${#token}"
  add_row get-by-id-auth "$CONNS" "$W_RPS" req/s "$W_P50" "$W_P99" "$W_CPU_US" \
    "same, no token" "$AUTH_BASE_RPS" "$AUTH_BASE_CPU" "$r" ">= 0.8 x no token" \
    "$(at_least "$r" 0.8)"
}
