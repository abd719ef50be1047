#include "store/postgres/history_select.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "store/history_types.hpp"
#include "store/postgres/history_rows.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {

namespace {

// Candidates judged per round of statements: enough to fill a page in one round mostly, few
// enough that a page wanting 20 does not read thousands of rows it will not return.
constexpr std::size_t kChunk = 128;

// Reads candidates and decides which the query selects.
class Selector {
 public:
  Selector(Connection& db, const std::string& schema, const HistoryQuery& query,
           const InstanceFilter& filter)
      : db_(db), schema_(schema), query_(query), filter_(filter) {}

  Result<Selection> run() {
    auto hids = candidates();
    if (!hids) return std::unexpected(hids.error());
    SelectionPage page(query_);
    for (std::size_t start = 0; start < hids->size() && !page.done(); start += kChunk) {
      const auto size = std::min(kChunk, hids->size() - start);
      auto picked = selected(std::span(*hids).subspan(start, size));
      if (!picked) return std::unexpected(picked.error());
      for (auto& e : *picked) {
        if (page.done()) break;
        page.offer(std::move(e));
      }
    }
    return std::move(page).finish();
  }

 private:
  Result<Rows> run_sql(std::string_view sql, std::span<const Param> params) {
    return db_.run(in_schema(sql, schema_), params);
  }

  // History entities that may match, in hid order (candidates_of()).
  Result<std::vector<std::int64_t>> candidates() {
    const auto wanted = candidates_of(query_);
    std::set<std::int64_t> hids;
    if (wanted.all) {
      if (auto st = add_rows("SELECT hid FROM {s}.history_entities", {}, hids); !st) {
        return std::unexpected(st.error());
      }
    }
    if (!wanted.ids.empty()) {
      const Param p[] = {text_array(wanted.ids)};
      auto st =
          add_rows("SELECT hid FROM {s}.history_entities WHERE id = ANY($1::text[])", p, hids);
      if (!st) return std::unexpected(st.error());
    }
    for (const auto& type : wanted.types) {
      const Param p[] = {param(type)};
      auto st = add_rows("SELECT hid FROM {s}.history_types WHERE type = $1", p, hids);
      if (!st) return std::unexpected(st.error());
    }
    return std::vector<std::int64_t>(hids.begin(), hids.end());
  }

  Status add_rows(std::string_view sql, std::span<const Param> params,
                  std::set<std::int64_t>& hids) {
    auto rows = run_sql(sql, params);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) hids.insert(rows->integer(i, 0));
    return ok();
  }

  // The chunk's entities that the query selects, in hid order.
  Result<std::vector<SelectedEntity>> selected(std::span<const std::int64_t> hids) {
    auto loaded = load(hids);
    if (!loaded) return std::unexpected(loaded.error());
    std::vector<SelectedEntity> kept;
    for (auto& e : *loaded) {
      if (admits(query_, e)) kept.push_back(std::move(e));
    }
    if (!query_.retrieval) {
      auto st = keep_those_in_range(kept);
      if (!st) return std::unexpected(st.error());
    }
    if (!query_.q && !query_.geo && !query_.scope) return kept;
    std::vector<SelectedEntity> out;
    for (auto& e : kept) {
      auto window = window_of(e);
      if (!window) return std::unexpected(window.error());
      if (std::move(*window).selected_by(query_)) out.push_back(std::move(e));
    }
    return out;
  }

  // The entities with the attributes the query returns.
  Result<std::vector<SelectedEntity>> load(std::span<const std::int64_t> hids) {
    const Param p[] = {integer_array(hids)};
    auto rows = run_sql(
        "SELECT hid, id, types FROM {s}.history_entities WHERE hid = ANY($1::bigint[]) "
        "ORDER BY hid",
        p);
    if (!rows) return std::unexpected(rows.error());
    std::vector<SelectedEntity> out;
    std::map<std::int64_t, std::size_t> index;
    for (int i = 0; i < rows->size(); ++i) {
      index[rows->integer(i, 0)] = out.size();
      out.push_back(SelectedEntity{
          rows->integer(i, 0), std::string(rows->text(i, 1)), parse_types(rows->text(i, 2)), {}});
    }
    if (auto st = load_attributes(p, index, out); !st) return std::unexpected(st.error());
    return out;
  }

