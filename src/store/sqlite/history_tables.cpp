#include "store/sqlite/history_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <span>

#include "store/history_types.hpp"
#include "store/sqlite/history_rows.hpp"

namespace tsunagu::store::sqlite {

namespace {

std::int64_t ms(model::Timestamp t) {
  return t.time_since_epoch().count();
}

void bind_optional(Statement& s, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    s.bind(index, *v);
  } else {
    s.bind_null(index);
  }
}

std::optional<std::int64_t> ms_of(const std::optional<model::Timestamp>& t) {
  return t ? std::optional<std::int64_t>(ms(*t)) : std::nullopt;
}

}  // namespace

Result<std::optional<std::int64_t>> SqliteHistoryTxn::find_entity(std::string_view entity_id) {
  auto stmt = db_.cached("SELECT hid FROM history_entities WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, entity_id);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
  if (rc != SQLITE_ROW) return db_.error("find history entity");
  return std::optional<std::int64_t>(s->column_int(0));
}

// The history entity of the append, created when new; its types grow when the append brings
// new ones, and nothing else is written for an existing entity (a write per change of a sensor
// would otherwise dirty one more page).
Result<std::int64_t> SqliteHistoryTxn::entity_for(const HistoryAppend& append) {
  std::optional<std::int64_t> hid;
  std::optional<std::vector<std::string>> grown;
  {
    auto stmt = db_.cached("SELECT hid, types FROM history_entities WHERE id = ?1");
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, append.entity_id);
    const int rc = s->step();
    if (rc == SQLITE_ROW) {
      hid = s->column_int(0);
      grown = united_types(parse_types(s->column_text(1)), append.types);
    } else if (rc != SQLITE_DONE) {
      return db_.error("find history entity");
    }
  }
  if (hid && !grown) return *hid;
  if (hid) {
    auto update = db_.cached("UPDATE history_entities SET types = ?2 WHERE hid = ?1");
    if (!update) return std::unexpected(update.error());
    StatementUse u(**update);
    u->bind(1, *hid);
    u->bind(2, types_text(*grown));
    if (u->step() != SQLITE_DONE) return db_.error("update history entity");
  } else {
    auto insert = db_.cached(
        "INSERT INTO history_entities(id, types, created) VALUES(?1, ?2, ?3) RETURNING hid");
    if (!insert) return std::unexpected(insert.error());
    StatementUse s(**insert);
    s->bind(1, append.entity_id);
    s->bind(2, types_text(append.types));
    s->bind(3, ms(append.at));
    if (s->step() != SQLITE_ROW) return db_.error("create history entity");
    hid = s->column_int(0);
  }
  if (auto st = add_types(*hid, append.types); !st) return std::unexpected(st.error());
  return *hid;
}

Status SqliteHistoryTxn::add_types(std::int64_t hid, const std::vector<std::string>& types) {
  for (const auto& type : types) {
    auto term = terms_.id_of(db_, type);
    if (!term) return std::unexpected(term.error());
    auto stmt = db_.cached("INSERT OR IGNORE INTO history_types(term, hid) VALUES(?1, ?2)");
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, *term);
    s->bind(2, hid);
    if (s->step() != SQLITE_DONE) return db_.error("record history type");
  }
  return ok();
}

namespace {

// One statement writes up to this many rows of an append. Separate statements cost twice as
// much per row: each one runs the statement's setup again, and for `history` reads and writes
// its AUTOINCREMENT counter (a new entity of six attributes appends six instances and notes six
// attributes).
constexpr std::size_t kRowsPerInsert = 8;
using RowStatements = std::array<std::string, kRowsPerInsert>;

// The texts of a statement that writes 1 to kRowsPerInsert rows: `head`, the rows `row(r)`
// (r from 0) separated by commas, then `tail`. Each text is made once.
RowStatements statements_of_rows(std::string_view head, std::string (*row)(int),
                                 std::string_view tail) {
  RowStatements out;
  std::string rows;
  for (std::size_t r = 0; r < kRowsPerInsert; ++r) {
    rows += (r == 0 ? "" : ", ") + row(static_cast<int>(r));
    out[r] = std::string(head) + rows + std::string(tail);
  }
  return out;
}

constexpr int kParamsPerInstance = 12;

const std::string& insert_sql(std::size_t rows) {
  static const auto sql = statements_of_rows(
      "INSERT INTO history(hid, attr, dataset, t, exact, created, modified, deleted, kind, "
      "class, num, txt, doc) VALUES",
      [](int r) {
        const int b = r * kParamsPerInstance;
        return fmt::format(
            "(?{0}, ?{1}, ?{2}, coalesce(?{3}, ?{4}), ?{3} IS NOT NULL, ?{4}, ?{5}, ?{6}, ?{7}, "
            "?{8}, ?{9}, ?{10}, ?{11})",
            b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12);
      },
      "");
  return sql[rows - 1];
}

// The attributes of one history entity (?1): each row adds value classes to what the attribute
// has held and sets the kind of its last instance; a row that changes nothing writes nothing.
constexpr int kParamsPerNote = 3;

const std::string& note_sql(std::size_t rows) {
  static const auto sql = statements_of_rows(
      "INSERT INTO history_attrs(hid, attr, classes, kind) VALUES",
      [](int r) {
        const int b = 1 + r * kParamsPerNote;
        return fmt::format("(?1, ?{0}, ?{1}, ?{2})", b + 1, b + 2, b + 3);
      },
      " ON CONFLICT(hid, attr) DO UPDATE SET classes = classes | excluded.classes, "
      "kind = excluded.kind WHERE classes | excluded.classes != classes OR "
      "kind != excluded.kind");
  return sql[rows - 1];
}

}  // namespace

