#pragma once
// The PostgreSQL tables of subscriptions and owed notifications (schema.cpp):
//
//   subscriptions(id PRIMARY KEY, doc)     the subscription as store/subscription_codec writes it
//   owed_notifications(seq, subscription, trigger, at, entity, previous, node)
//                                          seq from an identity: never reused; the tenant's
//                                          writes are serialized (tenant_db.hpp), so seqs also
//                                          commit in order across nodes; node: the node that
//                                          owes it (made the change), which alone delivers it,
//                                          also when it restarts

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/postgres/connection.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::store::postgres {

// Within the writer's transaction.
class PgSubscriptionTxn final : public SubscriptionTxn {
 public:
  // `node` names the node whose writes owe what this transaction records.
  PgSubscriptionTxn(Connection& db, const std::string& schema, const std::string& node)
      : db_(db), schema_(schema), node_(node) {}

  Result<std::optional<model::Subscription>> get(std::string_view id) override;
  Status put(const model::Subscription& subscription) override;
  Result<bool> remove(std::string_view id) override;
  Result<std::int64_t> owe(const OwedNotification& notification) override;
  Status settle(std::span<const std::int64_t> seqs) override;

 private:
  Connection& db_;
  const std::string& schema_;
  const std::string& node_;
};

// Reads, on any connection.
Result<std::vector<model::Subscription>> load_subscriptions(Connection& db,
                                                            const std::string& schema);
// What `node` owes.
Result<std::vector<OwedNotification>> load_owed_notifications(Connection& db,
                                                              const std::string& schema,
                                                              const std::string& node,
                                                              std::int64_t after,
                                                              std::size_t limit);

}  // namespace tsunagu::store::postgres
