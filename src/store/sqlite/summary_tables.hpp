#pragma once
// The discovery summaries of a tenant database (migration 3): how many entities have each type,
// each attribute (and how many instances of it), and each (type, attribute, set of kinds). The
// EntityWriter keeps them in step with the entities inside the write's own savepoint, so a
// rolled-back write takes its summary changes along: it subtracts the shape an entity had and
// adds the one it has now (store/entity_shape.hpp). Most updates change values only; their shape
// is unchanged and the summaries are not touched. discovery.hpp reads them.
//
// A row whose count falls to zero is deleted, so the summaries list exactly what entities have.

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "model/error.hpp"
#include "store/entity_shape.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/entity_tables.hpp"

namespace tsunagu::store::sqlite {

// An entity's shape with its names interned: what the summary rows are keyed by.
struct StoredShape {
  struct Attr {
    std::int64_t term = 0;
    KindSet kinds = 0;
    std::int64_t instances = 0;
    bool operator==(const Attr&) const = default;
  };
  std::vector<std::int64_t> types;  // sorted
  std::vector<Attr> attrs;          // sorted by term

  bool operator==(const StoredShape&) const = default;
};

// The shape of the stored entity `rid`, as its entity_types and entity_attrs rows say.
Result<StoredShape> read_stored_shape(Connection& db, std::int64_t rid);

// Interns the names of `shape` (creating terms as needed).
Result<StoredShape> intern_shape(Connection& db, TermCache& terms, const EntityShape& shape);

// Net changes to the summary rows: the shapes removed and added, applied in one go so that a
// change that cancels out writes nothing. The writer gathers those of a whole group of jobs and
// applies them once before its commit: a group of 100 new entities of one type then updates each
// of its summary rows once instead of 100 times.
class SummaryDelta {
 public:
  // sign +1 adds the entity's contribution, -1 takes it away.
  void add(const StoredShape& shape, std::int64_t sign);
  void add(const SummaryDelta& other);
  // InternalError when a count would become negative: the summaries and the entities disagree.
  Status apply(Connection& db) const;

 private:
  Status apply_types(Connection& db) const;
  Status apply_attrs(Connection& db) const;
  Status apply_type_attrs(Connection& db) const;

  std::map<std::int64_t, std::int64_t> types_;                           // type -> entities
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> attrs_;  // -> entities, instances
  std::map<std::tuple<std::int64_t, std::int64_t, KindSet>, std::int64_t> type_attrs_;
};

// Migration 3: the kinds and instances of every entity_attrs row, and the summary rows, from the
// entities stored before it. Runs inside the migration's transaction.
Status backfill_summaries(Connection& db);

}  // namespace tsunagu::store::sqlite
