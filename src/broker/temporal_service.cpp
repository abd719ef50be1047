#include "broker/temporal_service.hpp"

#include <algorithm>
#include <limits>
#include <memory>

namespace tsunagu::broker {
namespace {

std::unexpected<Error> no_history(const std::string& id) {
  return fail(ErrorKind::ResourceNotFound, "no temporal entity with id '" + id + "'");
}

store::HistoryAppend append_of(std::string id, std::vector<std::string> types,
                               TemporalService::Instances instances, model::Timestamp now) {
  store::HistoryAppend append;
  append.entity_id = std::move(id);
  append.types = std::move(types);
  append.at = now;
  for (auto& [name, value] : instances) {
    value.created_at = now;
    value.modified_at = now;
    append.instances.push_back(store::HistoryInstance{0, name, std::move(value), std::nullopt});
  }
  return append;
}

// The types of the entity's history, when it has one the caller may see.
Result<std::optional<std::vector<std::string>>> visible_types(store::WriteTxn& txn,
                                                              const std::string& id,
                                                              const SharedGrant& grant) {
  auto types = txn.history().types(id);
  if (!types || !*types || !grant || grant->sees(**types)) return types;
  return std::optional<std::vector<std::string>>();
}

// For the writes that change an existing history: it exists and the caller may see it.
Status existing(store::WriteTxn& txn, const std::string& id, const SharedGrant& grant) {
  auto types = visible_types(txn, id, grant);
  if (!types) return std::unexpected(types.error());
  if (!*types) return no_history(id);
  return ok();
}

}  // namespace

TemporalService TemporalService::restricted(TypeGrant grant) const {
  TemporalService view = *this;
  view.grant_ = std::make_shared<const TypeGrant>(std::move(grant));
  return view;
}

TemporalService TemporalService::restricted(std::optional<TypeGrant> grant,
                                            consent::SharedReadGuard guard,
                                            std::shared_ptr<metering::RequestUsage> usage) const {
  TemporalService view = grant ? restricted(std::move(*grant)) : *this;
  view.guard_ = std::move(guard);
  view.usage_ = std::move(usage);
  return view;
}

Result<store::HistoryQuery> TemporalService::narrowed(store::TenantStore& db,
                                                      const std::string& tenant,
                                                      const store::HistoryQuery& query) const {
  auto out = query;
  if (grant_) {
    auto selectors = grant_->narrow(query.entities);
    if (!selectors) return std::unexpected(selectors.error());
    out.entities = std::move(*selectors);
  }
  if (!guard_ || !guard_->applies(tenant)) return out;
  // A personal type's histories are those of the entities whose subjects granted: their ids
  // come from the current state, through the same subject index a query uses.
  for (auto& r : guard_->restrictions(tenant, consent::attributes_used(query))) {
    store::EntityQuery current;
    current.entities = {query::of_types({r.type})};
    current.restrictions = {r};
    current.limit = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    store::IdRestriction allowed{r.type, {}};
    if (!r.values.empty()) {
      auto page = db.query(current);
      if (!page) return std::unexpected(page.error());
      for (const auto& e : page->entities) allowed.ids.push_back(e.id);
      std::sort(allowed.ids.begin(), allowed.ids.end());
    }
    out.restrictions.push_back(std::move(allowed));
  }
  return out;
}

template <typename HistoryEntities>
Status TemporalService::admit(store::TenantStore& db, const std::string& tenant,
                              HistoryEntities& entities) const {
  auto st = decide(db, tenant, entities);
  if (st && usage_) {
    for (const auto& h : entities) usage_->add_type(h.types.empty() ? "" : h.types[0]);
  }
  return st;
}

template <typename HistoryEntities>
Status TemporalService::decide(store::TenantStore& db, const std::string& tenant,
                               HistoryEntities& entities) const {
  if (!guard_ || !guard_->applies(tenant)) return ok();
  std::vector<consent::ReadAccesses> reads;
  std::size_t kept = 0;
  for (auto& h : entities) {
    // Decided on the current entity (its subject) with the history's attribute names: an
    // attribute the entity no longer has is still personal under its rule.
    auto current = db.get(h.id);
    if (!current) return std::unexpected(current.error());
    model::Entity basis;
    if (*current) {
      basis = std::move(**current);
    } else {
      basis.id = h.id;
      basis.types = h.types;
    }
    for (const auto& a : h.attributes) {
      if (!model::find_entry(basis.attributes, a.name)) basis.attributes.push_back({a.name, {}});
    }
    auto d = guard_->decide(tenant, basis);
    if (!d.visible) continue;
    std::erase_if(h.attributes, [&](const auto& a) {
      return std::find(d.hidden.begin(), d.hidden.end(), a.name) != d.hidden.end();
    });
    if (!d.accesses.empty()) reads.push_back({h.id, std::move(d.accesses)});
    if (&entities[kept] != &h) entities[kept] = std::move(h);
    ++kept;
  }
  entities.resize(kept);
  return guard_->record(tenant, reads);
}

Result<store::HistoryPage> TemporalService::query(const std::string& tenant,
                                                  const store::HistoryQuery& query) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto q = narrowed(**db, tenant, query);
  if (!q) return std::unexpected(q.error());
  auto page = (*db)->history(*q);
  if (!page) return page;
  if (auto st = admit(**db, tenant, page->entities); !st) return std::unexpected(st.error());
  return page;
}

