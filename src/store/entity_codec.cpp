#include "store/entity_codec.hpp"

#include <array>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "model/entity_ref.hpp"
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

// Builds the view of a stored document, checking its shape as it goes: one pass over each
// object's members, no lookup by name. A wrong shape is an error naming the entity.
class Viewer {
 public:
  Viewer(std::string_view entity_id, std::pmr::memory_resource* arena)
      : id_(entity_id), arena_(arena) {}

  Result<std::span<const model::AttributeEntryRef>> attributes(const json::value& v) {
    if (!v.is_object()) return corrupt("attributes are not an object");
    const auto& o = v.get_object();
    auto entries = model::arena_array<model::AttributeEntryRef>(arena_, o.size());
    std::size_t i = 0;
    for (const auto& [name, instances] : o) {
      if (!instances.is_array()) return corrupt("attribute is not an array");
      const auto& array = instances.get_array();
      auto refs = model::arena_array<model::AttributeRef>(arena_, array.size());
      for (std::size_t j = 0; j < array.size(); ++j) {
        auto a = attribute(array[j], std::nullopt);
        if (!a) return std::unexpected(a.error());
        refs[j] = *a;
      }
      entries[i++] = {name, refs};
    }
    return entries;
  }

  // `given`: the kind, whatever the document says (the history's instances have no "type").
  Result<model::AttributeRef> attribute(const json::value& v,
                                        std::optional<model::AttributeKind> given) {
    if (!v.is_object()) return corrupt("instance is not an object");
    model::AttributeRef a;
    std::optional<model::AttributeKind> kind = given;
    // The value members seen, by name: the kind's own is taken once the kind is known.
    std::array<const json::value*, kValueMembers.size()> values{};
    std::string_view wrong;  // the first member of the wrong type
    for (const auto& [key, member] : v.get_object()) {
      bool ok = true;
      if (key == "type") {
        if (given) continue;
        kind = member.is_string() ? model::kind_from_name(member.get_string()) : std::nullopt;
        if (!kind) return corrupt("unknown attribute type");
      } else if (key == "datasetId") {
        ok = text(member, a.dataset_id);
      } else if (key == "observedAt") {
        ok = time(member, a.observed_at);
      } else if (key == "unitCode") {
        ok = text(member, a.unit_code);
      } else if (key == "objectType") {
        ok = text(member, a.object_type);
      } else if (key == "createdAt") {
        ok = time(member, a.created_at);
      } else if (key == "modifiedAt") {
        ok = time(member, a.modified_at);
      } else if (key == "sub") {
        auto sub = attributes(member);
        if (!sub) return std::unexpected(sub.error());
        a.sub_attributes = *sub;
      } else if (auto slot = value_slot(key)) {
        values[*slot] = &member;
      }  // else a member a later version added: skipped
      if (!ok && wrong.empty()) wrong = key;
    }
    if (!wrong.empty()) {
      return corrupt("member '" + std::string(wrong) + "' of an instance has the wrong type");
    }
    if (!kind) return corrupt("unknown attribute type");
    a.kind = *kind;
    static const json::value absent;
    const auto* value = values[*value_slot(model::value_member(*kind))];
    a.value = value ? value : &absent;
    return a;
  }

  std::unexpected<Error> corrupt(std::string_view what) const {
    return tsunagu::store::corrupt(id_, what);
  }

  static constexpr std::array<std::string_view, 7> kValueMembers = {
      "value", "object", "languageMap", "vocab", "json", "valueList", "objectList"};

  static std::optional<std::size_t> value_slot(std::string_view key) {
    for (std::size_t i = 0; i < kValueMembers.size(); ++i) {
      if (key == kValueMembers[i]) return i;
    }
    return std::nullopt;
  }

  static bool text(const json::value& v, std::optional<std::string_view>& out) {
    if (!v.is_string()) return false;
    out = v.get_string();
    return true;
  }

  template <class T>
  static bool time(const json::value& v, T& out) {
    boost::system::error_code ec;
    const auto ms = v.to_number<std::int64_t>(ec);
    if (ec) return false;
    out = from_millis(ms);
    return true;
  }

