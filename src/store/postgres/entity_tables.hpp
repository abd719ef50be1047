#pragma once
// Reading and writing entity rows and the index rows derived from them on PostgreSQL
// (schema.cpp). Used by the writer inside its transaction and by readers; the SQL text of
// entities lives here and in query_compiler.cpp only. Each write is a handful of statements
// whatever the entity's size: index rows go in as arrays, unnest()ed by the server.

#include <optional>
#include <string>
#include <string_view>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/summary_tables.hpp"

namespace tsunagu::store::postgres {

// Texts longer than this are indexed by their prefix: a btree entry must fit in a third of a
// page (2,704 bytes), and it also holds the attribute IRI (up to 2,048 bytes, model/uri.hpp).
inline constexpr std::size_t kIndexedTextBytes = 512;

// The form in which a text is indexed: cut before a NUL (which PostgreSQL text cannot hold) and
// after kIndexedTextBytes, on a UTF-8 boundary. Equal texts have equal forms, so equality is
// tested on the forms. Cutting on a character boundary does not keep the byte order near the
// cut, so an order comparison uses the bounds below instead; the index then finds a superset of
// the matches, and the evaluator decides.
std::string indexed_text(std::string_view text);
// A text that no indexed form of a text >= v is below.
std::string indexed_lower_bound(std::string_view v);
// A text that no indexed form of a text <= v is above.
std::string indexed_upper_bound(std::string_view v);

Result<std::optional<model::Entity>> load_entity(Connection& db, const std::string& schema,
                                                 std::string_view id);
// The stored document of entity `id` into `doc`; false when there is none.
Result<bool> read_entity_document(Connection& db, const std::string& schema, std::string_view id,
                                  std::string& doc);

// Writes an entity's rows in the caller's transaction; its contribution to the discovery
// summaries goes to `summaries`, which the caller applies before committing.
class EntityWriter {
 public:
  EntityWriter(Connection& db, const std::string& schema, SummaryDelta& summaries)
      : db_(db), schema_(schema), summaries_(summaries) {}
  Status insert(const model::Entity& entity);
  Status update(const model::Entity& entity);
  Result<bool> remove(std::string_view id);

 private:
  Connection& db_;
  const std::string& schema_;
  SummaryDelta& summaries_;
};

}  // namespace tsunagu::store::postgres
