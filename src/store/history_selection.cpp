#include "store/history_selection.hpp"

#include <algorithm>

#include "query/q_eval.hpp"
#include "query/scope_query.hpp"

namespace tsunagu::store {
namespace json = boost::json;

namespace {

const IdRestriction* restriction_of(const HistoryQuery& query, std::string_view type) {
  for (const auto& r : query.restrictions) {
    if (r.type == type) return &r;
  }
  return nullptr;
}

model::Entity stub_of(const SelectedEntity& e) {
  model::Entity stub;
  stub.id = e.id;
  stub.types = e.types;
  return stub;
}

// Every restriction holds for an entity of these types and id.
bool allowed(const HistoryQuery& query, const model::Entity& stub) {
  return std::all_of(query.restrictions.begin(), query.restrictions.end(), [&](const auto& r) {
    return !model::has_type(stub, r.type) ||
           std::binary_search(r.ids.begin(), r.ids.end(), stub.id);
  });
}

bool named(const HistoryQuery& query, const model::Entity& stub) {
  return query.entities.empty() ||
         std::any_of(query.entities.begin(), query.entities.end(),
                     [&](const auto& selector) { return query::matches(selector, stub); });
}

void attrs_of(const query::Expr& expr, std::set<std::string>& out) {
  if (expr.kind == query::Expr::Kind::Leaf) {
    if (!expr.leaf.path.attr.empty()) out.insert(expr.leaf.path.attr);
    return;
  }
  for (const auto& child : expr.children) attrs_of(child, out);
}

json::value flatten(const json::array& scopes) {
  json::array all;
  for (const auto& s : scopes) {
    if (s.is_array()) {
      for (const auto& x : s.get_array()) all.push_back(x);
    } else {
      all.push_back(s);
    }
  }
  return all;
}

}  // namespace

Candidates candidates_of(const HistoryQuery& query) {
  Candidates out;
  for (const auto& selector : query.entities) {
    if (!selector.ids.empty()) {
      out.ids.insert(out.ids.end(), selector.ids.begin(), selector.ids.end());
      continue;
    }
    auto types = selector.type ? query::as_any_of(*selector.type) : std::nullopt;
    if (!types) return Candidates{true, {}, {}};
    for (auto& type : *types) {
      if (const auto* restricted = restriction_of(query, type)) {
        out.ids.insert(out.ids.end(), restricted->ids.begin(), restricted->ids.end());
      } else {
        out.types.push_back(std::move(type));
      }
    }
  }
  out.all = query.entities.empty();
  return out;
}

bool returns_attribute(const HistoryQuery& query, std::string_view name) {
  return query.attrs.empty() ||
         std::find(query.attrs.begin(), query.attrs.end(), name) != query.attrs.end();
}

bool admits(const HistoryQuery& query, const SelectedEntity& entity) {
  const auto stub = stub_of(entity);
  return named(query, stub) && allowed(query, stub);
}

std::set<std::string> window_attributes(const HistoryQuery& query) {
  std::set<std::string> names;
  if (query.q) attrs_of(*query.q, names);
  if (query.geo) names.insert(query.geo->geoproperty);
  if (query.scope) names.insert(std::string(kScopeAttribute));
  return names;
}

Window::Window(const SelectedEntity& entity) : entity_(stub_of(entity)) {}

void Window::add(std::string_view attr, model::Attribute instance) {
  if (attr == kScopeAttribute) {
    scopes_.push_back(std::move(instance.value));
    return;
  }
  if (entity_.attributes.empty() || entity_.attributes.back().name != attr) {
    entity_.attributes.push_back({std::string(attr), {}});
  }
  entity_.attributes.back().instances.push_back(std::move(instance));
}

bool Window::selected_by(const HistoryQuery& query) && {
  if (!scopes_.empty()) entity_.scope = flatten(scopes_);
  if (query.q && !query::matches(*query.q, entity_)) return false;
  if (query.geo && !query::matches(*query.geo, entity_)) return false;
  return !query.scope || query::matches_scope(*query.scope, entity_);
}

void SelectionPage::offer(SelectedEntity entity) {
  if (matched_++ < query_.offset || out_.entities.size() >= query_.limit) return;
  out_.entities.push_back(std::move(entity));
}

Selection SelectionPage::finish() && {
  if (query_.count) out_.total = matched_;
  return std::move(out_);
}

}  // namespace tsunagu::store
