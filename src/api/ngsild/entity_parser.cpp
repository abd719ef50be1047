#include "api/ngsild/entity_parser.hpp"

#include <algorithm>
#include <array>

#include "broker/entity_merge.hpp"
#include "model/excerpt.hpp"
#include "model/geojson.hpp"
#include "model/uri.hpp"
#include "query/scope_query.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;
using model::AttributeList;

namespace {

constexpr int kMaxSubAttributeDepth = 8;

// Members of an attribute that are NGSI-LD's own, not sub-attributes.
constexpr std::array<std::string_view, 14> kAttributeMembers{
    "type",       "value",      "object",   "languageMap", "vocab",      "json",      "valueList",
    "objectList", "observedAt", "unitCode", "datasetId",   "objectType", "createdAt", "modifiedAt"};

// Members that the system sets; a client may send them (e.g. a copy of a read), they are ignored.
constexpr std::array<std::string_view, 6> kIgnoredMembers{
    "createdAt", "modifiedAt", "deletedAt", "instanceId", "previousValue", "@context"};

constexpr std::array<std::string_view, 7> kGeometryTypes{
    "Point",   "MultiPoint",   "LineString",        "MultiLineString",
    "Polygon", "MultiPolygon", "GeometryCollection"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

std::string quoted(std::string_view s) {
  return "'" + model::excerpt(s) + "'";
}

bool looks_like_geometry(const json::value& v) {
  if (!v.is_object()) return false;
  const auto* type = v.get_object().if_contains("type");
  return type && type->is_string() && contains(kGeometryTypes, type->get_string()) &&
         (v.get_object().contains("coordinates") || v.get_object().contains("geometries"));
}

// Attribute names are terms or IRIs; characters that break URLs, q expressions or JSON-LD are
// refused, as the peers' users learned the hard way when such names reached a query.
Status validate_name(std::string_view name, std::string_view what) {
  if (name.empty()) return bad(std::string(what) + " name is empty");
  if (name.size() > 1024) return bad(std::string(what) + " name is longer than 1024 characters");
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u == 0x7f ||
        std::string_view("<>\"'=;()\\").find(c) != std::string_view::npos) {
      return bad(std::string(what) + " name " + quoted(name) +
                 " contains a forbidden character (whitespace, control or one of <>\"'=;()\\)");
    }
  }
  return ok();
}

class AttributeParser {
 public:
  // `allow_null`: the payload of an update or merge, where urn:ngsi-ld:null deletes (5.2.1).
  AttributeParser(const jsonld::Context& context, bool allow_null)
      : ctx_(context), allow_null_(allow_null) {}

  // One attribute member of an entity: an object, a concise value, or an array of instances.
  Status parse_member(std::string_view name, const json::value& v, AttributeList& out, int depth) {
    if (auto st = validate_name(name, "attribute"); !st) return st;
    auto expanded = expand(name);
    if (!expanded) return std::unexpected(expanded.error());
    if (is_instance_array(v)) {
      for (const auto& inst : v.get_array()) {
        auto a = parse_instance(name, inst, depth, false);
        if (!a) return std::unexpected(a.error());
        if (auto st = add_instance(out, *expanded, name, std::move(*a)); !st) return st;
      }
      return ok();
    }
    auto a = parse_instance(name, v, depth, false);
    if (!a) return std::unexpected(a.error());
    return add_instance(out, *expanded, name, std::move(*a));
  }

  Result<Attribute> parse_instance(std::string_view name, const json::value& v, int depth,
                                   bool partial) {
    if (v.is_null()) return bad("attribute " + quoted(name) + " is null");
    if (!v.is_object() || looks_like_geometry(v)) return concise_value(name, v);
    const auto& o = v.get_object();
    auto kind = kind_of(name, o, partial);
    if (!kind) return std::unexpected(kind.error());
    Attribute a;
    a.kind = *kind;
    if (const auto* member = o.if_contains(model::value_member(a.kind))) {
      auto value = parse_value(name, a.kind, *member);
      if (!value) return std::unexpected(value.error());
      a.value = std::move(*value);
    } else if (!partial) {
      return bad("attribute " + quoted(name) + " of type " + std::string(model::kind_name(a.kind)) +
                 " has no \"" + std::string(model::value_member(a.kind)) + "\" member");
    }
    if (auto st = parse_meta(name, o, a); !st) return std::unexpected(st.error());
    if (auto st = parse_sub_attributes(name, o, a, depth); !st) return std::unexpected(st.error());
    return a;
  }

