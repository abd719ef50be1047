#include "store/entity_codec.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "model/json_text.hpp"

namespace tsunagu::store {
namespace json = boost::json;
using model::Attribute;
using model::AttributeList;
using model::Timestamp;

namespace {

std::unexpected<Error> corrupt(std::string_view id, std::string_view what) {
  std::string subject = id.empty() ? "stored entity" : "stored entity '" + std::string(id) + "'";
  return fail(ErrorKind::InternalError, subject + " is corrupt: " + std::string(what));
}

std::int64_t millis(Timestamp t) {
  return t.time_since_epoch().count();
}
Timestamp from_millis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

json::object encode_attributes(const AttributeList& list, json::object out = {});

// Stored documents are deeper than the requests they came from: a request nests 64 levels at
// most (api/ngsild/request_scope.cpp) and storing adds three per attribute and sub-attribute,
// beyond Boost.JSON's default of 32. The parser keeps its own stack, so the bound guards memory.
json::parse_options stored_options() {
  json::parse_options options;
  options.max_depth = 512;
  return options;
}

}  // namespace

json::object encode_attribute(const Attribute& a) {
  json::object o;
  o["type"] = model::kind_name(a.kind);
  o[model::value_member(a.kind)] = a.value;
  if (a.dataset_id) o["datasetId"] = *a.dataset_id;
  if (a.observed_at) o["observedAt"] = millis(*a.observed_at);
  if (a.unit_code) o["unitCode"] = *a.unit_code;
  if (a.object_type) o["objectType"] = *a.object_type;
  o["createdAt"] = millis(a.created_at);
  o["modifiedAt"] = millis(a.modified_at);
  if (!a.sub_attributes.empty()) o["sub"] = encode_attributes(a.sub_attributes);
  return o;
}

namespace {

json::object encode_attributes(const AttributeList& list, json::object out) {
  for (const auto& entry : list) {
    json::array instances;
    for (const auto& a : entry.instances) instances.push_back(encode_attribute(a));
    out[entry.name] = std::move(instances);
  }
  return out;
}

class Decoder {
 public:
  explicit Decoder(std::string_view entity_id) : id_(entity_id) {}

  Result<AttributeList> attributes(const json::object& o) {
    AttributeList list;
    for (const auto& [name, instances] : o) {
      if (!instances.is_array()) return corrupt("attribute is not an array");
      model::AttributeEntry entry{std::string(name), {}};
      for (const auto& inst : instances.get_array()) {
        if (!inst.is_object()) return corrupt("instance is not an object");
        auto a = attribute(inst.get_object());
        if (!a) return std::unexpected(a.error());
        entry.instances.push_back(std::move(*a));
      }
      list.push_back(std::move(entry));
    }
    return list;
  }

  Result<Attribute> attribute(const json::object& o) {
    const auto* type = o.if_contains("type");
    auto kind =
        type && type->is_string() ? model::kind_from_name(type->get_string()) : std::nullopt;
    if (!kind) return corrupt("unknown attribute type");
    Attribute a;
    a.kind = *kind;
    if (const auto* v = o.if_contains(model::value_member(*kind))) {
      a.value = json::value(*v, json::storage_ptr());  // out of the parse arena
    }
    if (const auto* v = o.if_contains("datasetId")) a.dataset_id = std::string(v->as_string());
    if (const auto* v = o.if_contains("observedAt"))
      a.observed_at = from_millis(v->to_number<std::int64_t>());
    if (const auto* v = o.if_contains("unitCode")) a.unit_code = std::string(v->as_string());
    if (const auto* v = o.if_contains("objectType")) a.object_type = std::string(v->as_string());
    if (const auto* v = o.if_contains("createdAt"))
      a.created_at = from_millis(v->to_number<std::int64_t>());
    if (const auto* v = o.if_contains("modifiedAt"))
      a.modified_at = from_millis(v->to_number<std::int64_t>());
    if (const auto* v = o.if_contains("sub")) {
      auto sub = attributes(v->as_object());
      if (!sub) return std::unexpected(sub.error());
      a.sub_attributes = std::move(*sub);
    }
    return a;
  }

  std::unexpected<Error> corrupt(std::string_view what) const {
    return tsunagu::store::corrupt(id_, what);
  }

 private:
  std::string_view id_;
};

}  // namespace

json::object encode_entity(const model::Entity& e) {
  json::object o;
  o["id"] = e.id;
  json::array types;
  for (const auto& t : e.types) types.emplace_back(t);
  o["type"] = std::move(types);
  if (e.scope) o["scope"] = *e.scope;
  o["createdAt"] = millis(e.created_at);
  o["modifiedAt"] = millis(e.modified_at);
  json::object attrs = encode_attributes(e.attributes);
  o["attrs"] = std::move(attrs);
  return o;
}

std::string encode_entity_text(const model::Entity& entity) {
  return model::to_json_text(encode_entity(entity));
}

Result<model::Entity> decode_entity(const json::object& doc) {
  model::Entity e;
  try {
    e.id = std::string(doc.at("id").as_string());
    for (const auto& t : doc.at("type").as_array()) e.types.emplace_back(t.as_string());
    // Copied into the default storage: `doc` may live in a short-lived arena.
    if (const auto* s = doc.if_contains("scope")) e.scope = json::value(*s, json::storage_ptr());
    e.created_at = from_millis(doc.at("createdAt").to_number<std::int64_t>());
    e.modified_at = from_millis(doc.at("modifiedAt").to_number<std::int64_t>());
    auto attrs = Decoder(e.id).attributes(doc.at("attrs").as_object());
    if (!attrs) return std::unexpected(attrs.error());
    e.attributes = std::move(*attrs);
  } catch (const boost::system::system_error& ex) {
    // Boost.JSON's accessors throw on a wrong shape; a stored document should never have one.
    return corrupt(e.id, ex.code().message());
  } catch (const std::exception& ex) {
    return corrupt(e.id, ex.what());
  }
  return e;
}

Result<model::Entity> decode_entity_text(std::string_view text) {
  // The parsed tree lives only until the model is built: a monotonic arena on the stack saves
  // the allocator most of the work of every read (profiles showed malloc at a fifth of a GET).
  unsigned char buffer[8192];
  json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  auto v = json::parse(text, ec, &arena, stored_options());
  if (ec || !v.is_object()) {
    return fail(ErrorKind::InternalError, "stored entity is not a JSON object");
  }
  return decode_entity(v.get_object());
}

Result<Attribute> decode_attribute_text(std::string_view text, model::AttributeKind kind,
                                        std::string_view entity_id) {
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  auto doc = json::parse(text, ec, &arena, stored_options());
  if (ec || !doc.is_object()) return corrupt(entity_id, "an instance is not a JSON object");
  auto& o = doc.get_object();
  o["type"] = model::kind_name(kind);
  try {
    return Decoder(entity_id).attribute(o);
  } catch (const boost::system::system_error& ex) {
    return corrupt(entity_id, ex.code().message());
  } catch (const std::exception& ex) {
    return corrupt(entity_id, ex.what());
  }
}

}  // namespace tsunagu::store
