// The temporal scenarios' tool (`make bench BENCH=temporal`, bench/temporal.sh):
//
//   temporal_bench load --port P --server-pid PID --sensors N --readings R [--chunk 1000]
//                  [--conns 4]
//     loads the history of bench/sensor_series.hpp through POST /ngsi-ld/v1/temporal/entities,
//     CHUNK readings per request; prints instances_per_s and the server's cpu_us_per_instance.
//   temporal_bench get --port P --server-pid PID --path PATH [--runs 3]
//     RUNS sequential GETs of PATH on one connection, for a query too slow for wrk's windows:
//     p50_ms, p99_ms (the slowest of few), cpu_us_per_request.
//   temporal_bench baseline --db FILE --sensors N --readings R --kind hourly|lastn|daily
//                  [--seconds 5]
//     the storage ceiling: the same readings in a plain SQLite table (sensor, t, v) keyed by
//     (sensor, t), loaded once (load_rows_per_s), then the scenario's query asked directly for
//     SECONDS (at least 3 times): p50_ms, p99_ms, queries.
//
// Each prints one line of key=value pairs; exit status 1 on any error.

#include <sqlite3.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.hpp"
#include "measure.hpp"
#include "parallel_requests.hpp"
#include "sensor_series.hpp"

namespace tsunagu::bench {
namespace {

std::string chunk_body(std::uint64_t sensor, std::uint64_t first, std::uint64_t count) {
  std::string body = R"({"id":")" + SensorSeries::id(sensor) + R"(","type":"Sensor","level":[)";
  char buf[256];
  for (std::uint64_t k = first; k < first + count; ++k) {
    std::snprintf(buf, sizeof buf, R"(%s{"type":"Property","value":%.1f,"observedAt":"%s"})",
                  k == first ? "" : ",", SensorSeries::value(sensor, k),
                  SensorSeries::iso(SensorSeries::time_ms(k)).c_str());
    body += buf;
  }
  return body + "]}";
}

int load(const Args& args) {
  const auto port = static_cast<unsigned short>(args.num("port"));
  const auto pid = static_cast<pid_t>(args.num("server-pid"));
  const auto sensors = args.num("sensors");
  const auto readings = args.num("readings");
  const auto chunk = args.num("chunk", 1000);
  const auto chunks = (readings + chunk - 1) / chunk;
  const double cpu0 = cpu_seconds_of(pid);
  const auto t0 = now_ns();
  for_each_on_connections(
      port, args.num("conns", 4), sensors * chunks, [&](Connection& c, std::uint64_t item) {
        const auto sensor = item / chunks;
        const auto first = (item % chunks) * chunk;
        const auto n = std::min(chunk, readings - first);
        auto reply =
            c.request("POST", "/ngsi-ld/v1/temporal/entities", chunk_body(sensor, first, n));
        if (reply.status != 201 && reply.status != 204) {
          throw std::runtime_error("POST /temporal/entities answered " +
                                   std::to_string(reply.status) + ": " + reply.body.substr(0, 300));
        }
      });
  const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
  const double instances = static_cast<double>(sensors * readings);
  std::cout << "instances=" << sensors * readings << " seconds=" << seconds
            << " instances_per_s=" << instances / seconds
            << " cpu_us_per_instance=" << (cpu_seconds_of(pid) - cpu0) * 1e6 / instances << "\n";
  return 0;
}

int get(const Args& args) {
  const auto pid = static_cast<pid_t>(args.num("server-pid"));
  const auto path = args.str("path");
  Connection c(static_cast<unsigned short>(args.num("port")));
  std::vector<double> ms;
  const double cpu0 = cpu_seconds_of(pid);
  for (std::uint64_t i = 0, n = args.num("runs", 3); i < n; ++i) {
    const auto t0 = now_ns();
    auto reply = c.request("GET", path);
    ms.push_back(static_cast<double>(now_ns() - t0) / 1e6);
    if (reply.status != 200) {
      throw std::runtime_error("GET answered " + std::to_string(reply.status) + ": " +
                               reply.body.substr(0, 300));
    }
  }
  std::cout << "runs=" << ms.size() << " p50_ms=" << percentile(ms, 50)
            << " p99_ms=" << percentile(ms, 99) << " cpu_us_per_request="
            << (cpu_seconds_of(pid) - cpu0) * 1e6 / static_cast<double>(ms.size()) << "\n";
  return 0;
}

class Db {
 public:
  explicit Db(const std::string& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open " + file);
  }
  ~Db() { sqlite3_close(db_); }
  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "";
      sqlite3_free(error);
      throw std::runtime_error(sql.substr(0, 60) + ": " + message);
    }
  }
  sqlite3_stmt* prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error("prepare: " + std::string(sqlite3_errmsg(db_)));
    }
    return s;
  }

 private:
  sqlite3* db_ = nullptr;
};

