#include "query/entity_selector.hpp"

#include <re2/re2.h>

#include <algorithm>

#include "query/type_query.hpp"

namespace tsunagu::query {

EntitySelector of_types(std::vector<std::string> types) {
  auto expr = std::make_shared<TermExpr>();
  if (types.size() == 1) {
    expr->atom = std::move(types.front());
  } else {
    expr->kind = TermExpr::Kind::Or;
    for (auto& t : types)
      expr->children.push_back(TermExpr{TermExpr::Kind::Atom, std::move(t), {}});
  }
  return EntitySelector{std::move(expr), {}, std::nullopt};
}

bool matches(const EntitySelector& selector, const model::Entity& entity) {
  if (selector.type && !matches_types(*selector.type, entity)) return false;
  if (!selector.ids.empty() &&
      std::find(selector.ids.begin(), selector.ids.end(), entity.id) == selector.ids.end()) {
    return false;
  }
  if (selector.id_pattern) {
    RE2::Options options;
    options.set_log_errors(false);
    const RE2 re(*selector.id_pattern, options);
    if (!re.ok() || !RE2::PartialMatch(entity.id, re)) return false;
  }
  return true;
}

}  // namespace tsunagu::query
