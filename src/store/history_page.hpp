#pragma once
// The instances of a page of history (clause 6.3.10, docs/design/temporal.md), as every backend
// answers: how many of each attribute's instances are read and from which end, the cut of a long
// history (when an attribute has more instances than one answer may hold, every attribute of the
// page is cut at the same instant, so that the next page, which starts there, misses nothing of
// any of them), and the page made of what was read.

#include <cstdint>
#include <optional>
#include <vector>

#include "store/history_selection.hpp"
#include "store/history_store.hpp"

namespace tsunagu::store {

// How many instances of each attribute a page reads, and from which end.
struct InstanceReach {
  std::size_t wanted = 0;  // the most a page returns
  bool backward = false;   // the last n: newest first
  // Reading one more than wanted tells whether the page is cut; with lastN up to the maximum
  // the last n are all there is to return, so nothing is cut.
  bool may_cut = false;
  // The instances to read: wanted, and one more when the page may be cut; none when that is no
  // bound at all (an export asks for everything with the largest count).
  std::optional<std::int64_t> limit() const;
};

InstanceReach reach_of(const HistoryQuery& query);

// The instances of one attribute read for a page, before the cut.
struct Fetched {
  HistoryAttribute attribute;
  std::vector<std::int64_t> keys;  // each instance's time (ms), in the order read
  bool over = false;               // there were more than the page may hold
};

// Cuts every attribute at the earliest (reading `backward`: the latest) first instance that did
// not fit among `wanted`; none when nothing was over.
std::optional<HistoryCut> cut_page(std::vector<Fetched*>& all, bool backward, std::size_t wanted);

// The page of the selected entities with what was read of each of their attributes (`fetched`,
// per entity, per attribute, as in the selection), cut and put in time order.
HistoryPage page_of(Selection selection, std::vector<std::vector<Fetched>> fetched,
                    const InstanceReach& reach);

}  // namespace tsunagu::store
