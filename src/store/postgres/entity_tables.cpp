#include "store/postgres/entity_tables.hpp"

#include <boost/json.hpp>

#include "store/entity_codec.hpp"
#include "store/entity_shape.hpp"
#include "store/postgres/schema.hpp"
#include "store/value_index.hpp"

namespace tsunagu::store::postgres {
namespace json = boost::json;

namespace {

// The shape columns of an entity: types, attrs, kinds, instances.
struct ShapeColumns {
  Param types, attrs, kinds, instances;
};

ShapeColumns columns_of(const EntityShape& shape) {
  std::vector<std::string> names;
  std::vector<std::int64_t> kinds, instances;
  for (const auto& a : shape.attributes) {
    names.push_back(a.name);
    kinds.push_back(static_cast<std::int64_t>(a.kinds));
    instances.push_back(a.instances);
  }
  return {text_array(shape.types), text_array(names), integer_array(kinds),
          integer_array(instances)};
}

// The shape an entity had, from the JSON array [types, attrs, kinds, instances] the statements
// return for the row as it was.
Result<EntityShape> shape_from(std::string_view text, std::string_view id) {
  auto broken = [&] {
    return fail(ErrorKind::InternalError,
                "the stored shape of entity '" + std::string(id) + "' is damaged");
  };
  boost::system::error_code ec;
  auto value = json::parse(text, ec);
  if (ec || !value.is_array() || value.as_array().size() != 4) return broken();
  const auto& a = value.as_array();
  if (!a[0].is_array() || !a[1].is_array() || !a[2].is_array() || !a[3].is_array()) {
    return broken();
  }
  EntityShape shape;
  for (const auto& t : a[0].as_array()) {
    if (!t.is_string()) return broken();
    shape.types.emplace_back(t.as_string());
  }
  const auto& names = a[1].as_array();
  const auto& kinds = a[2].as_array();
  const auto& counts = a[3].as_array();
  if (kinds.size() != names.size() || counts.size() != names.size()) return broken();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!names[i].is_string() || !kinds[i].is_int64() || !counts[i].is_int64()) return broken();
    shape.attributes.push_back({std::string(names[i].as_string()),
                                static_cast<KindSet>(kinds[i].as_int64()), counts[i].as_int64()});
  }
  return shape;
}

constexpr const char* kOldShape = "json_build_array(o.types, o.attrs, o.kinds, o.instances)::text";

}  // namespace