  Result<std::string> expand(std::string_view term) {
    std::string iri = ctx_.expand(term);
    if (iri.empty()) return bad("term " + quoted(term) + " is defined as null by the @context");
    if (iri.size() > model::kMaxExpandedNameLength) {
      return bad("term " + quoted(term) + " expands to an IRI of " + std::to_string(iri.size()) +
                 " bytes; the limit is " + std::to_string(model::kMaxExpandedNameLength));
    }
    return iri;
  }

 private:
  static bool is_instance_array(const json::value& v) {
    if (!v.is_array() || v.get_array().empty()) return false;
    return std::all_of(v.get_array().begin(), v.get_array().end(), [](const json::value& e) {
      if (!e.is_object()) return false;
      const auto& o = e.get_object();
      return std::any_of(kAttributeMembers.begin(), kAttributeMembers.begin() + 8,
                         [&](std::string_view m) { return o.contains(m); }) ||
             o.contains("datasetId");
    });
  }

  Status add_instance(AttributeList& out, const std::string& iri, std::string_view name,
                      Attribute a) {
    if (auto* entry = model::find_entry(out, iri);
        entry && model::find_instance(*entry, a.dataset_id)) {
      return bad("attribute " + quoted(name) + " has two instances with " +
                 (a.dataset_id ? "datasetId " + quoted(*a.dataset_id) : "no datasetId"));
    }
    model::put_instance(out, iri, std::move(a));
    return ok();
  }

  // Concise form: a bare value is a Property, a bare GeoJSON geometry a GeoProperty.
  Result<Attribute> concise_value(std::string_view name, const json::value& v) {
    Attribute a;
    a.kind = looks_like_geometry(v) ? AttributeKind::GeoProperty : AttributeKind::Property;
    auto value = parse_value(name, a.kind, v);
    if (!value) return std::unexpected(value.error());
    a.value = std::move(*value);
    return a;
  }

  Result<AttributeKind> kind_of(std::string_view name, const json::object& o, bool partial) {
    if (const auto* type = o.if_contains("type")) {
      if (!type->is_string())
        return bad("attribute " + quoted(name) + ": \"type\" is not a string");
      if (auto kind = model::kind_from_name(type->get_string())) return *kind;
      return bad("attribute " + quoted(name) + " has unknown type " + quoted(type->get_string()) +
                 "; expected Property, Relationship, GeoProperty, LanguageProperty, "
                 "VocabProperty, JsonProperty, ListProperty or ListRelationship");
    }
    // Concise form: the value member says which kind it is.
    static constexpr std::array<std::pair<std::string_view, AttributeKind>, 7> kByMember{{
        {"object", AttributeKind::Relationship},
        {"languageMap", AttributeKind::LanguageProperty},
        {"vocab", AttributeKind::VocabProperty},
        {"json", AttributeKind::JsonProperty},
        {"valueList", AttributeKind::ListProperty},
        {"objectList", AttributeKind::ListRelationship},
        {"value", AttributeKind::Property},
    }};
    for (const auto& [member, kind] : kByMember) {
      if (!o.contains(member)) continue;
      if (kind == AttributeKind::Property && looks_like_geometry(o.at("value"))) {
        return AttributeKind::GeoProperty;
      }
      return kind;
    }
    if (partial) return AttributeKind::Property;
    return bad("attribute " + quoted(name) +
               " has neither \"type\" nor a value member (value, object, languageMap, vocab, "
               "json, valueList, objectList)");
  }

