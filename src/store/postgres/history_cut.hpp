#pragma once
// The cut of a long history (clause 6.3.10, docs/design/temporal.md): when an attribute has more
// instances than one answer may hold, every attribute of the page is cut at the same instant, so
// that the next page, which starts there, misses nothing of any of them.

#include <cstdint>
#include <optional>
#include <vector>

#include "store/history_store.hpp"

namespace tsunagu::store::postgres {

// The instances of one attribute read for a page, before the cut.
struct Fetched {
  HistoryAttribute attribute;
  std::vector<std::int64_t> keys;  // each instance's time, in the order read
  bool over = false;               // there were more than the page may hold
};

// Cuts every attribute at the earliest (reading `backward`: the latest) first instance that did
// not fit among `wanted`; none when nothing was over.
std::optional<HistoryCut> cut_page(std::vector<Fetched*>& all, bool backward, std::size_t wanted);

}  // namespace tsunagu::store::postgres
