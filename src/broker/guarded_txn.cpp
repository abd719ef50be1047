#include "broker/guarded_txn.hpp"

namespace tsunagu::broker {

Status GuardedTxn::check(const model::Entity& entity) const {
  if (grant_) {
    if (auto st = grant_->check_all(entity.types); !st) return st;
  }
  return rules_ ? consent::check_subject(entity, *rules_) : ok();
}

Result<std::optional<model::Entity>> GuardedTxn::get(std::string_view id) {
  auto found = inner_.get(id);
  if (!found || !*found) return found;
  if (grant_ && !grant_->sees((*found)->types)) return std::optional<model::Entity>();
  return found;
}

Status GuardedTxn::insert(const model::Entity& entity) {
  // An id taken by an invisible entity stays taken: the insert fails as AlreadyExists, which
  // tells no more than that the id is used.
  if (auto st = check(entity); !st) return st;
  return inner_.insert(entity);
}

Status GuardedTxn::update(const model::Entity& entity) {
  if (auto st = check(entity); !st) return st;
  auto visible = get(entity.id);
  if (!visible) return std::unexpected(visible.error());
  if (!*visible) {
    return fail(ErrorKind::ResourceNotFound, "entity '" + entity.id + "' does not exist");
  }
  return inner_.update(entity);
}

Result<bool> GuardedTxn::remove(std::string_view id) {
  auto visible = get(id);
  if (!visible) return std::unexpected(visible.error());
  if (!*visible) return false;
  return inner_.remove(id);
}

Status GuardedTxn::nested(const std::function<Status(store::WriteTxn&)>& step) {
  return inner_.nested([&](store::WriteTxn& txn) {
    GuardedTxn guarded(txn, grant_, rules_);
    return step(guarded);
  });
}

}  // namespace tsunagu::broker
