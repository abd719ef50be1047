// The storage ceiling of the benchmarks: the rows a Tsunagu write produces, written by raw
// SQLite in one process, without HTTP, JSON-LD or the model. It takes the schema from a real
// Tsunagu database (--like, e.g. the benchmark server's own, read while it runs) and, from the
// same database, every row that one entity (--sample) produced there: the stored document, its
// type and attribute rows, the value index (attr_values), its geometries (geo_owner and the
// R*Tree), its history (history_entities, history_types, history_attrs and the instances) and
// its share of the discovery summaries. Each new entity writes those rows again under its own
// id, so that the baseline keeps writing what the server writes when the schema grows.
//
//   sqlite_baseline --db FILE --like TSUNAGU_DB --sample ID --mode insert --batch 100
//                   [--rows N] [--seconds S]
//   sqlite_baseline --db FILE --like TSUNAGU_DB --sample ID --mode update --batch 32
//                   --prefill N --patched-attr IRI [--seconds S]
//
// insert: new entities, one transaction per `batch` rows, until N rows or S seconds; the
//         summaries are added once per transaction, as the server's group commit does.
// update: what the server writes for a PATCH of attribute IRI of a random existing entity
//         (read the document, rewrite it, read the entity's value rows and rewrite those of the
//         attribute, rewrite its geometry rows, append the attribute's history instance),
//         `batch` per transaction: what N concurrent PATCHes can at best become when one fsync
//         serves them all.
// Prints one line: rows=... seconds=... rows_per_s=... commits=... p50_ms=... p99_ms=...
// cpu_us_per_row=... (latencies are per transaction, commit included; CPU is user + system time
// of this process, which the machine's other load does not inflate).

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
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

