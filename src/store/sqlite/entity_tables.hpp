#pragma once
// Reading and writing entity rows and the index rows derived from them. Used by the writer
// (inside its transaction) and by readers; the SQL text of entities lives here and in
// query_compiler.cpp only.

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {

// Interned IRIs of the writer connection. Only the writer thread touches it. An id created in
// a transaction that is rolled back must be forgotten: invalidate() after any rollback.
class TermCache {
 public:
  Result<std::int64_t> id_of(Connection& db, std::string_view iri);
  void invalidate() { ids_.clear(); }

 private:
  std::unordered_map<std::string, std::int64_t> ids_;
};

Result<std::optional<model::Entity>> load_entity(Connection& db, std::string_view id);
// The stored document of entity `id` into `doc`; false when there is none.
Result<bool> read_entity_document(Connection& db, std::string_view id, std::string& doc);

struct StoredShape;
class SummaryDelta;

// Rewrites the value and geometry rows of a stored entity (migration backfill).
Status reindex_values(Connection& db, TermCache& terms, const model::Entity& entity);

// Writes an entity's rows: the document and the index rows derived from it, in the caller's
// transaction. Its contribution to the discovery summaries (summary_tables.hpp) goes to
// `summaries`, which the caller applies to the summary tables in that same transaction.
class EntityWriter {
 public:
  EntityWriter(Connection& db, TermCache& terms, SummaryDelta& summaries)
      : db_(db), terms_(terms), summaries_(summaries) {}
  Status insert(const model::Entity& entity);
  Status update(const model::Entity& entity);
  Result<bool> remove(std::string_view id);

 private:
  Status write_index(std::int64_t rid, const model::Entity& entity, const StoredShape& shape);
  // Every index row of the entity: its type and attribute rows, then clear_values().
  Status clear_index(std::int64_t rid);
  // The rows derived from values (attr_values, geometries): an update that keeps the entity's
  // shape runs this alone, so any new row derived from values must be cleared here.
  Status clear_values(std::int64_t rid);
  // `before` and `after` are null for an entity that did not exist, or no longer does.
  void change_summaries(const StoredShape* before, const StoredShape* after);

  Connection& db_;
  TermCache& terms_;
  SummaryDelta& summaries_;
};

}  // namespace tsunagu::store::sqlite
