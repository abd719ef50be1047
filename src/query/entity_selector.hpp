#pragma once
// Which entities a query or subscription is about (EntitySelector, ETSI GS CIM 009 v1.8 clause
// 5.2.33): a type expression, ids and an id pattern, combined with AND. A query lists several
// selectors and matches an entity when any one of them does.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/entity.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::query {

struct EntitySelector {
  std::shared_ptr<const TermExpr> type{};   // over expanded type IRIs; any type when null
  std::vector<std::string> ids{};           // any of these ids; any id when empty
  std::optional<std::string> id_pattern{};  // RE2 syntax, searched for anywhere in the id
};

// A selector for the entities having any of these types (expanded IRIs, at least one).
EntitySelector of_types(std::vector<std::string> types);

// Whether the entity is one the selector names. An id_pattern that is not a valid RE2
// expression matches nothing (the API refuses such patterns before they get here).
bool matches(const EntitySelector& selector, const model::Entity& entity);

}  // namespace tsunagu::query
