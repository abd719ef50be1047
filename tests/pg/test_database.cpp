#include "pg/test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

#include "pg/pg_cluster.hpp"
#include "store/postgres/connection.hpp"

namespace tsunagu::testing {
namespace {

// The cluster ctest started, when its URL file is there (the build names the file; the
// environment variable of the same name may name another).
std::string run_cluster_url() {
  const char* file = std::getenv("TSUNAGU_TEST_PG_URL_FILE");
#ifdef TSUNAGU_TEST_PG_URL_FILE
  if (!file || !*file) file = TSUNAGU_TEST_PG_URL_FILE;
#endif
  if (!file || !*file) return {};
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

// The run's cluster when it answers (a file left by a run that was interrupted names a cluster
// that is gone), else this process's own.
std::string server_url() {
  static const std::string url = [] {
    if (auto run = run_cluster_url(); !run.empty() && store::postgres::Connection::open(run)) {
      return run;
    }
    auto* cluster = PgCluster::shared();
    return cluster ? cluster->url() : std::string();
  }();
  if (url.empty()) throw std::runtime_error("no PostgreSQL server for the test (see stderr)");
  return url;
}

// The URL with its database (the path after the authority) replaced.
std::string with_database(const std::string& url, const std::string& database) {
  const auto authority = url.find("://");
  const auto slash = url.find('/', authority == std::string::npos ? 0 : authority + 3);
  const auto query = url.find('?');
  std::string out = slash == std::string::npos ? url : url.substr(0, slash);
  out += "/" + database;
  if (query != std::string::npos) out += url.substr(query);
  return out;
}

}  // namespace

std::string new_test_database(std::string_view prefix) {
  static std::atomic<int> next{0};
  static const auto salt = std::random_device{}() % 100000;
  const std::string name = std::string(prefix) + "_" + std::to_string(getpid()) + "_" +
                           std::to_string(salt) + "_" + std::to_string(++next);
  const std::string url = server_url();
  auto db = store::postgres::Connection::open(url);
  if (!db) throw std::runtime_error(db.error().message);
  if (auto st = (*db)->exec("CREATE DATABASE \"" + name + "\" TEMPLATE template1"); !st) {
    throw std::runtime_error(st.error().message);
  }
  return with_database(url, name);
}

bool integration_store_is_postgres() {
  const char* store = std::getenv("TSUNAGU_TEST_STORE");
  return store && std::string_view(store) == "postgresql";
}

}  // namespace tsunagu::testing
