#pragma once
// lang= (clause 4.15): which language of a LanguageProperty's languageMap a reader wants. The
// parameter reads like an Accept-Language header: language ranges with optional weights
// ("ja", "ja,en;q=0.5", "*"), and a LanguageProperty is then returned as a Property holding
// the string of the best language, with a "lang" member naming it.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::api::ngsild {

struct LanguageRange {
  std::string tag;  // lower case; "*" for any
  double weight = 1.0;
};

// Ranges in order of preference (highest weight first; equal weights keep their order).
struct LanguagePreference {
  std::vector<LanguageRange> ranges;
};

// BadRequestData naming the item for a malformed range or weight.
Result<LanguagePreference> parse_language_preference(std::string_view text);

// The key of `language_map` to show: the best match of a range (a tag matches a range equal to
// it or starting with it followed by '-', case-insensitively; "*" matches any), else "@none",
// else the first key. nullopt for an empty map.
std::optional<std::string> choose_language(const LanguagePreference& preference,
                                           const boost::json::object& language_map);

}  // namespace tsunagu::api::ngsild
