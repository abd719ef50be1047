#pragma once
// The types of a history entity (history_entities.types, on every backend): the JSON array of
// every type the entity ever had, which grows when a change brings a new one and never shrinks,
// so that last year's figures still find a shelter that is no longer one.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagu::store {

// The types in a stored text; none when it is not a JSON array (its non-strings are skipped).
std::vector<std::string> parse_types(std::string_view text);
std::string types_text(const std::vector<std::string>& types);

// `stored` with the types of `more` it lacks added at its end, in their order; none when it lacks
// none (the row then need not be written).
std::optional<std::vector<std::string>> united_types(std::vector<std::string> stored,
                                                     const std::vector<std::string>& more);

}  // namespace tsunagu::store