  Status load_attributes(std::span<const Param> hids,
                         const std::map<std::int64_t, std::size_t>& index,
                         std::vector<SelectedEntity>& out) {
    auto rows = run_sql(
        "SELECT hid, attr, classes, kind FROM {s}.history_attrs WHERE hid = ANY($1::bigint[]) "
        "ORDER BY hid, attr",
        hids);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
      std::string name(rows->text(i, 1));
      if (!returns_attribute(query_, name)) continue;
      const auto at = index.find(rows->integer(i, 0));
      if (at == index.end()) continue;
      out[at->second].attributes.push_back(
          {std::move(name), rows->integer(i, 2),
           static_cast<model::AttributeKind>(rows->integer(i, 3))});
    }
    return ok();
  }

  // Keeps the entities having an instance of a returned attribute in the range: one statement
  // for the whole chunk.
  Status keep_those_in_range(std::vector<SelectedEntity>& entities) {
    std::vector<std::int64_t> hids;
    std::vector<std::string> attrs;
    for (const auto& e : entities) {
      for (const auto& a : e.attributes) {
        hids.push_back(e.hid);
        attrs.push_back(a.name);
      }
    }
    std::set<std::int64_t> found;
    if (!hids.empty()) {
      SqlText sql;
      sql += "SELECT DISTINCT k.hid FROM unnest(" + sql.bind(integer_array(hids)) + "::bigint[], " +
             sql.bind(text_array(attrs)) +
             "::text[]) AS k(hid, attr) WHERE EXISTS (SELECT 1 FROM {s}.history h "
             "WHERE h.hid = k.hid AND h.attr = k.attr";
      filter_.append_to(sql);
      sql += ")";
      auto rows = run_sql(sql.sql, sql.params);
      if (!rows) return std::unexpected(rows.error());
      for (int i = 0; i < rows->size(); ++i) found.insert(rows->integer(i, 0));
    }
    std::erase_if(entities, [&](const SelectedEntity& e) { return !found.contains(e.hid); });
    return ok();
  }

  // The window of the entity (store/history_selection.hpp): the instances in range of the
  // attributes q, geoQ and scopeQ name, in one statement.
  Result<Window> window_of(const SelectedEntity& e) {
    const auto names = window_attributes(query_);
    SqlText sql;
    sql += std::string("SELECT h.attr, ") + kHistoryColumns +
           " FROM {s}.history h WHERE h.hid = " + sql.bind(param(e.hid)) + " AND h.attr = ANY(" +
           sql.bind(text_array(std::vector<std::string>(names.begin(), names.end()))) +
           "::text[]) AND h.deleted IS NULL";
    filter_.append_to(sql);
    sql += " ORDER BY h.attr, h.t, h.iid";
    auto rows = run_sql(sql.sql, sql.params);
    if (!rows) return std::unexpected(rows.error());
    Window window(e);
    for (int i = 0; i < rows->size(); ++i) {
      auto instance = decode_history_row(*rows, i, 1, e.id);
      if (!instance) return std::unexpected(instance.error());
      window.add(rows->text(i, 0), std::move(instance->value));
    }
    return window;
  }

  Connection& db_;
  const std::string& schema_;
  const HistoryQuery& query_;
  const InstanceFilter& filter_;
};

}  // namespace

Result<Selection> select_entities(Connection& db, const std::string& schema,
                                  const HistoryQuery& query, const InstanceFilter& filter) {
  return Selector(db, schema, query, filter).run();
}

}  // namespace tsunagu::store::postgres
