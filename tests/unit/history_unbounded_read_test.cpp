// A read of history with no maximum per attribute (store/history_store.hpp, max_instances), on
// every backend: the largest count asks for every instance. SQLite once added one to it to know
// whether the page is cut, so that SIZE_MAX wrapped around to LIMIT 0 and every attribute came
// back empty, where PostgreSQL read everything; both now take the limit from InstanceReach
// (store/history_page.hpp).

#include <gtest/gtest.h>

#include <chrono>
#include <limits>

#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

using model::Timestamp;
using testing::Backend;

const std::string kLevel = "https://example.org/level";

Timestamp minute(int m) {
  return Timestamp(std::chrono::milliseconds(1'767'225'600'000LL + m * 60'000LL));
}

class HistoryUnboundedReadTest : public ::testing::TestWithParam<Backend>,
                                 protected testing::StoreUnderTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_fresh(GetParam()));
    HistoryAppend a{"urn:s:1", {"https://example.org/Sensor"}, minute(0), {}};
    for (int m = 0; m < 5; ++m) {
      HistoryInstance i;
      i.attr = kLevel;
      i.value.value = m;
      i.value.observed_at = minute(m);
      i.value.created_at = i.value.modified_at = minute(0);
      a.instances.push_back(std::move(i));
    }
    ASSERT_TRUE(testing::run_job(*db_, [&](WriteTxn& txn) { return txn.history().append(a); }));
  }

  // The values read with this maximum, and whether the page was cut.
  std::pair<std::vector<std::int64_t>, bool> read(std::size_t max_instances,
                                                  std::size_t last_n = 0) {
    HistoryQuery q;
    q.entities.push_back(query::EntitySelector{{}, {"urn:s:1"}, {}});
    q.retrieval = true;
    q.max_instances = max_instances;
    q.last_n = last_n;
    auto page = db_->history(q);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::int64_t> values;
    if (!page || page->entities.size() != 1) return {values, false};
    for (const auto& a : page->entities[0].attributes) {
      for (const auto& i : a.instances) values.push_back(i.value.value.to_number<std::int64_t>());
    }
    return {values, page->cut.has_value()};
  }
};

INSTANTIATE_TEST_SUITE_P(Backends, HistoryUnboundedReadTest, testing::all_backends(),
                         testing::backend_name);

TEST_P(HistoryUnboundedReadTest, TheLargestMaximumReadsEveryInstance) {
  const std::vector<std::int64_t> all{0, 1, 2, 3, 4};
  for (auto most : {std::numeric_limits<std::size_t>::max(),
                    static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())}) {
    SCOPED_TRACE(most);
    EXPECT_EQ(read(most), std::pair(all, false));
    EXPECT_EQ(read(most, 2), std::pair(std::vector<std::int64_t>{3, 4}, false));
  }
  EXPECT_EQ(read(3), std::pair(std::vector<std::int64_t>{0, 1, 2}, true));
}

}  // namespace
}  // namespace tsunagu::store
