#pragma once
// One row of the `history` table (migration 6, schema.cpp) and the instance it records. The
// columns hold what ranges and aggregations read (times, kind, value class, numeric and text
// views); `doc` holds the rest of the instance, and is NULL when the columns say all of it.

#include <cstdint>
#include <optional>
#include <string>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/history_values.hpp"

namespace tsunagu::store::sqlite {

// The history columns read back: iid, dataset (its IRI), observedAt, created, modified, deleted,
// kind, num, doc, class, txt, in that order, starting at `first`. kHistoryColumns lists them for a
// SELECT on `history h` joined with `terms d` on the dataset; kHistoryColumnCount counts them.
inline constexpr const char* kHistoryColumns =
    "h.iid, d.iri, CASE WHEN h.exact THEN h.t END, h.created, h.modified, h.deleted, h.kind, "
    "h.num, h.doc, h.class, h.txt";
inline constexpr int kHistoryColumnCount = 11;

// The `doc` column of an instance: nothing when the other columns say all of it (a plain number,
// boolean, string, vocab term or relationship target without metadata, or a tombstone, whose
// value its kind gives), else the members the columns do not hold. Most instances of a city's
// data then cost no JSON text at all.
std::optional<std::string> history_doc(const model::Attribute& instance,
                                       const HistoryValueView& view);

class Statement;

// The instance of a row whose columns start at `first` (see kHistoryColumns), with its id and
// its deletedAt. `entity_id` names the entity in errors.
struct DecodedInstance {
  std::int64_t id = 0;
  model::Attribute value;
  std::optional<model::Timestamp> deleted_at;
};
Result<DecodedInstance> decode_history_row(const Statement& row, int first,
                                           std::string_view entity_id);

}  // namespace tsunagu::store::sqlite
