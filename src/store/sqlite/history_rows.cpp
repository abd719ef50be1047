#include "store/sqlite/history_rows.hpp"

#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {
namespace {

std::optional<std::int64_t> optional_int(const Statement& row, int i) {
  return row.column_null(i) ? std::nullopt : std::optional<std::int64_t>(row.column_int(i));
}

std::optional<std::string_view> optional_text(const Statement& row, int i) {
  return row.column_null(i) ? std::nullopt : std::optional<std::string_view>(row.column_text(i));
}

}  // namespace

Result<DecodedInstance> decode_history_row(const Statement& row, int first,
                                           std::string_view entity_id) {
  HistoryRow r;
  r.iid = row.column_int(first);
  r.dataset = optional_text(row, first + 1);
  r.observed = optional_int(row, first + 2);
  r.created = row.column_int(first + 3);
  r.modified = row.column_int(first + 4);
  r.deleted = optional_int(row, first + 5);
  r.kind = row.column_int(first + 6);
  r.num = row.column_double(first + 7);
  r.doc = optional_text(row, first + 8);
  r.value_class = row.column_int(first + 9);
  r.txt = row.column_text(first + 10);
  return store::decode_history_row(r, entity_id);
}

}  // namespace tsunagu::store::sqlite
