#include "store/history_values.hpp"

#include "model/json_text.hpp"

namespace tsunagu::store {
namespace json = boost::json;
using model::AttributeKind;
using model::ValueClass;

namespace {

constexpr std::string_view kNull = "urn:ngsi-ld:null";

bool names_datetime(std::string_view type) {
  return type == "DateTime" || type == "https://uri.etsi.org/ngsi-ld/DateTime";
}

HistoryValueView of_json(const json::value& v) {
  HistoryValueView view;
  switch (v.kind()) {
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      view.value_class = ValueClass::Number;
      view.number = v.to_number<double>();
      return view;
    case json::kind::bool_:
      view.value_class = ValueClass::Boolean;
      view.number = v.get_bool() ? 1.0 : 0.0;
      return view;
    case json::kind::string:
      view.value_class = ValueClass::String;
      view.text = std::string(v.get_string());
      return view;
    case json::kind::array:
      view.value_class = ValueClass::Array;
      view.number = static_cast<double>(v.get_array().size());
      view.text = model::to_json_text(v);
      return view;
    case json::kind::object:
      if (auto t = datetime_value(v)) {
        view.value_class = ValueClass::DateTime;
        view.number = static_cast<double>(t->time_since_epoch().count());
        view.text = std::string(v.get_object().at("@value").get_string());
        return view;
      }
      [[fallthrough]];
    case json::kind::null:
      break;
  }
  view.value_class = ValueClass::Object;
  return view;
}

}  // namespace

std::optional<model::Timestamp> datetime_value(const json::value& value) {
  const auto* o = value.if_object();
  if (!o) return std::nullopt;
  const auto* type = o->if_contains("@type");
  const auto* text = o->if_contains("@value");
  if (!type || !text || !type->is_string() || !text->is_string()) return std::nullopt;
  if (!names_datetime(type->get_string())) return std::nullopt;
  auto t = model::parse_datetime(text->get_string());
  return t ? std::optional<model::Timestamp>(*t) : std::nullopt;
}

HistoryValueView view_of(const model::Attribute& instance, bool tombstone) {
  if (tombstone) return {ValueClass::Tombstone, std::nullopt, std::nullopt};
  switch (instance.kind) {
    case AttributeKind::Property:
    case AttributeKind::ListProperty:
      return of_json(instance.value);
    case AttributeKind::VocabProperty: {
      auto view = of_json(instance.value);
      if (view.value_class == ValueClass::Array) return view;
      return {ValueClass::String, std::nullopt, std::move(view.text)};
    }
    case AttributeKind::Relationship:
    case AttributeKind::ListRelationship: {
      HistoryValueView view{ValueClass::Uri, std::nullopt, std::nullopt};
      view.text = instance.value.is_string() ? std::string(instance.value.get_string())
                                             : model::to_json_text(instance.value);
      return view;
    }
    case AttributeKind::GeoProperty:
    case AttributeKind::LanguageProperty:
    case AttributeKind::JsonProperty:
      break;
  }
  return {ValueClass::Object, std::nullopt, std::nullopt};
}

json::value tombstone_value(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::LanguageProperty:
      return json::object{{"@none", kNull}};
    default:
      return json::value(kNull);
  }
}

}  // namespace tsunagu::store
