#include "store/sqlite/history_reader.hpp"

#include <algorithm>

#include "store/sqlite/history_rows.hpp"
#include "store/sqlite/history_select.hpp"

namespace tsunagu::store::sqlite {
namespace {

model::Timestamp at_ms(std::int64_t ms) {
  return model::Timestamp(std::chrono::milliseconds(ms));
}

// The instances of one attribute read for a page, before the cut.
struct Fetched {
  HistoryAttribute attribute;
  std::vector<std::int64_t> keys;  // each instance's time, in the order read
  bool over = false;               // there were more than the page may hold
};

// Reads the instances of each attribute of the page's entities, newest first when the query
// wants the last n, oldest first otherwise.
class InstanceReader {
 public:
  InstanceReader(Connection& db, const HistoryQuery& query, const InstanceFilter& filter)
      : db_(db), query_(query), filter_(filter) {}

  std::size_t wanted() const {
    return query_.last_n ? std::min(query_.last_n, query_.max_instances) : query_.max_instances;
  }
  bool backward() const { return query_.last_n > 0; }
  // Reading one more than wanted tells whether the page is cut; with lastN up to the maximum
  // the last n are all there is to return, so nothing is cut.
  bool may_cut() const { return !query_.last_n || query_.last_n > query_.max_instances; }

  Result<Fetched> read(const SelectedEntity& e, const SelectedAttribute& a) {
    if (!stmt_) {
      const std::string order = backward() ? " DESC" : " ASC";
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
    const std::size_t limit = wanted() + (may_cut() ? 1 : 0);
    StatementUse s(*stmt_);
    s->bind(1, e.hid);
    s->bind(2, a.term);
    s->bind(3, static_cast<std::int64_t>(limit));
    int rc;
    while ((rc = s->step()) == SQLITE_ROW) {
      auto row = decode_history_row(*stmt_, 0, e.id);
      if (!row) return std::unexpected(row.error());
      out.attribute.instances.push_back(
          HistoryInstance{row->id, a.name, std::move(row->value), row->deleted_at});
      out.keys.push_back(s->column_int(kHistoryColumnCount));
    }
    if (rc != SQLITE_DONE) return db_.error("read history");
    if (out.keys.size() > wanted()) out.over = true;
    return out;
  }

 private:
  Connection& db_;
  const HistoryQuery& query_;
  const InstanceFilter& filter_;
  std::unique_ptr<Statement> stmt_;
};

// Keeps the instances on this side of `cut`: strictly before it reading forward, strictly after
// it reading backward; `inclusive` also keeps those at the cut (at most `wanted` of them).
void cut_at(Fetched& f, std::int64_t cut, bool backward, bool inclusive, std::size_t wanted) {
  std::size_t keep = 0;
  while (keep < f.keys.size() && keep < wanted) {
    const auto k = f.keys[keep];
    const bool inside =
        backward ? (k > cut || (inclusive && k == cut)) : (k < cut || (inclusive && k == cut));
    if (!inside) break;
    ++keep;
  }
  f.attribute.instances.resize(keep);
  f.keys.resize(keep);
}

// Every attribute is cut at the same instant (clause 6.3.10), so that the next page, which
// starts there, misses nothing of any of them: the earliest (reading backward: the latest) first
// instance that did not fit.
std::optional<HistoryCut> cut_page(std::vector<Fetched*>& all, bool backward, std::size_t wanted) {
  std::optional<std::int64_t> cut;
  for (auto* f : all) {
    if (!f->over) continue;
    const auto k = f->keys[wanted];
    if (!cut || (backward ? k > *cut : k < *cut)) cut = k;
  }
  if (!cut) return std::nullopt;
  std::size_t kept = 0;
  std::vector<Fetched> saved;
  for (auto* f : all) saved.push_back(*f);
  for (auto* f : all) {
    cut_at(*f, *cut, backward, false, wanted);
    kept += f->keys.size();
  }
  if (kept == 0) {
    // More than a page of instances at one instant: the page takes those at the cut, or the next
    // request would start where this one did.
    for (std::size_t i = 0; i < all.size(); ++i) {
      *all[i] = std::move(saved[i]);
      cut_at(*all[i], *cut, backward, true, wanted);
    }
  }
  std::optional<HistoryCut> out;
  for (auto* f : all) {
    for (auto k : f->keys) {
      if (!out) out = HistoryCut{at_ms(k), at_ms(k)};
      out->first = std::min(out->first, at_ms(k));
      out->last = std::max(out->last, at_ms(k));
    }
  }
  return out ? out : HistoryCut{at_ms(*cut), at_ms(*cut)};
}

}  // namespace

Result<HistoryPage> read_history(Connection& db, const HistoryQuery& query) {
  auto filter = instance_filter(db, query);
  if (!filter) return std::unexpected(filter.error());
  auto selection = select_entities(db, query, *filter);
  if (!selection) return std::unexpected(selection.error());
  InstanceReader reader(db, query, *filter);
  std::vector<std::vector<Fetched>> fetched(selection->entities.size());
  std::vector<Fetched*> all;
  for (std::size_t i = 0; i < selection->entities.size(); ++i) {
    const auto& e = selection->entities[i];
    for (const auto& a : e.attributes) {
      auto f = reader.read(e, a);
      if (!f) return std::unexpected(f.error());
      fetched[i].push_back(std::move(*f));
    }
  }
  for (auto& per_entity : fetched) {
    for (auto& f : per_entity) all.push_back(&f);
  }
  HistoryPage page;
  page.total = selection->total;
  page.cut = cut_page(all, reader.backward(), reader.wanted());
  for (std::size_t i = 0; i < selection->entities.size(); ++i) {
    auto& e = selection->entities[i];
    HistoryEntity out{std::move(e.id), std::move(e.types), {}};
    for (auto& f : fetched[i]) {
      if (f.attribute.instances.empty()) continue;
      if (reader.backward()) {
        std::reverse(f.attribute.instances.begin(), f.attribute.instances.end());
      }
      out.attributes.push_back(std::move(f.attribute));
    }
    page.entities.push_back(std::move(out));
  }
  return page;
}

}  // namespace tsunagu::store::sqlite
