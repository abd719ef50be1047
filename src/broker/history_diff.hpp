#pragma once
// What a change of an entity appends to its history (docs/design/temporal.md, "What is
// recorded"): every instance the write created or wrote again, a tombstone for every instance it
// removed, and the scope when it changed. Pure: the recorder writes the result.

#include <optional>

#include "broker/entity_change.hpp"
#include "store/history_store.hpp"

namespace tsunagu::broker {

// Nothing when the change wrote no attribute, scope or type (e.g. a PATCH that found nothing to
// update). `at` is the time of the write; it stamps the tombstones of a deletion.
std::optional<store::HistoryAppend> history_of(const EntityChange& change, model::Timestamp at);

}  // namespace tsunagu::broker
