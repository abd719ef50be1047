#include "store/sqlite/history_select.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <set>

#include "query/q_eval.hpp"
#include "query/scope_query.hpp"
#include "store/sqlite/history_rows.hpp"

namespace tsunagu::store::sqlite {
namespace json = boost::json;
using model::TimeProperty;
using model::TimeRel;

namespace {

std::string ms_text(model::Timestamp t) {
  return std::to_string(t.time_since_epoch().count());
}

std::string key_of(TimeProperty property) {
  switch (property) {
    case TimeProperty::ObservedAt:
      // Without a range every instance has a place in time: when it was observed, else when it
      // was recorded (tombstones, readings without observedAt); a range holds observed ones only
      // (instance_filter() adds h.exact = 1).
      return "h.t";
    case TimeProperty::CreatedAt:
      return "h.created";
    case TimeProperty::ModifiedAt:
      return "h.modified";
    case TimeProperty::DeletedAt:
      return "h.deleted";
  }
  return "h.t";
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

std::vector<std::string> parse_types(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  std::vector<std::string> types;
  if (ec || !v.is_array()) return types;
  for (const auto& t : v.get_array()) {
    if (t.is_string()) types.emplace_back(t.get_string());
  }
  return types;
}

void attrs_of(const query::Expr& expr, std::set<std::string>& out) {
  if (expr.kind == query::Expr::Kind::Leaf) {
    if (!expr.leaf.path.attr.empty()) out.insert(expr.leaf.path.attr);
    return;
  }
  for (const auto& child : expr.children) attrs_of(child, out);
}

// Reads candidates and decides which the query selects. Statements are prepared once per query.
class Selector {
 public:
  Selector(Connection& db, const HistoryQuery& query, const InstanceFilter& filter)
      : db_(db), query_(query), filter_(filter) {}

  Result<Selection> run() {
    auto hids = candidates();
    if (!hids) return std::unexpected(hids.error());
    Selection out;
    std::size_t matched = 0;
    for (auto hid : *hids) {
      if (!query_.count && out.entities.size() >= query_.limit) break;
      auto entity = selected(hid);
      if (!entity) return std::unexpected(entity.error());
      if (!*entity) continue;
      if (matched++ < query_.offset || out.entities.size() >= query_.limit) continue;
      out.entities.push_back(std::move(**entity));
    }
    if (query_.count) out.total = matched;
    return out;
  }

 private:
  // History entities that may match, in hid order: those of the named ids, of the named types,
  // or all of them.
  Result<std::vector<std::int64_t>> candidates() {
    std::set<std::int64_t> hids;
    bool narrowed = !query_.entities.empty();
    for (const auto& selector : query_.entities) {
      if (!selector.ids.empty()) {
        if (auto st = add_ids(selector.ids, hids); !st) return std::unexpected(st.error());
        continue;
      }
      auto types = selector.type ? query::as_any_of(*selector.type) : std::nullopt;
      if (!types) {
        narrowed = false;
        break;
      }
      for (const auto& type : *types) {
        // A restricted type's candidates are the ids allowed: a reader granted a few residents
        // among a million histories reads a few.
        const auto* restricted = restriction_of(type);
        auto st = restricted ? add_ids(restricted->ids, hids)
                             : add_rows(
                                   "SELECT h.hid FROM history_types h JOIN terms t ON "
                                   "t.id = h.term WHERE t.iri = ?1",
                                   type, hids);
        if (!st) return std::unexpected(st.error());
      }
    }
    if (!narrowed) {
      hids.clear();
      auto all = db_.prepare("SELECT hid FROM history_entities ORDER BY hid");
      if (!all) return std::unexpected(all.error());
      int rc;
      while ((rc = (*all)->step()) == SQLITE_ROW) hids.insert((*all)->column_int(0));
      if (rc != SQLITE_DONE) return db_.error("list history entities");
    }
    return std::vector<std::int64_t>(hids.begin(), hids.end());
  }

  const IdRestriction* restriction_of(std::string_view type) const {
    for (const auto& r : query_.restrictions) {
      if (r.type == type) return &r;
    }
    return nullptr;
  }

  Status add_ids(const std::vector<std::string>& ids, std::set<std::int64_t>& hids) {
    for (const auto& id : ids) {
      if (auto st = add_rows("SELECT hid FROM history_entities WHERE id = ?1", id, hids); !st) {
        return st;
      }
    }
    return ok();
  }

  // Every restriction holds for an entity of these types and id.
  bool allowed(const model::Entity& stub) const {
    return std::all_of(query_.restrictions.begin(), query_.restrictions.end(), [&](const auto& r) {
      return !model::has_type(stub, r.type) ||
             std::binary_search(r.ids.begin(), r.ids.end(), stub.id);
    });
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
    model::Entity stub;
    stub.id = (*entity)->id;
    stub.types = (*entity)->types;
    if (!query_.entities.empty() &&
        std::none_of(query_.entities.begin(), query_.entities.end(),
                     [&](const auto& selector) { return query::matches(selector, stub); })) {
      return std::optional<SelectedEntity>();
    }
    if (!allowed(stub)) return std::optional<SelectedEntity>();
    if (!query_.retrieval) {
      auto any = any_in_range(**entity);
      if (!any) return std::unexpected(any.error());
      if (!*any) return std::optional<SelectedEntity>();
    }
    if (query_.q || query_.geo || query_.scope) {
      auto window = window_of(**entity, std::move(stub));
      if (!window) return std::unexpected(window.error());
      if (query_.q && !query::matches(*query_.q, *window)) return std::optional<SelectedEntity>();
      if (query_.geo && !query::matches(*query_.geo, *window)) {
        return std::optional<SelectedEntity>();
      }
      if (query_.scope && !query::matches_scope(*query_.scope, *window)) {
        return std::optional<SelectedEntity>();
      }
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
      if (!query_.attrs.empty() &&
          std::find(query_.attrs.begin(), query_.attrs.end(), name) == query_.attrs.end()) {
        continue;
      }
      e.attributes.push_back({s->column_int(0), std::move(name), s->column_int(2),
                              static_cast<model::AttributeKind>(s->column_int(3))});
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
      s->bind(2, a.term);
      const int rc = s->step();
      if (rc == SQLITE_ROW) return true;
      if (rc != SQLITE_DONE) return db_.error("read history");
    }
    return false;
  }

  // The entity as the filters see it over the range: each attribute they name holds every one of
  // its instances in the range (a condition holds when it holds for any of them), and the scope
  // every scope it had there.
  Result<model::Entity> window_of(const SelectedEntity& e, model::Entity window) {
    std::set<std::string> names;
    if (query_.q) attrs_of(*query_.q, names);
    if (query_.geo) names.insert(query_.geo->geoproperty);
    if (query_.scope) names.insert(std::string(kScopeAttribute));
    if (!instances_) {
      auto stmt = db_.prepare(std::string("SELECT ") + kHistoryColumns +
                              " FROM history h LEFT JOIN terms d ON d.id = h.dataset "
                              "WHERE h.hid = ?1 AND h.attr = ?2 AND h.deleted IS NULL" +
                              filter_.where);
      if (!stmt) return std::unexpected(stmt.error());
      instances_ = std::move(*stmt);
    }
    json::array scopes;
    for (const auto& name : names) {
      auto term = find_term(db_, name);
      if (!term) return std::unexpected(term.error());
      if (!*term) continue;
      StatementUse s(*instances_);
      s->bind(1, e.hid);
      s->bind(2, **term);
      model::AttributeEntry entry{name, {}};
      int rc;
      while ((rc = s->step()) == SQLITE_ROW) {
        auto instance = decode_history_row(*instances_, 0, e.id);
        if (!instance) return std::unexpected(instance.error());
        if (name == kScopeAttribute) {
          scopes.push_back(std::move(instance->value.value));
        } else {
          entry.instances.push_back(std::move(instance->value));
        }
      }
      if (rc != SQLITE_DONE) return db_.error("read history");
      if (!entry.instances.empty()) window.attributes.push_back(std::move(entry));
    }
    if (!scopes.empty()) window.scope = flatten(scopes);
    return window;
  }

  static json::value flatten(const json::array& scopes) {
    json::array all;
    for (const auto& s : scopes) {
      if (s.is_array()) {
        for (const auto& x : s.get_array()) all.push_back(x);
      } else {
        all.push_back(s);
      }
    }
    return all;
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
  InstanceFilter f;
  f.key = key_of(query.property);
  if (query.property == TimeProperty::DeletedAt) f.where += " AND h.deleted IS NOT NULL";
  if (query.property == TimeProperty::ObservedAt && query.range) f.where += " AND h.exact = 1";
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
