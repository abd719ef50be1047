#include "store/sqlite/history_rows.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "model/json_text.hpp"
#include "store/entity_codec.hpp"
#include "store/sqlite/connection.hpp"

namespace tsunagu::store::sqlite {
namespace json = boost::json;

namespace {

model::Timestamp at_ms(std::int64_t ms) {
  return model::Timestamp(std::chrono::milliseconds(ms));
}

// A double holds every value a JSON number parses to, but for integers beyond 2^53.
bool exact_as_double(const json::value& v) {
  if (v.is_double()) return true;
  if (!v.is_int64()) return false;
  const auto n = v.get_int64();
  return n > -(std::int64_t{1} << 53) && n < (std::int64_t{1} << 53);
}

// Whether the class, num and txt columns give the value back as it was.
bool plain(const model::Attribute& a, const HistoryValueView& view) {
  using model::AttributeKind;
  using model::ValueClass;
  // A tombstone's value follows from its kind, but for the scope's ([]: no scope any more).
  if (view.value_class == ValueClass::Tombstone) return a.value == tombstone_value(a.kind);
  if (!a.sub_attributes.empty() || a.unit_code || a.object_type) return false;
  switch (view.value_class) {
    case ValueClass::Number:
      return a.kind == AttributeKind::Property && exact_as_double(a.value);
    case ValueClass::Boolean:
      return a.kind == AttributeKind::Property;
    case ValueClass::String:
      return (a.kind == AttributeKind::Property || a.kind == AttributeKind::VocabProperty) &&
             a.value.is_string();
    case ValueClass::Uri:
      return a.kind == AttributeKind::Relationship && a.value.is_string();
    default:
      return false;
  }
}

// The value of a plain instance from its columns (see plain()).
Result<json::value> plain_value(const Statement& row, int first, model::AttributeKind kind,
                                std::string_view entity_id) {
  using model::ValueClass;
  const auto value_class = static_cast<ValueClass>(row.column_int(first + 9));
  switch (value_class) {
    case ValueClass::Tombstone:
      return tombstone_value(kind);
    case ValueClass::Number: {
      const double number = row.column_double(first + 7);
      const auto whole = static_cast<std::int64_t>(number);
      if (static_cast<double>(whole) == number && std::abs(number) < 9.0e15) {
        return json::value(whole);
      }
      return json::value(number);
    }
    case ValueClass::Boolean:
      return json::value(row.column_double(first + 7) != 0);
    case ValueClass::String:
    case ValueClass::Uri:
      return json::value(row.column_text(first + 10));
    default:
      return fail(ErrorKind::InternalError,
                  "history of entity '" + std::string(entity_id) + "' is corrupt");
  }
}

// The members the columns hold are left out of the document.
constexpr std::string_view kColumnMembers[] = {"type", "datasetId", "observedAt", "createdAt",
                                               "modifiedAt"};

}  // namespace

std::optional<std::string> history_doc(const model::Attribute& instance,
                                       const HistoryValueView& view) {
  if (plain(instance, view)) return std::nullopt;
  auto o = encode_attribute(instance);
  for (auto member : kColumnMembers) o.erase(member);
  return model::to_json_text(o);
}

Result<DecodedInstance> decode_history_row(const Statement& row, int first,
                                           std::string_view entity_id) {
  DecodedInstance out;
  out.id = row.column_int(first);
  const auto kind = static_cast<model::AttributeKind>(row.column_int(first + 6));
  if (row.column_null(first + 8)) {
    out.value.kind = kind;
    auto value = plain_value(row, first, kind, entity_id);
    if (!value) return std::unexpected(value.error());
    out.value.value = std::move(*value);
  } else {
    unsigned char buffer[4096];
    json::monotonic_resource arena(buffer, sizeof buffer);
    boost::system::error_code ec;
    auto doc = json::parse(row.column_text(first + 8), ec, &arena);
    if (ec || !doc.is_object()) {
      return fail(ErrorKind::InternalError,
                  "history of entity '" + std::string(entity_id) + "' is corrupt");
    }
    auto& o = doc.get_object();
    o["type"] = model::kind_name(kind);
    auto decoded = decode_attribute(o, entity_id);
    if (!decoded) return std::unexpected(decoded.error());
    out.value = std::move(*decoded);
  }
  if (!row.column_null(first + 1)) out.value.dataset_id = std::string(row.column_text(first + 1));
  if (!row.column_null(first + 2)) out.value.observed_at = at_ms(row.column_int(first + 2));
  out.value.created_at = at_ms(row.column_int(first + 3));
  out.value.modified_at = at_ms(row.column_int(first + 4));
  if (!row.column_null(first + 5)) out.deleted_at = at_ms(row.column_int(first + 5));
  return out;
}

}  // namespace tsunagu::store::sqlite
