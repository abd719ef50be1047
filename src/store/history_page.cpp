#include "store/history_page.hpp"

#include <algorithm>
#include <limits>

namespace tsunagu::store {
namespace {

model::Timestamp at_ms(std::int64_t ms) {
  return model::Timestamp(std::chrono::milliseconds(ms));
}

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

std::optional<std::int64_t> cut_instant(const std::vector<Fetched*>& all, bool backward,
                                        std::size_t wanted) {
  std::optional<std::int64_t> cut;
  for (const auto* f : all) {
    if (!f->over) continue;
    const auto k = f->keys[wanted];
    if (!cut || (backward ? k > *cut : k < *cut)) cut = k;
  }
  return cut;
}

HistoryCut bounds_of(const std::vector<Fetched*>& all, std::int64_t cut) {
  std::optional<HistoryCut> out;
  for (const auto* f : all) {
    for (auto k : f->keys) {
      if (!out) out = HistoryCut{at_ms(k), at_ms(k)};
      out->first = std::min(out->first, at_ms(k));
      out->last = std::max(out->last, at_ms(k));
    }
  }
  return out ? *out : HistoryCut{at_ms(cut), at_ms(cut)};
}

}  // namespace

std::optional<std::int64_t> InstanceReach::limit() const {
  constexpr auto kMost = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
  if (wanted >= kMost - 1) return std::nullopt;
  return static_cast<std::int64_t>(wanted + (may_cut ? 1 : 0));
}

InstanceReach reach_of(const HistoryQuery& query) {
  InstanceReach r;
  r.wanted = query.last_n ? std::min(query.last_n, query.max_instances) : query.max_instances;
  r.backward = query.last_n > 0;
  r.may_cut = !query.last_n || query.last_n > query.max_instances;
  return r;
}

std::optional<HistoryCut> cut_page(std::vector<Fetched*>& all, bool backward, std::size_t wanted) {
  const auto cut = cut_instant(all, backward, wanted);
  if (!cut) return std::nullopt;
  std::vector<Fetched> saved;
  for (const auto* f : all) saved.push_back(*f);
  std::size_t kept = 0;
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
  return bounds_of(all, *cut);
}

HistoryPage page_of(Selection selection, std::vector<std::vector<Fetched>> fetched,
                    const InstanceReach& reach) {
  std::vector<Fetched*> all;
  for (auto& per_entity : fetched) {
    for (auto& f : per_entity) all.push_back(&f);
  }
  HistoryPage page;
  page.total = selection.total;
  page.cut = cut_page(all, reach.backward, reach.wanted);
  for (std::size_t i = 0; i < selection.entities.size(); ++i) {
    auto& e = selection.entities[i];
    HistoryEntity out{std::move(e.id), std::move(e.types), {}};
    for (auto& f : fetched[i]) {
      if (f.attribute.instances.empty()) continue;
      if (reach.backward) {
        std::reverse(f.attribute.instances.begin(), f.attribute.instances.end());
      }
      out.attributes.push_back(std::move(f.attribute));
    }
    page.entities.push_back(std::move(out));
  }
  return page;
}

}  // namespace tsunagu::store
