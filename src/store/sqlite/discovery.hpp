#pragma once
// Reads the discovery summaries (summary_tables.hpp) into the store contract's TypeSummary and
// AttributeSummary. Each read is one statement, so it sees one snapshot of the database even
// while the writer commits.

#include <optional>
#include <string_view>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace tsunagu::store::sqlite {

// Sorted by IRI; `only` restricts the answer to that type (empty when no entity has it).
Result<std::vector<TypeSummary>> read_type_summaries(Connection& db,
                                                     std::optional<std::string_view> only);

// Sorted by IRI; `only` restricts the answer to that attribute.
Result<std::vector<AttributeSummary>> read_attribute_summaries(
    Connection& db, std::optional<std::string_view> only);

}  // namespace tsunagu::store::sqlite