 private:
  std::string_view id_;
  std::pmr::memory_resource* arena_;
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

Result<model::EntityRef> view_entity(const json::value& doc, std::pmr::memory_resource* arena) {
  if (!doc.is_object()) return corrupt("", "not a JSON object");
  model::EntityRef e;
  const json::value* attrs = nullptr;
  const json::value* types = nullptr;
  const json::value* id = nullptr;
  const json::value* created = nullptr;
  const json::value* modified = nullptr;
  for (const auto& [key, member] : doc.get_object()) {
    if (key == "id") {
      id = &member;
    } else if (key == "type") {
      types = &member;
    } else if (key == "scope") {
      e.scope = &member;
    } else if (key == "createdAt") {
      created = &member;
    } else if (key == "modifiedAt") {
      modified = &member;
    } else if (key == "attrs") {
      attrs = &member;
    }
  }
  if (id && id->is_string()) e.id = id->get_string();
  Viewer viewer(e.id, arena);
  // The first member missing or of the wrong type is named (attrs is checked as it is read).
  const auto wrong = [&]() -> std::string_view {
    if (!id || !id->is_string()) return "id";
    if (!types || !types->is_array()) return "type";
    if (!created || !Viewer::time(*created, e.created_at)) return "createdAt";
    if (!modified || !Viewer::time(*modified, e.modified_at)) return "modifiedAt";
    if (!attrs) return "attrs";
    return {};
  }();
  if (!wrong.empty()) {
    return viewer.corrupt("member '" + std::string(wrong) + "' is missing or has the wrong type");
  }
  const auto& type_array = types->get_array();
  auto type_names = model::arena_array<std::string_view>(arena, type_array.size());
  for (std::size_t i = 0; i < type_array.size(); ++i) {
    if (!type_array[i].is_string()) return viewer.corrupt("a type is not a string");
    type_names[i] = type_array[i].get_string();
  }
  e.types = type_names;
  auto list = viewer.attributes(*attrs);
  if (!list) return std::unexpected(list.error());
  e.attributes = *list;
  return e;
}

Result<json::value> parse_entity_text(std::string_view text, json::storage_ptr sp) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec, std::move(sp), stored_options());
  if (ec || !v.is_object()) {
    return fail(ErrorKind::InternalError, "stored entity is not a JSON object");
  }
  return v;
}

Result<model::Entity> decode_entity(const json::value& doc) {
  // The lists of the view live only until the model is built.
  std::byte buffer[2048];
  std::pmr::monotonic_buffer_resource lists(buffer, sizeof buffer);
  auto view = view_entity(doc, &lists);
  if (!view) return std::unexpected(view.error());
  return model::own(*view);
}

Result<model::Entity> decode_entity_text(std::string_view text) {
  // The parsed tree lives only until the model is built: a monotonic arena on the stack saves
  // the allocator most of the work of every read (profiles showed malloc at a fifth of a GET).
  unsigned char buffer[8192];
  json::monotonic_resource arena(buffer, sizeof buffer);
  auto doc = parse_entity_text(text, &arena);
  if (!doc) return std::unexpected(doc.error());
  return decode_entity(*doc);
}

Result<Attribute> decode_attribute_text(std::string_view text, model::AttributeKind kind,
                                        std::string_view entity_id) {
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  auto doc = json::parse(text, ec, &arena, stored_options());
  if (ec || !doc.is_object()) return corrupt(entity_id, "an instance is not a JSON object");
  std::byte lists_buffer[1024];
  std::pmr::monotonic_buffer_resource lists(lists_buffer, sizeof lists_buffer);
  auto view = Viewer(entity_id, &lists).attribute(doc, kind);
  if (!view) return std::unexpected(view.error());
  return model::own(*view);
}

EntityReadBuffer::EntityReadBuffer()
    : json_arena_(json_buffer_, sizeof json_buffer_),
      lists_arena_(lists_buffer_, sizeof lists_buffer_) {}

Result<model::EntityRef> EntityReadBuffer::view() {
  auto doc = parse_entity_text(text, &json_arena_);
  if (!doc) return std::unexpected(doc.error());
  doc_.emplace(std::move(*doc));
  return view_entity(*doc_, &lists_arena_);
}

model::EntityRef EntityReadBuffer::borrow(model::Entity entity) {
  owned_ = std::move(entity);
  return model::borrow(*owned_, &lists_arena_);
}

}  // namespace tsunagu::store
