#pragma once
// The temporal API as a service (docs/design/temporal.md): reads of history, and the writes that
// load or erase it (clauses 5.6.11 to 5.6.16). History written by the core API's changes comes
// from the HistoryRecorder instead; these writes never change an entity's current state.
//
// Writes are asynchronous like EntityService's: one store write job each, `done` called once the
// commit is durable, on the store's writer thread (keep callbacks quick). Reads are synchronous.

#include <string>
#include <utility>
#include <vector>

#include "broker/entity_service.hpp"
#include "broker/type_grant.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

class TemporalService {
 public:
  TemporalService(store::Store& store, const model::Clock& clock) : store_(store), clock_(clock) {}

  // This service as a caller limited to some entity types sees it (EntityService::restricted):
  // queries narrowed to them, histories of no granted type invisible, writes of other types
  // Forbidden. A cheap copy, made per request; jobs capture nothing of it.
  TemporalService restricted(TypeGrant grant) const;
  // As one reader of personal data (EntityService::restricted): a resident's history is
  // visible only while the resident's current entity is, and what is returned is audited.
  TemporalService restricted(std::optional<TypeGrant> grant, consent::SharedReadGuard guard,
                             std::shared_ptr<metering::RequestUsage> usage = nullptr) const;

  Result<store::HistoryPage> query(const std::string& tenant, const store::HistoryQuery& query);
  Result<store::AggregatedPage> aggregate(const std::string& tenant,
                                          const store::HistoryQuery& query,
                                          const store::AggregationRequest& request);

  using Instances = std::vector<std::pair<std::string, model::Attribute>>;  // name, instance

  // Adds the instances to the entity's history, creating it when absent: `done` says whether
  // it was created.
  void upsert(const std::string& tenant, std::string id, std::vector<std::string> types,
              Instances instances, Callback<bool> done);
  // The same for an entity whose history exists (ResourceNotFound otherwise).
  void add_attributes(const std::string& tenant, std::string id, std::vector<std::string> types,
                      Instances instances, Callback<void> done);
  void delete_entity(const std::string& tenant, std::string id, Callback<void> done);
  void delete_attribute(const std::string& tenant, std::string id, std::string attr,
                        store::DatasetChoice datasets, Callback<void> done);
  // Replaces an instance's value (datasetId, observedAt, ... as given); its id and createdAt stay.
  void replace_instance(const std::string& tenant, std::string id, std::string attr,
                        std::int64_t instance, model::Attribute value, Callback<void> done);
  void delete_instance(const std::string& tenant, std::string id, std::string attr,
                       std::int64_t instance, Callback<void> done);

 private:
  void submit(const std::string& tenant, bool create_tenant,
              std::function<Status(store::WriteTxn&)> apply, Callback<void> done);
  Result<store::HistoryQuery> narrowed(store::TenantStore& db, const std::string& tenant,
                                       const store::HistoryQuery& query) const;
  // Drops the entities the guard hides, strips hidden attributes, audits the rest (decide),
  // and counts what is returned for metering.
  template <typename HistoryEntities>
  Status admit(store::TenantStore& db, const std::string& tenant, HistoryEntities& entities) const;
  template <typename HistoryEntities>
  Status decide(store::TenantStore& db, const std::string& tenant, HistoryEntities& entities) const;

  store::Store& store_;
  const model::Clock& clock_;
  SharedGrant grant_;                              // null: every type
  consent::SharedReadGuard guard_;                 // null: reads as the system
  std::shared_ptr<metering::RequestUsage> usage_;  // null: reads are not counted
};

}  // namespace tsunagu::broker
