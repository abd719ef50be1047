#include "store/sqlite/history_select.hpp"

#include <memory>
#include <set>

#include "store/history_time.hpp"
#include "store/history_types.hpp"
#include "store/sqlite/history_rows.hpp"

namespace tsunagu::store::sqlite {
using model::TimeRel;

namespace {

std::string ms_text(model::Timestamp t) {
  return std::to_string(t.time_since_epoch().count());
}

std::string range_sql(const std::string& key, const model::TimeRange& range) {
  switch (range.rel) {
    case TimeRel::Before:
      return " AND " + key + " < " + ms_text(range.at);
    case TimeRel::After:
      return " AND " + key + " >= " + ms_text(range.at);
    case TimeRel::Between:
      return " AND " + key + " >= " + ms_text(range.at) + " AND " + key + " < " +
             ms_text(range.end);
  }
  return {};
}

Result<std::string> dataset_sql(Connection& db, const DatasetChoice& choice) {
  if (choice.all) return std::string();
  std::vector<std::string> parts;
  std::string known;
  for (const auto& id : choice.ids) {
    if (!id) {
      parts.emplace_back("h.dataset IS NULL");
      continue;
    }
    auto term = find_term(db, *id);
    if (!term) return std::unexpected(term.error());
    if (!*term) continue;  // never recorded: matches nothing
    known += (known.empty() ? "" : ", ") + std::to_string(**term);
  }
  if (!known.empty()) parts.push_back("h.dataset IN (" + known + ")");
  if (parts.empty()) return std::string(" AND 0");
  std::string sql = " AND (";
  for (std::size_t i = 0; i < parts.size(); ++i) sql += (i ? " OR " : "") + parts[i];
  return sql + ")";
}

// Reads candidates and decides which the query selects. Statements are prepared once per query.
class Selector {
 public:
  Selector(Connection& db, const HistoryQuery& query, const InstanceFilter& filter)
      : db_(db), query_(query), filter_(filter) {}

  Result<Selection> run() {
    auto hids = candidates();
    if (!hids) return std::unexpected(hids.error());
    SelectionPage page(query_);
    for (auto hid : *hids) {
      if (page.done()) break;
      auto entity = selected(hid);
      if (!entity) return std::unexpected(entity.error());
      if (*entity) page.offer(std::move(**entity));
    }
    return std::move(page).finish();
  }

 private:
  // History entities that may match, in hid order (candidates_of()).
  Result<std::vector<std::int64_t>> candidates() {
    const auto wanted = candidates_of(query_);
    std::set<std::int64_t> hids;
    if (wanted.all) {
      auto all = db_.prepare("SELECT hid FROM history_entities ORDER BY hid");
      if (!all) return std::unexpected(all.error());
      int rc;
      while ((rc = (*all)->step()) == SQLITE_ROW) hids.insert((*all)->column_int(0));
      if (rc != SQLITE_DONE) return db_.error("list history entities");
    }
    for (const auto& id : wanted.ids) {
      auto st = add_rows("SELECT hid FROM history_entities WHERE id = ?1", id, hids);
      if (!st) return std::unexpected(st.error());
    }
    for (const auto& type : wanted.types) {
      auto st = add_rows(
          "SELECT h.hid FROM history_types h JOIN terms t ON t.id = h.term WHERE t.iri = ?1", type,
          hids);
      if (!st) return std::unexpected(st.error());
    }
    return std::vector<std::int64_t>(hids.begin(), hids.end());
  }

  Status add_rows(const char* sql, std::string_view key, std::set<std::int64_t>& hids) {
    auto stmt = db_.cached(sql);
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, key);
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) hids.insert(s->column_int(0));
    return rc == SQLITE_DONE ? ok() : Status(db_.error("select history entities"));
  }

  Result<std::optional<SelectedEntity>> selected(std::int64_t hid) {
    auto entity = load(hid);
    if (!entity || !*entity) return entity;
    if (!admits(query_, **entity)) return std::optional<SelectedEntity>();
    if (!query_.retrieval) {
      auto any = any_in_range(**entity);
      if (!any) return std::unexpected(any.error());
      if (!*any) return std::optional<SelectedEntity>();
    }
    if (query_.q || query_.geo || query_.scope) {
      auto window = window_of(**entity);
      if (!window) return std::unexpected(window.error());
      if (!std::move(*window).selected_by(query_)) return std::optional<SelectedEntity>();
    }
    return entity;
  }

