#pragma once
// The SQLite tables of history (migration 6, schema.cpp; docs/design/temporal.md):
//
//   history_entities(hid, id UNIQUE, types, created)  one row per entity with history;
//                                           types is the JSON array of every type it ever had
//   history_types(term, hid)                the same types, for selection by type
//   history_attrs(hid, attr, classes, kind) the attributes it has history of, a bitmask of the
//                                           value classes ever recorded (aggregation checks) and
//                                           the kind of the last instance recorded
//   history(iid, hid, attr, dataset, t, exact, created, modified, deleted, kind, class, num,
//           txt, doc)                       the instances; iid AUTOINCREMENT: an instance id is
//                                           never reused, also after an erasure

#include <span>

#include "store/history_store.hpp"
#include "store/history_values.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/entity_tables.hpp"

namespace tsunagu::store::sqlite {

// Within the writer's transaction.
class SqliteHistoryTxn final : public HistoryTxn {
 public:
  SqliteHistoryTxn(Connection& db, TermCache& terms) : db_(db), terms_(terms) {}

  Status append(const HistoryAppend& append) override;
  Result<std::optional<std::vector<std::string>>> types(std::string_view entity_id) override;
  Result<bool> erase_entity(std::string_view entity_id) override;
  Result<std::size_t> erase_attribute(std::string_view entity_id, std::string_view attr,
                                      const DatasetChoice& datasets) override;
  Result<bool> replace_instance(std::string_view entity_id, std::string_view attr,
                                std::int64_t instance, const model::Attribute& value) override;
  Result<bool> erase_instance(std::string_view entity_id, std::string_view attr,
                              std::int64_t instance) override;
  Result<std::size_t> erase_recorded_before(model::Timestamp before, std::size_t limit) override;

 private:
  Result<std::optional<std::int64_t>> find_entity(std::string_view entity_id);
  Result<std::int64_t> entity_for(const HistoryAppend& append);
  Status add_types(std::int64_t hid, const std::vector<std::string>& types);
  // An instance as the columns of its row.
  struct Row {
    std::int64_t hid = 0;
    std::int64_t attr = 0;
    const HistoryInstance* instance = nullptr;
    std::optional<std::int64_t> dataset;
    HistoryValueView view;
    std::optional<std::string> doc;
  };
  Result<Row> row_of(std::int64_t hid, const HistoryInstance& instance);
  // Records the rows in one statement (at most kRowsPerInsert of them).
  Status insert(std::span<const Row> rows);
  // What an append tells of one attribute: the value classes it has held now, and the kind of
  // its last instance.
  struct AttributeNote {
    std::int64_t attr = 0;
    std::int64_t classes = 0;
    model::AttributeKind kind = model::AttributeKind::Property;
  };
  // Adds each note's classes to what its attribute has held and sets the kind of its last
  // instance, kRowsPerInsert notes a statement.
  Status note_attributes(std::int64_t hid, std::span<const AttributeNote> notes);
  // The term id of an IRI that exists already, without interning it.
  Result<std::optional<std::int64_t>> existing_term(std::string_view iri);
  Status forget_attribute_if_empty(std::int64_t hid, std::int64_t attr);

  Connection& db_;
  TermCache& terms_;
};

}  // namespace tsunagu::store::sqlite