  Result<json::value> parse_value(std::string_view name, AttributeKind kind, const json::value& v) {
    const std::string where = "attribute " + quoted(name);
    if (v.is_null()) return bad(where + " has a null value");
    if (broker::is_delete_marker(v)) {
      if (allow_null_) return v;
      return bad(where + ": " + std::string(broker::kNullValue) +
                 " deletes an attribute in updates and merges; it is not a value");
    }
    switch (kind) {
      case AttributeKind::Property:
        return v;
      case AttributeKind::GeoProperty:
        if (auto st = model::validate_geometry(v, name); !st) return std::unexpected(st.error());
        return v;
      case AttributeKind::Relationship:
        return uris(where + " object", v, true);
      case AttributeKind::ListRelationship:
        return object_list(where, v);
      case AttributeKind::LanguageProperty:
        return language_map(where, v);
      case AttributeKind::VocabProperty:
        return vocab(where, v);
      case AttributeKind::JsonProperty:
        return v;
      case AttributeKind::ListProperty:
        if (!v.is_array()) return bad(where + ": \"valueList\" must be an array");
        return v;
    }
    return v;
  }

  // A URI, or (when `array_ok`) a non-empty array of URIs.
  Result<json::value> uris(const std::string& where, const json::value& v, bool array_ok) {
    if (v.is_string()) {
      if (auto st = model::validate_uri(v.get_string(), where); !st)
        return std::unexpected(st.error());
      return v;
    }
    if (array_ok && v.is_array() && !v.get_array().empty()) {
      for (const auto& e : v.get_array()) {
        auto r = uris(where, e, false);
        if (!r) return r;
      }
      return v;
    }
    return bad(where + " must be a URI" + (array_ok ? " or an array of URIs" : ""));
  }

  Result<json::value> object_list(const std::string& where, const json::value& v) {
    if (!v.is_array()) return bad(where + ": \"objectList\" must be an array");
    for (const auto& e : v.get_array()) {
      const json::value* target = &e;
      if (e.is_object()) {
        target = e.get_object().if_contains("object");
        if (target == nullptr) return bad(where + ": an objectList item has no \"object\"");
      }
      if (auto r = uris(where + " objectList item", *target, false); !r) return r;
    }
    return v;
  }

  Result<json::value> language_map(const std::string& where, const json::value& v) {
    if (!v.is_object() || v.get_object().empty()) {
      return bad(where + ": \"languageMap\" must be a non-empty object of language tags");
    }
    for (const auto& [tag, text] : v.get_object()) {
      const bool tag_ok =
          tag == "@none" ||
          (!tag.empty() && tag.size() <= 35 && std::all_of(tag.begin(), tag.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
          }));
      if (!tag_ok) return bad(where + ": " + quoted(tag) + " is not a language tag");
      const bool strings =
          text.is_string() ||
          (text.is_array() && std::all_of(text.get_array().begin(), text.get_array().end(),
                                          [](const json::value& s) { return s.is_string(); }));
      if (!strings) return bad(where + ": the text for " + quoted(tag) + " must be a string");
    }
    return v;
  }

  Result<json::value> vocab(const std::string& where, const json::value& v) {
    auto expand_one = [&](const json::value& s) -> Result<json::value> {
      if (!s.is_string() || s.get_string().empty()) {
        return bad(where + ": \"vocab\" must be a term or an array of terms");
      }
      return json::value(ctx_.expand_vocab_value(s.get_string()));
    };
    if (!v.is_array()) return expand_one(v);
    json::array out;
    for (const auto& s : v.get_array()) {
      auto e = expand_one(s);
      if (!e) return e;
      out.push_back(std::move(*e));
    }
    if (out.empty()) return bad(where + ": \"vocab\" is an empty array");
    return json::value(std::move(out));
  }

  Status parse_meta(std::string_view name, const json::object& o, Attribute& a) {
    const std::string where = "attribute " + quoted(name);
    if (const auto* v = o.if_contains("observedAt")) {
      if (!v->is_string()) return bad(where + ": \"observedAt\" must be a DateTime string");
      auto t = model::parse_datetime(v->get_string(), std::string(name) + ".observedAt");
      if (!t) return std::unexpected(t.error());
      a.observed_at = *t;
    }
    if (const auto* v = o.if_contains("unitCode")) {
      if (!v->is_string() || v->get_string().empty()) {
        return bad(where + ": \"unitCode\" must be a non-empty string");
      }
      a.unit_code = std::string(v->get_string());
    }
    if (const auto* v = o.if_contains("datasetId")) {
      if (!v->is_string()) return bad(where + ": \"datasetId\" must be a URI");
      if (auto st = model::validate_uri(v->get_string(), where + " datasetId"); !st) return st;
      a.dataset_id = std::string(v->get_string());
    }
    if (const auto* v = o.if_contains("objectType")) {
      if (a.kind != AttributeKind::Relationship && a.kind != AttributeKind::ListRelationship) {
        return bad(where + ": \"objectType\" is only allowed on relationships");
      }
      if (!v->is_string()) return bad(where + ": \"objectType\" must be a type name");
      auto t = expand(v->get_string());
      if (!t) return std::unexpected(t.error());
      a.object_type = *t;
    }
    return ok();
  }

  Status parse_sub_attributes(std::string_view name, const json::object& o, Attribute& a,
                              int depth) {
    for (const auto& [key, value] : o) {
      if (contains(kAttributeMembers, key) || contains(kIgnoredMembers, key)) continue;
      if (depth >= kMaxSubAttributeDepth) {
        return bad("attribute " + quoted(name) + ": sub-attributes nest deeper than " +
                   std::to_string(kMaxSubAttributeDepth) + " levels");
      }
      if (auto st = parse_member(key, value, a.sub_attributes, depth + 1); !st) return st;
    }
    return ok();
  }

  const jsonld::Context& ctx_;
  const bool allow_null_;
};