// The readings with the pragmas of Tsunagu's writer (WAL, synchronous=FULL), one transaction per
// sensor and 1,000 readings, as the load posts them. Returns rows per second.
double build(Db& db, std::uint64_t sensors, std::uint64_t readings) {
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-32000;");
  db.exec(
      "CREATE TABLE readings(sensor INTEGER, t INTEGER, v REAL, PRIMARY KEY(sensor, t)) "
      "WITHOUT ROWID");
  sqlite3_stmt* insert = db.prepare("INSERT INTO readings VALUES(?1, ?2, ?3)");
  const auto t0 = now_ns();
  for (std::uint64_t s = 0; s < sensors; ++s) {
    for (std::uint64_t first = 0; first < readings; first += 1000) {
      db.exec("BEGIN");
      for (std::uint64_t k = first; k < std::min(readings, first + 1000); ++k) {
        sqlite3_bind_int64(insert, 1, static_cast<sqlite3_int64>(s));
        sqlite3_bind_int64(insert, 2, SensorSeries::time_ms(k));
        sqlite3_bind_double(insert, 3, SensorSeries::value(s, k));
        if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error("insert");
        sqlite3_reset(insert);
      }
      db.exec("COMMIT");
    }
  }
  sqlite3_finalize(insert);
  return static_cast<double>(sensors * readings) / (static_cast<double>(now_ns() - t0) / 1e9);
}

int baseline(const Args& args) {
  const auto file = args.str("db");
  const auto sensors = args.num("sensors");
  const auto readings = args.num("readings");
  const auto kind = args.str("kind");
  const bool fresh = !std::filesystem::exists(file);
  Db db(file);
  const double load_rate = fresh ? build(db, sensors, readings) : 0;
  db.exec("PRAGMA cache_size=-16000; PRAGMA mmap_size=268435456;");
  const std::int64_t from = SensorSeries::kStartMs;
  const std::int64_t to = from + 30 * SensorSeries::kDayMs;
  std::string sql;
  if (kind == "hourly") {
    sql =
        "SELECT (t - ?2) / 3600000 AS p, avg(v) FROM readings WHERE sensor = ?1 AND t >= ?2 "
        "AND t < ?3 GROUP BY p ORDER BY p";
  } else if (kind == "lastn") {
    sql = "SELECT t, v FROM readings WHERE sensor = ?1 ORDER BY t DESC LIMIT 100";
  } else if (kind == "daily") {
    sql =
        "SELECT sensor, (t - ?2) / 86400000 AS p, max(v) FROM readings WHERE t >= ?2 AND "
        "t < ?3 GROUP BY sensor, p";
  } else {
    throw std::runtime_error("unknown kind '" + kind + "' (hourly, lastn, daily)");
  }
  sqlite3_stmt* q = db.prepare(sql);
  std::mt19937_64 rng(7);
  std::vector<double> ms;
  const double seconds = static_cast<double>(args.num("seconds", 5));
  const auto start = now_ns();
  std::uint64_t rows = 0;
  while (ms.size() < 3 || static_cast<double>(now_ns() - start) / 1e9 < seconds) {
    const auto t0 = now_ns();
    sqlite3_bind_int64(q, 1, static_cast<sqlite3_int64>(rng() % sensors));
    sqlite3_bind_int64(q, 2, from);
    sqlite3_bind_int64(q, 3, to);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) ++rows;
    if (rc != SQLITE_DONE) throw std::runtime_error("query failed");
    sqlite3_reset(q);
    ms.push_back(static_cast<double>(now_ns() - t0) / 1e6);
  }
  sqlite3_finalize(q);
  std::cout << "kind=" << kind << " queries=" << ms.size() << " p50_ms=" << percentile(ms, 50)
            << " p99_ms=" << percentile(ms, 99) << " rows_per_query=" << rows / ms.size()
            << " load_rows_per_s=" << load_rate << "\n";
  return 0;
}

}  // namespace
}  // namespace tsunagu::bench

int main(int argc, char** argv) {
  using namespace tsunagu::bench;
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    const Args args(argc, argv);
    if (command == "load") return load(args);
    if (command == "baseline") return baseline(args);
    if (command == "get") return get(args);
  } catch (const std::exception& ex) {
    std::cerr << "temporal_bench " << command << ": " << ex.what() << "\n";
    return 1;
  }
  std::cerr << "usage: temporal_bench load|get|baseline [--name value ...]\n";
  return 2;
}
