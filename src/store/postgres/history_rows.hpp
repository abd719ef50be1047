#pragma once
// One row of a tenant's `history` table (schema.cpp, history_tables.hpp): the columns written for
// an instance and read back. What they hold is every backend's (store/history_columns.hpp); the
// form of `txt` is PostgreSQL's own.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/history_columns.hpp"
#include "store/history_values.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {

// The history columns read back: iid, dataset, observedAt, created, modified, deleted, kind, num,
// doc, class, txt, in that order, for a SELECT on `history h`.
inline constexpr const char* kHistoryColumns =
    "h.iid, h.dataset, CASE WHEN h.exact THEN h.t END, h.created, h.modified, h.deleted, h.kind, "
    "h.num, h.doc, h.class, h.txt";
inline constexpr int kHistoryColumnCount = 11;

// The form in which `txt` keeps a text view. PostgreSQL text cannot hold NUL, which a JSON
// string may; NUL becomes 01 01 and 01 becomes 01 02, an escape that keeps byte order and
// equality, so min, max and distinctCount in SQL agree with SQLite's. Other texts are unchanged.
std::string stored_text(std::string_view text);
std::string text_from_store(std::string_view stored);

// The columns written for one instance (times in ms since the epoch).
struct StoredInstance {
  std::optional<std::string> dataset;
  std::optional<std::int64_t> observed;
  std::int64_t created = 0;
  std::int64_t modified = 0;
  std::optional<std::int64_t> deleted;
  std::int64_t kind = 0;
  model::ValueClass value_class = model::ValueClass::Object;
  std::optional<double> num;
  std::optional<std::string> txt;  // as stored_text() keeps it
  std::optional<std::string> doc;
};
StoredInstance stored_instance(const model::Attribute& value,
                               std::optional<model::Timestamp> deleted_at);

// The instance of row `row` whose history columns start at `first` (see kHistoryColumns), with
// its id and its deletedAt (store/history_columns.hpp decodes it, as on every backend).
// `entity_id` names the entity in errors.
Result<DecodedInstance> decode_history_row(const Rows& rows, int row, int first,
                                           std::string_view entity_id);

}  // namespace tsunagu::store::postgres
