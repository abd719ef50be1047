// The storage ceiling of the benchmarks: the rows a Tsunagu write produces, written by raw
// SQLite in one process, without HTTP, JSON-LD or the model. It uses the schema and pragmas of
// src/store/sqlite/schema.cpp (WAL, synchronous=FULL) and, for each entity, the same rows: the
// stored document (taken from a real Tsunagu database, only the id changed), one row per type
// in entity_types and one per attribute in entity_attrs.
//
//   sqlite_baseline --db FILE --doc-file F --mode insert --batch 100 [--rows N] [--seconds S]
//   sqlite_baseline --db FILE --doc-file F --mode update --batch 32 --prefill N [--seconds S]
//
// insert: new entities, one transaction per `batch` rows, until N rows or S seconds.
// update: read-modify-write of random existing entities (select the document, update it,
//         rewrite its index rows), `batch` per transaction: what N concurrent PATCHes can at
//         best become when one fsync serves them all.
// Prints one line: rows=... seconds=... rows_per_s=... commits=... p50_ms=... p99_ms=...
// cpu_us_per_row=... (latencies are per transaction, commit included; CPU is user + system time
// of this process, which the machine's other load does not inflate).

#include <sqlite3.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.hpp"
#include "measure.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tsunagu::bench::Args;
using tsunagu::bench::cpu_seconds;
using tsunagu::bench::percentile;

// A stored Tsunagu document with its id cut out, and the index terms it implies.
struct Sample {
  std::string before_id, after_id;
  std::vector<std::string> types, attrs;

  std::string doc_for(const std::string& id) const { return before_id + id + after_id; }

  static Sample load(const std::string& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    std::string doc = text.str();
    while (!doc.empty() && doc.back() == '\n') doc.pop_back();
    if (doc.empty()) throw std::runtime_error("cannot read a stored document from " + file);
    const auto v = boost::json::parse(doc).as_object();
    const std::string id(v.at("id").as_string());
    Sample s;
    const auto at = doc.find("\"" + id + "\"") + 1;
    s.before_id = doc.substr(0, at);
    s.after_id = doc.substr(at + id.size());
    for (const auto& t : v.at("type").as_array()) s.types.emplace_back(t.as_string());
    for (const auto& [name, value] : v.at("attrs").as_object()) s.attrs.emplace_back(name);
    return s;
  }
};

class Db {
 public:
  explicit Db(const std::string& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) fail("open");
  }
  ~Db() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string text = msg ? msg : "?";
      sqlite3_free(msg);
      throw std::runtime_error("sqlite: " + text);
    }
  }

  // A prepared statement, reset and with its bindings cleared.
  sqlite3_stmt* stmt(const char* sql) {
    auto& s = cache_[sql];
    if (s == nullptr && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr)) {
      fail("prepare");
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
  }

  // Runs a statement to completion; returns the first column of its last row (or 0).
  std::int64_t run(sqlite3_stmt* s) {
    std::int64_t last = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) last = sqlite3_column_int64(s, 0);
    if (rc != SQLITE_DONE) fail("step");
    return last;
  }

  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
};

