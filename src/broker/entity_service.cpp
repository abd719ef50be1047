#include "broker/entity_service.hpp"

#include <algorithm>

#include "broker/change_recorder.hpp"
#include "broker/guarded_txn.hpp"

namespace tsunagu::broker {
namespace {

Error not_found(const std::string& id) {
  return Error{ErrorKind::ResourceNotFound, "entity '" + id + "' does not exist", {}};
}

// Loads the entity for a change, or fails with ResourceNotFound.
Result<model::Entity> load_for_change(store::WriteTxn& txn, const std::string& id) {
  auto found = txn.get(id);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::unexpected(not_found(id));
  return std::move(**found);
}

}  // namespace

EntityService EntityService::restricted(TypeGrant grant) const {
  EntityService view = *this;
  view.grant_ = std::make_shared<const TypeGrant>(std::move(grant));
  return view;
}

EntityService EntityService::restricted(std::optional<TypeGrant> grant,
                                        consent::SharedReadGuard guard,
                                        std::shared_ptr<metering::RequestUsage> usage) const {
  EntityService view = grant ? restricted(std::move(*grant)) : *this;
  view.guard_ = std::move(guard);
  view.usage_ = std::move(usage);
  return view;
}

Result<store::QueryPage> EntityService::counted(Result<store::QueryPage> page) const {
  if (page && usage_) {
    for (const auto& e : page->entities) usage_->add(e);
  }
  return page;
}

Result<model::Entity> EntityService::get(const std::string& tenant, const std::string& id) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto found = (*db)->get(id);
  if (!found) return std::unexpected(found.error());
  // An entity of no granted type does not exist for the caller, nor does a resident's entity
  // it has no consent for.
  if (!*found || (grant_ && !grant_->sees((*found)->types))) {
    return std::unexpected(not_found(id));
  }
  if (!guard_) {
    if (usage_) usage_->add(**found);
    return std::move(**found);
  }
  std::vector<model::Entity> one;
  one.push_back(std::move(**found));
  if (auto st = guard_->admit(tenant, one); !st) return std::unexpected(st.error());
  if (one.empty()) return std::unexpected(not_found(id));
  if (usage_) usage_->add(one.front());
  return std::move(one.front());
}

Result<std::optional<model::EntityRef>> EntityService::read(const std::string& tenant,
                                                            const std::string& id,
                                                            store::EntityReadBuffer& buffer,
                                                            bool may_wait) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto found = (*db)->read_document(id, buffer.text);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::unexpected(not_found(id));
  auto entity = buffer.view();
  if (!entity) return std::unexpected(entity.error());
  // As in get(): an entity of no granted type does not exist for the caller.
  if (grant_ && std::none_of(entity->types.begin(), entity->types.end(),
                             [&](std::string_view t) { return grant_->granted(t); })) {
    return std::unexpected(not_found(id));
  }
  // Personal data is decided by the guard on the model, and its read recorded in the audit
  // before it is shown: that waits for a commit.
  if (guard_ && guard_->applies(tenant) && guard_->personal(tenant, entity->types)) {
    if (!may_wait) return std::optional<model::EntityRef>();
    auto guarded = get(tenant, id);
    if (!guarded) return std::unexpected(guarded.error());
    return buffer.borrow(std::move(*guarded));
  }
  if (usage_) usage_->add_type(entity->types.empty() ? "" : std::string(entity->types.front()));
  return entity;
}

Result<store::QueryPage> EntityService::query(const std::string& tenant,
                                              const store::EntityQuery& q) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  if (!grant_ && !(guard_ && guard_->applies(tenant))) return counted((*db)->query(q));
  auto narrowed = q;
  if (grant_) {
    auto selectors = grant_->narrow(q.entities);
    if (!selectors) return std::unexpected(selectors.error());
    narrowed.entities = std::move(*selectors);
  }
  if (!guard_ || !guard_->applies(tenant)) return counted((*db)->query(narrowed));
  // The store finds only what the grants allow; the guard decides again, entity by entity, so
  // a grant withdrawn meanwhile still hides, and records what is returned.
  narrowed.restrictions = guard_->restrictions(tenant, consent::attributes_used(q));
  auto page = (*db)->query(narrowed);
  if (!page) return page;
  if (auto st = guard_->admit(tenant, page->entities); !st) return std::unexpected(st.error());
  return counted(std::move(page));
}