Result<SqliteHistoryTxn::Row> SqliteHistoryTxn::row_of(std::int64_t hid,
                                                       const HistoryInstance& instance) {
  const auto& a = instance.value;
  auto attr = terms_.id_of(db_, instance.attr);
  if (!attr) return std::unexpected(attr.error());
  Row row;
  row.hid = hid;
  row.attr = *attr;
  row.instance = &instance;
  if (a.dataset_id) {
    auto term = terms_.id_of(db_, *a.dataset_id);
    if (!term) return std::unexpected(term.error());
    row.dataset = *term;
  }
  row.view = view_of(a, instance.deleted_at.has_value());
  row.doc = history_doc(a, row.view);
  return row;
}

Status SqliteHistoryTxn::insert(std::span<const Row> rows) {
  auto stmt = db_.cached(insert_sql(rows.size()));
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  int base = 0;
  for (const auto& row : rows) {
    const auto& a = row.instance->value;
    s->bind(base + 1, row.hid);
    s->bind(base + 2, row.attr);
    bind_optional(**stmt, base + 3, row.dataset);
    bind_optional(**stmt, base + 4, ms_of(a.observed_at));
    s->bind(base + 5, ms(a.created_at));
    s->bind(base + 6, ms(a.modified_at));
    bind_optional(**stmt, base + 7, ms_of(row.instance->deleted_at));
    s->bind(base + 8, static_cast<std::int64_t>(a.kind));
    s->bind(base + 9, static_cast<std::int64_t>(row.view.value_class));
    if (row.view.number) {
      s->bind(base + 10, *row.view.number);
    } else {
      s->bind_null(base + 10);
    }
    if (row.view.text) {
      s->bind(base + 11, *row.view.text);
    } else {
      s->bind_null(base + 11);
    }
    if (row.doc) {
      s->bind(base + 12, *row.doc);
    } else {
      s->bind_null(base + 12);
    }
    base += kParamsPerInstance;
  }
  if (s->step() != SQLITE_DONE) return db_.error("record history");
  return ok();
}

Status SqliteHistoryTxn::append(const HistoryAppend& append) {
  auto hid = entity_for(append);
  if (!hid) return std::unexpected(hid.error());
  // The value classes each attribute gained, and the kind of its last instance, written once per
  // attribute, not per instance.
  std::map<std::int64_t, std::pair<std::int64_t, model::AttributeKind>> attrs;
  std::vector<Row> rows;
  rows.reserve(append.instances.size());
  for (const auto& instance : append.instances) {
    auto row = row_of(*hid, instance);
    if (!row) return std::unexpected(row.error());
    auto& [bits, kind] = attrs[row->attr];
    bits |= class_bit(row->view.value_class);
    kind = instance.value.kind;
    rows.push_back(std::move(*row));
  }
  for (std::size_t at = 0; at < rows.size(); at += kRowsPerInsert) {
    const auto n = std::min(kRowsPerInsert, rows.size() - at);
    if (auto st = insert(std::span<const Row>(rows).subspan(at, n)); !st) return st;
  }
  std::vector<AttributeNote> notes;
  notes.reserve(attrs.size());
  for (const auto& [attr, noted] : attrs) notes.push_back({attr, noted.first, noted.second});
  return note_attributes(*hid, notes);
}

