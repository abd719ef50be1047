#pragma once
// What a write did to one entity, as subscriptions see it: the entity before and after the
// change. `before` is empty for a creation, `after` for a deletion.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

struct EntityChange {
  std::optional<model::Entity> before;
  std::optional<model::Entity> after;
};

// Whom a committed write concerns beyond its caller (the subscription service, the history
// recorder): told of the changes inside the write's transaction, so that what it owes or records
// for them commits with them.
class ChangeObserver {
 public:
  virtual ~ChangeObserver() = default;
  // Whether anything in the tenant may care; when not, changes are not even recorded.
  virtual bool watches(const std::string& tenant) const = 0;
  // Called once the transaction holding the changes is durable (true) or was rolled back
  // (false), on the store's writer thread: it must be quick.
  using AfterCommit = std::function<void(bool committed)>;

  // Inside the write job, after the operation succeeded: record what is owed through `txn`.
  // A failure fails the write (nothing of it commits).
  virtual Result<AfterCommit> on_changes(const std::string& tenant, store::WriteTxn& txn,
                                         const std::vector<EntityChange>& changes) = 0;
};

}  // namespace tsunagu::broker
