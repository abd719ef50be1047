#include "store/postgres/announcements.hpp"

namespace tsunagu::store::postgres {

std::string announcement_payload(std::string_view node, std::string_view tenant,
                                 std::string_view message) {
  std::string out;
  out.reserve(node.size() + tenant.size() + message.size() + 2);
  out.append(node).append(1, '\t').append(tenant).append(1, '\t').append(message);
  return out;
}

std::optional<Announcement> parse_announcement(std::string_view payload) {
  const auto first = payload.find('\t');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = payload.find('\t', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  return Announcement{std::string(payload.substr(0, first)),
                      std::string(payload.substr(first + 1, second - first - 1)),
                      std::string(payload.substr(second + 1))};
}

}  // namespace tsunagu::store::postgres
