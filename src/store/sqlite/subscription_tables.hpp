#pragma once
// The SQLite tables of subscriptions and owed notifications (created by migration 5, schema.cpp):
//
//   subscriptions(id PRIMARY KEY, doc)       the subscription as store/subscription_codec writes it
//   owed_notifications(seq, subscription, trigger, at, entity, previous)
//                                            seq AUTOINCREMENT: never reused, so the order of
//                                            notifications holds across deletions and restarts

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::store::sqlite {

// Within the writer's transaction.
class SqliteSubscriptionTxn final : public SubscriptionTxn {
 public:
  explicit SqliteSubscriptionTxn(Connection& db) : db_(db) {}

  Result<std::optional<model::Subscription>> get(std::string_view id) override;
  Status put(const model::Subscription& subscription) override;
  Status put_counters(const model::Subscription& subscription) override;
  std::int64_t version() override { return 0; }  // no other node changes them
  Result<bool> remove(std::string_view id) override;
  Result<std::int64_t> owe(const OwedNotification& notification) override;
  Status settle(std::span<const std::int64_t> seqs) override;
  void announce(std::string) override {}  // no other node shares the file

 private:
  Connection& db_;
};

// Reads, on a reader connection.
Result<std::vector<model::Subscription>> load_subscriptions(Connection& db);
Result<std::optional<model::Subscription>> load_subscription(Connection& db, std::string_view id);
Result<std::vector<OwedNotification>> load_owed_notifications(Connection& db, std::int64_t after,
                                                              std::size_t limit);
Result<std::vector<OwedNotification>> load_owed_notifications_of(Connection& db,
                                                                 std::string_view subscription,
                                                                 std::int64_t after,
                                                                 std::size_t limit);

}  // namespace tsunagu::store::sqlite
