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

bool plain_number(const model::Attribute& a) {
  if (a.kind != model::AttributeKind::Property || !a.sub_attributes.empty() || a.unit_code ||
      a.object_type) {
    return false;
  }
  // A double holds every value a JSON number parses to, but for integers beyond 2^53.
  if (a.value.is_double()) return true;
  if (a.value.is_int64()) {
    const auto v = a.value.get_int64();
    return v > -(std::int64_t{1} << 53) && v < (std::int64_t{1} << 53);
  }
  return false;
}

// The members the columns hold are left out of the document.
constexpr std::string_view kColumnMembers[] = {"type", "datasetId", "observedAt", "createdAt",
                                               "modifiedAt"};

}  // namespace

std::optional<std::string> history_doc(const model::Attribute& instance) {
  if (plain_number(instance)) return std::nullopt;
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
    const double number = row.column_double(first + 7);
    const auto whole = static_cast<std::int64_t>(number);
    out.value.value = static_cast<double>(whole) == number && std::abs(number) < 9.0e15
                          ? json::value(whole)
                          : json::value(number);
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
