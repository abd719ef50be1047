#pragma once
// What SubscriptionTxn::announce sends between nodes: a PostgreSQL NOTIFY on one channel, sent
// by the announcing transaction's commit (so never for a transaction that failed) and received
// by every node's listening connection (node_leases.hpp). The payload names the node that
// announced, the tenant and the message, separated by tabs (node and tenant names hold none).

#include <optional>
#include <string>
#include <string_view>

namespace tsunagu::store::postgres {

inline constexpr std::string_view kAnnouncementChannel = "tsunagu";
// PostgreSQL refuses payloads of 8000 bytes and more; the announcing party keeps messages short.
inline constexpr std::size_t kMaxAnnouncementMessage = 4000;

struct Announcement {
  std::string node;
  std::string tenant;
  std::string message;
};

std::string announcement_payload(std::string_view node, std::string_view tenant,
                                 std::string_view message);
// nullopt for a payload not in that form (not ours).
std::optional<Announcement> parse_announcement(std::string_view payload);

}  // namespace tsunagu::store::postgres