  // The entity with the attributes the query returns.
  Result<std::optional<SelectedEntity>> load(std::int64_t hid) {
    SelectedEntity e;
    e.hid = hid;
    {
      auto stmt = db_.cached("SELECT id, types FROM history_entities WHERE hid = ?1");
      if (!stmt) return std::unexpected(stmt.error());
      StatementUse s(**stmt);
      s->bind(1, hid);
      const int rc = s->step();
      if (rc == SQLITE_DONE) return std::optional<SelectedEntity>();
      if (rc != SQLITE_ROW) return db_.error("read history entity");
      e.id = std::string(s->column_text(0));
      e.types = parse_types(s->column_text(1));
    }
    auto stmt = db_.cached(
        "SELECT a.attr, t.iri, a.classes, a.kind FROM history_attrs a JOIN terms t ON t.id = "
        "a.attr "
        "WHERE a.hid = ?1 ORDER BY t.iri");
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, hid);
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      std::string name(s->column_text(1));
      if (!returns_attribute(query_, name)) continue;
      e.attributes.push_back({std::move(name), s->column_int(2),
                              static_cast<model::AttributeKind>(s->column_int(3)),
                              s->column_int(0)});
    }
    if (rc != SQLITE_DONE) return db_.error("read history attributes");
    return std::optional<SelectedEntity>(std::move(e));
  }

  Result<bool> any_in_range(const SelectedEntity& e) {
    if (!exists_) {
      auto stmt = db_.prepare("SELECT 1 FROM history h WHERE h.hid = ?1 AND h.attr = ?2" +
                              filter_.where + " LIMIT 1");
      if (!stmt) return std::unexpected(stmt.error());
      exists_ = std::move(*stmt);
    }
    for (const auto& a : e.attributes) {
      StatementUse s(*exists_);
      s->bind(1, e.hid);
      s->bind(2, a.key);
      const int rc = s->step();
      if (rc == SQLITE_ROW) return true;
      if (rc != SQLITE_DONE) return db_.error("read history");
    }
    return false;
  }

  // The window of the entity (store/history_selection.hpp): the instances in range of the
  // attributes q, geoQ and scopeQ name.
  Result<Window> window_of(const SelectedEntity& e) {
    if (!instances_) {
      auto stmt = db_.prepare(std::string("SELECT ") + kHistoryColumns +
                              " FROM history h LEFT JOIN terms d ON d.id = h.dataset "
                              "WHERE h.hid = ?1 AND h.attr = ?2 AND h.deleted IS NULL" +
                              filter_.where);
      if (!stmt) return std::unexpected(stmt.error());
      instances_ = std::move(*stmt);
    }
    Window window(e);
    for (const auto& name : window_attributes(query_)) {
      auto term = find_term(db_, name);
      if (!term) return std::unexpected(term.error());
      if (!*term) continue;
      StatementUse s(*instances_);
      s->bind(1, e.hid);
      s->bind(2, **term);
      int rc;
      while ((rc = s->step()) == SQLITE_ROW) {
        auto instance = decode_history_row(*instances_, 0, e.id);
        if (!instance) return std::unexpected(instance.error());
        window.add(name, std::move(instance->value));
      }
      if (rc != SQLITE_DONE) return db_.error("read history");
    }
    return window;
  }

  Connection& db_;
  const HistoryQuery& query_;
  const InstanceFilter& filter_;
  std::unique_ptr<Statement> exists_;
  std::unique_ptr<Statement> instances_;
};

}  // namespace

Result<std::optional<std::int64_t>> find_term(Connection& db, std::string_view iri) {
  auto stmt = db.cached("SELECT id FROM terms WHERE iri = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, iri);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
  if (rc != SQLITE_ROW) return db.error("find term");
  return std::optional<std::int64_t>(s->column_int(0));
}

Result<InstanceFilter> instance_filter(Connection& db, const HistoryQuery& query) {
  const auto time = instance_time(query);
  InstanceFilter f;
  f.key = "h." + std::string(time.column);
  if (time.tombstones_only) f.where += " AND h.deleted IS NOT NULL";
  if (time.observed_only) f.where += " AND h.exact = 1";
  if (query.range) f.where += range_sql(f.key, *query.range);
  if (query.datasets) {
    auto sql = dataset_sql(db, *query.datasets);
    if (!sql) return std::unexpected(sql.error());
    f.where += *sql;
  }
  return f;
}

Result<Selection> select_entities(Connection& db, const HistoryQuery& query,
                                  const InstanceFilter& filter) {
  return Selector(db, query, filter).run();
}

}  // namespace tsunagu::store::sqlite