Status SqliteHistoryTxn::note_attributes(std::int64_t hid, std::span<const AttributeNote> notes) {
  for (std::size_t at = 0; at < notes.size(); at += kRowsPerInsert) {
    const auto some = notes.subspan(at, std::min(kRowsPerInsert, notes.size() - at));
    auto stmt = db_.cached(note_sql(some.size()));
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, hid);
    int base = 1;
    for (const auto& note : some) {
      s->bind(base + 1, note.attr);
      s->bind(base + 2, note.classes);
      s->bind(base + 3, static_cast<std::int64_t>(note.kind));
      base += kParamsPerNote;
    }
    if (s->step() != SQLITE_DONE) return db_.error("record history attribute");
  }
  return ok();
}

Result<std::optional<std::vector<std::string>>> SqliteHistoryTxn::types(
    std::string_view entity_id) {
  using Types = std::optional<std::vector<std::string>>;
  auto stmt = db_.cached("SELECT types FROM history_entities WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, entity_id);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return Types();
  if (rc != SQLITE_ROW) return db_.error("read history entity");
  return Types(parse_types(s->column_text(0)));
}

Result<bool> SqliteHistoryTxn::erase_entity(std::string_view entity_id) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  if (!*hid) return false;
  for (const char* sql :
       {"DELETE FROM history WHERE hid = ?1", "DELETE FROM history_attrs WHERE hid = ?1",
        "DELETE FROM history_types WHERE hid = ?1",
        "DELETE FROM history_entities WHERE hid = ?1"}) {
    auto stmt = db_.cached(sql);
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, **hid);
    if (s->step() != SQLITE_DONE) return db_.error("erase history");
  }
  return true;
}

Result<std::optional<std::int64_t>> SqliteHistoryTxn::existing_term(std::string_view iri) {
  auto stmt = db_.cached("SELECT id FROM terms WHERE iri = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, iri);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<std::int64_t>();
  if (rc != SQLITE_ROW) return db_.error("find term");
  return std::optional<std::int64_t>(s->column_int(0));
}

Status SqliteHistoryTxn::forget_attribute_if_empty(std::int64_t hid, std::int64_t attr) {
  auto stmt = db_.cached(
      "DELETE FROM history_attrs WHERE hid = ?1 AND attr = ?2 AND NOT EXISTS "
      "(SELECT 1 FROM history WHERE hid = ?1 AND attr = ?2)");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, hid);
  s->bind(2, attr);
  if (s->step() != SQLITE_DONE) return db_.error("erase history attribute");
  return ok();
}

Result<std::size_t> SqliteHistoryTxn::erase_attribute(std::string_view entity_id,
                                                      std::string_view attr,
                                                      const DatasetChoice& datasets) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  auto term = existing_term(attr);
  if (!term) return std::unexpected(term.error());
  if (!*hid || !*term) return std::size_t{0};
  std::size_t erased = 0;
  auto erase = [&](const char* sql, const std::optional<std::int64_t>& dataset) -> Status {
    auto stmt = db_.cached(sql);
    if (!stmt) return std::unexpected(stmt.error());
    StatementUse s(**stmt);
    s->bind(1, **hid);
    s->bind(2, **term);
    if (dataset) s->bind(3, *dataset);
    if (s->step() != SQLITE_DONE) return db_.error("erase history attribute");
    erased += static_cast<std::size_t>(sqlite3_changes(db_.handle()));
    return ok();
  };
  if (datasets.all) {
    if (auto st = erase("DELETE FROM history WHERE hid = ?1 AND attr = ?2", std::nullopt); !st) {
      return std::unexpected(st.error());
    }
  }
  for (const auto& id : datasets.all ? std::vector<std::optional<std::string>>{} : datasets.ids) {
    Status st;
    if (!id) {
      st = erase("DELETE FROM history WHERE hid = ?1 AND attr = ?2 AND dataset IS NULL",
                 std::nullopt);
    } else {
      auto dataset = existing_term(*id);
      if (!dataset) return std::unexpected(dataset.error());
      if (!*dataset) continue;
      st = erase("DELETE FROM history WHERE hid = ?1 AND attr = ?2 AND dataset = ?3", *dataset);
    }
    if (!st) return std::unexpected(st.error());
  }
  if (auto st = forget_attribute_if_empty(**hid, **term); !st) return std::unexpected(st.error());
  return erased;
}

