#pragma once
// The scopes oneID knows (docs/design/identity.md, "Scopes and grants").

#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::identity {

inline constexpr std::string_view kScopeRead = "ngsi-ld:read";
inline constexpr std::string_view kScopeWrite = "ngsi-ld:write";
inline constexpr std::string_view kScopeAdmin = "admin";
// A resident's own consents: list, grant and withdraw them, read who used their data.
inline constexpr std::string_view kScopeConsent = "consent";

bool known_scope(std::string_view scope);

// "a b c" -> {"a", "b", "c"} (RFC 6749 section 3.3: space-separated, case-sensitive).
std::vector<std::string> split_scopes(std::string_view text);
std::string join_scopes(const std::vector<std::string>& scopes);

// BadRequestData naming the first scope that is not known.
Status check_scopes(const std::vector<std::string>& scopes);

}  // namespace tsunagu::identity
