#include "broker/type_grant.hpp"

#include <algorithm>

#include "query/term_expr.hpp"

namespace tsunagu::broker {

bool TypeGrant::granted(std::string_view type) const {
  return std::find(types.begin(), types.end(), type) != types.end();
}

bool TypeGrant::sees(const std::vector<std::string>& entity_types) const {
  return std::any_of(entity_types.begin(), entity_types.end(),
                     [this](const std::string& t) { return granted(t); });
}

Status TypeGrant::check_all(const std::vector<std::string>& entity_types) const {
  for (const auto& t : entity_types) {
    if (!granted(t)) return fail(ErrorKind::Forbidden, "entity type '" + t + "' is not granted");
  }
  return ok();
}

Status TypeGrant::check_subscription(const model::Subscription& subscription) const {
  if (subscription.entities.empty()) {
    return fail(ErrorKind::Forbidden,
                "a client limited to entity types must name them in the subscription's entities");
  }
  for (const auto& s : subscription.entities) {
    if (!s.type) {
      return fail(ErrorKind::Forbidden,
                  "a client limited to entity types must name a type in every entity selector");
    }
  }
  auto narrowed = narrow(subscription.entities);
  if (!narrowed) return std::unexpected(narrowed.error());
  return ok();
}

Result<std::vector<query::EntitySelector>> TypeGrant::narrow(
    std::vector<query::EntitySelector> selectors) const {
  if (types.empty()) return fail(ErrorKind::Forbidden, "no entity type is granted");
  if (selectors.empty()) selectors.emplace_back();
  for (auto& s : selectors) {
    if (!s.type) {
      s.type = query::of_types(types).type;
      continue;
    }
    Status st = ok();
    query::TermExpr copy = *s.type;
    query::for_each_atom(copy, [&](std::string& atom) {
      if (st && !granted(atom)) {
        st = fail(ErrorKind::Forbidden, "entity type '" + atom + "' is not granted");
      }
    });
    if (!st) return std::unexpected(st.error());
  }
  return selectors;
}

}  // namespace tsunagu::broker
