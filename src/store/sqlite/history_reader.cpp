#include "store/sqlite/history_reader.hpp"

#include "store/history_page.hpp"
#include "store/sqlite/history_rows.hpp"
#include "store/sqlite/history_select.hpp"

namespace tsunagu::store::sqlite {
namespace {

// Reads the instances of each attribute of the page's entities, newest first when the query
// wants the last n, oldest first otherwise (store/history_page.hpp).
class InstanceReader {
 public:
  InstanceReader(Connection& db, const InstanceReach& reach, const InstanceFilter& filter)
      : db_(db), reach_(reach), filter_(filter) {}

  Result<Fetched> read(const SelectedEntity& e, const SelectedAttribute& a) {
    if (!stmt_) {
      const std::string order = reach_.backward ? " DESC" : " ASC";
      auto stmt = db_.prepare(
          std::string("SELECT ") + kHistoryColumns + ", " + filter_.key +
          " FROM history h LEFT JOIN terms d ON d.id = h.dataset WHERE h.hid = ?1 "
          "AND h.attr = ?2" +
          filter_.where + " ORDER BY " + filter_.key + order + ", h.iid" + order + " LIMIT ?3");
      if (!stmt) return std::unexpected(stmt.error());
      stmt_ = std::move(*stmt);
    }
    Fetched out;
    out.attribute.name = a.name;
    StatementUse s(*stmt_);
    s->bind(1, e.hid);
    s->bind(2, a.key);
    s->bind(3, reach_.limit().value_or(-1));  // a negative LIMIT is none
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      auto row = decode_history_row(*stmt_, 0, e.id);
      if (!row) return std::unexpected(row.error());
      out.attribute.instances.push_back(
          HistoryInstance{row->id, a.name, std::move(row->value), row->deleted_at});
      out.keys.push_back(s->column_int(kHistoryColumnCount));
    }
    if (rc != SQLITE_DONE) return db_.error("read history");
    out.over = out.keys.size() > reach_.wanted;
    return out;
  }

 private:
  Connection& db_;
  const InstanceReach& reach_;
  const InstanceFilter& filter_;
  std::unique_ptr<Statement> stmt_;
};

}  // namespace

Result<HistoryPage> read_history(Connection& db, const HistoryQuery& query) {
  auto filter = instance_filter(db, query);
  if (!filter) return std::unexpected(filter.error());
  auto selection = select_entities(db, query, *filter);
  if (!selection) return std::unexpected(selection.error());
  const auto reach = reach_of(query);
  InstanceReader reader(db, reach, *filter);
  std::vector<std::vector<Fetched>> fetched(selection->entities.size());
  for (std::size_t i = 0; i < selection->entities.size(); ++i) {
    const auto& e = selection->entities[i];
    for (const auto& a : e.attributes) {
      auto f = reader.read(e, a);
      if (!f) return std::unexpected(f.error());
      fetched[i].push_back(std::move(*f));
    }
  }
  return page_of(std::move(*selection), std::move(fetched), reach);
}

}  // namespace tsunagu::store::sqlite
