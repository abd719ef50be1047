// libFuzzer target for the q language: every input either parses into a tree that keeps the
// invariants documented in query/q_ast.hpp, or fails with BadRequestData naming a position. Trees
// are printed and evaluated against an entity that has an attribute of every kind, so the
// evaluator sees every path the parser can produce. Any other outcome (crash, sanitizer report,
// broken invariant) is a finding.
//
// Build and run (from the repository root). libstdc++ 12 declares std::expected only when
// __cpp_concepts >= 202002L, which clang up to 18 does not define although clang 16 implements
// what <expected> needs; hence the override. clang 14 cannot compile <expected> at all.
//   clang++-16 -std=c++2b -g -O1 -fsanitize=fuzzer,address,undefined \
//     -fno-sanitize-recover=undefined -Wno-builtin-macro-redefined \
//     -U__cpp_concepts -D__cpp_concepts=202002L -I src \
//     fuzz/q_parser_fuzz.cpp src/query/q_*.cpp src/jsonld/context.cpp src/jsonld/iri.cpp \
//     src/model/entity.cpp src/model/error.cpp src/model/excerpt.cpp src/model/time.cpp \
//     src/model/uri.cpp -lboost_json -lboost_url -lre2 -lfmt -o build/fuzz/q_parser_fuzz
//   mkdir -p build/fuzz/corpus
//   build/fuzz/q_parser_fuzz -max_len=4200 -max_total_time=60 build/fuzz/corpus fuzz/corpus/q
// (new inputs go to the first directory, so the seed corpus stays as committed).

#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "jsonld/context.hpp"
#include "model/entity.hpp"
#include "query/q_eval.hpp"
#include "query/q_parser.hpp"

namespace {

using namespace tsunagu;

// A user @context without the core one: enough terms, a prefix and @vocab to exercise expansion,
// and a null mapping and a keyword alias to exercise the rejections.
std::shared_ptr<const jsonld::Context> make_context() {
  jsonld::ContextBuilder builder;
  auto st = builder.apply(boost::json::parse(R"({
    "@vocab": "https://ex.org/",
    "schema": "https://schema.org/",
    "id": "@id",
    "type": "@type",
    "hidden": null,
    "Male": "https://ex.org/vocab/Male"
  })"));
  if (!st) std::abort();
  return std::move(builder).build();
}

model::Attribute attribute(model::AttributeKind kind, std::string_view value_json) {
  model::Attribute a;
  a.kind = kind;
  a.value = boost::json::parse(value_json);
  return a;
}

void put(model::AttributeList& list, std::string_view term, model::Attribute a) {
  model::put_instance(list, "https://ex.org/" + std::string(term), std::move(a));
}

model::Entity make_entity() {
  using K = model::AttributeKind;
  model::Entity e;
  e.id = "urn:ngsi-ld:Thing:1";
  e.types = {"https://ex.org/Thing"};
  model::Attribute temperature = attribute(K::Property, "21.5");
  temperature.observed_at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  temperature.unit_code = "CEL";
  put(temperature.sub_attributes, "accuracy", attribute(K::Property, "0.5"));
  put(e.attributes, "temperature", std::move(temperature));
  model::Attribute gps = attribute(K::Property, "80");
  gps.dataset_id = "urn:ngsi-ld:ds:gps";
  put(e.attributes, "a", attribute(K::Property, R"({"b":{"c":[1,"x",true]},"s":"text"})"));
  put(e.attributes, "a", std::move(gps));
  put(e.attributes, "name", attribute(K::Property, R"("Mercedes")"));
  put(e.attributes, "when", attribute(K::Property, R"("2024-05-01T09:00:00Z")"));
  put(e.attributes, "rel", attribute(K::Relationship, R"(["urn:x:1","urn:x:2"])"));
  put(e.attributes, "parts", attribute(K::ListRelationship, R"([{"object":"urn:p:1"},"urn:p:2"])"));
  put(e.attributes, "label", attribute(K::LanguageProperty, R"({"en":"red","de":["rot"]})"));
  put(e.attributes, "gender", attribute(K::VocabProperty, R"("https://ex.org/vocab/Male")"));
  put(e.attributes, "list", attribute(K::ListProperty, "[1,2,3]"));
  put(e.attributes, "raw", attribute(K::JsonProperty, R"({"value":"v"})"));
  put(e.attributes, "location",
      attribute(K::GeoProperty, R"({"type":"Point","coordinates":[1,2]})"));
  return e;
}

void check(bool condition) {
  if (!condition) std::abort();
}

void check_tree(const query::Expr& e) {
  if (e.kind == query::Expr::Kind::Leaf) {
    const auto& c = e.leaf;
    const bool patterned = c.op == query::Op::Match || c.op == query::Op::NotMatch;
    check(patterned == (c.pattern != nullptr));
    check(!c.range || c.op == query::Op::Eq || c.op == query::Op::Ne);
    check(!(c.range && !c.values.empty()));
    check(c.range || patterned || c.op == query::Op::Exists || c.op == query::Op::NotExists ||
          !c.values.empty());
    check(!c.path.attr.empty() || c.path.metadata);
    return;
  }
  check(e.children.size() >= 2);
  for (const auto& child : e.children) {
    check(child.kind != e.kind);
    check_tree(child);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto context = make_context();
  static const model::Entity entity = make_entity();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = query::parse_q(text, *context);
  if (!parsed) {
    check(parsed.error().kind == ErrorKind::BadRequestData);
    check(parsed.error().message.starts_with("q: position "));
    return 0;
  }
  check_tree(*parsed);
  check(!query::to_string(*parsed).empty());
  (void)query::matches(*parsed, entity);
  return 0;
}
