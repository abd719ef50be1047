#pragma once
// The storage contract of history (docs/design/temporal.md): the instances every change of an
// entity appends, and the temporal API's reads, aggregations and erasures of them. Part of
// store.hpp's contract: appends happen inside a write job through WriteTxn::history(), so an
// instance is recorded exactly when the change that made it commits.

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/duration.hpp"
#include "model/entity.hpp"
#include "model/error.hpp"
#include "model/temporal.hpp"
#include "query/entity_selector.hpp"
#include "query/geo_query.hpp"
#include "query/q_ast.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::store {

// The attribute name under which changes of an entity's scope are recorded (clause 4.5.6).
inline constexpr std::string_view kScopeAttribute = "https://uri.etsi.org/ngsi-ld/scope";

// One recorded instance of an attribute. `value.created_at` is when it was recorded,
// `value.modified_at` when it was last changed (by the temporal API's PATCH of an instance).
struct HistoryInstance {
  std::int64_t id = 0;  // assigned by the store when recorded; never reused
  std::string attr;     // expanded IRI
  model::Attribute value;
  std::optional<model::Timestamp> deleted_at;  // set on the tombstone of a deletion
};

// What one change appends to one entity's history.
struct HistoryAppend {
  std::string entity_id;
  std::vector<std::string> types;  // united with the types the history entity had
  model::Timestamp at{};           // the time of the change
  std::vector<HistoryInstance> instances;
};

// Which instances of an attribute: the default instance (no datasetId), named ones, or all.
struct DatasetChoice {
  bool all = false;
  std::vector<std::optional<std::string>> ids;  // nullopt: the default instance
  bool admits(const std::optional<std::string>& dataset_id) const;
};

// Personal data narrowed for a reader (docs/design/consent.md): a history entity having `type`
// is selected only when its id is one of `ids` (sorted).
struct IdRestriction {
  std::string type;
  std::vector<std::string> ids;
};

// A temporal query over one tenant's history. Names are expanded IRIs. An instance's time is the
// chosen time property; instances without it fall outside every `range`, and without a range
// they are placed at the time they were recorded.
struct HistoryQuery {
  std::vector<query::EntitySelector> entities{};  // any one of them; every entity if empty
  // The attributes returned (all when empty). A query (not a retrieval) selects only entities
  // having an instance of one of them in the range.
  std::vector<std::string> attrs{};
  // Decided over the instances in the range: a condition on an attribute holds when it holds for
  // any of its instances there.
  std::shared_ptr<const query::Expr> q{};
  std::shared_ptr<const query::GeoQuery> geo{};
  std::shared_ptr<const query::TermExpr> scope{};
  std::vector<IdRestriction> restrictions{};  // every one holds
  std::optional<model::TimeRange> range{};
  model::TimeProperty property = model::TimeProperty::ObservedAt;
  std::optional<DatasetChoice> datasets{};
  std::size_t last_n = 0;            // the last n instances of each attribute; 0: all
  std::size_t max_instances = 1000;  // per attribute in one answer: beyond it the answer is cut
  bool retrieval = false;            // one entity by id: returned even with nothing in range
  std::size_t limit = 20;
  std::size_t offset = 0;
  bool count = false;
};

struct HistoryAttribute {
  std::string name;
  std::vector<HistoryInstance> instances;  // in time order (oldest first)
};

struct HistoryEntity {
  std::string id;
  std::vector<std::string> types;
  std::vector<HistoryAttribute> attributes;  // by name
};

// Set when some attribute had more instances than max_instances: every attribute is then cut
// at the same instant, `first` and `last` being the oldest and newest instants returned.
struct HistoryCut {
  model::Timestamp first{};
  model::Timestamp last{};
};

struct HistoryPage {
  std::vector<HistoryEntity> entities;  // in the order the history entities were created
  std::optional<std::size_t> total;     // set when HistoryQuery::count
  std::optional<HistoryCut> cut;
};

// The aggregated temporal representation (clause 4.5.19).
struct AggregationRequest {
  std::vector<model::AggregationMethod> methods;
  model::Duration period;  // zero: one period for the whole range
};

struct AggregatedPeriod {
  model::Timestamp start{};
  model::Timestamp end{};
  std::vector<boost::json::value> values;  // one per requested method, in the request's order
};

struct AggregatedAttribute {
  std::string name;
  model::AttributeKind kind = model::AttributeKind::Property;  // of its latest instance
  std::vector<AggregatedPeriod> periods;                       // those holding instances
};

struct AggregatedEntity {
  std::string id;
  std::vector<std::string> types;
  std::vector<AggregatedAttribute> attributes;
};

struct AggregatedPage {
  std::vector<AggregatedEntity> entities;
  std::optional<std::size_t> total;
};

// Inside a write job.
class HistoryTxn {
 public:
  virtual ~HistoryTxn() = default;
  // Records the instances (each gets its id), creating the history entity if needed.
  virtual Status append(const HistoryAppend& append) = 0;
  // The types of the entity's history (every type it ever had), none when it has no history.
  virtual Result<std::optional<std::vector<std::string>>> types(std::string_view entity_id) = 0;
  // Erases the whole history of the entity; false when there was none.
  virtual Result<bool> erase_entity(std::string_view entity_id) = 0;
  // Erases the instances of one attribute the choice admits; returns how many.
  virtual Result<std::size_t> erase_attribute(std::string_view entity_id, std::string_view attr,
                                              const DatasetChoice& datasets) = 0;
  // Replaces the value of one instance (its id, attribute and createdAt stay); false when the
  // entity has no such instance of that attribute.
  virtual Result<bool> replace_instance(std::string_view entity_id, std::string_view attr,
                                        std::int64_t instance, const model::Attribute& value) = 0;
  virtual Result<bool> erase_instance(std::string_view entity_id, std::string_view attr,
                                      std::int64_t instance) = 0;
  // Erases instances recorded before `before` (retention); at most `limit` of them, so that one
  // job stays short. Returns how many.
  virtual Result<std::size_t> erase_recorded_before(model::Timestamp before, std::size_t limit) = 0;
};

// Reads, outside write jobs.
class HistoryReader {
 public:
  virtual ~HistoryReader() = default;
  virtual Result<HistoryPage> history(const HistoryQuery& query) = 0;
  // BadRequestData-free: the query was validated by the caller. InvalidRequest when a method does
  // not apply to the values of an attribute in range (naming both).
  virtual Result<AggregatedPage> aggregate(const HistoryQuery& query,
                                           const AggregationRequest& request) = 0;
};

}  // namespace tsunagu::store
