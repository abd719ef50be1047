#include "store/history_columns.hpp"

#include <cmath>

#include "model/json_text.hpp"
#include "store/entity_codec.hpp"

namespace tsunagu::store {
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

std::unexpected<Error> corrupt(std::string_view entity_id) {
  return fail(ErrorKind::InternalError,
              "history of entity '" + std::string(entity_id) + "' is corrupt");
}

// The value of a plain instance from its columns (see plain()).
Result<json::value> plain_value(const HistoryRow& row, model::AttributeKind kind,
                                std::string_view entity_id) {
  using model::ValueClass;
  switch (static_cast<ValueClass>(row.value_class)) {
    case ValueClass::Tombstone:
      return tombstone_value(kind);
    case ValueClass::Number: {
      // Integers are stored plain up to 2^53 (exact_as_double), so they come back as integers
      // up to there too; an integral double written as such comes back as the same number.
      const auto whole = static_cast<std::int64_t>(row.num);
      if (static_cast<double>(whole) == row.num && std::abs(row.num) < 0x1p53) {
        return json::value(whole);
      }
      return json::value(row.num);
    }
    case ValueClass::Boolean:
      return json::value(row.num != 0);
    case ValueClass::String:
    case ValueClass::Uri:
      return json::value(row.txt);
    default:
      return corrupt(entity_id);
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

Result<DecodedInstance> decode_history_row(const HistoryRow& row, std::string_view entity_id) {
  DecodedInstance out;
  out.id = row.iid;
  const auto kind = static_cast<model::AttributeKind>(row.kind);
  if (row.doc) {
    // The document lacks the members the columns hold.
    auto decoded = decode_attribute_text(*row.doc, kind, entity_id);
    if (!decoded) return std::unexpected(decoded.error());
    out.value = std::move(*decoded);
  } else {
    out.value.kind = kind;
    auto value = plain_value(row, kind, entity_id);
    if (!value) return std::unexpected(value.error());
    out.value.value = std::move(*value);
  }
  if (row.dataset) out.value.dataset_id = std::string(*row.dataset);
  if (row.observed) out.value.observed_at = at_ms(*row.observed);
  out.value.created_at = at_ms(row.created);
  out.value.modified_at = at_ms(row.modified);
  if (row.deleted) out.deleted_at = at_ms(*row.deleted);
  return out;
}

}  // namespace tsunagu::store