Result<store::AggregatedPage> TemporalService::aggregate(const std::string& tenant,
                                                         const store::HistoryQuery& query,
                                                         const store::AggregationRequest& request) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto q = narrowed(**db, tenant, query);
  if (!q) return std::unexpected(q.error());
  auto page = (*db)->aggregate(*q, request);
  if (!page) return page;
  if (auto st = admit(**db, tenant, page->entities); !st) return std::unexpected(st.error());
  return page;
}

void TemporalService::submit(const std::string& tenant, bool create_tenant,
                             std::function<Status(store::WriteTxn&)> apply, Callback<void> done) {
  auto db = store_.tenant(tenant, create_tenant || tenant.empty());
  if (!db) return done(std::unexpected(db.error()));
  (*db)->submit(store::WriteJob{std::move(apply), std::move(done)});
}

void TemporalService::upsert(const std::string& tenant, std::string id,
                             std::vector<std::string> types, Instances instances,
                             Callback<bool> done) {
  if (grant_) {
    if (auto st = grant_->check_all(types); !st) return done(std::unexpected(st.error()));
  }
  auto created = std::make_shared<bool>(false);
  auto apply = [&clock = clock_, grant = grant_, id = std::move(id), types = std::move(types),
                instances = std::move(instances), created](store::WriteTxn& txn) -> Status {
    auto stored = txn.history().types(id);
    if (!stored) return std::unexpected(stored.error());
    if (*stored && grant && !grant->sees(**stored)) {
      return fail(ErrorKind::Forbidden, "temporal entity '" + id + "' is of types not granted");
    }
    *created = !*stored;
    return txn.history().append(append_of(id, types, instances, clock.now()));
  };
  submit(tenant, true, std::move(apply), [created, done = std::move(done)](Status st) {
    if (!st) return done(std::unexpected(st.error()));
    done(*created);
  });
}

void TemporalService::add_attributes(const std::string& tenant, std::string id,
                                     std::vector<std::string> types, Instances instances,
                                     Callback<void> done) {
  if (grant_) {
    if (auto st = grant_->check_all(types); !st) return done(std::unexpected(st.error()));
  }
  auto apply = [&clock = clock_, grant = grant_, id = std::move(id), types = std::move(types),
                instances = std::move(instances)](store::WriteTxn& txn) -> Status {
    if (auto st = existing(txn, id, grant); !st) return st;
    return txn.history().append(append_of(id, types, instances, clock.now()));
  };
  submit(tenant, false, std::move(apply), std::move(done));
}

void TemporalService::delete_entity(const std::string& tenant, std::string id,
                                    Callback<void> done) {
  auto apply = [grant = grant_, id = std::move(id)](store::WriteTxn& txn) -> Status {
    if (auto st = existing(txn, id, grant); !st) return st;
    auto erased = txn.history().erase_entity(id);
    if (!erased) return std::unexpected(erased.error());
    if (!*erased) return no_history(id);
    return ok();
  };
  submit(tenant, false, std::move(apply), std::move(done));
}

void TemporalService::delete_attribute(const std::string& tenant, std::string id, std::string attr,
                                       store::DatasetChoice datasets, Callback<void> done) {
  auto apply = [grant = grant_, id = std::move(id), attr = std::move(attr),
                datasets = std::move(datasets)](store::WriteTxn& txn) -> Status {
    if (auto st = existing(txn, id, grant); !st) return st;
    auto erased = txn.history().erase_attribute(id, attr, datasets);
    if (!erased) return std::unexpected(erased.error());
    if (*erased == 0) {
      return fail(ErrorKind::ResourceNotFound,
                  "temporal entity '" + id + "' has no such instances of attribute '" + attr + "'");
    }
    return ok();
  };
  submit(tenant, false, std::move(apply), std::move(done));
}

void TemporalService::replace_instance(const std::string& tenant, std::string id, std::string attr,
                                       std::int64_t instance, model::Attribute value,
                                       Callback<void> done) {
  auto apply = [&clock = clock_, grant = grant_, id = std::move(id), attr = std::move(attr),
                instance, value = std::move(value)](store::WriteTxn& txn) mutable -> Status {
    if (auto st = existing(txn, id, grant); !st) return st;
    value.modified_at = clock.now();
    auto replaced = txn.history().replace_instance(id, attr, instance, value);
    if (!replaced) return std::unexpected(replaced.error());
    if (!*replaced) {
      return fail(ErrorKind::ResourceNotFound, "temporal entity '" + id + "' has no instance " +
                                                   std::to_string(instance) + " of attribute '" +
                                                   attr + "'");
    }
    return ok();
  };
  submit(tenant, false, std::move(apply), std::move(done));
}

void TemporalService::delete_instance(const std::string& tenant, std::string id, std::string attr,
                                      std::int64_t instance, Callback<void> done) {
  auto apply = [grant = grant_, id = std::move(id), attr = std::move(attr),
                instance](store::WriteTxn& txn) -> Status {
    if (auto st = existing(txn, id, grant); !st) return st;
    auto erased = txn.history().erase_instance(id, attr, instance);
    if (!erased) return std::unexpected(erased.error());
    if (!*erased) {
      return fail(ErrorKind::ResourceNotFound, "temporal entity '" + id + "' has no instance " +
                                                   std::to_string(instance) + " of attribute '" +
                                                   attr + "'");
    }
    return ok();
  };
  submit(tenant, false, std::move(apply), std::move(done));
}

}  // namespace tsunagu::broker
