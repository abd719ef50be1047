#include "store/postgres/history_tables.hpp"

#include <set>

#include "store/history_types.hpp"
#include "store/postgres/history_partitions.hpp"
#include "store/postgres/history_rows.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {

namespace {

// An array literal of bigints that may be NULL.
Param optional_integers(const std::vector<std::optional<std::int64_t>>& values) {
  std::vector<std::optional<std::string>> texts;
  texts.reserve(values.size());
  for (const auto& v : values) {
    texts.push_back(v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt);
  }
  return text_array(texts);
}

// The instances of one append as parallel arrays, inserted by one statement (unnest()).
struct InstanceArrays {
  std::vector<std::string> attrs;
  std::vector<std::optional<std::string>> datasets, txts, docs;
  std::vector<std::optional<std::int64_t>> observed, deleted;
  std::vector<std::int64_t> created, modified, kinds, classes;
  std::vector<std::optional<double>> nums;

  void add(const std::string& attr, StoredInstance s) {
    attrs.push_back(attr);
    datasets.push_back(std::move(s.dataset));
    observed.push_back(s.observed);
    created.push_back(s.created);
    modified.push_back(s.modified);
    deleted.push_back(s.deleted);
    kinds.push_back(s.kind);
    classes.push_back(static_cast<std::int64_t>(s.value_class));
    nums.push_back(s.num);
    txts.push_back(std::move(s.txt));
    docs.push_back(std::move(s.doc));
  }
};

// What an append notes of each attribute, as parallel arrays.
struct NoteArrays {
  std::vector<std::string> attrs;
  std::vector<std::int64_t> bits, kinds;
  template <typename Notes>
  explicit NoteArrays(const Notes& notes) {
    for (const auto& [attr, noted] : notes) {
      attrs.push_back(attr);
      bits.push_back(noted.first);
      kinds.push_back(static_cast<std::int64_t>(noted.second));
    }
  }
};

// An append is one statement (data-modifying CTEs), whatever it writes: a round trip per table
// was most of a write's time. {hid} stands for the history entity's hid: $1 when it exists, the
// new row's when the statement creates it.
//
// The instances ($2-$12); their order in one append is kept in iid order, which readers use to
// break ties.
constexpr std::string_view kInsertInstances =
    "rows AS (INSERT INTO {s}.history(hid, attr, dataset, t, exact, created, modified, deleted, "
    "kind, class, num, txt, doc) SELECT {hid}, u.attr, u.dataset, "
    "coalesce(u.observed, u.created), u.observed IS NOT NULL, u.created, u.modified, u.deleted, "
    "u.kind, u.class, u.num, u.txt, u.doc FROM unnest($2::text[], $3::text[], $4::bigint[], "
    "$5::bigint[], $6::bigint[], $7::bigint[], $8::smallint[], $9::smallint[], $10::float8[], "
    "$11::text[], $12::text[]) WITH ORDINALITY AS u(attr, dataset, observed, created, modified, "
    "deleted, kind, class, num, txt, doc, n) ORDER BY u.n)";
// The value classes each attribute gained and the kind of its last instance ($13-$15), written
// once per attribute, not per instance, and rewritten only when something changed: most appends
// add a reading of a kind already seen.
constexpr std::string_view kNoteAttributes =
    "INSERT INTO {s}.history_attrs AS a(hid, attr, classes, kind) SELECT {hid}, * FROM "
    "unnest($13::text[], $14::bigint[], $15::smallint[]) ON CONFLICT(hid, attr) DO UPDATE SET "
    "classes = a.classes | excluded.classes, kind = excluded.kind "
    "WHERE a.classes | excluded.classes <> a.classes OR a.kind <> excluded.kind";
// A new history entity ($16 id, $17 types as JSON, $18 created) with its types ($19).
constexpr std::string_view kNewEntity =
    "new AS (INSERT INTO {s}.history_entities(id, types, created) VALUES($16, $17, $18) "
    "RETURNING hid), "
    "types AS (INSERT INTO {s}.history_types(type, hid) SELECT unnest($19::text[]), hid FROM new "
    "ON CONFLICT DO NOTHING)";

std::string with_hid(std::string sql, std::string_view hid) {
  for (auto at = sql.find("{hid}"); at != std::string::npos; at = sql.find("{hid}", at)) {
    sql.replace(at, 5, hid);
  }
  return sql;
}

// The attributes alone, of an existing entity ($1 its hid, $2-$4 the attributes' arrays).
std::string notes_alone() {
  std::string sql = with_hid(std::string(kNoteAttributes), "$1::bigint");
  for (const auto& [from, to] : {std::pair{"$13", "$2"}, {"$14", "$3"}, {"$15", "$4"}}) {
    sql.replace(sql.find(from), 3, to);
  }
  return sql;
}
const std::string kNoteAttributesAlone = notes_alone();

// For an entity with history: its instances and attributes.
const std::string kAppendToExisting = with_hid(
    "WITH " + std::string(kInsertInstances) + " " + std::string(kNoteAttributes), "$1::bigint");
// For an entity without: the entity and its types too. $1 is NULL (a prepared statement must
// use every parameter it is given).
const std::string kAppendToNew =
    with_hid("WITH " + std::string(kNewEntity) + ", " + std::string(kInsertInstances) +
                 ", attrs AS (" + std::string(kNoteAttributes) + ") SELECT hid FROM new",
             "coalesce($1::bigint, (SELECT hid FROM new))");

}  // namespace

