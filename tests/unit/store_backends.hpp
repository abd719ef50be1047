#pragma once
// The store test suites run against every backend (store/store.hpp: "a store is tested by one
// shared suite that every backend must pass"): SQLite in a temporary directory, PostgreSQL in a
// database of its own in the throwaway cluster the test process starts (tests/pg/pg_cluster.hpp).
//
//   class MyTest : public ::testing::TestWithParam<testing::Backend> { ... };
//   INSTANTIATE_TEST_SUITE_P(Backends, MyTest, testing::all_backends(), testing::backend_name);

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "model/error.hpp"
#include "store/platform/platform_db.hpp"
#include "store/store.hpp"

namespace tsunagu::testing {

enum class Backend { Sqlite, Postgres };

inline auto all_backends() {
  return ::testing::Values(Backend::Sqlite, Backend::Postgres);
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

// Where a test's store lives; opening it again sees what an earlier open wrote (a restart).
struct StoreLocation {
  Backend backend = Backend::Sqlite;
  std::filesystem::path dir;  // SQLite: the data directory
  std::string url;            // PostgreSQL: the database
};

// A new, empty location. For PostgreSQL, a new database; ADD_FAILURE when the cluster cannot start.
StoreLocation fresh_location(Backend backend);
// Removes the SQLite directory (a PostgreSQL database goes with the cluster at exit).
void remove_location(const StoreLocation& location);

struct StoreOptions {
  std::optional<std::size_t> selective_rows;  // SQLite's planner threshold
};

Result<std::unique_ptr<store::Store>> open_store(const StoreLocation& location,
                                                 StoreOptions options = {});

// The platform database (oneID, accounts, audit, consent, usage) at the location; opening it
// again sees what an earlier open wrote.
Result<std::unique_ptr<store::PlatformDb>> open_platform(const StoreLocation& location);

// Submits a job and waits until it is durable (or failed).
Status run_job(store::TenantStore& db, std::function<Status(store::WriteTxn&)> apply);

// A fixture's store: a fresh location of one backend and its default tenant; reopen() is a
// restart. The location is removed when the fixture goes.
class StoreUnderTest {
 public:
  ~StoreUnderTest();
  // Opens a fresh location; ADD_FAILURE (and no store) when that fails.
  void open_fresh(Backend backend);
  void reopen();
  void close();

  StoreLocation location_;
  std::unique_ptr<store::Store> store_;
  std::shared_ptr<store::TenantStore> db_;
};

}  // namespace tsunagu::testing