Result<bool> SqliteHistoryTxn::replace_instance(std::string_view entity_id, std::string_view attr,
                                                std::int64_t instance,
                                                const model::Attribute& value) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  auto term = existing_term(attr);
  if (!term) return std::unexpected(term.error());
  if (!*hid || !*term) return false;
  std::optional<std::int64_t> dataset;
  if (value.dataset_id) {
    auto id = terms_.id_of(db_, *value.dataset_id);
    if (!id) return std::unexpected(id.error());
    dataset = *id;
  }
  const auto view = view_of(value, false);
  auto stmt = db_.cached(
      "UPDATE history SET dataset = ?4, t = coalesce(?5, created), exact = ?5 IS NOT NULL, "
      "modified = ?6, deleted = NULL, kind = ?7, "
      "class = ?8, num = ?9, txt = ?10, doc = ?11 WHERE iid = ?3 AND hid = ?1 AND attr = ?2");
  if (!stmt) return std::unexpected(stmt.error());
  {
    StatementUse s(**stmt);
    s->bind(1, **hid);
    s->bind(2, **term);
    s->bind(3, instance);
    bind_optional(**stmt, 4, dataset);
    bind_optional(**stmt, 5, ms_of(value.observed_at));
    s->bind(6, ms(value.modified_at));
    s->bind(7, static_cast<std::int64_t>(value.kind));
    s->bind(8, static_cast<std::int64_t>(view.value_class));
    if (view.number) {
      s->bind(9, *view.number);
    } else {
      s->bind_null(9);
    }
    if (view.text) {
      s->bind(10, *view.text);
    } else {
      s->bind_null(10);
    }
    auto doc = history_doc(value, view);
    if (doc) {
      s->bind(11, *doc);
    } else {
      s->bind_null(11);
    }
    if (s->step() != SQLITE_DONE) return db_.error("modify history instance");
  }
  if (sqlite3_changes(db_.handle()) == 0) return false;
  const AttributeNote note{**term, class_bit(view.value_class), value.kind};
  if (auto st = note_attributes(**hid, std::span(&note, 1)); !st) {
    return std::unexpected(st.error());
  }
  return true;
}

Result<bool> SqliteHistoryTxn::erase_instance(std::string_view entity_id, std::string_view attr,
                                              std::int64_t instance) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  auto term = existing_term(attr);
  if (!term) return std::unexpected(term.error());
  if (!*hid || !*term) return false;
  auto stmt = db_.cached("DELETE FROM history WHERE iid = ?3 AND hid = ?1 AND attr = ?2");
  if (!stmt) return std::unexpected(stmt.error());
  {
    StatementUse s(**stmt);
    s->bind(1, **hid);
    s->bind(2, **term);
    s->bind(3, instance);
    if (s->step() != SQLITE_DONE) return db_.error("erase history instance");
  }
  if (sqlite3_changes(db_.handle()) == 0) return false;
  if (auto st = forget_attribute_if_empty(**hid, **term); !st) return std::unexpected(st.error());
  return true;
}

// Instances are appended in the order they are recorded, so `created` grows with `iid` (but for
// clock steps backwards, which only make retention keep a row longer): the rows to erase are a
// prefix of the table, found by a binary search over iid instead of a scan or another index.
Result<std::size_t> SqliteHistoryTxn::erase_recorded_before(model::Timestamp before,
                                                            std::size_t limit) {
  auto bounds = db_.cached("SELECT min(iid), max(iid) FROM history");
  if (!bounds) return std::unexpected(bounds.error());
  std::int64_t lo = 0, hi = 0;
  {
    StatementUse s(**bounds);
    if (s->step() != SQLITE_ROW) return db_.error("read history bounds");
    if (s->column_null(0)) return std::size_t{0};
    lo = s->column_int(0);
    hi = s->column_int(1);
  }
  auto created_at = db_.cached(
      "SELECT iid, created FROM history WHERE iid >= ?1 ORDER BY iid "
      "LIMIT 1");
  if (!created_at) return std::unexpected(created_at.error());
  // The first iid whose row was recorded at or after `before` (hi + 1 when none).
  std::int64_t first_kept = hi + 1;
  while (lo <= hi) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    StatementUse s(**created_at);
    s->bind(1, mid);
    if (s->step() != SQLITE_ROW) break;
    const auto iid = s->column_int(0);
    if (s->column_int(1) >= ms(before)) {
      first_kept = iid;
      hi = mid - 1;
    } else {
      lo = iid + 1;
    }
  }
  auto erase = db_.cached(
      "DELETE FROM history WHERE iid IN (SELECT iid FROM history WHERE iid < ?1 ORDER BY iid "
      "LIMIT ?2)");
  if (!erase) return std::unexpected(erase.error());
  StatementUse s(**erase);
  s->bind(1, first_kept);
  s->bind(2, static_cast<std::int64_t>(limit));
  if (s->step() != SQLITE_DONE) return db_.error("erase old history");
  return static_cast<std::size_t>(sqlite3_changes(db_.handle()));
}

}  // namespace tsunagu::store::sqlite
