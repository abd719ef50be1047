// libFuzzer target for scopeQ (query/scope_query.hpp): every input either parses into a tree
// whose patterns keep the documented level rules, or fails with BadRequestData naming scopeQ and
// a position. For each pattern, scopes built from it must match it, and every scope it matches
// must lie in its index range (scope_index_prefix), or a store's index would lose entities. Any
// other outcome (crash, sanitizer report, broken invariant) is a finding.
//
// Built and run by scripts/fuzz.sh (see there for the clang flags).

#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "query/scope_query.hpp"

namespace {

using namespace tsunagu;

void check(bool condition) {
  if (!condition) std::abort();
}

model::Entity entity_with_scope(std::string_view scope_json) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Thing:1";
  e.types = {"https://ex.org/Thing"};
  e.scope = boost::json::parse(scope_json);
  return e;
}

// A scope that the pattern must match: '+' becomes one level, '#' two.
std::string instance_of(std::string_view pattern) {
  std::string out;
  for (std::size_t start = 1; start <= pattern.size();) {
    std::size_t end = pattern.find('/', start);
    if (end == std::string_view::npos) end = pattern.size();
    const std::string_view level = pattern.substr(start, end - start);
    out += level == "+" ? "/x" : level == "#" ? "/x/y" : "/" + std::string(level);
    start = end + 1;
  }
  return out;
}

void check_pattern(const std::string& pattern) {
  static const std::vector<std::string_view> scopes = {
      "/Osaka", "/Osaka/Kita", "/Osaka/Kita/Umeda", "/OsakaKita", "/x", "/x/y", "/a/b/c", "/"};
  check(pattern.starts_with('/'));
  check(pattern.find("//") == std::string::npos && !pattern.ends_with('/'));
  const auto hash = pattern.find('#');
  check(hash == std::string::npos || (hash + 1 == pattern.size() && pattern[hash - 1] == '/'));
  const bool wild = pattern.find_first_of("+#") != std::string::npos;
  check(wild || query::valid_scope(pattern));  // an exact pattern is a scope that matches itself
  const query::ScopeIndexKey key = query::scope_index_prefix(pattern);
  check(key.exact == !wild);
  const std::string instance = instance_of(pattern);
  check(query::valid_scope(instance));
  check(query::scope_matches(pattern, instance));
  check(query::is_candidate(key, instance));
  for (auto scope : scopes) {
    if (query::scope_matches(pattern, scope)) check(query::is_candidate(key, scope));
  }
}

void check_tree(const query::TermExpr& e) {
  if (e.kind == query::TermExpr::Kind::Atom) {
    check(e.children.empty());
    check_pattern(e.atom);
    return;
  }
  check(e.children.size() >= 2 && e.atom.empty());
  for (const auto& child : e.children) {
    check(child.kind != e.kind);
    check_tree(child);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const model::Entity one = entity_with_scope(R"("/Osaka/Kita")");
  static const model::Entity many = entity_with_scope(R"(["/Osaka/Kita/Umeda", "/x", 5])");
  static const model::Entity none = [] {
    model::Entity e;
    e.id = "urn:ngsi-ld:Thing:2";
    return e;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = query::parse_scope_query(text);
  if (!parsed) {
    check(parsed.error().kind == ErrorKind::BadRequestData);
    check(parsed.error().message.starts_with("scopeQ: "));
    return 0;
  }
  check_tree(*parsed);
  // The canonical text is itself a scopeQ with the same canonical text.
  const std::string canonical = query::to_string(*parsed);
  const auto again = query::parse_scope_query(canonical);
  check(again.has_value() && query::to_string(*again) == canonical);
  (void)query::matches_scope(*parsed, one);
  (void)query::matches_scope(*parsed, many);
  check(!query::matches_scope(*parsed, none));
  return 0;
}