Result<std::vector<store::TypeSummary>> EntityService::type_summaries(
    const std::string& tenant, std::optional<std::string_view> only) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto all = (*db)->type_summaries(only);
  if (!all || !grant_) return all;
  std::erase_if(*all, [this](const store::TypeSummary& t) { return !grant_->granted(t.type); });
  return all;
}

Result<std::vector<store::AttributeSummary>> EntityService::attribute_summaries(
    const std::string& tenant, std::optional<std::string_view> only) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto all = (*db)->attribute_summaries(only);
  if (!all || !grant_) return all;
  // Only what entities of granted types show: the counts stay those of every type (the
  // summaries keep no count per type and attribute of instances), the types are the granted.
  for (auto& a : *all) {
    std::erase_if(a.types, [this](const std::string& t) { return !grant_->granted(t); });
  }
  std::erase_if(*all, [](const store::AttributeSummary& a) { return a.types.empty(); });
  return all;
}

void EntityService::submit(const std::string& tenant, bool create_tenant,
                           std::function<Status(store::WriteTxn&)> apply, Callback<void> done) {
  auto db = store_.tenant(tenant, create_tenant || tenant.empty());
  if (!db) return done(std::unexpected(db.error()));
  auto rules = rule_book_ ? rule_book_->rules(tenant) : nullptr;
  if (rules && rules->empty()) rules.reset();
  if (grant_ || rules) {
    apply = [inner = std::move(apply), grant = grant_, rules](store::WriteTxn& txn) -> Status {
      GuardedTxn guarded(txn, grant.get(), rules.get());
      return inner(guarded);
    };
  }
  std::vector<ChangeObserver*> watching;
  for (auto* o : observers_) {
    if (o->watches(tenant)) watching.push_back(o);
  }
  if (!watching.empty()) {
    // The observers learn the job's changes inside its transaction, so what they owe or record
    // for them (notifications, history) commits or rolls back with them.
    auto after_commit = std::make_shared<std::vector<ChangeObserver::AfterCommit>>();
    apply = [inner = std::move(apply), watching, tenant,
             after_commit](store::WriteTxn& txn) -> Status {
      after_commit->clear();  // apply may run again (store.hpp): only the last run counts
      ChangeRecorder recorder(txn);
      if (auto st = inner(recorder); !st) return st;
      const auto changes = recorder.take_changes();
      if (changes.empty()) return ok();
      for (auto* observer : watching) {
        auto then = observer->on_changes(tenant, txn, changes);
        if (!then) return std::unexpected(then.error());
        if (*then) after_commit->push_back(std::move(*then));
      }
      return ok();
    };
    done = [after_commit, done = std::move(done)](Status st) {
      for (auto& then : *after_commit) then(st.has_value());
      done(std::move(st));
    };
  }
  (*db)->submit(store::WriteJob{std::move(apply), std::move(done)});
}

template <typename T>
void EntityService::modify(const std::string& tenant, const std::string& id,
                           std::function<Result<T>(model::Entity&, model::Timestamp)> change,
                           Callback<T> done) {
  // The job's output travels to `done` through this shared slot: apply runs before done.
  auto out = std::make_shared<Result<T>>(std::unexpected(Error{ErrorKind::InternalError, "", {}}));
  auto apply = [&clock = clock_, id, change = std::move(change),
                out](store::WriteTxn& txn) -> Status {
    auto entity = load_for_change(txn, id);
    if (!entity) return std::unexpected(entity.error());
    *out = change(*entity, clock.now());
    if (!*out) return std::unexpected(out->error());
    return txn.update(*entity);
  };
  submit(tenant, false, std::move(apply), [out, done = std::move(done)](Status st) {
    if (!st) return done(std::unexpected(st.error()));
    done(std::move(*out));
  });
}