// Mirrors src/store/sqlite/schema.cpp (migration 1 and the writer's pragmas).
void create_schema(Db& db) {
  db.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
      "PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;"
      "CREATE TABLE IF NOT EXISTS terms(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);"
      "CREATE TABLE IF NOT EXISTS entities(rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
      "  created_at INTEGER NOT NULL, modified_at INTEGER NOT NULL, doc TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS entity_types(term INTEGER NOT NULL, entity INTEGER NOT NULL,"
      "  PRIMARY KEY(term, entity)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS entity_types_by_entity ON entity_types(entity);"
      "CREATE TABLE IF NOT EXISTS entity_attrs(term INTEGER NOT NULL, entity INTEGER NOT NULL,"
      "  PRIMARY KEY(term, entity)) WITHOUT ROWID;"
      "CREATE INDEX IF NOT EXISTS entity_attrs_by_entity ON entity_attrs(entity);");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Writer {
 public:
  Writer(Db& db, const Sample& sample) : db_(db), sample_(sample) {
    for (const auto& t : sample.types) type_terms_.push_back(intern(t));
    for (const auto& a : sample.attrs) attr_terms_.push_back(intern(a));
  }

  void insert(const std::string& id) {
    auto* s = db_.stmt(
        "INSERT INTO entities(id, created_at, modified_at, doc) VALUES(?1, ?2, ?2, ?3) "
        "RETURNING rid");
    const std::string doc = sample_.doc_for(id);
    sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now_ms());
    sqlite3_bind_text(s, 3, doc.data(), static_cast<int>(doc.size()), SQLITE_STATIC);
    write_index(db_.run(s));
  }

  void update(const std::string& id) {
    auto* read = db_.stmt("SELECT length(doc) FROM entities WHERE id = ?1");
    sqlite3_bind_text(read, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    if (db_.run(read) == 0) throw std::runtime_error("no entity " + id);
    auto* s =
        db_.stmt("UPDATE entities SET modified_at = ?2, doc = ?3 WHERE id = ?1 RETURNING rid");
    const std::string doc = sample_.doc_for(id);
    sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now_ms());
    sqlite3_bind_text(s, 3, doc.data(), static_cast<int>(doc.size()), SQLITE_STATIC);
    const auto rid = db_.run(s);
    for (const char* sql : {"DELETE FROM entity_types WHERE entity = ?1",
                            "DELETE FROM entity_attrs WHERE entity = ?1"}) {
      auto* d = db_.stmt(sql);
      sqlite3_bind_int64(d, 1, rid);
      db_.run(d);
    }
    write_index(rid);
  }

 private:
  std::int64_t intern(const std::string& iri) {
    auto* s = db_.stmt(
        "INSERT INTO terms(iri) VALUES(?1) ON CONFLICT(iri) DO UPDATE SET iri=iri RETURNING id");
    sqlite3_bind_text(s, 1, iri.data(), static_cast<int>(iri.size()), SQLITE_STATIC);
    return db_.run(s);
  }

  void write_index(std::int64_t rid) {
    index_rows("INSERT OR IGNORE INTO entity_types(term, entity) VALUES(?1, ?2)", type_terms_, rid);
    index_rows("INSERT OR IGNORE INTO entity_attrs(term, entity) VALUES(?1, ?2)", attr_terms_, rid);
  }

  void index_rows(const char* sql, const std::vector<std::int64_t>& terms, std::int64_t rid) {
    for (auto term : terms) {
      auto* s = db_.stmt(sql);
      sqlite3_bind_int64(s, 1, term);
      sqlite3_bind_int64(s, 2, rid);
      db_.run(s);
    }
  }

  Db& db_;
  const Sample& sample_;
  std::vector<std::int64_t> type_terms_, attr_terms_;
};

std::string id_of(std::uint64_t i) {
  return "urn:ngsi-ld:Shelter:sqlite-" + std::to_string(i);
}

// Runs transactions of `batch` rows until `rows` rows or `seconds` have passed.
template <typename Row>
void measure(Db& db, std::uint64_t batch, std::uint64_t rows, std::uint64_t seconds, Row row) {
  std::vector<double> commit_ms;
  std::uint64_t done = 0;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::seconds(seconds);
  while (done < rows && Clock::now() < deadline) {
    const auto t = Clock::now();
    db.exec("BEGIN IMMEDIATE");
    const auto end = std::min(rows, done + batch);
    for (; done < end; ++done) row(done);
    db.exec("COMMIT");
    commit_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double cpu_us = (cpu_seconds() - cpu0) * 1e6;
  std::cout << "rows=" << done << " seconds=" << secs
            << " rows_per_s=" << static_cast<double>(done) / secs << " commits=" << commit_ms.size()
            << " p50_ms=" << percentile(commit_ms, 50) << " p99_ms=" << percentile(commit_ms, 99)
            << " cpu_us_per_row=" << cpu_us / static_cast<double>(std::max<std::uint64_t>(done, 1))
            << "\n";
}

void prefill(Db& db, Writer& w, std::uint64_t n) {
  constexpr std::uint64_t kChunk = 10000;
  for (std::uint64_t i = 0; i < n; i += kChunk) {
    db.exec("BEGIN IMMEDIATE");
    for (auto j = i; j < std::min(n, i + kChunk); ++j) w.insert(id_of(j));
    db.exec("COMMIT");
  }
}

int run(const Args& args) {
  Db db(args.str("db"));
  create_schema(db);
  const Sample sample = Sample::load(args.str("doc-file"));
  Writer writer(db, sample);
  const auto mode = args.str("mode", "insert");
  const auto batch = std::max<std::uint64_t>(1, args.num("batch", 100));
  const auto seconds = args.num("seconds", 60);
  if (mode == "insert") {
    measure(db, batch, args.num("rows", UINT64_MAX), seconds,
            [&](std::uint64_t i) { writer.insert(id_of(i)); });
    return 0;
  }
  if (mode == "update") {
    const auto n = std::max<std::uint64_t>(1, args.num("prefill", 100000));
    prefill(db, writer, n);
    std::mt19937_64 rng(42);
    measure(db, batch, args.num("rows", UINT64_MAX), seconds,
            [&](std::uint64_t) { writer.update(id_of(rng() % n)); });
    return 0;
  }
  throw std::runtime_error("--mode is insert or update");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(Args(argc, argv, 1));
  } catch (const std::exception& ex) {
    std::cerr << "sqlite_baseline: " << ex.what() << "\n";
    return 1;
  }
}
