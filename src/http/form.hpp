#pragma once
// application/x-www-form-urlencoded bodies (the WHATWG URL standard's form encoding), as OAuth
// 2.0 requests carry them, and the credentials of HTTP Basic authentication (RFC 7617).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::http {

// name=value pairs in order, '+' as space and percent-escapes decoded; nullopt when an escape is
// malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view body);

// The value of `name` when it appears exactly once.
std::optional<std::string> form_value(const std::vector<std::pair<std::string, std::string>>& form,
                                      std::string_view name);
// How often `name` appears.
std::size_t form_count(const std::vector<std::pair<std::string, std::string>>& form,
                       std::string_view name);

// "Basic <base64 of user:password>" -> (user, password); nullopt for anything else.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header);

// Standard base64 (RFC 4648 section 4) with padding; nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace tsunagu::http
