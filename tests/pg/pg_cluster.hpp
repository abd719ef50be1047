#pragma once
// A throwaway PostgreSQL cluster for the tests of the PostgreSQL store: initdb into a temporary
// directory, a server listening on a free loopback port only (its Unix socket stays in that
// directory), trust authentication for the user `tsunagu`, and PostGIS in every database. When the
// object goes, the server is stopped and the directory removed; a watchdog process does the same
// if the test process dies without running its destructor (crash, abort, SIGKILL by a timeout).
//
// PostgreSQL and PostGIS are required (scripts/install-deps.sh installs them): start() names what
// is missing rather than letting a test pass without having checked anything.
//
// Server programs refuse to run as root, so as root they run as the `postgres` user that
// Debian's postgresql package creates; psql runs as the caller either way.
//
// Thread-safety: once start() has returned, every method may be called from any thread.

#include <sys/types.h>

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace tsunagu::testing {

class PgCluster {
 public:
  // About two seconds, mostly initdb and PostGIS: share one cluster per process through shared(),
  // and give each test a database of its own with create_database(). The error quotes the failed
  // command's output or the tail of the server log.
  static std::expected<std::unique_ptr<PgCluster>, std::string> start();

  // One cluster per test process, started on first use and stopped at exit; nullptr, with the
  // reason written to stderr once, when it cannot start. The cluster is never restarted.
  static PgCluster* shared();

  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // postgresql://tsunagu@127.0.0.1:<port>/tsunagu
  std::string url() const;
  int port() const { return port_; }

  // Creates the database `name`, with PostGIS, and returns its URL. Taking a fraction of a second
  // (a copy of template1, where start() put PostGIS), it suits one database per test. The name is 1
  // to 63 of [A-Za-z0-9_] and new to the cluster: std::invalid_argument otherwise,
  // std::runtime_error (with psql's output) when the server refuses.
  std::string create_database(std::string name);

 private:
  using Status = std::expected<void, std::string>;

  PgCluster(std::filesystem::path dir, std::filesystem::path bin, bool as_postgres);

  Status bring_up();
  Status start_watchdog();
  Status init_data();
  Status start_server();
  Status install_postgis();
  void stop_server();
  // The error is psql's output.
  Status psql(const std::string& database, const std::string& sql) const;
  std::vector<std::string> server_command(std::vector<std::string> argv) const;
  std::string server_log_tail() const;

  // Constant after start().
  std::filesystem::path dir_;  // the temporary directory: data/, log, the Unix socket
  std::filesystem::path bin_;  // initdb, pg_ctl and psql of one major version
  bool as_postgres_;           // run server programs through `runuser -u postgres`
  int port_ = 0;
  // A forked child (a gtest death test) must leave its parent's cluster alone.
  pid_t owner_;
  pid_t watchdog_pid_ = -1;
  int watchdog_fd_ = -1;  // the watchdog cleans up once every copy of this is closed
};

}  // namespace tsunagu::testing
