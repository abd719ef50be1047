#pragma once
// Which history entities a temporal query selects, as every backend decides it: the candidates
// to look up (by id, by type, or all), which of them the query's selectors and restrictions
// admit, the window of instances in range that q, geoQ and scopeQ are decided over, and the page
// (offset, limit, count) of those selected. The backends read the rows; these rules are shared so
// that both select alike.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "store/history_store.hpp"

namespace tsunagu::store {

struct SelectedAttribute {
  std::string name;          // expanded IRI
  std::int64_t classes = 0;  // value classes ever recorded (class_bit(), history_values.hpp)
  model::AttributeKind kind = model::AttributeKind::Property;  // of the last instance recorded
  // A backend that keys attributes by a number of its own (SQLite: the term id of the name) keeps
  // it here for reading the attribute's rows; 0 otherwise.
  std::int64_t key = 0;
};

struct SelectedEntity {
  std::int64_t hid = 0;
  std::string id;
  std::vector<std::string> types;
  std::vector<SelectedAttribute> attributes;  // those the query returns, by name (byte order)
};

struct Selection {
  std::vector<SelectedEntity> entities;  // the page, in hid order
  std::optional<std::size_t> total;
};

// The history entities that may match, before any is read: those of `ids`, those of `types`, or
// `all` of them (a selector that names neither ids nor a plain list of types). A restricted
// type's candidates are the ids allowed: a reader granted a few residents among a million
// histories reads a few.
struct Candidates {
  bool all = false;
  std::vector<std::string> ids;
  std::vector<std::string> types;
};
Candidates candidates_of(const HistoryQuery& query);

// Whether the query returns attribute `name` (its attrs, all when none are named).
bool returns_attribute(const HistoryQuery& query, std::string_view name);

// Whether an entity of this id and these types is one the query's selectors name and its
// restrictions allow (before its instances are looked at).
bool admits(const HistoryQuery& query, const SelectedEntity& entity);

// The attributes q, geoQ and scopeQ are decided over (the scope's name for scopeQ); none when the
// query has neither.
std::set<std::string> window_attributes(const HistoryQuery& query);

// The entity as q, geoQ and scopeQ see it over the range: each attribute they name holds every
// one of its instances in the range (a condition holds when it holds for any of them), and the
// scope is every scope the entity had there.
class Window {
 public:
  explicit Window(const SelectedEntity& entity);
  // Instances come grouped by attribute.
  void add(std::string_view attr, model::Attribute instance);
  // Whether the query's q, geoQ and scopeQ hold; consumes the window.
  bool selected_by(const HistoryQuery& query) &&;

 private:
  model::Entity entity_;
  boost::json::array scopes_;
};

// The page of the entities selected, offered one by one in hid order.
class SelectionPage {
 public:
  explicit SelectionPage(const HistoryQuery& query) : query_(query) {}
  // Nothing more can change the page: it is full and nothing is counted.
  bool done() const { return !query_.count && out_.entities.size() >= query_.limit; }
  void offer(SelectedEntity entity);
  Selection finish() &&;

 private:
  const HistoryQuery& query_;
  Selection out_;
  std::size_t matched_ = 0;
};

}  // namespace tsunagu::store
