#pragma once
// The months whose history partition (history_tables.hpp) a tenant's writer knows to exist, so
// that appending history asks the database only on a month's first write. Owned by the writer
// thread; cleared when its connection is replaced. A stale entry errs only the safe way: the
// partition is created with IF NOT EXISTS.

#include <cstdint>
#include <set>

namespace tsunagu::store::postgres {

struct PartitionCache {
  std::set<std::int64_t> months;  // months since 1970-01 (UTC)
  void clear() { months.clear(); }
};

}  // namespace tsunagu::store::postgres