void EntityService::create(const std::string& tenant, model::Entity entity, Callback<void> done) {
  auto apply = [&clock = clock_,
                entity = std::move(entity)](store::WriteTxn& txn) mutable -> Status {
    const auto now = clock.now();
    entity.created_at = entity.modified_at = now;
    model::stamp_new(entity.attributes, now);
    return txn.insert(entity);
  };
  submit(tenant, true, std::move(apply), std::move(done));
}

void EntityService::replace(const std::string& tenant, model::Entity entity, Callback<void> done) {
  const std::string id = entity.id;
  modify<void>(
      tenant, id,
      [replacement = std::move(entity)](model::Entity& e, model::Timestamp now) -> Status {
        replace_entity(e, replacement, now);
        return ok();
      },
      std::move(done));
}

void EntityService::merge(const std::string& tenant, model::Entity patch, Callback<void> done) {
  const std::string id = patch.id;
  modify<void>(
      tenant, id,
      [patch = std::move(patch)](model::Entity& e, model::Timestamp now) -> Status {
        return merge_entity(e, patch, now);
      },
      std::move(done));
}

void EntityService::remove(const std::string& tenant, const std::string& id, Callback<void> done) {
  auto apply = [id](store::WriteTxn& txn) -> Status {
    auto removed = txn.remove(id);
    if (!removed) return std::unexpected(removed.error());
    if (!*removed) return std::unexpected(not_found(id));
    return ok();
  };
  submit(tenant, false, std::move(apply), std::move(done));
}

void EntityService::append_attributes(const std::string& tenant, const std::string& id,
                                      model::AttributeList attrs, bool no_overwrite,
                                      Callback<UpdateOutcome> done) {
  modify<UpdateOutcome>(
      tenant, id,
      [attrs = std::move(attrs), no_overwrite](model::Entity& e, model::Timestamp now) {
        return Result<UpdateOutcome>(broker::append_attributes(e, attrs, no_overwrite, now));
      },
      std::move(done));
}

void EntityService::update_attributes(const std::string& tenant, const std::string& id,
                                      model::AttributeList attrs, Callback<UpdateOutcome> done) {
  modify<UpdateOutcome>(
      tenant, id,
      [attrs = std::move(attrs)](model::Entity& e, model::Timestamp now) {
        return Result<UpdateOutcome>(broker::update_attributes(e, attrs, now));
      },
      std::move(done));
}

void EntityService::patch_attribute(const std::string& tenant, const std::string& id,
                                    const std::string& name, model::Attribute fragment,
                                    Callback<void> done) {
  modify<void>(
      tenant, id,
      [name, fragment = std::move(fragment)](model::Entity& e, model::Timestamp now) {
        return broker::patch_attribute(e, name, fragment, now);
      },
      std::move(done));
}

void EntityService::replace_attribute(const std::string& tenant, const std::string& id,
                                      const std::string& name, model::Attribute attr,
                                      Callback<void> done) {
  modify<void>(
      tenant, id,
      [name, attr = std::move(attr)](model::Entity& e, model::Timestamp now) {
        return broker::replace_attribute(e, name, attr, now);
      },
      std::move(done));
}

void EntityService::delete_attribute(const std::string& tenant, const std::string& id,
                                     const std::string& name, std::optional<std::string> dataset_id,
                                     bool delete_all, Callback<void> done) {
  modify<void>(
      tenant, id,
      [name, dataset_id = std::move(dataset_id), delete_all](model::Entity& e,
                                                             model::Timestamp now) {
        return broker::delete_attribute(e, name, dataset_id, delete_all, now);
      },
      std::move(done));
}

void EntityService::batch(const std::string& tenant, bool create_tenant,
                          std::vector<std::string> ids,
                          std::function<Status(store::WriteTxn&, std::size_t, BatchOutcome&)> step,
                          Callback<BatchOutcome> done) {
  auto out = std::make_shared<BatchOutcome>();
  auto apply = [ids = std::move(ids), step = std::move(step), out](store::WriteTxn& txn) {
    *out = BatchOutcome{};  // apply may run again (store.hpp): only the last run counts
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto st = txn.nested([&](store::WriteTxn& t) { return step(t, i, *out); });
      if (st) {
        out->success.push_back(ids[i]);
      } else {
        out->errors.push_back({ids[i], st.error()});
      }
    }
    return ok();
  };
  submit(tenant, create_tenant, std::move(apply), [out, done = std::move(done)](Status st) {
    if (!st) return done(std::unexpected(st.error()));
    done(std::move(*out));
  });
}

