// libFuzzer target for entity type selection (query/type_query.hpp and the grammar of
// query/term_expr.hpp): every input either parses into a tree that keeps the invariants
// documented in term_expr.hpp, or fails with BadRequestData naming the type parameter. The
// canonical text must parse back to itself, and matches_types must agree with a plain evaluation
// and, where the expression is a list, with as_any_of. Any other outcome (crash, sanitizer
// report, broken invariant) is a finding.
//
// Built and run by scripts/fuzz.sh (see there for the clang flags).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "query/type_query.hpp"

namespace {

using namespace tsunagu;

void check(bool condition) {
  if (!condition) std::abort();
}

void check_tree(const query::TermExpr& e, std::vector<std::string>& atoms) {
  if (e.kind == query::TermExpr::Kind::Atom) {
    check(!e.atom.empty() && e.children.empty());
    check(e.atom.find_first_of(";|,() \t\r\n") == std::string::npos);
    atoms.push_back(e.atom);
    return;
  }
  check(e.children.size() >= 2 && e.atom.empty());
  for (const auto& child : e.children) {
    check(child.kind != e.kind);
    check_tree(child, atoms);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = query::parse_type_query(text);
  if (!parsed) {
    check(parsed.error().kind == ErrorKind::BadRequestData);
    check(parsed.error().message.starts_with("type: "));
    return 0;
  }
  std::vector<std::string> atoms;
  check_tree(*parsed, atoms);

  const std::string canonical = query::to_string(*parsed);
  check(canonical.size() <= text.size());
  const auto again = query::parse_type_query(canonical);
  check(again.has_value() && query::to_string(*again) == canonical);

  // An entity having every other atom of the expression as a type.
  model::Entity entity;
  entity.id = "urn:ngsi-ld:Thing:1";
  for (std::size_t i = 0; i < atoms.size(); i += 2) {
    if (!model::has_type(entity, atoms[i])) entity.types.push_back(atoms[i]);
  }
  const auto has = [&entity](const std::string& t) { return model::has_type(entity, t); };
  const bool matched = query::matches_types(*parsed, entity);
  check(matched == query::evaluate(*parsed, has));
  if (const auto any = query::as_any_of(*parsed)) {
    check(!any->empty());
    check(matched == std::any_of(any->begin(), any->end(), has));
  }

  // Rewriting atoms keeps the shape.
  query::TermExpr rewritten = *parsed;
  std::size_t visited = 0;
  query::for_each_atom(rewritten, [&](std::string& atom) {
    check(atom == atoms[visited++]);
    atom = "ex:" + atom;
  });
  check(visited == atoms.size());
  return 0;
}
