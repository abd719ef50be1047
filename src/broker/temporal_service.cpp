#include "broker/temporal_service.hpp"

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

Result<store::HistoryQuery> TemporalService::narrowed(const store::HistoryQuery& query) const {
  if (!grant_) return query;
  auto selectors = grant_->narrow(query.entities);
  if (!selectors) return std::unexpected(selectors.error());
  auto out = query;
  out.entities = std::move(*selectors);
  return out;
}

Result<store::HistoryPage> TemporalService::query(const std::string& tenant,
                                                  const store::HistoryQuery& query) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto q = narrowed(query);
  if (!q) return std::unexpected(q.error());
  return (*db)->history(*q);
}

Result<store::AggregatedPage> TemporalService::aggregate(const std::string& tenant,
                                                         const store::HistoryQuery& query,
                                                         const store::AggregationRequest& request) {
  auto db = store_.tenant(tenant, tenant.empty());
  if (!db) return std::unexpected(db.error());
  auto q = narrowed(query);
  if (!q) return std::unexpected(q.error());
  return (*db)->aggregate(*q, request);
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
