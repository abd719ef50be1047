#include "store/postgres/history_cut.hpp"

#include <algorithm>

#include "store/postgres/connection.hpp"

namespace tsunagu::store::postgres {
namespace {

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
      if (!out) out = HistoryCut{from_ms(k), from_ms(k)};
      out->first = std::min(out->first, from_ms(k));
      out->last = std::max(out->last, from_ms(k));
    }
  }
  return out ? *out : HistoryCut{from_ms(cut), from_ms(cut)};
}

}  // namespace

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

}  // namespace tsunagu::store::postgres
