#!/usr/bin/env bash
# Builds the libFuzzer targets under fuzz/ with clang and runs each for FUZZ_SECONDS (default 60)
# under AddressSanitizer and UndefinedBehaviorSanitizer. New inputs go to build/fuzz/corpus/<name>,
# so the seed corpus under fuzz/corpus/ stays as committed; a crash leaves its input in build/fuzz.
#
# clang 16: libstdc++ 12 declares std::expected only when __cpp_concepts >= 202002L, which clang
# does not define although it implements what <expected> needs (clang 14 cannot compile it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --fuzz

SECONDS_EACH=${FUZZ_SECONDS:-60}
OUT=build/fuzz
mkdir -p "$OUT"
CXX=clang++-16
FLAGS=(-std=c++2b -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -Wno-builtin-macro-redefined -U__cpp_concepts -D__cpp_concepts=202002L -I src)
LIBS=(-lboost_json -lboost_url -lre2 -lfmt)
MODEL=(src/model/entity.cpp src/model/error.cpp src/model/excerpt.cpp src/model/time.cpp
       src/model/uri.cpp src/model/geojson.cpp src/model/geometry.cpp)

declare -A SOURCES=(
  [q_parser]="src/query/q_ast.cpp src/query/q_eval.cpp src/query/q_lexical.cpp src/query/q_parser.cpp src/jsonld/context.cpp src/jsonld/iri.cpp"
  [geo_query]="src/query/geo_query.cpp"
  [scope_query]="src/query/scope_query.cpp src/query/term_expr.cpp src/query/q_lexical.cpp"
  [type_query]="src/query/type_query.cpp src/query/term_expr.cpp src/query/q_lexical.cpp"
)
declare -A CORPUS=([q_parser]=q [geo_query]=geo [scope_query]=scope [type_query]=type)

status=0
for name in "${!SOURCES[@]}"; do
  echo "fuzz: building $name"
  # shellcheck disable=SC2086
  $CXX "${FLAGS[@]}" "fuzz/${name}_fuzz.cpp" ${SOURCES[$name]} "${MODEL[@]}" "${LIBS[@]}" \
    -o "$OUT/${name}_fuzz"
  mkdir -p "$OUT/corpus/$name"
  echo "fuzz: running $name for ${SECONDS_EACH}s"
  if ! (cd "$OUT" && "./${name}_fuzz" -max_len=4200 -max_total_time="$SECONDS_EACH" \
          -print_final_stats=1 "corpus/$name" "../../fuzz/corpus/${CORPUS[$name]}" \
          > "${name}.log" 2>&1); then
    echo "fuzz: $name FAILED; see $OUT/${name}.log"
    status=1
  else
    grep -E "stat::number_of_executed_units" "$OUT/${name}.log" | sed "s/^/fuzz: $name /"
  fi
done
exit $status
