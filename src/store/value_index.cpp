#include "store/value_index.hpp"

namespace tsunagu::store {
namespace json = boost::json;
namespace {

class Collector {
 public:
  explicit Collector(std::vector<IndexedValue>& out) : out_(out) {}

  void attribute(const std::string& name, const model::Attribute& a) {
    switch (a.kind) {
      case model::AttributeKind::Property:
      case model::AttributeKind::Relationship:
      case model::AttributeKind::VocabProperty:
      case model::AttributeKind::ListProperty:
      case model::AttributeKind::ListRelationship:
      case model::AttributeKind::JsonProperty:
        return scalars(name, a.value, 0);
      case model::AttributeKind::LanguageProperty:
        if (a.value.is_object()) {
          for (const auto& [tag, text] : a.value.get_object()) scalars(name, text, 0);
        }
        return;
      case model::AttributeKind::GeoProperty:
        return;
    }
  }

 private:
  // Scalars of a value: itself, the elements of an array (one level, as the evaluator
  // compares), the "@value" of a typed value and the "object" of an objectList item.
  void scalars(const std::string& name, const json::value& v, int depth) {
    switch (v.kind()) {
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_:
        out_.push_back({name, v.to_number<double>(), std::nullopt});
        break;
      case json::kind::string:
        out_.push_back({name, std::nullopt, std::string(v.get_string())});
        break;
      case json::kind::array:
        if (depth == 0) {
          for (const auto& e : v.get_array()) scalars(name, e, depth + 1);
        }
        break;
      case json::kind::object:
        for (const char* member : {"@value", "object"}) {
          if (const auto* inner = v.get_object().if_contains(member)) scalars(name, *inner, depth);
        }
        break;
      default:
        break;
    }
  }

  std::vector<IndexedValue>& out_;
};

}  // namespace

std::vector<IndexedValue> indexed_values(const model::Entity& entity) {
  std::vector<IndexedValue> out;
  Collector collect(out);
  for (const auto& entry : entity.attributes) {
    for (const auto& a : entry.instances) collect.attribute(entry.name, a);
  }
  if (entity.scope) {
    const std::string name(kScopeIndexName);
    auto add = [&](const json::value& v) {
      if (v.is_string()) out.push_back({name, std::nullopt, std::string(v.get_string())});
    };
    if (entity.scope->is_array()) {
      for (const auto& v : entity.scope->get_array()) add(v);
    } else {
      add(*entity.scope);
    }
  }
  return out;
}

std::vector<IndexedGeometry> indexed_geometries(const model::Entity& entity) {
  std::vector<IndexedGeometry> out;
  for (const auto& entry : entity.attributes) {
    for (const auto& a : entry.instances) {
      if (a.kind != model::AttributeKind::GeoProperty) continue;
      if (auto box = model::bounding_box(a.value)) out.push_back({entry.name, *box});
    }
  }
  return out;
}

}  // namespace tsunagu::store
