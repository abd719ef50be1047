#include "store/postgres/history_select.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <span>

#include "query/q_eval.hpp"
#include "query/scope_query.hpp"
#include "store/postgres/history_rows.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace json = boost::json;

namespace {

// Candidates judged per round of statements: enough to fill a page in one round mostly, few
// enough that a page wanting 20 does not read thousands of rows it will not return.
constexpr std::size_t kChunk = 128;

void attrs_of(const query::Expr& expr, std::set<std::string>& out) {
  if (expr.kind == query::Expr::Kind::Leaf) {
    if (!expr.leaf.path.attr.empty()) out.insert(expr.leaf.path.attr);
    return;
  }
  for (const auto& child : expr.children) attrs_of(child, out);
}

json::value flatten(const json::array& scopes) {
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

model::Entity stub_of(const SelectedEntity& e) {
  model::Entity stub;
  stub.id = e.id;
  stub.types = e.types;
  return stub;
}

// Reads candidates and decides which the query selects.
class Selector {
 public:
  Selector(Connection& db, const std::string& schema, const HistoryQuery& query,
           const InstanceFilter& filter)
      : db_(db), schema_(schema), query_(query), filter_(filter) {}

  Result<Selection> run() {
    auto hids = candidates();
    if (!hids) return std::unexpected(hids.error());
    Selection out;
    std::size_t matched = 0;
    for (std::size_t start = 0; start < hids->size(); start += kChunk) {
      if (!query_.count && out.entities.size() >= query_.limit) break;
      const auto size = std::min(kChunk, hids->size() - start);
      auto picked = selected(std::span(*hids).subspan(start, size));
      if (!picked) return std::unexpected(picked.error());
      for (auto& e : *picked) {
        if (!query_.count && out.entities.size() >= query_.limit) break;
        if (matched++ < query_.offset || out.entities.size() >= query_.limit) continue;
        out.entities.push_back(std::move(e));
      }
    }
    if (query_.count) out.total = matched;
    return out;
  }

 private:
  Result<Rows> run_sql(std::string_view sql, std::span<const Param> params) {
    return db_.run(in_schema(sql, schema_), params);
  }

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
        auto st = restricted ? add_ids(restricted->ids, hids) : add_type(type, hids);
        if (!st) return std::unexpected(st.error());
      }
    }
    if (!narrowed) {
      hids.clear();
      if (auto st = add_rows("SELECT hid FROM {s}.history_entities", {}, hids); !st) {
        return std::unexpected(st.error());
      }
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
    const Param p[] = {text_array(ids)};
    return add_rows("SELECT hid FROM {s}.history_entities WHERE id = ANY($1::text[])", p, hids);
  }

  Status add_type(const std::string& type, std::set<std::int64_t>& hids) {
    const Param p[] = {param(type)};
    return add_rows("SELECT hid FROM {s}.history_types WHERE type = $1", p, hids);
  }

  Status add_rows(std::string_view sql, std::span<const Param> params,
                  std::set<std::int64_t>& hids) {
    auto rows = run_sql(sql, params);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) hids.insert(rows->integer(i, 0));
    return ok();
  }

  // Every restriction holds for an entity of these types and id.
  bool allowed(const model::Entity& stub) const {
    return std::all_of(query_.restrictions.begin(), query_.restrictions.end(), [&](const auto& r) {
      return !model::has_type(stub, r.type) ||
             std::binary_search(r.ids.begin(), r.ids.end(), stub.id);
    });
  }

  bool named(const model::Entity& stub) const {
    return query_.entities.empty() ||
           std::any_of(query_.entities.begin(), query_.entities.end(),
                       [&](const auto& selector) { return query::matches(selector, stub); });
  }

  // The chunk's entities that the query selects, in hid order.
  Result<std::vector<SelectedEntity>> selected(std::span<const std::int64_t> hids) {
    auto loaded = load(hids);
    if (!loaded) return std::unexpected(loaded.error());
    std::vector<SelectedEntity> kept;
    for (auto& e : *loaded) {
      const auto stub = stub_of(e);
      if (named(stub) && allowed(stub)) kept.push_back(std::move(e));
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
      if (query_.q && !query::matches(*query_.q, *window)) continue;
      if (query_.geo && !query::matches(*query_.geo, *window)) continue;
      if (query_.scope && !query::matches_scope(*query_.scope, *window)) continue;
      out.push_back(std::move(e));
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
      if (!query_.attrs.empty() &&
          std::find(query_.attrs.begin(), query_.attrs.end(), name) == query_.attrs.end()) {
        continue;
      }
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

  // The entity as the filters see it over the range: each attribute they name holds every one of
  // its instances in the range (a condition holds when it holds for any of them), and the scope
  // every scope it had there.
  Result<model::Entity> window_of(const SelectedEntity& e) {
    std::set<std::string> names;
    if (query_.q) attrs_of(*query_.q, names);
    if (query_.geo) names.insert(query_.geo->geoproperty);
    if (query_.scope) names.insert(std::string(kScopeAttribute));
    SqlText sql;
    sql += std::string("SELECT h.attr, ") + kHistoryColumns +
           " FROM {s}.history h WHERE h.hid = " + sql.bind(param(e.hid)) + " AND h.attr = ANY(" +
           sql.bind(text_array(std::vector<std::string>(names.begin(), names.end()))) +
           "::text[]) AND h.deleted IS NULL";
    filter_.append_to(sql);
    sql += " ORDER BY h.attr, h.t, h.iid";
    auto rows = run_sql(sql.sql, sql.params);
    if (!rows) return std::unexpected(rows.error());
    model::Entity window = stub_of(e);
    json::array scopes;
    for (int i = 0; i < rows->size(); ++i) {
      auto instance = decode_history_row(*rows, i, 1, e.id);
      if (!instance) return std::unexpected(instance.error());
      const auto name = rows->text(i, 0);
      if (name == kScopeAttribute) {
        scopes.push_back(std::move(instance->value.value));
        continue;
      }
      if (window.attributes.empty() || window.attributes.back().name != name) {
        window.attributes.push_back({std::string(name), {}});
      }
      window.attributes.back().instances.push_back(std::move(instance->value));
    }
    if (!scopes.empty()) window.scope = flatten(scopes);
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
