#pragma once
// One row of a tenant's `history` table (schema.cpp, history_tables.hpp) and the instance it
// records. The columns hold what ranges and aggregations read (times, kind, value class, numeric
// and text views, store/history_values.hpp); `doc` holds the rest of the instance, and is NULL
// when the columns say all of it, as on SQLite.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
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

// The `doc` column of an instance: nothing when the other columns say all of it (a plain number,
// boolean, string, vocab term or relationship target without metadata, or a tombstone, whose
// value its kind gives), else the members the columns do not hold.
std::optional<std::string> history_doc(const model::Attribute& instance,
                                       const HistoryValueView& view);

// history_entities.types: the JSON array of every type the entity ever had.
std::vector<std::string> parse_types(std::string_view text);
std::string types_text(const std::vector<std::string>& types);

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
// its id and its deletedAt. `entity_id` names the entity in errors.
struct DecodedInstance {
  std::int64_t id = 0;
  model::Attribute value;
  std::optional<model::Timestamp> deleted_at;
};
Result<DecodedInstance> decode_history_row(const Rows& rows, int row, int first,
                                           std::string_view entity_id);

}  // namespace tsunagu::store::postgres
