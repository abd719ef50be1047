#pragma once
// The PostgreSQL tables of history (schema.cpp; docs/design/postgres.md, "History"):
//
//   history_entities(hid, id UNIQUE, types, created)  one row per entity with history; types is
//                                           the JSON array of every type it ever had
//   history_types(type, hid)                the same types, for selection by type
//   history_attrs(hid, attr, classes, kind) the attributes it has history of, a bitmask of the
//                                           value classes ever recorded (aggregation checks) and
//                                           the kind of the last instance recorded
//   history(iid, hid, attr, dataset, t, exact, created, modified, deleted, kind, class, num,
//           txt, doc)                       the instances, partitioned by month of `created`
//                                           (history_partitions.hpp); iid from a sequence, never
//                                           reused, also after an erasure
//
// Names (ids, types, attributes, datasets) are kept as text IRIs in the "C" collation, so that
// they sort in byte order as on SQLite; btree deduplication keeps their repetition small.

#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "store/history_store.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/partition_cache.hpp"

namespace tsunagu::store::postgres {

// Within the writer's transaction, which holds the tenant's advisory lock. `schema` (the quoted
// schema) and `partitions` (the writer's cache of months with a partition) must outlive it.
class PgHistoryTxn final : public HistoryTxn {
 public:
  PgHistoryTxn(Connection& db, const std::string& schema, PartitionCache& partitions)
      : db_(db), schema_(schema), partitions_(partitions) {}

  Status append(const HistoryAppend& append) override;
  Result<std::optional<std::vector<std::string>>> types(std::string_view entity_id) override;
  Result<bool> erase_entity(std::string_view entity_id) override;
  Result<std::size_t> erase_attribute(std::string_view entity_id, std::string_view attr,
                                      const DatasetChoice& datasets) override;
  Result<bool> replace_instance(std::string_view entity_id, std::string_view attr,
                                std::int64_t instance, const model::Attribute& value) override;
  Result<bool> erase_instance(std::string_view entity_id, std::string_view attr,
                              std::int64_t instance) override;
  // history_expiry.cpp
  Result<std::size_t> erase_recorded_before(model::Timestamp before, std::size_t limit) override;

 private:
  // What an append adds to each attribute: value classes, and the kind of its last instance.
  using AttributeNotes = std::map<std::string, std::pair<std::int64_t, model::AttributeKind>>;

  Result<Rows> run(std::string_view sql, std::span<const Param> params);
  Result<std::optional<std::int64_t>> find_entity(std::string_view entity_id);
  Result<std::optional<std::int64_t>> existing_entity(const HistoryAppend& append);
  Result<std::int64_t> create_entity(const HistoryAppend& append);
  Status add_types(std::int64_t hid, const std::vector<std::string>& types);
  Status ensure_partitions_for(const HistoryAppend& append);
  Status note_attributes(std::int64_t hid, const AttributeNotes& notes);
  Status forget_attribute_if_empty(std::int64_t hid, std::string_view attr);
  // history_expiry.cpp
  Result<std::size_t> rows_up_to(std::int64_t month, std::size_t most);
  Result<std::size_t> erase_rows(std::int64_t month, std::optional<std::int64_t> before,
                                 std::size_t most);

  Connection& db_;
  const std::string& schema_;
  PartitionCache& partitions_;
};

}  // namespace tsunagu::store::postgres
