#include "store/postgres/history_reader.hpp"

#include <cstdint>
#include <utility>

#include "store/history_page.hpp"
#include "store/postgres/history_rows.hpp"
#include "store/postgres/history_select.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

// The instances of every (entity, attribute) pair of the page in one statement: a lateral
// subquery per pair reads its range in index order and stops after `limit`, as a statement per
// pair would, without a round trip per pair. Output columns: kHistoryColumns, the sort key, and
// the pair's ordinal.
SqlText instances_sql(const InstanceFilter& filter, const InstanceReach& reach,
                      const std::vector<std::int64_t>& hids,
                      const std::vector<std::string>& attrs) {
  const std::string order = reach.backward ? " DESC" : " ASC";
  // No maximum (an export asks for everything) reads everything: LIMIT ALL, not an overflow.
  const auto limit = reach.limit();
  SqlText sql;
  sql += "SELECT x.*, k.n FROM unnest(" + sql.bind(integer_array(hids)) + "::bigint[], " +
         sql.bind(text_array(attrs)) +
         "::text[]) WITH ORDINALITY AS k(hid, attr, n) CROSS JOIN LATERAL (SELECT " +
         kHistoryColumns + ", " + filter.key +
         " AS sort_key FROM {s}.history h WHERE h.hid = k.hid AND h.attr = k.attr";
  filter.append_to(sql);
  sql += " ORDER BY " + filter.key + order + ", h.iid" + order + " LIMIT " +
         (limit ? sql.bind(param(*limit)) : std::string("ALL")) + ") x ORDER BY k.n, x.sort_key" +
         order + ", x.iid" + order;
  return sql;
}

using PageInstances = std::vector<std::vector<Fetched>>;  // per entity, per attribute

// Where the rows of one (entity, attribute) pair go.
struct Slot {
  Fetched* fetched;
  const std::string* entity_id;
};

PageInstances empty_page(const Selection& selection, std::vector<Slot>& slots) {
  PageInstances out(selection.entities.size());
  for (std::size_t i = 0; i < selection.entities.size(); ++i) {
    for (const auto& a : selection.entities[i].attributes) {
      out[i].push_back(Fetched{HistoryAttribute{a.name, {}}, {}, false});
    }
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (auto& f : out[i]) slots.push_back({&f, &selection.entities[i].id});
  }
  return out;
}

Status fill(const Rows& rows, const std::vector<Slot>& slots) {
  for (int r = 0; r < rows.size(); ++r) {
    const auto ordinal = static_cast<std::size_t>(rows.integer(r, kHistoryColumnCount + 1));
    if (ordinal == 0 || ordinal > slots.size()) continue;
    const auto& slot = slots[ordinal - 1];
    auto decoded = decode_history_row(rows, r, 0, *slot.entity_id);
    if (!decoded) return std::unexpected(decoded.error());
    auto& f = *slot.fetched;
    f.attribute.instances.push_back(HistoryInstance{
        decoded->id, f.attribute.name, std::move(decoded->value), decoded->deleted_at});
    f.keys.push_back(rows.integer(r, kHistoryColumnCount));
  }
  return ok();
}

Result<PageInstances> fetch(Connection& db, const std::string& schema, const Selection& selection,
                            const InstanceFilter& filter, const InstanceReach& reach) {
  std::vector<Slot> slots;
  auto out = empty_page(selection, slots);
  if (slots.empty()) return out;
  std::vector<std::int64_t> hids;
  std::vector<std::string> attrs;
  for (const auto& e : selection.entities) {
    for (const auto& a : e.attributes) {
      hids.push_back(e.hid);
      attrs.push_back(a.name);
    }
  }
  const auto sql = instances_sql(filter, reach, hids, attrs);
  auto rows = db.run(in_schema(sql.sql, schema), sql.params);
  if (!rows) return std::unexpected(rows.error());
  if (auto st = fill(*rows, slots); !st) return std::unexpected(st.error());
  for (const auto& slot : slots) slot.fetched->over = slot.fetched->keys.size() > reach.wanted;
  return out;
}

}  // namespace

Result<HistoryPage> read_history(Connection& db, const std::string& schema,
                                 const HistoryQuery& query) {
  const auto filter = instance_filter(query);
  auto selection = select_entities(db, schema, query, filter);
  if (!selection) return std::unexpected(selection.error());
  const auto reach = reach_of(query);
  auto fetched = fetch(db, schema, *selection, filter, reach);
  if (!fetched) return std::unexpected(fetched.error());
  return page_of(std::move(*selection), std::move(*fetched), reach);
}

}  // namespace tsunagu::store::postgres
