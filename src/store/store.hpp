#pragma once
// The storage contract every backend (SQLite now, PostgreSQL later) fulfils. Services depend on
// these interfaces only. The contract, which tests/unit/store_conformance_test.cpp checks:
//
// - Writes run as WriteJobs. A job's `apply` runs on the backend's writer, inside a transaction,
//   with exclusive access to the tenant's data: a read-modify-write inside `apply` can lose no
//   concurrent update. A job whose `apply` fails leaves no trace and does not affect the other
//   jobs committed with it.
// - `apply` may run more than once for one job: a backend may undo a failure by rolling back
//   and running the transaction's jobs again (SQLite does, when a job fails after it has
//   written). So `apply` must be repeatable: what it hands out of the transaction (a result for
//   `done`) it sets afresh on each run instead of adding to what an earlier run left.
// - `done` is called exactly once per job, after the transaction holding it is durable on disk
//   (or has failed). A successful `done` therefore means the write survives a crash.
// - Reads see every write whose `done` has been called; they never see a write half-applied.
// - Every method returns errors as values; none throws.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "query/entity_selector.hpp"
#include "query/geo_query.hpp"
#include "query/q_ast.hpp"
#include "query/term_expr.hpp"
#include "store/history_store.hpp"
#include "store/node_coordination.hpp"
#include "store/subscription_store.hpp"

namespace tsunagu::store {

using query::EntitySelector;

// Personal data narrowed to the subjects a reader may see (docs/design/consent.md): an entity
// having `type` matches only when its attribute `attr` has one of `values`, as the value index
// holds it (a Property's string, a Relationship's object). No values: no entity of the type
// matches. Decided exactly by the index.
struct SubjectRestriction {
  std::string type;
  std::string attr;
  std::vector<std::string> values;
};

// A query over one tenant's entities. Fields combine with AND. Types and attribute names are
// expanded IRIs. q, geo and scope are decided exactly by the evaluators of query/; a backend
// uses its indexes to find candidates, never to decide alone.
struct EntityQuery {
  std::vector<EntitySelector> entities{};          // matches any one of them; every entity if empty
  std::vector<std::string> attrs{};                // has at least one of these attributes
  std::shared_ptr<const query::Expr> q{};          // the q filter, names expanded
  std::shared_ptr<const query::GeoQuery> geo{};    // the geoQ filter
  std::shared_ptr<const query::TermExpr> scope{};  // the scopeQ filter
  std::vector<SubjectRestriction> restrictions{};  // every one holds
  std::size_t limit = 20;
  std::size_t offset = 0;
  bool count = false;  // also compute the total number of matches
};

struct QueryPage {
  std::vector<model::Entity> entities;  // in creation order
  std::optional<std::size_t> total;     // set when EntityQuery::count
};

// Discovery (clause 5.7.5 - 5.7.10): which types and attributes the tenant's entities have.
// A backend keeps these as summaries updated with every write, so reading them never reads the
// entities. Names are expanded IRIs; kinds are distinct and in AttributeKind order.
struct TypeSummary {
  struct Attribute {
    std::string name;
    std::vector<model::AttributeKind> kinds;  // of its instances in entities of this type
  };
  std::string type;
  std::size_t entities = 0;           // entities having this type (among others)
  std::vector<Attribute> attributes;  // those some entity of this type has, by name
};

struct AttributeSummary {
  std::string name;
  std::size_t entities = 0;   // entities having it
  std::size_t instances = 0;  // its instances: each datasetId of a multi-attribute counts
  std::vector<model::AttributeKind> kinds;
  std::vector<std::string> types;  // types of the entities having it, sorted
};

// Access to a tenant's data inside a write job. Valid only during WriteJob::apply.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  virtual Result<std::optional<model::Entity>> get(std::string_view id) = 0;
  // AlreadyExists when an entity with that id exists.
  virtual Status insert(const model::Entity& entity) = 0;
  // Replaces the stored entity of that id; ResourceNotFound when there is none.
  virtual Status update(const model::Entity& entity) = 0;
  // Returns false when there was no such entity.
  virtual Result<bool> remove(std::string_view id) = 0;
  // Runs `step` in a nested transaction: if it fails, its changes are undone and the error
  // returned, while the enclosing job goes on. Batch operations use it per entity.
  virtual Status nested(const std::function<Status(WriteTxn&)>& step) = 0;
  // The tenant's subscriptions and owed notifications, in this same transaction.
  virtual SubscriptionTxn& subscriptions() = 0;
  // The tenant's history, in this same transaction.
  virtual HistoryTxn& history() = 0;
};

struct WriteJob {
  std::function<Status(WriteTxn&)> apply;
  std::function<void(Status)> done;
};

class TenantStore : public HistoryReader {
 public:
  virtual ~TenantStore() = default;
  virtual Result<std::optional<model::Entity>> get(std::string_view id) = 0;
  // The stored document of entity `id` (entity_codec.hpp's form) into `doc`; false when there
  // is none. A read rendered from the document's view skips building the model.
  virtual Result<bool> read_document(std::string_view id, std::string& doc) = 0;
  virtual Result<QueryPage> query(const EntityQuery& query) = 0;
  // Every type that some entity has, sorted by IRI; with `only`, that type alone (or nothing).
  virtual Result<std::vector<TypeSummary>> type_summaries(std::optional<std::string_view> only) = 0;
  // Every attribute that some entity has, sorted by IRI; with `only`, that attribute alone.
  virtual Result<std::vector<AttributeSummary>> attribute_summaries(
      std::optional<std::string_view> only) = 0;
  // Queues the job; returns at once. `done` runs on the writer, so it must be quick.
  virtual void submit(WriteJob job) = 0;
  // Every subscription of the tenant (loaded once at start: the broker keeps them in memory).
  virtual Result<std::vector<model::Subscription>> subscriptions() = 0;
  // Every subscription of the tenant with the version they are at (SubscriptionTxn::version),
  // read together.
  virtual Result<SubscriptionSet> subscription_set() = 0;
  // One subscription as stored, with the counters its owner last wrote.
  virtual Result<std::optional<model::Subscription>> subscription(std::string_view id) = 0;
  // Owed notifications with seq > after, in seq order, at most `limit`.
  virtual Result<std::vector<OwedNotification>> owed_notifications(std::int64_t after,
                                                                   std::size_t limit) = 0;
  // The same, of one subscription.
  virtual Result<std::vector<OwedNotification>> owed_notifications_of(std::string_view subscription,
                                                                      std::int64_t after,
                                                                      std::size_t limit) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // The tenant's store. The empty name is the default tenant. When `create` is false and the
  // tenant was never written, NonexistentTenant. Invalid names give BadRequestData.
  virtual Result<std::shared_ptr<TenantStore>> tenant(std::string_view name, bool create) = 0;
  virtual std::vector<std::string> tenant_names() = 0;
  // How this node shares subscriptions with the other nodes of the store.
  virtual NodeCoordination& coordination() = 0;
  // Finishes queued writes, gives up what this node owns (node_coordination.hpp), then closes
  // every database. No call may follow.
  virtual void close() = 0;
};

}  // namespace tsunagu::store
