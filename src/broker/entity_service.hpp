#pragma once
// The entity operations of the broker, independent of HTTP: the API layer parses and expands a
// request into model values, calls one of these, and renders what comes back.
//
// Writes are asynchronous: each runs as one store write job (so its read-modify-write is
// atomic) and its callback is called after the commit is durable, on the store's writer thread;
// callbacks must be quick. Reads are synchronous. A job captures nothing of the service object
// itself (only the clock, the observers and the grant, which outlive it): a restricted copy
// made for one request may be gone before its job runs.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker/entity_change.hpp"
#include "broker/entity_merge.hpp"
#include "broker/type_grant.hpp"
#include "consent/read_guard.hpp"
#include "consent/rule_book.hpp"
#include "metering/usage_meter.hpp"
#include "model/entity.hpp"
#include "model/entity_ref.hpp"
#include "model/error.hpp"
#include "model/time.hpp"
#include "store/entity_codec.hpp"
#include "store/store.hpp"

namespace tsunagu::broker {

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct BatchError {
  std::string entity_id;
  Error error;
};

struct BatchOutcome {
  std::vector<std::string> success;  // ids, in request order
  std::vector<std::string> created;  // the subset of success that was created (upsert)
  std::vector<BatchError> errors;
};

enum class UpsertMode { Replace, Update };

class EntityService {
 public:
  EntityService(store::Store& store, const model::Clock& clock) : store_(store), clock_(clock) {}

  // This service as a caller limited to some entity types sees it: reads show entities of a
  // granted type only, queries are narrowed to them (naming another type is Forbidden), writes
  // may touch only entities whose types are all granted. A cheap copy, made per request.
  EntityService restricted(TypeGrant grant) const;
  // This service as one reader of personal data sees it (consent/access_policy.hpp): reads and
  // queries show only what the guard admits, and record it in the audit before returning.
  // Without a guard (null) the service reads as the system: everything, unaudited.
  // With `usage`, what reads return is also counted there (metering per client).
  EntityService restricted(std::optional<TypeGrant> grant, consent::SharedReadGuard guard,
                           std::shared_ptr<metering::RequestUsage> usage = nullptr) const;

  // Writes of personal entities must name their data subject (consent::check_subject). Set
  // once before the first write; `rules` must outlive the service.
  void check_personal_data(const consent::RuleBook& rules) { rule_book_ = &rules; }

  // Tells `observer` (the subscription service, the history recorder) of every change inside
  // its write job, in the order observers were added. Added before the first write; each must
  // outlive the service.
  void add_observer(ChangeObserver* observer) { observers_.push_back(observer); }

  Result<model::Entity> get(const std::string& tenant, const std::string& id);
  // The same entity as get() gives, as a view into `buffer` (the stored document, parsed
  // there): what a GET renders without building the model. An entity the consent guard must
  // decide on is read through the model, and its read audited, which waits for a commit: unless
  // `may_wait`, nullopt says so and the caller asks again where waiting is allowed.
  Result<std::optional<model::EntityRef>> read(const std::string& tenant, const std::string& id,
                                               store::EntityReadBuffer& buffer, bool may_wait);
  Result<store::QueryPage> query(const std::string& tenant, const store::EntityQuery& query);
  // Discovery (clause 5.7.5 - 5.7.10), as the store's summaries; see store::TenantStore.
  Result<std::vector<store::TypeSummary>> type_summaries(const std::string& tenant,
                                                         std::optional<std::string_view> only);
  Result<std::vector<store::AttributeSummary>> attribute_summaries(
      const std::string& tenant, std::optional<std::string_view> only);

  void create(const std::string& tenant, model::Entity entity, Callback<void> done);
  void replace(const std::string& tenant, model::Entity entity, Callback<void> done);
  void merge(const std::string& tenant, model::Entity patch, Callback<void> done);
  void remove(const std::string& tenant, const std::string& id, Callback<void> done);

  void append_attributes(const std::string& tenant, const std::string& id,
                         model::AttributeList attrs, bool no_overwrite,
                         Callback<UpdateOutcome> done);
  void update_attributes(const std::string& tenant, const std::string& id,
                         model::AttributeList attrs, Callback<UpdateOutcome> done);
  void patch_attribute(const std::string& tenant, const std::string& id, const std::string& name,
                       model::Attribute fragment, Callback<void> done);
  void replace_attribute(const std::string& tenant, const std::string& id, const std::string& name,
                         model::Attribute attr, Callback<void> done);
  void delete_attribute(const std::string& tenant, const std::string& id, const std::string& name,
                        std::optional<std::string> dataset_id, bool delete_all,
                        Callback<void> done);

  void batch_create(const std::string& tenant, std::vector<model::Entity> entities,
                    Callback<BatchOutcome> done);
  void batch_upsert(const std::string& tenant, std::vector<model::Entity> entities, UpsertMode mode,
                    Callback<BatchOutcome> done);
  void batch_update(const std::string& tenant, std::vector<model::Entity> entities,
                    bool no_overwrite, Callback<BatchOutcome> done);
  void batch_delete(const std::string& tenant, std::vector<std::string> ids,
                    Callback<BatchOutcome> done);

 private:
  // Counts the page's entities in usage_, when there is one.
  Result<store::QueryPage> counted(Result<store::QueryPage> page) const;
  // Runs `change` on the stored entity `id` inside one write job and stores the result.
  template <typename T>
  void modify(const std::string& tenant, const std::string& id,
              std::function<Result<T>(model::Entity&, model::Timestamp)> change, Callback<T> done);
  // Submits a job to the tenant's store; `create_tenant` for operations that may create data.
  void submit(const std::string& tenant, bool create_tenant,
              std::function<Status(store::WriteTxn&)> apply, Callback<void> done);
  // Runs `step` per entity in a nested transaction and gathers a BatchOutcome.
  void batch(const std::string& tenant, bool create_tenant, std::vector<std::string> ids,
             std::function<Status(store::WriteTxn&, std::size_t, BatchOutcome&)> step,
             Callback<BatchOutcome> done);

  store::Store& store_;
  const model::Clock& clock_;
  std::vector<ChangeObserver*> observers_;
  SharedGrant grant_;                              // null: every type
  consent::SharedReadGuard guard_;                 // null: reads as the system
  std::shared_ptr<metering::RequestUsage> usage_;  // null: reads are not counted
  const consent::RuleBook* rule_book_ = nullptr;
};

}  // namespace tsunagu::broker
