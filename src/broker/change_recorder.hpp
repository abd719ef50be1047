#pragma once
// A WriteTxn that passes every call to the real one and remembers what each write did to an
// entity (before and after), so that the changes of a job can be handed to a ChangeObserver
// inside the same transaction. Writes undone by a failed nested step are forgotten with it.

#include <map>
#include <string>
#include <vector>

#include "broker/entity_change.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

class ChangeRecorder final : public store::WriteTxn {
 public:
  explicit ChangeRecorder(store::WriteTxn& inner) : inner_(inner) {}

  Result<std::optional<model::Entity>> get(std::string_view id) override;
  Status insert(const model::Entity& entity) override;
  Status update(const model::Entity& entity) override;
  Result<bool> remove(std::string_view id) override;
  Status nested(const std::function<Status(store::WriteTxn&)>& step) override;
  store::SubscriptionTxn& subscriptions() override { return inner_.subscriptions(); }
  store::HistoryTxn& history() override { return inner_.history(); }

  // One change per entity written, in the order of their first write: several writes to one
  // entity in a job (a batch naming it twice) make one change from the first state to the last.
  std::vector<EntityChange> take_changes();

 private:
  // The state before this job's first write of the entity, read from the store when needed.
  Result<std::optional<model::Entity>> state_before(std::string_view id);
  void record(const std::string& id, std::optional<model::Entity> before,
              std::optional<model::Entity> after);

  // How to undo one record() if the nested step that made it fails.
  struct Undo {
    std::string id;
    std::optional<EntityChange> previous;  // empty: the id had no change before
  };

  store::WriteTxn& inner_;
  std::vector<Undo>* undo_ = nullptr;  // of the innermost nested step running, if any
  std::vector<std::string> order_;     // ids, in the order of their first write
  std::map<std::string, EntityChange, std::less<>> changes_;
  // What get() returned in this job, so an update need not read the entity again.
  std::map<std::string, std::optional<model::Entity>, std::less<>> seen_;
};

}  // namespace tsunagu::broker
