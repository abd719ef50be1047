#include "store_backends.hpp"

#include <future>
#include <random>

#include "pg/test_database.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/postgres/platform_schema.hpp"
#include "store/sqlite/platform_schema.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace tsunagu::testing {

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::Sqlite ? "Sqlite" : "Postgres";
}

StoreLocation fresh_location(Backend backend) {
  StoreLocation out;
  out.backend = backend;
  if (backend == Backend::Sqlite) {
    static std::mt19937_64 rng{std::random_device{}()};
    out.dir =
        std::filesystem::temp_directory_path() / ("tsunagu-store-test-" + std::to_string(rng()));
    std::filesystem::create_directories(out.dir);
    return out;
  }
  try {
    out.url = new_test_database("store");
  } catch (const std::exception& ex) {
    ADD_FAILURE() << ex.what();
  }
  return out;
}

void remove_location(const StoreLocation& location) {
  if (!location.dir.empty()) std::filesystem::remove_all(location.dir);
}

Result<std::unique_ptr<store::Store>> open_store(const StoreLocation& location,
                                                 StoreOptions options) {
  if (location.backend == Backend::Sqlite) {
    store::sqlite::TenantDbOptions sqlite_options;
    if (options.selective_rows) sqlite_options.selective_rows = *options.selective_rows;
    auto s = store::sqlite::SqliteStore::open(location.dir, sqlite_options);
    if (!s) return std::unexpected(s.error());
    return std::unique_ptr<store::Store>(std::move(*s));
  }
  if (location.url.empty()) return fail(ErrorKind::InternalError, "no PostgreSQL database");
  auto s = store::postgres::PgStore::open(location.url);
  if (!s) return std::unexpected(s.error());
  return std::unique_ptr<store::Store>(std::move(*s));
}

Result<std::unique_ptr<store::PlatformDb>> open_platform(const StoreLocation& location) {
  if (location.backend == Backend::Sqlite) return store::sqlite::open_platform_db(location.dir);
  if (location.url.empty()) return fail(ErrorKind::InternalError, "no PostgreSQL database");
  return store::postgres::open_platform_db(location.url);
}

Status run_job(store::TenantStore& db, std::function<Status(store::WriteTxn&)> apply) {
  std::promise<Status> done;
  auto f = done.get_future();
  db.submit({std::move(apply), [&done](Status st) { done.set_value(std::move(st)); }});
  return f.get();
}

StoreUnderTest::~StoreUnderTest() {
  close();
  remove_location(location_);
}

void StoreUnderTest::open_fresh(Backend backend) {
  location_ = fresh_location(backend);
  reopen();
}

void StoreUnderTest::reopen() {
  close();
  auto s = open_store(location_);
  if (!s) {
    ADD_FAILURE() << s.error().message;
    return;
  }
  store_ = std::move(*s);
  auto t = store_->tenant("", true);
  if (!t) {
    ADD_FAILURE() << t.error().message;
    return;
  }
  db_ = *t;
}

void StoreUnderTest::close() {
  db_.reset();
  store_.reset();
}

}  // namespace tsunagu::testing
