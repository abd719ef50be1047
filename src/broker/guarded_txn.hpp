#pragma once
// A WriteTxn that lets a job touch only what a TypeGrant allows: entities of no granted type are
// invisible (get finds nothing, so updates and deletes of them fail as for a missing entity),
// and what is inserted or updated must have granted types only. Wraps the store's transaction
// for the jobs of a restricted EntityService.

#include "broker/type_grant.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

class GuardedTxn final : public store::WriteTxn {
 public:
  GuardedTxn(store::WriteTxn& inner, const TypeGrant& grant) : inner_(inner), grant_(grant) {}

  Result<std::optional<model::Entity>> get(std::string_view id) override;
  Status insert(const model::Entity& entity) override;
  Status update(const model::Entity& entity) override;
  Result<bool> remove(std::string_view id) override;
  Status nested(const std::function<Status(store::WriteTxn&)>& step) override;
  store::SubscriptionTxn& subscriptions() override { return inner_.subscriptions(); }
  store::HistoryTxn& history() override { return inner_.history(); }

 private:
  store::WriteTxn& inner_;
  const TypeGrant& grant_;
};

}  // namespace tsunagu::broker
