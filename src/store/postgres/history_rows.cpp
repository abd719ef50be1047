#include "store/postgres/history_rows.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <cmath>

#include "model/json_text.hpp"
#include "store/entity_codec.hpp"

namespace tsunagu::store::postgres {
namespace json = boost::json;

namespace {

constexpr char kEscape = '\x01';

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
Result<json::value> plain_value(const Rows& rows, int row, int first, model::AttributeKind kind,
                                std::string_view entity_id) {
  using model::ValueClass;
  const auto value_class = static_cast<ValueClass>(rows.integer(row, first + 9));
  switch (value_class) {
    case ValueClass::Tombstone:
      return tombstone_value(kind);
    case ValueClass::Number: {
      const double number = rows.real(row, first + 7);
      const auto whole = static_cast<std::int64_t>(number);
      if (static_cast<double>(whole) == number && std::abs(number) < 9.0e15) {
        return json::value(whole);
      }
      return json::value(number);
    }
    case ValueClass::Boolean:
      return json::value(rows.real(row, first + 7) != 0);
    case ValueClass::String:
    case ValueClass::Uri:
      return json::value(text_from_store(rows.text(row, first + 10)));
    default:
      return corrupt(entity_id);
  }
}

Result<model::Attribute> document_value(std::string_view text, model::AttributeKind kind,
                                        std::string_view entity_id) {
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  auto doc = json::parse(text, ec, &arena);
  if (ec || !doc.is_object()) return corrupt(entity_id);
  auto& o = doc.get_object();
  o["type"] = model::kind_name(kind);
  return decode_attribute(o, entity_id);
}

// The members the columns hold are left out of the document.
constexpr std::string_view kColumnMembers[] = {"type", "datasetId", "observedAt", "createdAt",
                                               "modifiedAt"};

std::optional<std::int64_t> ms_of(const std::optional<model::Timestamp>& t) {
  return t ? std::optional<std::int64_t>(to_ms(*t)) : std::nullopt;
}

}  // namespace

std::string stored_text(std::string_view text) {
  if (text.find_first_of(std::string_view("\0\x01", 2)) == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\0' || c == kEscape) {
      out += kEscape;
      out += static_cast<char>(c + 1);
    } else {
      out += c;
    }
  }
  return out;
}

std::string text_from_store(std::string_view stored) {
  if (stored.find(kEscape) == std::string_view::npos) return std::string(stored);
  std::string out;
  out.reserve(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] == kEscape && i + 1 < stored.size()) {
      out += static_cast<char>(stored[++i] - 1);
    } else {
      out += stored[i];
    }
  }
  return out;
}

std::optional<std::string> history_doc(const model::Attribute& instance,
                                       const HistoryValueView& view) {
  if (plain(instance, view)) return std::nullopt;
  auto o = encode_attribute(instance);
  for (auto member : kColumnMembers) o.erase(member);
  return model::to_json_text(o);
}

std::vector<std::string> parse_types(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  std::vector<std::string> types;
  if (ec || !v.is_array()) return types;
  for (const auto& t : v.get_array()) {
    if (t.is_string()) types.emplace_back(t.get_string());
  }
  return types;
}

std::string types_text(const std::vector<std::string>& types) {
  json::array a;
  for (const auto& t : types) a.emplace_back(t);
  return model::to_json_text(a);
}

StoredInstance stored_instance(const model::Attribute& value,
                               std::optional<model::Timestamp> deleted_at) {
  const auto view = view_of(value, deleted_at.has_value());
  StoredInstance s;
  s.dataset = value.dataset_id;
  s.observed = ms_of(value.observed_at);
  s.created = to_ms(value.created_at);
  s.modified = to_ms(value.modified_at);
  s.deleted = ms_of(deleted_at);
  s.kind = static_cast<std::int64_t>(value.kind);
  s.value_class = view.value_class;
  s.num = view.number;
  if (view.text) s.txt = stored_text(*view.text);
  s.doc = history_doc(value, view);
  return s;
}

Result<DecodedInstance> decode_history_row(const Rows& rows, int row, int first,
                                           std::string_view entity_id) {
  DecodedInstance out;
  out.id = rows.integer(row, first);
  const auto kind = static_cast<model::AttributeKind>(rows.integer(row, first + 6));
  if (rows.null(row, first + 8)) {
    out.value.kind = kind;
    auto value = plain_value(rows, row, first, kind, entity_id);
    if (!value) return std::unexpected(value.error());
    out.value.value = std::move(*value);
  } else {
    auto decoded = document_value(rows.text(row, first + 8), kind, entity_id);
    if (!decoded) return std::unexpected(decoded.error());
    out.value = std::move(*decoded);
  }
  if (!rows.null(row, first + 1)) out.value.dataset_id = std::string(rows.text(row, first + 1));
  if (!rows.null(row, first + 2)) out.value.observed_at = from_ms(rows.integer(row, first + 2));
  out.value.created_at = from_ms(rows.integer(row, first + 3));
  out.value.modified_at = from_ms(rows.integer(row, first + 4));
  if (!rows.null(row, first + 5)) out.deleted_at = from_ms(rows.integer(row, first + 5));
  return out;
}

}  // namespace tsunagu::store::postgres
