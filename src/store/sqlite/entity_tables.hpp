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

class EntityWriter {
 public:
  EntityWriter(Connection& db, TermCache& terms) : db_(db), terms_(terms) {}
  Status insert(const model::Entity& entity);
  Status update(const model::Entity& entity);
  Result<bool> remove(std::string_view id);
  // Rewrites the value and geometry rows of a stored entity (migration backfill).
  Status reindex_values(const model::Entity& entity);

 private:
  Status write_values(std::int64_t rid, const model::Entity& entity);
  Result<std::int64_t> rid_of(std::string_view id);
  Status write_index(std::int64_t rid, const model::Entity& entity);
  Status clear_index(std::int64_t rid);

  Connection& db_;
  TermCache& terms_;
};

}  // namespace tsunagu::store::sqlite
