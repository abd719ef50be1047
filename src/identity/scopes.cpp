#include "identity/scopes.hpp"

#include <algorithm>
#include <array>

namespace tsunagu::identity {

namespace {
// offline_access is accepted in requests (clients send it); every code grant has a refresh token.
constexpr std::array<std::string_view, 8> kKnown = {"openid",         "profile",    "email",
                                                    "offline_access", kScopeRead,   kScopeWrite,
                                                    kScopeAdmin,      kScopeConsent};
}  // namespace

bool known_scope(std::string_view scope) {
  return std::find(kKnown.begin(), kKnown.end(), scope) != kKnown.end();
}

std::vector<std::string> split_scopes(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto end = text.find(' ', i);
    const auto item = text.substr(i, end == std::string_view::npos ? end : end - i);
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) {
      out.emplace_back(item);
    }
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return out;
}

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

Status check_scopes(const std::vector<std::string>& scopes) {
  for (const auto& s : scopes) {
    if (!known_scope(s)) {
      std::string list;
      for (auto k : kKnown) list += (list.empty() ? "" : ", ") + std::string(k);
      return fail(ErrorKind::BadRequestData, "unknown scope '" + s + "'; known: " + list);
    }
  }
  return ok();
}

}  // namespace tsunagu::identity
