#pragma once
// An instance as the columns of the `history` table keep it, the same on every backend
// (docs/design/temporal.md, "Storage"; docs/design/postgres.md, "History"): its times, kind,
// value class, numeric and text views (history_values.hpp), and `doc`, the rest of the instance,
// NULL when the other columns say all of it. Every backend writes `doc` and reads instances back
// through these functions, so that what one keeps and returns the other does too.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/history_values.hpp"

namespace tsunagu::store {

// The `doc` column of an instance: nothing when the other columns say all of it (a plain number,
// boolean, string, vocab term or relationship target without metadata, or a tombstone, whose
// value its kind gives), else the members the columns do not hold. Most instances of a city's
// data then cost no JSON text at all.
std::optional<std::string> history_doc(const model::Attribute& instance,
                                       const HistoryValueView& view);

// The columns of one row as a backend read them (times in milliseconds since the epoch). The
// views point into the backend's row, which must outlive decode_history_row(). `txt` is the text
// view as view_of() made it: a backend that stores it in another form gives it back undone.
struct HistoryRow {
  std::int64_t iid = 0;
  std::optional<std::string_view> dataset;  // its IRI
  std::optional<std::int64_t> observed;
  std::int64_t created = 0;
  std::int64_t modified = 0;
  std::optional<std::int64_t> deleted;
  std::int64_t kind = 0;         // model::AttributeKind
  std::int64_t value_class = 0;  // model::ValueClass
  double num = 0;                // 0 where NULL
  std::string_view txt;          // empty where NULL
  std::optional<std::string_view> doc;
};

// The instance a row records, with its id and its deletedAt.
struct DecodedInstance {
  std::int64_t id = 0;
  model::Attribute value;
  std::optional<model::Timestamp> deleted_at;
};

// InternalError naming `entity_id` when the row cannot be what history_doc() and view_of() wrote.
Result<DecodedInstance> decode_history_row(const HistoryRow& row, std::string_view entity_id);

}  // namespace tsunagu::store