namespace {
std::vector<std::string> ids_of(const std::vector<model::Entity>& entities) {
  std::vector<std::string> ids;
  ids.reserve(entities.size());
  for (const auto& e : entities) ids.push_back(e.id);
  return ids;
}
}  // namespace

void EntityService::batch_create(const std::string& tenant, std::vector<model::Entity> entities,
                                 Callback<BatchOutcome> done) {
  auto ids = ids_of(entities);
  auto shared = std::make_shared<std::vector<model::Entity>>(std::move(entities));
  auto step = [&clock = clock_, shared](store::WriteTxn& txn, std::size_t i,
                                        BatchOutcome& out) -> Status {
    model::Entity e = (*shared)[i];
    const auto now = clock.now();
    e.created_at = e.modified_at = now;
    model::stamp_new(e.attributes, now);
    auto st = txn.insert(e);
    if (st) out.created.push_back(e.id);
    return st;
  };
  batch(tenant, true, std::move(ids), std::move(step), std::move(done));
}

void EntityService::batch_upsert(const std::string& tenant, std::vector<model::Entity> entities,
                                 UpsertMode mode, Callback<BatchOutcome> done) {
  auto ids = ids_of(entities);
  auto shared = std::make_shared<std::vector<model::Entity>>(std::move(entities));
  auto step = [&clock = clock_, shared, mode](store::WriteTxn& txn, std::size_t i,
                                              BatchOutcome& out) -> Status {
    model::Entity incoming = (*shared)[i];
    const auto now = clock.now();
    auto found = txn.get(incoming.id);
    if (!found) return std::unexpected(found.error());
    if (!*found) {
      incoming.created_at = incoming.modified_at = now;
      model::stamp_new(incoming.attributes, now);
      auto st = txn.insert(incoming);
      if (st) out.created.push_back(incoming.id);
      return st;
    }
    model::Entity& stored = **found;
    if (mode == UpsertMode::Replace) {
      replace_entity(stored, std::move(incoming), now);
    } else {
      for (const auto& t : incoming.types) {
        if (!model::has_type(stored, t)) stored.types.push_back(t);
      }
      broker::append_attributes(stored, std::move(incoming.attributes), false, now);
      stored.modified_at = now;
    }
    return txn.update(stored);
  };
  batch(tenant, true, std::move(ids), std::move(step), std::move(done));
}

void EntityService::batch_update(const std::string& tenant, std::vector<model::Entity> entities,
                                 bool no_overwrite, Callback<BatchOutcome> done) {
  auto ids = ids_of(entities);
  auto shared = std::make_shared<std::vector<model::Entity>>(std::move(entities));
  auto step = [&clock = clock_, shared, no_overwrite](store::WriteTxn& txn, std::size_t i,
                                                      BatchOutcome&) -> Status {
    model::Entity incoming = (*shared)[i];
    auto stored = load_for_change(txn, incoming.id);
    if (!stored) return std::unexpected(stored.error());
    broker::append_attributes(*stored, std::move(incoming.attributes), no_overwrite, clock.now());
    return txn.update(*stored);
  };
  batch(tenant, false, std::move(ids), std::move(step), std::move(done));
}

void EntityService::batch_delete(const std::string& tenant, std::vector<std::string> ids,
                                 Callback<BatchOutcome> done) {
  auto step = [ids](store::WriteTxn& txn, std::size_t i, BatchOutcome&) -> Status {
    auto removed = txn.remove(ids[i]);
    if (!removed) return std::unexpected(removed.error());
    if (!*removed) return std::unexpected(not_found(ids[i]));
    return ok();
  };
  batch(tenant, false, ids, std::move(step), std::move(done));
}

}  // namespace tsunagu::broker
