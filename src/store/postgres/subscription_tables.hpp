#pragma once
// The PostgreSQL tables of subscriptions and owed notifications (schema.cpp):
//
//   subscriptions(id PRIMARY KEY, doc)     the subscription as store/subscription_codec writes it
//   owed_notifications(seq, subscription, trigger, at, entity, previous)
//                                          seq from an identity: never reused; the tenant's
//                                          writes are serialized (tenant_db.hpp), so seqs also
//                                          commit in order across nodes
//   subscription_version(v)                one row: bumped by every put and remove
//   tsunagu.subscription_owners(tenant, subscription, node)
//                                          shared by the tenants: the node that delivers what
//                                          the subscription owes (node_leases.hpp); a new
//                                          subscription's is the node that created it

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::store::postgres {

// Within the writer's transaction.
class PgSubscriptionTxn final : public SubscriptionTxn {
 public:
  // `node` names the node writing, the owner of the subscriptions it creates; announcements
  // are added to `announced`, which the group sends when it commits.
  // `version`: the tenant's subscription version when the group's transaction began.
  PgSubscriptionTxn(Connection& db, const TenantSchema& tenant, const std::string& node,
                    std::vector<std::string>& announced, std::int64_t version)
      : db_(db), tenant_(tenant), node_(node), announced_(announced), version_(version) {}

  Result<std::optional<model::Subscription>> get(std::string_view id) override;
  Status put(const model::Subscription& subscription) override;
  Status put_counters(const model::Subscription& subscription) override;
  std::int64_t version() override { return version_; }
  Result<bool> remove(std::string_view id) override;
  Result<std::int64_t> owe(const OwedNotification& notification) override;
  Status settle(std::span<const std::int64_t> seqs) override;
  void announce(std::string message) override;

 private:
  Connection& db_;
  const TenantSchema& tenant_;
  const std::string& node_;
  std::vector<std::string>& announced_;
  const std::int64_t version_;
};

// Reads, on any connection.
Result<std::vector<model::Subscription>> load_subscriptions(Connection& db,
                                                            const std::string& schema);
Result<SubscriptionSet> load_subscription_set(Connection& db, const std::string& schema);
Result<std::optional<model::Subscription>> load_subscription(Connection& db,
                                                             const std::string& schema,
                                                             std::string_view id);
// With seq > after, in seq order; of one subscription when `subscription` is set.
Result<std::vector<OwedNotification>> load_owed_notifications(
    Connection& db, const std::string& schema, std::optional<std::string_view> subscription,
    std::int64_t after, std::size_t limit);

}  // namespace tsunagu::store::postgres