Result<std::vector<std::string>> parse_types(const json::value& v, AttributeParser& p) {
  std::vector<std::string> types;
  auto add = [&](const json::value& t) -> Status {
    if (!t.is_string()) return bad("entity \"type\" must be a string or an array of strings");
    if (auto st = validate_name(t.get_string(), "entity type"); !st) return st;
    auto iri = p.expand(t.get_string());
    if (!iri) return std::unexpected(iri.error());
    if (std::find(types.begin(), types.end(), *iri) == types.end()) types.push_back(*iri);
    return ok();
  };
  if (v.is_array()) {
    if (v.get_array().empty()) return bad("entity \"type\" is an empty array");
    for (const auto& t : v.get_array()) {
      if (auto st = add(t); !st) return std::unexpected(st.error());
    }
  } else if (auto st = add(v); !st) {
    return std::unexpected(st.error());
  }
  return types;
}

// Scopes are checked as query/scope_query.hpp defines them, so that scopeQ can select each one.
Result<json::value> parse_scope(const json::value& v) {
  auto check = [](const json::value& s) {
    return s.is_string() && query::valid_scope(s.get_string());
  };
  const bool valid = check(v) || (v.is_array() && !v.get_array().empty() &&
                                  std::all_of(v.get_array().begin(), v.get_array().end(), check));
  if (!valid) return bad("\"scope\" must be a scope such as \"/Osaka/Kita\" or an array of them");
  return v;
}

Status parse_id(const json::object& o, model::Entity& e, const std::string* url_id) {
  const auto* id = o.if_contains("id");
  if (id == nullptr) id = o.if_contains("@id");
  if (id == nullptr) {
    if (url_id) {
      e.id = *url_id;
      return ok();
    }
    return bad("the entity has no \"id\"");
  }
  if (!id->is_string()) return bad("entity \"id\" must be a string (a URI)");
  if (auto st = model::validate_uri(id->get_string(), "id"); !st) return st;
  if (url_id && id->get_string() != *url_id) {
    return bad("the body's id " + quoted(id->get_string()) + " differs from the id in the URL " +
               quoted(*url_id));
  }
  e.id = std::string(id->get_string());
  return ok();
}