namespace {

// `text` before its first NUL, and at most `bytes` long, cut before a character that would not
// fit (a continuation byte, 10xxxxxx, never starts the rest).
std::string_view cut(std::string_view text, std::size_t bytes) {
  const auto nul = text.find('\0');
  if (nul != std::string_view::npos) text = text.substr(0, nul);
  if (text.size() <= bytes) return text;
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// A character can reach at most this many bytes back from a cut.
constexpr std::size_t kLongestCharacter = 4;
// U+10FFFF, the greatest character: every text starting with a prefix p sorts below p + this
// (unless it goes on with this very noncharacter).
constexpr std::string_view kGreatest = "\xF4\x8F\xBF\xBF";

}  // namespace

std::string indexed_text(std::string_view text) {
  return std::string(cut(text, kIndexedTextBytes));
}

// For s >= v: s and v first differ before the shorter cut (every form keeps that byte, so s's
// form is greater), or s starts with the shorter cut of v, which s's form then also starts with.
std::string indexed_lower_bound(std::string_view v) {
  return std::string(cut(v, kIndexedTextBytes - kLongestCharacter));
}

// For s <= v: the form of s is a prefix of (the part before any NUL of) s, which is at most the
// same part of v, which starts with the form of v and goes on below kGreatest.
std::string indexed_upper_bound(std::string_view v) {
  return indexed_text(v) + std::string(kGreatest);
}

Result<bool> read_entity_document(Connection& db, const std::string& schema, std::string_view id,
                                  std::string& doc) {
  const Param p[] = {param(id)};
  auto rows = db.run(in_schema("SELECT doc FROM {s}.entities WHERE id = $1", schema), p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return false;
  doc.assign(rows->text(0, 0));
  return true;
}

Result<std::optional<model::Entity>> load_entity(Connection& db, const std::string& schema,
                                                 std::string_view id) {
  std::string doc;
  auto found = read_entity_document(db, schema, id, doc);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::optional<model::Entity>();
  auto entity = decode_entity_text(doc);
  if (!entity) return std::unexpected(entity.error());
  return std::optional<model::Entity>(std::move(*entity));
}

namespace {

// The index rows derived from an entity's values, as array parameters $first.. $first+7:
// attr_values (attr, num, txt) and the bounding boxes of its geometries (attr, x1, y1, x2, y2),
// as the R*Tree of SQLite holds them: the index finds candidates, the evaluator shared by every
// backend and by the subscription matcher decides.
std::vector<Param> index_rows(const model::Entity& entity) {
  std::vector<std::string> value_attrs, geo_attrs;
  std::vector<std::optional<double>> numbers, x1, y1, x2, y2;
  std::vector<std::optional<std::string>> texts;
  for (const auto& v : indexed_values(entity)) {
    value_attrs.push_back(v.attr);
    numbers.push_back(v.number);
    texts.push_back(v.text ? std::optional(indexed_text(*v.text)) : std::nullopt);
  }
  for (const auto& g : indexed_geometries(entity)) {
    geo_attrs.push_back(g.attr);
    x1.push_back(g.box.min_lon);
    y1.push_back(g.box.min_lat);
    x2.push_back(g.box.max_lon);
    y2.push_back(g.box.max_lat);
  }
  return {text_array(value_attrs), number_array(numbers), text_array(texts), text_array(geo_attrs),
          number_array(x1),        number_array(y1),      number_array(x2),  number_array(y2)};
}

// CTEs inserting the index rows of the entity the CTE `e` returns (its rid), from the arrays of
// index_rows() at parameters $first...
std::string insert_index_rows(int first) {
  auto at = [first](int i) { return "$" + std::to_string(first + i); };
  return "v AS (INSERT INTO {s}.attr_values(rid, attr, num, txt) SELECT e.rid, u.* FROM e, "
         "unnest(" +
         at(0) + "::text[], " + at(1) + "::float8[], " + at(2) +
         "::text[]) AS u), "
         "g AS (INSERT INTO {s}.geometries(rid, attr, geom) SELECT e.rid, u.a, "
         "ST_MakeEnvelope(u.x1, u.y1, u.x2, u.y2, 4326) FROM e, unnest(" +
         at(3) + "::text[], " + at(4) + "::float8[], " + at(5) + "::float8[], " + at(6) +
         "::float8[], " + at(7) + "::float8[]) AS u(a, x1, y1, x2, y2)) ";
}

// CTEs deleting the index rows of the entity the CTE `o` names. Every part of a statement sees
// the tables as they were before it, so these delete the old rows only, never the new ones.
constexpr const char* kDeleteIndexRows =
    "dv AS (DELETE FROM {s}.attr_values WHERE rid IN (SELECT rid FROM o)), "
    "dg AS (DELETE FROM {s}.geometries WHERE rid IN (SELECT rid FROM o)) ";

// The entity's own parameters, then its index rows.
std::vector<Param> with_index_rows(std::vector<Param> head, const model::Entity& entity) {
  auto rows = index_rows(entity);
  head.insert(head.end(), std::make_move_iterator(rows.begin()),
              std::make_move_iterator(rows.end()));
  return head;
}

}  // namespace

// Each write is one statement (one round trip): the entity row and its index rows together.
Status EntityWriter::insert(const model::Entity& entity) {
  const auto shape = shape_of(entity);
  auto c = columns_of(shape);
  const auto p =
      with_index_rows({param(entity.id), std::move(c.types), std::move(c.attrs), std::move(c.kinds),
                       std::move(c.instances), param(to_ms(entity.created_at)),
                       param(to_ms(entity.modified_at)), param(encode_entity_text(entity))},
                      entity);
  auto rows = db_.run(
      in_schema(std::string("WITH e AS (INSERT INTO {s}.entities(id, types, attrs, kinds, "
                            "instances, created_at, modified_at, doc) VALUES($1, $2::text[], "
                            "$3::text[], $4::integer[], $5::integer[], $6, $7, $8) "
                            "ON CONFLICT(id) DO NOTHING RETURNING rid), ") +
                    insert_index_rows(9) + "SELECT rid FROM e",
                schema_),
      p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) {
    return fail(ErrorKind::AlreadyExists, "entity '" + entity.id + "' already exists");
  }
  db_.wrote();
  summaries_.add(shape, +1);
  return ok();
}

Status EntityWriter::update(const model::Entity& entity) {
  const auto shape = shape_of(entity);
  auto c = columns_of(shape);
  const auto p = with_index_rows(
      {param(entity.id), std::move(c.types), std::move(c.attrs), std::move(c.kinds),
       std::move(c.instances), param(to_ms(entity.modified_at)), param(encode_entity_text(entity))},
      entity);
  // The row as it was comes from a locked select: UPDATE ... RETURNING sees only the new row.
  auto rows =
      db_.run(in_schema(std::string("WITH o AS (SELECT rid, types, attrs, kinds, instances FROM "
                                    "{s}.entities WHERE id = $1 FOR UPDATE), "
                                    "e AS (UPDATE {s}.entities x SET types = $2::text[], "
                                    "attrs = $3::text[], kinds = $4::integer[], "
                                    "instances = $5::integer[], modified_at = $6, doc = $7 FROM o "
                                    "WHERE x.rid = o.rid RETURNING x.rid), ") +
                            kDeleteIndexRows + ", " + insert_index_rows(8) + "SELECT e.rid, " +
                            kOldShape + " FROM e JOIN o ON o.rid = e.rid",
                        schema_),
              p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) {
    return fail(ErrorKind::ResourceNotFound, "entity '" + entity.id + "' does not exist");
  }
  db_.wrote();
  auto before = shape_from(rows->text(0, 1), entity.id);
  if (!before) return std::unexpected(before.error());
  // Values changed, nothing else (the common update): the summaries stand.
  if (*before == shape) return ok();
  summaries_.add(*before, -1);
  summaries_.add(shape, +1);
  return ok();
}

Result<bool> EntityWriter::remove(std::string_view id) {
  const Param p[] = {param(id)};
  auto rows = db_.run(in_schema(std::string("WITH o AS (DELETE FROM {s}.entities WHERE id = $1 "
                                            "RETURNING rid, types, attrs, kinds, instances), ") +
                                    kDeleteIndexRows + "SELECT o.rid, " + kOldShape + " FROM o",
                                schema_),
                      p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return false;
  db_.wrote();
  auto before = shape_from(rows->text(0, 1), id);
  if (!before) return std::unexpected(before.error());
  summaries_.add(*before, -1);
  return true;
}

}  // namespace tsunagu::store::postgres
