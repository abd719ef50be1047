#pragma once
// A WriteTxn that holds a job to what the caller and the tenant's rules allow. With a
// TypeGrant, entities of no granted type are invisible (get finds nothing, so updates and
// deletes of them fail as for a missing entity), and what is inserted or updated must have
// granted types only. With personal-data rules, what is inserted or updated must name its data
// subject (consent::check_subject). Wraps the store's transaction for EntityService's jobs.

#include "broker/type_grant.hpp"
#include "consent/rule_book.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

class GuardedTxn final : public store::WriteTxn {
 public:
  // `grant` may be null (every type); `rules` may be null or empty (no personal data).
  GuardedTxn(store::WriteTxn& inner, const TypeGrant* grant, const consent::RuleSet* rules)
      : inner_(inner), grant_(grant), rules_(rules) {}

  Result<std::optional<model::Entity>> get(std::string_view id) override;
  Status insert(const model::Entity& entity) override;
  Status update(const model::Entity& entity) override;
  Result<bool> remove(std::string_view id) override;
  Status nested(const std::function<Status(store::WriteTxn&)>& step) override;
  store::SubscriptionTxn& subscriptions() override { return inner_.subscriptions(); }
  store::HistoryTxn& history() override { return inner_.history(); }

 private:
  Status check(const model::Entity& entity) const;

  store::WriteTxn& inner_;
  const TypeGrant* grant_;
  const consent::RuleSet* rules_;
};

}  // namespace tsunagu::broker
