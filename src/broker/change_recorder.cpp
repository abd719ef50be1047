#include "broker/change_recorder.hpp"

#include <algorithm>
#include <utility>

namespace tsunagu::broker {

Result<std::optional<model::Entity>> ChangeRecorder::get(std::string_view id) {
  auto got = inner_.get(id);
  if (got && !changes_.contains(id)) seen_.insert_or_assign(std::string(id), *got);
  return got;
}

Result<std::optional<model::Entity>> ChangeRecorder::state_before(std::string_view id) {
  if (auto c = changes_.find(id); c != changes_.end()) return c->second.before;
  if (auto s = seen_.find(id); s != seen_.end()) return s->second;
  return inner_.get(id);
}

void ChangeRecorder::record(const std::string& id, std::optional<model::Entity> before,
                            std::optional<model::Entity> after) {
  auto [it, inserted] = changes_.try_emplace(id);
  if (undo_) {
    undo_->push_back({id, inserted ? std::nullopt : std::optional<EntityChange>(it->second)});
  }
  if (inserted) {
    order_.push_back(id);
    it->second.before = std::move(before);
  }
  it->second.after = std::move(after);
}

Status ChangeRecorder::insert(const model::Entity& entity) {
  auto before = state_before(entity.id);
  if (!before) return std::unexpected(before.error());
  if (auto st = inner_.insert(entity); !st) return st;
  record(entity.id, std::move(*before), entity);
  return ok();
}

Status ChangeRecorder::update(const model::Entity& entity) {
  auto before = state_before(entity.id);
  if (!before) return std::unexpected(before.error());
  if (auto st = inner_.update(entity); !st) return st;
  record(entity.id, std::move(*before), entity);
  return ok();
}

Result<bool> ChangeRecorder::remove(std::string_view id) {
  auto before = state_before(id);
  if (!before) return std::unexpected(before.error());
  auto removed = inner_.remove(id);
  if (removed && *removed) record(std::string(id), std::move(*before), std::nullopt);
  return removed;
}

Status ChangeRecorder::nested(const std::function<Status(store::WriteTxn&)>& step) {
  // The step's writes reach the store through this recorder; if the store undoes them, so do
  // we, with the undo log of the step (a step of a batch touches one entity: this stays cheap).
  std::vector<Undo> undo;
  auto* outer = std::exchange(undo_, &undo);
  auto st = inner_.nested([&](store::WriteTxn&) { return step(*this); });
  undo_ = outer;
  if (st) {
    // Kept: an enclosing step that fails later must be able to undo these too.
    if (undo_) undo_->insert(undo_->end(), undo.begin(), undo.end());
    return st;
  }
  for (auto u = undo.rbegin(); u != undo.rend(); ++u) {
    if (u->previous) {
      changes_.insert_or_assign(u->id, std::move(*u->previous));
    } else {
      changes_.erase(u->id);
      if (!order_.empty() && order_.back() == u->id) order_.pop_back();
    }
  }
  return st;
}

std::vector<EntityChange> ChangeRecorder::take_changes() {
  std::vector<EntityChange> out;
  out.reserve(order_.size());
  for (const auto& id : order_) {
    auto& c = changes_.at(id);
    // Created and deleted within the job: nothing happened as far as anyone outside can tell.
    if (!c.before && !c.after) continue;
    out.push_back(std::move(c));
  }
  order_.clear();
  changes_.clear();
  seen_.clear();
  return out;
}

}  // namespace tsunagu::broker