Result<Rows> PgHistoryTxn::run(std::string_view sql, std::span<const Param> params) {
  return db_.run(in_schema(sql, schema_), params);
}

Result<std::optional<std::int64_t>> PgHistoryTxn::find_entity(std::string_view entity_id) {
  const Param p[] = {param(entity_id)};
  auto rows = run("SELECT hid FROM {s}.history_entities WHERE id = $1", p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(rows->integer(0, 0));
}

Status PgHistoryTxn::note_attributes(std::int64_t hid, const AttributeNotes& notes) {
  const NoteArrays a(notes);
  const Param p[] = {param(hid), text_array(a.attrs), integer_array(a.bits),
                     integer_array(a.kinds)};
  auto rows = run(kNoteAttributesAlone, p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

Result<std::int64_t> PgHistoryTxn::create_entity(const HistoryAppend& append) {
  const Param p[] = {param(append.entity_id), param(types_text(append.types)),
                     param(to_ms(append.at))};
  auto made = run(
      "INSERT INTO {s}.history_entities(id, types, created) VALUES($1, $2, $3) RETURNING hid", p);
  if (!made) return std::unexpected(made.error());
  const auto hid = made->integer(0, 0);
  if (auto st = add_types(hid, append.types); !st) return std::unexpected(st.error());
  return hid;
}

// The hid of the append's history entity, nullopt when it has none yet; its types grow when the
// append brings new ones, and nothing else is written for an existing entity (a row rewritten
// per change of a sensor would be a dead tuple per change).
Result<std::optional<std::int64_t>> PgHistoryTxn::existing_entity(const HistoryAppend& append) {
  const Param id[] = {param(append.entity_id)};
  auto found = run("SELECT hid, types FROM {s}.history_entities WHERE id = $1", id);
  if (!found) return std::unexpected(found.error());
  if (found->size() == 0) return std::optional<std::int64_t>();
  const auto hid = found->integer(0, 0);
  const auto grown = united_types(parse_types(found->text(0, 1)), append.types);
  if (!grown) return hid;
  const Param p[] = {param(hid), param(types_text(*grown))};
  auto updated = run("UPDATE {s}.history_entities SET types = $2 WHERE hid = $1", p);
  if (!updated) return std::unexpected(updated.error());
  if (auto st = add_types(hid, append.types); !st) return std::unexpected(st.error());
  return hid;
}

Status PgHistoryTxn::add_types(std::int64_t hid, const std::vector<std::string>& types) {
  if (types.empty()) return ok();
  const Param p[] = {text_array(types), param(hid)};
  auto rows =
      run("INSERT INTO {s}.history_types(type, hid) SELECT unnest($1::text[]), $2::bigint "
          "ON CONFLICT DO NOTHING",
          p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

Status PgHistoryTxn::ensure_partitions_for(const HistoryAppend& append) {
  std::set<std::int64_t> months;
  for (const auto& instance : append.instances) months.insert(month_of(instance.value.created_at));
  return ensure_partitions(db_, schema_, partitions_, {months.begin(), months.end()});
}

Status PgHistoryTxn::append(const HistoryAppend& append) {
  auto existing = existing_entity(append);
  if (!existing) return std::unexpected(existing.error());
  if (append.instances.empty()) {
    if (*existing) return ok();
    auto made = create_entity(append);
    return made ? ok() : Status(std::unexpected(made.error()));
  }
  if (auto st = ensure_partitions_for(append); !st) return st;
  InstanceArrays a;
  AttributeNotes notes;
  for (const auto& instance : append.instances) {
    a.add(instance.attr, stored_instance(instance.value, instance.deleted_at));
    const auto view = view_of(instance.value, instance.deleted_at.has_value());
    auto& [bits, kind] = notes[instance.attr];
    bits |= class_bit(view.value_class);
    kind = instance.value.kind;
  }
  const NoteArrays noted(notes);
  const bool created = !existing->has_value();
  const Param p[] = {created ? Param() : param(**existing),
                     text_array(a.attrs),
                     text_array(a.datasets),
                     optional_integers(a.observed),
                     integer_array(a.created),
                     integer_array(a.modified),
                     optional_integers(a.deleted),
                     integer_array(a.kinds),
                     integer_array(a.classes),
                     number_array(a.nums),
                     text_array(a.txts),
                     text_array(a.docs),
                     text_array(noted.attrs),
                     integer_array(noted.bits),
                     integer_array(noted.kinds),
                     param(append.entity_id),
                     param(types_text(append.types)),
                     param(to_ms(append.at)),
                     text_array(append.types)};
  auto rows = created ? run(kAppendToNew, p) : run(kAppendToExisting, std::span(p, 15));
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

Result<std::optional<std::vector<std::string>>> PgHistoryTxn::types(std::string_view entity_id) {
  using Types = std::optional<std::vector<std::string>>;
  const Param p[] = {param(entity_id)};
  auto rows = run("SELECT types FROM {s}.history_entities WHERE id = $1", p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return Types();
  return Types(parse_types(rows->text(0, 0)));
}

Result<bool> PgHistoryTxn::erase_entity(std::string_view entity_id) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  if (!*hid) return false;
  const Param p[] = {param(**hid)};
  for (const char* sql :
       {"DELETE FROM {s}.history WHERE hid = $1", "DELETE FROM {s}.history_attrs WHERE hid = $1",
        "DELETE FROM {s}.history_types WHERE hid = $1",
        "DELETE FROM {s}.history_entities WHERE hid = $1"}) {
    auto rows = run(sql, p);
    if (!rows) return std::unexpected(rows.error());
  }
  return true;
}

Status PgHistoryTxn::forget_attribute_if_empty(std::int64_t hid, std::string_view attr) {
  const Param p[] = {param(hid), param(attr)};
  auto rows =
      run("DELETE FROM {s}.history_attrs a WHERE a.hid = $1 AND a.attr = $2 AND NOT EXISTS "
          "(SELECT 1 FROM {s}.history h WHERE h.hid = $1 AND h.attr = $2)",
          p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

Result<std::size_t> PgHistoryTxn::erase_attribute(std::string_view entity_id, std::string_view attr,
                                                  const DatasetChoice& datasets) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  if (!*hid) return std::size_t{0};
  bool default_instance = false;
  std::vector<std::string> named;
  for (const auto& id : datasets.ids) {
    if (id) {
      named.push_back(*id);
    } else {
      default_instance = true;
    }
  }
  const Param p[] = {param(**hid), param(attr), param(datasets.all ? "true" : "false"),
                     param(default_instance ? "true" : "false"), text_array(named)};
  auto rows =
      run("DELETE FROM {s}.history h WHERE h.hid = $1 AND h.attr = $2 AND ($3::boolean OR "
          "($4::boolean AND h.dataset IS NULL) OR h.dataset = ANY($5::text[]))",
          p);
  if (!rows) return std::unexpected(rows.error());
  if (auto st = forget_attribute_if_empty(**hid, attr); !st) return std::unexpected(st.error());
  return static_cast<std::size_t>(rows->affected());
}

Result<bool> PgHistoryTxn::replace_instance(std::string_view entity_id, std::string_view attr,
                                            std::int64_t instance, const model::Attribute& value) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  if (!*hid) return false;
  auto s = stored_instance(value, std::nullopt);
  auto observed = s.observed ? param(*s.observed) : Param();
  const Param p[] = {param(**hid),
                     param(attr),
                     param(instance),
                     std::move(s.dataset),
                     std::move(observed),
                     param(s.modified),
                     param(s.kind),
                     param(static_cast<std::int64_t>(s.value_class)),
                     s.num ? param(*s.num) : Param(),
                     std::move(s.txt),
                     std::move(s.doc)};
  // `created` stays, so the row stays in its partition.
  auto rows =
      run("UPDATE {s}.history SET dataset = $4, t = coalesce($5::bigint, created), "
          "exact = $5::bigint IS NOT NULL, modified = $6, deleted = NULL, kind = $7, class = $8, "
          "num = $9, txt = $10, doc = $11 WHERE iid = $3 AND hid = $1 AND attr = $2",
          p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() == 0) return false;
  const AttributeNotes notes{{std::string(attr), {class_bit(s.value_class), value.kind}}};
  if (auto st = note_attributes(**hid, notes); !st) return std::unexpected(st.error());
  return true;
}

Result<bool> PgHistoryTxn::erase_instance(std::string_view entity_id, std::string_view attr,
                                          std::int64_t instance) {
  auto hid = find_entity(entity_id);
  if (!hid) return std::unexpected(hid.error());
  if (!*hid) return false;
  const Param p[] = {param(**hid), param(attr), param(instance)};
  auto rows = run("DELETE FROM {s}.history WHERE iid = $3 AND hid = $1 AND attr = $2", p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->affected() == 0) return false;
  if (auto st = forget_attribute_if_empty(**hid, attr); !st) return std::unexpected(st.error());
  return true;
}

}  // namespace tsunagu::store::postgres