class Db {
 public:
  explicit Db(const std::string& file, bool read_only = false) {
    const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) fail("open " + file);
    sqlite3_busy_timeout(db_, 10000);
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
  sqlite3_stmt* stmt(const std::string& sql) {
    auto& s = cache_[sql];
    if (s == nullptr &&
        sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr)) {
      fail("prepare " + sql);
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

  [[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("sqlite " + what + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> cache_;
};

// The rows of one table that belong to the sample entity, with the column that names the
// entity (`key`) left out: each copy binds its own.
class Rows {
 public:
  // The rows `select` (of `table`, with the sample as ?1) gives. `skip`: a column the copies
  // leave to SQLite (an INTEGER PRIMARY KEY).
  Rows(Db& from, const std::string& table, const std::string& key, std::int64_t sample,
       const std::string& skip = "", std::string select = "")
      : table_(table), key_(key) {
    if (select.empty()) select = "SELECT * FROM " + table + " WHERE " + key + " = ?1";
    auto* s = from.stmt(select);
    sqlite3_bind_int64(s, 1, sample);
    std::vector<int> kept;
    for (int c = 0; c < sqlite3_column_count(s); ++c) {
      const std::string name = sqlite3_column_name(s, c);
      if (name == key || name == skip) continue;
      columns_.push_back(name);
      kept.push_back(c);
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      auto& row = rows_.emplace_back();
      for (int c : kept) row.emplace_back(sqlite3_value_dup(sqlite3_column_value(s, c)));
    }
    if (rc != SQLITE_DONE) from.fail("read " + table);
    // Made once: the baseline's CPU time should be SQLite's.
    insert_sql_ = "INSERT INTO " + table_ + "(" + key_;
    std::string values = "?1";
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      insert_sql_ += ", " + columns_[c];
      values += ", ?" + std::to_string(c + 2);
    }
    insert_sql_ += ") VALUES(" + values + ")";
  }

  // Writes the rows again for entity `key_value`; with `where`, only those whose column `where`
  // holds the integer `equals`.
  void copy_to(Db& db, std::int64_t key_value, const std::string& where = "",
               std::int64_t equals = 0) const {
    const auto at = where.empty() ? columns_.size() : index_of(where);
    for (std::size_t r = 0; r < rows_.size(); ++r) {
      if (at < columns_.size() && sqlite3_value_int64(rows_[r][at].get()) != equals) continue;
      auto* s = db.stmt(insert_sql_);
      sqlite3_bind_int64(s, 1, key_value);
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        sqlite3_bind_value(s, static_cast<int>(c + 2), rows_[r][c].get());
      }
      db.run(s);
    }
  }

  std::size_t index_of(const std::string& name) const {
    const auto at = std::find(columns_.begin(), columns_.end(), name) - columns_.begin();
    if (static_cast<std::size_t>(at) == columns_.size()) {
      throw std::runtime_error(table_ + " has no column " + name);
    }
    return static_cast<std::size_t>(at);
  }

  // The value of `column` in each row.
  std::vector<sqlite3_value*> column(const std::string& name) const {
    const auto at = index_of(name);
    std::vector<sqlite3_value*> out;
    for (const auto& row : rows_) out.push_back(row[at].get());
    return out;
  }

 private:
  struct Free {
    void operator()(sqlite3_value* v) const { sqlite3_value_free(v); }
  };
  std::string table_, key_, insert_sql_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::unique_ptr<sqlite3_value, Free>>> rows_;
};

std::int64_t one_int(Db& db, const std::string& sql, const std::string& param) {
  auto* s = db.stmt(sql);
  sqlite3_bind_text(s, 1, param.data(), static_cast<int>(param.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(s) != SQLITE_ROW) throw std::runtime_error("no row for " + param);
  return sqlite3_column_int64(s, 0);
}

std::string one_text(Db& db, const std::string& sql, std::int64_t param) {
  auto* s = db.stmt(sql);
  sqlite3_bind_int64(s, 1, param);
  if (sqlite3_step(s) != SQLITE_ROW) throw std::runtime_error("no row for " + sql);
  return reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
}

// Everything the sample entity wrote in the Tsunagu database.
struct Sample {
  std::string before_id, after_id;  // its stored document around its id
  std::string history_types;        // history_entities.types (empty without history)
  std::optional<Rows> types, attrs, values, geo_owner, history_types_rows, history_attrs, history;
  std::vector<std::array<double, 4>> boxes;  // of its geometries, in geo_owner's order

  std::string doc_for(const std::string& id) const { return before_id + id + after_id; }

  static Sample load(Db& from, const std::string& id) {
    Sample s;
    const auto rid = one_int(from, "SELECT rid FROM entities WHERE id = ?1", id);
    const std::string doc = one_text(from, "SELECT doc FROM entities WHERE rid = ?1", rid);
    const auto at = doc.find("\"" + id + "\"");
    if (at == std::string::npos) throw std::runtime_error("the document of " + id + " lacks it");
    s.before_id = doc.substr(0, at + 1);
    s.after_id = doc.substr(at + 1 + id.size());
    s.types.emplace(from, "entity_types", "entity", rid);
    s.attrs.emplace(from, "entity_attrs", "entity", rid);
    s.values.emplace(from, "attr_values", "entity", rid);
    s.geo_owner.emplace(from, "geo_owner", "entity", rid, "id",
                        "SELECT * FROM geo_owner WHERE entity = ?1 ORDER BY id");
    auto* box = from.stmt(
        "SELECT g.min_lon, g.max_lon, g.min_lat, g.max_lat FROM geo_owner o JOIN geo_index g "
        "ON g.id = o.id WHERE o.entity = ?1 ORDER BY o.id");
    sqlite3_bind_int64(box, 1, rid);
    while (sqlite3_step(box) == SQLITE_ROW) {
      s.boxes.push_back({sqlite3_column_double(box, 0), sqlite3_column_double(box, 1),
                         sqlite3_column_double(box, 2), sqlite3_column_double(box, 3)});
    }
    auto* h = from.stmt("SELECT hid, types FROM history_entities WHERE id = ?1");
    sqlite3_bind_text(h, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    const std::int64_t hid = sqlite3_step(h) == SQLITE_ROW ? sqlite3_column_int64(h, 0) : -1;
    if (hid >= 0) s.history_types = reinterpret_cast<const char*>(sqlite3_column_text(h, 1));
    s.history_types_rows.emplace(from, "history_types", "hid", hid);
    s.history_attrs.emplace(from, "history_attrs", "hid", hid);
    // What creating it appended: the first instance of each attribute (and datasetId), even
    // if it has changed since.
    s.history.emplace(from, "history", "hid", hid, "iid",
                      "SELECT * FROM history WHERE iid IN (SELECT min(iid) FROM history "
                      "WHERE hid = ?1 GROUP BY attr, dataset) ORDER BY iid");
    return s;
  }
};

// The schema of the Tsunagu database (in the order it was made, without the tables SQLite makes
// itself) and its terms, so that the copied rows refer to the same term ids.
void copy_schema(Db& from, Db& to) {
  to.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;"
      "PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;");
  std::vector<std::string> virtual_tables;
  auto* s = from.stmt(
      "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' "
      "ESCAPE '\\' ORDER BY rowid");
  int rc;
  std::vector<std::pair<std::string, std::string>> objects;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    objects.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                         reinterpret_cast<const char*>(sqlite3_column_text(s, 1)));
  }
  if (rc != SQLITE_DONE) from.fail("read the schema");
  for (const auto& [name, sql] : objects) {
    if (sql.starts_with("CREATE VIRTUAL TABLE")) virtual_tables.push_back(name);
  }
  for (const auto& [name, sql] : objects) {
    // The shadow tables of a virtual table (geo_index_node, ...) come with it.
    const bool shadow = std::any_of(virtual_tables.begin(), virtual_tables.end(),
                                    [&](const auto& vt) { return name.starts_with(vt + "_"); });
    if (!shadow) to.exec(sql);
  }
  to.exec("BEGIN");
  auto* terms = from.stmt("SELECT id, iri FROM terms");
  while (sqlite3_step(terms) == SQLITE_ROW) {
    auto* insert = to.stmt("INSERT INTO terms(id, iri) VALUES(?1, ?2)");
    sqlite3_bind_int64(insert, 1, sqlite3_column_int64(terms, 0));
    sqlite3_bind_value(insert, 2, sqlite3_column_value(terms, 1));
    to.run(insert);
  }
  to.exec("COMMIT");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Writer {
 public:
  // `patched`: the term of the attribute an update changes (0 for inserts only).
  Writer(Db& db, const Sample& sample, std::int64_t patched = 0)
      : db_(db),
        sample_(sample),
        patched_(patched),
        geo_terms_(sample.geo_owner->column("term")),
        note_(patched_note(sample, patched)) {}

  void insert(const std::string& id) {
    auto* s = db_.stmt(
        "INSERT INTO entities(id, created_at, modified_at, doc) VALUES(?1, ?2, ?2, ?3) "
        "RETURNING rid");
    const std::string doc = sample_.doc_for(id);
    sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now_ms());
    sqlite3_bind_text(s, 3, doc.data(), static_cast<int>(doc.size()), SQLITE_STATIC);
    const auto rid = db_.run(s);
    sample_.types->copy_to(db_, rid);
    sample_.attrs->copy_to(db_, rid);
    write_values(rid);
    write_history(id);
    ++added_;
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
    // The server reads the entity's value rows and rewrites those of the patched attribute.
    std::vector<std::int64_t> changed;
    auto* rows = db_.stmt("SELECT term, num, txt, rowid FROM attr_values WHERE entity = ?1");
    sqlite3_bind_int64(rows, 1, rid);
    while (sqlite3_step(rows) == SQLITE_ROW) {
      if (sqlite3_column_int64(rows, 0) == patched_)
        changed.push_back(sqlite3_column_int64(rows, 3));
    }
    for (const auto rowid : changed) {
      auto* d = db_.stmt("DELETE FROM attr_values WHERE rowid = ?1");
      sqlite3_bind_int64(d, 1, rowid);
      db_.run(d);
    }
    sample_.values->copy_to(db_, rid, "term", patched_);
    // Its geometries it rewrites whole.
    for (const char* sql :
         {"DELETE FROM geo_index WHERE id IN (SELECT id FROM geo_owner WHERE entity = ?1)",
          "DELETE FROM geo_owner WHERE entity = ?1"}) {
      auto* d = db_.stmt(sql);
      sqlite3_bind_int64(d, 1, rid);
      db_.run(d);
    }
    write_geometries(rid);
    write_history(id);
  }

  // The discovery summaries of the entities inserted since the last call, in one statement per
  // summary row, as the group commit does before it commits.
  void add_summaries() {
    if (added_ == 0) return;
    const auto types = sample_.types->column("term");
    const auto attrs = sample_.attrs->column("term");
    const auto kinds = sample_.attrs->column("kinds");
    const auto instances = sample_.attrs->column("instances");
    for (auto* type : types) {
      auto* s = db_.stmt(
          "INSERT INTO type_summary(type, entities) VALUES(?1, ?2) "
          "ON CONFLICT(type) DO UPDATE SET entities = entities + excluded.entities");
      sqlite3_bind_value(s, 1, type);
      sqlite3_bind_int64(s, 2, added_);
      db_.run(s);
    }
    for (std::size_t a = 0; a < attrs.size(); ++a) {
      auto* s = db_.stmt(
          "INSERT INTO attr_summary(attr, entities, instances) VALUES(?1, ?2, ?3) "
          "ON CONFLICT(attr) DO UPDATE SET entities = entities + excluded.entities, "
          "instances = instances + excluded.instances");
      sqlite3_bind_value(s, 1, attrs[a]);
      sqlite3_bind_int64(s, 2, added_);
      sqlite3_bind_int64(s, 3, added_ * sqlite3_value_int64(instances[a]));
      db_.run(s);
      for (auto* type : types) {
        auto* t = db_.stmt(
            "INSERT INTO type_attr_summary(type, attr, kinds, entities) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(type, attr, kinds) DO UPDATE SET entities = entities + excluded.entities");
        sqlite3_bind_value(t, 1, type);
        sqlite3_bind_value(t, 2, attrs[a]);
        sqlite3_bind_value(t, 3, kinds[a]);
        sqlite3_bind_int64(t, 4, added_);
        db_.run(t);
      }
    }
    added_ = 0;
  }

 private:
  void write_values(std::int64_t rid) {
    sample_.values->copy_to(db_, rid);
    write_geometries(rid);
  }

  void write_geometries(std::int64_t rid) {
    for (std::size_t g = 0; g < geo_terms_.size(); ++g) {
      auto* owner = db_.stmt("INSERT INTO geo_owner(entity, term) VALUES(?1, ?2) RETURNING id");
      sqlite3_bind_int64(owner, 1, rid);
      sqlite3_bind_value(owner, 2, geo_terms_[g]);
      const auto id = db_.run(owner);
      auto* box = db_.stmt(
          "INSERT INTO geo_index(id, min_lon, max_lon, min_lat, max_lat) "
          "VALUES(?1, ?2, ?3, ?4, ?5)");
      sqlite3_bind_int64(box, 1, id);
      for (int c = 0; c < 4; ++c) sqlite3_bind_double(box, c + 2, sample_.boxes[g][c]);
      db_.run(box);
    }
  }

  // The history of a write: the server finds (or creates) the history entity, records the
  // instances the write set (all of a new entity's; the patched attribute's for an update) and
  // notes their attributes.
  void write_history(const std::string& id) {
    if (sample_.history_types.empty()) return;  // the sample was written without history
    auto* find = db_.stmt("SELECT hid, types FROM history_entities WHERE id = ?1");
    sqlite3_bind_text(find, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    auto hid = db_.run(find);
    if (hid != 0) {
      // An existing entity: the patched attribute is noted again, which changes nothing.
      if (note_) {
        auto* s = db_.stmt(
            "INSERT INTO history_attrs(hid, attr, classes, kind) VALUES(?1, ?2, ?3, ?4) "
            "ON CONFLICT(hid, attr) DO UPDATE SET classes = classes | excluded.classes, "
            "kind = excluded.kind WHERE classes | excluded.classes != classes OR "
            "kind != excluded.kind");
        sqlite3_bind_int64(s, 1, hid);
        for (int c = 0; c < 3; ++c) sqlite3_bind_value(s, c + 2, (*note_)[c]);
        db_.run(s);
      }
      sample_.history->copy_to(db_, hid, "attr", patched_);
      return;
    }
    auto* s = db_.stmt(
        "INSERT INTO history_entities(id, types, created) VALUES(?1, ?2, ?3) RETURNING hid");
    sqlite3_bind_text(s, 1, id.data(), static_cast<int>(id.size()), SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sample_.history_types.data(),
                      static_cast<int>(sample_.history_types.size()), SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, now_ms());
    hid = db_.run(s);
    sample_.history_types_rows->copy_to(db_, hid);
    sample_.history_attrs->copy_to(db_, hid);
    sample_.history->copy_to(db_, hid);
  }

  // The sample's history_attrs row (attr, classes, kind) of the patched attribute, if any.
  using Note = std::array<sqlite3_value*, 3>;
  static std::optional<Note> patched_note(const Sample& sample, std::int64_t patched) {
    const auto attrs = sample.history_attrs->column("attr");
    const auto classes = sample.history_attrs->column("classes");
    const auto kinds = sample.history_attrs->column("kind");
    for (std::size_t a = 0; a < attrs.size(); ++a) {
      if (sqlite3_value_int64(attrs[a]) == patched) return Note{attrs[a], classes[a], kinds[a]};
    }
    return std::nullopt;
  }

  Db& db_;
  const Sample& sample_;
  const std::int64_t patched_;
  const std::vector<sqlite3_value*> geo_terms_;  // of the sample's geometries, in order
  const std::optional<Note> note_;
  std::int64_t added_ = 0;  // entities inserted since the summaries were last added
};

std::string id_of(std::uint64_t i) {
  return "urn:ngsi-ld:Shelter:sqlite-" + std::to_string(i);
}

// Runs transactions of `batch` rows until `rows` rows or `seconds` have passed.
template <typename Row>
void measure(Db& db, Writer& w, std::uint64_t batch, std::uint64_t rows, std::uint64_t seconds,
             Row row) {
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
    w.add_summaries();
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
    w.add_summaries();
    db.exec("COMMIT");
  }
}

int run(const Args& args) {
  Db like(args.str("like"), true);
  Db db(args.str("db"));
  copy_schema(like, db);
  const Sample sample = Sample::load(like, args.str("sample"));
  const auto patched_attr = args.str("patched-attr", "");
  const std::int64_t patched =
      patched_attr.empty() ? 0 : one_int(like, "SELECT id FROM terms WHERE iri = ?1", patched_attr);
  Writer writer(db, sample, patched);
  const auto mode = args.str("mode", "insert");
  const auto batch = std::max<std::uint64_t>(1, args.num("batch", 100));
  const auto seconds = args.num("seconds", 60);
  if (mode == "insert") {
    measure(db, writer, batch, args.num("rows", UINT64_MAX), seconds,
            [&](std::uint64_t i) { writer.insert(id_of(i)); });
    return 0;
  }
  if (mode == "update") {
    if (patched == 0) throw std::runtime_error("--mode update needs --patched-attr IRI");
    const auto n = std::max<std::uint64_t>(1, args.num("prefill", 100000));
    prefill(db, writer, n);
    std::mt19937_64 rng(42);
    measure(db, writer, batch, args.num("rows", UINT64_MAX), seconds,
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
