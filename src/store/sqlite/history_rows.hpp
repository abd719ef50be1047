#pragma once
// One row of the `history` table (migration 6, schema.cpp) read back: the columns a SELECT names,
// and the instance they record (store/history_columns.hpp decodes it, as on every backend).

#include <string_view>

#include "model/error.hpp"
#include "store/history_columns.hpp"

namespace tsunagu::store::sqlite {

// The history columns read back: iid, dataset (its IRI), observedAt, created, modified, deleted,
// kind, num, doc, class, txt, in that order, starting at `first`. kHistoryColumns lists them for a
// SELECT on `history h` joined with `terms d` on the dataset; kHistoryColumnCount counts them.
inline constexpr const char* kHistoryColumns =
    "h.iid, d.iri, CASE WHEN h.exact THEN h.t END, h.created, h.modified, h.deleted, h.kind, "
    "h.num, h.doc, h.class, h.txt";
inline constexpr int kHistoryColumnCount = 11;

class Statement;

// The instance of a row whose columns start at `first` (see kHistoryColumns), with its id and
// its deletedAt. `entity_id` names the entity in errors.
Result<DecodedInstance> decode_history_row(const Statement& row, int first,
                                           std::string_view entity_id);

}  // namespace tsunagu::store::sqlite