Status parse_entity_members(const json::object& o, model::Entity& e, AttributeParser& p) {
  for (const auto& [key, value] : o) {
    if (key == "id" || key == "@id" || contains(kIgnoredMembers, key)) continue;
    if (key == "type" || key == "@type") {
      auto types = parse_types(value, p);
      if (!types) return std::unexpected(types.error());
      e.types = std::move(*types);
    } else if (key == "scope") {
      auto scope = parse_scope(value);
      if (!scope) return std::unexpected(scope.error());
      e.scope = std::move(*scope);
    } else if (auto st = p.parse_member(key, value, e.attributes, 0); !st) {
      return st;
    }
  }
  return ok();
}

}  // namespace

Result<model::Entity> parse_entity(const json::value& body, const jsonld::Context& context,
                                   EntityShape shape, const std::string* id) {
  if (!body.is_object()) return bad("the entity must be a JSON object");
  const auto& o = body.get_object();
  model::Entity e;
  if (auto st = parse_id(o, e, id); !st) return std::unexpected(st.error());
  AttributeParser parser(context, shape == EntityShape::Fragment);
  if (auto st = parse_entity_members(o, e, parser); !st) return std::unexpected(st.error());
  if (shape == EntityShape::Complete && e.types.empty()) {
    return bad("entity " + quoted(e.id) + " has no \"type\"");
  }
  return e;
}

Result<AttributeList> parse_attributes(const json::value& body, const jsonld::Context& context) {
  if (!body.is_object()) return bad("the attributes must be given as a JSON object");
  AttributeParser parser(context, true);
  AttributeList out;
  for (const auto& [key, value] : body.get_object()) {
    if (key == "id" || key == "type" || key == "scope" || contains(kIgnoredMembers, key)) continue;
    if (auto st = parser.parse_member(key, value, out, 0); !st) return std::unexpected(st.error());
  }
  if (out.empty()) return bad("the request names no attribute");
  return out;
}

Result<Attribute> parse_attribute_body(const json::value& body, std::string_view name,
                                       const jsonld::Context& context, bool partial) {
  if (!body.is_object()) return bad("the attribute must be a JSON object");
  // "@context" is among the ignored members, so an ld+json body parses as it is.
  return AttributeParser(context, partial).parse_instance(name, body, 0, partial);
}

Result<TemporalBody> parse_temporal_entity(const json::value& body, const jsonld::Context& context,
                                           const std::string* id) {
  if (!body.is_object()) return bad("the temporal entity must be a JSON object");
  const auto& o = body.get_object();
  TemporalBody out;
  model::Entity e;
  if (!id || o.contains("id")) {
    if (auto st = parse_id(o, e, id); !st) return std::unexpected(st.error());
  } else {
    e.id = *id;
  }
  out.id = std::move(e.id);
  AttributeParser parser(context, false);
  for (const auto& [key, value] : o) {
    if (key == "id" || key == "@id" || contains(kIgnoredMembers, key)) continue;
    if (key == "type" || key == "@type") {
      auto types = parse_types(value, parser);
      if (!types) return std::unexpected(types.error());
      out.types = std::move(*types);
      continue;
    }
    if (auto st = validate_name(key, "attribute"); !st) return std::unexpected(st.error());
    auto iri = parser.expand(key);
    if (!iri) return std::unexpected(iri.error());
    // Instances of one attribute are points in its history: several may share a datasetId.
    const bool many = value.is_array() && !value.get_array().empty() &&
                      std::all_of(value.get_array().begin(), value.get_array().end(),
                                  [](const json::value& v) { return v.is_object(); });
    const json::array single{value};
    for (const auto& instance : many ? value.get_array() : single) {
      auto a = parser.parse_instance(key, instance, 0, false);
      if (!a) return std::unexpected(a.error());
      out.instances.emplace_back(*iri, std::move(*a));
    }
  }
  if (!id && out.types.empty())
    return bad("temporal entity " + quoted(out.id) + " has no \"type\"");
  return out;
}

Result<std::string> expand_name(std::string_view term, const jsonld::Context& context,
                                std::string_view what) {
  if (auto st = validate_name(term, what); !st) return std::unexpected(st.error());
  return AttributeParser(context, false).expand(term);
}

}  // namespace tsunagu::api::ngsild
