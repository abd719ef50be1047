#pragma once
// The discovery summaries of a tenant schema: how many entities have each type, each attribute
// (and how many instances of it), and each (type, attribute, set of kinds), kept in step with the
// entities by the writer so that listing types and attributes never reads the entities. The
// shapes an entity had and has (store/entity_shape.hpp) are gathered for a whole group of writes
// and applied once, with one statement per table, before the group commits. A row whose count
// falls to zero is deleted.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "model/error.hpp"
#include "store/entity_shape.hpp"
#include "store/postgres/connection.hpp"
#include "store/store.hpp"

namespace tsunagu::store::postgres {

class SummaryDelta {
 public:
  // sign +1 adds the entity's contribution, -1 takes it away.
  void add(const EntityShape& shape, std::int64_t sign);
  void add(const SummaryDelta& other);
  // InternalError when a count would become negative: the summaries and the entities disagree.
  Status apply(Connection& db, const std::string& schema) const;

 private:
  Status apply_types(Connection& db, const std::string& schema) const;
  Status apply_attrs(Connection& db, const std::string& schema) const;
  Status apply_type_attrs(Connection& db, const std::string& schema) const;

  std::map<std::string, std::int64_t> types_;                           // type -> entities
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> attrs_;  // -> entities, instances
  std::map<std::tuple<std::string, std::string, KindSet>, std::int64_t> type_attrs_;
};

// Sorted by IRI (byte order); `only` restricts the answer to that type or attribute.
Result<std::vector<TypeSummary>> read_type_summaries(Connection& db, const std::string& schema,
                                                     std::optional<std::string_view> only);
Result<std::vector<AttributeSummary>> read_attribute_summaries(
    Connection& db, const std::string& schema, std::optional<std::string_view> only);

}  // namespace tsunagu::store::postgres
