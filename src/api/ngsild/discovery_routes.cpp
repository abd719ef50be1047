// /ngsi-ld/v1/types and /ngsi-ld/v1/attributes: which entity types and attributes exist
// (ETSI GS CIM 009 v1.8 clauses 5.7.5 - 5.7.10, data types 5.2.24 - 5.2.28, HTTP binding 6.25 -
// 6.28). The store answers from summaries it keeps with every write, so no request here reads
// an entity. Names are compacted with the request's @context, and every list is sorted by the
// names the reader sees (the spec gives no order; a stable one makes answers comparable).

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <tuple>

#include "api/ngsild/api.hpp"
#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/query_params.hpp"
#include "api/ngsild/reply.hpp"
#include "api/ngsild/request_scope.hpp"
#include "model/uuid.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

constexpr std::string_view kTypes = "/ngsi-ld/v1/types";
constexpr std::string_view kAttributes = "/ngsi-ld/v1/attributes";

// EntityTypeList and AttributeList are made per request, yet their id must be unique within
// the system (5.2.24, 5.2.27): a random (version 4) UUID.
std::string list_id(std::string_view list_type) {
  return "urn:ngsi-ld:" + std::string(list_type) + ":" + model::random_uuid();
}

// An expanded name with the term the reader sees it as.
struct Named {
  std::string iri;
  std::string name;
};

// Sorted by the reader's names, then by IRI, so that the order is total whatever the context.
template <typename T, typename IriOf>
std::vector<std::pair<Named, const T*>> by_name(const std::vector<T>& items, IriOf iri_of,
                                                const jsonld::Context& ctx) {
  std::vector<std::pair<Named, const T*>> out;
  for (const auto& item : items) {
    const std::string& iri = iri_of(item);
    out.push_back({Named{iri, ctx.compact(iri)}, &item});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.name, a.first.iri) < std::tie(b.first.name, b.first.iri);
  });
  return out;
}

json::array compact_sorted(const std::vector<std::string>& iris, const jsonld::Context& ctx) {
  std::vector<std::string> names;
  for (const auto& iri : iris) names.push_back(ctx.compact(iri));
  std::sort(names.begin(), names.end());
  return json::array(names.begin(), names.end());
}

json::array kind_names(const std::vector<model::AttributeKind>& kinds) {
  json::array out;
  for (auto kind : kinds) out.emplace_back(model::kind_name(kind));
  return out;
}

// EntityType (5.2.25), an element of the answer to /types?details=true.
json::object entity_type(const Named& n, const store::TypeSummary& t, const jsonld::Context& ctx) {
  std::vector<std::string> attrs;
  for (const auto& a : t.attributes) attrs.push_back(a.name);
  return {{"id", n.iri},
          {"type", "EntityType"},
          {"typeName", n.name},
          {"attributeNames", compact_sorted(attrs, ctx)}};
}

// EntityTypeInfo (5.2.26): its attributes carry only id, type, attributeName, attributeTypes.
json::object entity_type_info(const store::TypeSummary& t, const jsonld::Context& ctx) {
  json::array details;
  auto iri_of = [](const store::TypeSummary::Attribute& a) -> const std::string& { return a.name; };
  for (const auto& [n, a] : by_name(t.attributes, iri_of, ctx)) {
    details.push_back(json::object{{"id", n.iri},
                                   {"type", "Attribute"},
                                   {"attributeName", n.name},
                                   {"attributeTypes", kind_names(a->kinds)}});
  }
  return {{"id", t.type},
          {"type", "EntityTypeInfo"},
          {"typeName", ctx.compact(t.type)},
          {"entityCount", t.entities},
          {"attributeDetails", std::move(details)}};
}

// Attribute (5.2.28) with every optional member. attributeCount counts attribute instances, as
// the spec defines it: each datasetId of a multi-attribute is one.
json::object attribute(const Named& n, const store::AttributeSummary& a,
                       const jsonld::Context& ctx) {
  return {{"id", n.iri},
          {"type", "Attribute"},
          {"attributeName", n.name},
          {"attributeCount", a.instances},
          {"attributeTypes", kind_names(a.kinds)},
          {"typeNames", compact_sorted(a.types, ctx)}};
}

const std::string& type_iri(const store::TypeSummary& t) {
  return t.type;
}
const std::string& attribute_iri(const store::AttributeSummary& a) {
  return a.name;
}

class DiscoveryRoutes {
 public:
  explicit DiscoveryRoutes(const ApiDeps& deps) : deps_(deps) {}

  void list_types(http::Request&& req, http::Responder respond) {
    reply(types_response(req), respond);
  }
  void type_info(http::Request&& req, http::Responder respond) {
    reply(type_response(req), respond);
  }
  void list_attributes(http::Request&& req, http::Responder respond) {
    reply(attributes_response(req), respond);
  }
  void attribute_info(http::Request&& req, http::Responder respond) {
    reply(attribute_response(req), respond);
  }

 private:
  // details= (the lists only) and local= (6.3.18): with no context sources, local changes
  // nothing, but it is still checked to be a boolean.
  static Result<bool> read_flags(const http::Request& req, bool list) {
    auto st = list ? check_params(req, {"details", "local"}) : check_params(req, {"local"});
    if (!st) return std::unexpected(st.error());
    if (auto v = req.query_param("local")) {
      if (auto local = parse_bool(*v, "local"); !local) return std::unexpected(local.error());
    }
    auto v = req.query_param("details");
    return v ? parse_bool(*v, "details") : false;
  }

  Result<http::Response> types_response(const http::Request& req) {
    auto details = read_flags(req, true);
    if (!details) return std::unexpected(details.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto types = entities_for(deps_, req).type_summaries(scope->tenant, std::nullopt);
    if (!types) return std::unexpected(types.error());
    const auto& ctx = *scope->context;
    json::array list;
    for (const auto& [n, t] : by_name(*types, type_iri, ctx)) {
      if (*details) {
        list.push_back(entity_type(n, *t, ctx));
      } else {
        list.emplace_back(n.name);
      }
    }
    if (*details) return json_response(200, std::move(list), *scope);
    json::object body{{"id", list_id("EntityTypeList")},
                      {"type", "EntityTypeList"},
                      {"typeList", std::move(list)}};
    return json_response(200, std::move(body), *scope);
  }

  Result<http::Response> type_response(const http::Request& req) {
    if (auto st = read_flags(req, false); !st) return std::unexpected(st.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    const auto& term = req.param("type");
    auto iri = expand_name(term, *scope->context, "entity type");
    if (!iri) return std::unexpected(iri.error());
    auto types = entities_for(deps_, req).type_summaries(scope->tenant, *iri);
    if (!types) return std::unexpected(types.error());
    if (types->empty()) {
      return fail(ErrorKind::ResourceNotFound, "no entity has the type '" + term + "'");
    }
    return json_response(200, entity_type_info(types->front(), *scope->context), *scope);
  }

  Result<http::Response> attributes_response(const http::Request& req) {
    auto details = read_flags(req, true);
    if (!details) return std::unexpected(details.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto attrs = entities_for(deps_, req).attribute_summaries(scope->tenant, std::nullopt);
    if (!attrs) return std::unexpected(attrs.error());
    const auto& ctx = *scope->context;
    json::array list;
    for (const auto& [n, a] : by_name(*attrs, attribute_iri, ctx)) {
      if (*details) {
        list.push_back(attribute(n, *a, ctx));
      } else {
        list.emplace_back(n.name);
      }
    }
    if (*details) return json_response(200, std::move(list), *scope);
    json::object body{{"id", list_id("AttributeList")},
                      {"type", "AttributeList"},
                      {"attributeList", std::move(list)}};
    return json_response(200, std::move(body), *scope);
  }

  Result<http::Response> attribute_response(const http::Request& req) {
    if (auto st = read_flags(req, false); !st) return std::unexpected(st.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    const auto& term = req.param("attrId");
    auto iri = expand_name(term, *scope->context, "attribute");
    if (!iri) return std::unexpected(iri.error());
    auto attrs = entities_for(deps_, req).attribute_summaries(scope->tenant, *iri);
    if (!attrs) return std::unexpected(attrs.error());
    if (attrs->empty()) {
      return fail(ErrorKind::ResourceNotFound, "no entity has the attribute '" + term + "'");
    }
    const Named n{*iri, scope->context->compact(*iri)};
    return json_response(200, attribute(n, attrs->front(), *scope->context), *scope);
  }

  const ApiDeps deps_;
};

}  // namespace

void register_discovery_routes(http::Router& router, const ApiDeps& deps) {
  auto routes = std::make_shared<DiscoveryRoutes>(deps);
  auto bind = [routes, &deps](void (DiscoveryRoutes::*fn)(http::Request&&, http::Responder)) {
    return offload_context_fetches(
        [routes, fn](http::Request&& req, http::Responder respond) {
          ((*routes).*fn)(std::move(req), std::move(respond));
        },
        deps);
  };
  router.add("GET", kTypes, bind(&DiscoveryRoutes::list_types));
  router.add("GET", std::string(kTypes) + "/{type}", bind(&DiscoveryRoutes::type_info));
  router.add("GET", kAttributes, bind(&DiscoveryRoutes::list_attributes));
  router.add("GET", std::string(kAttributes) + "/{attrId}", bind(&DiscoveryRoutes::attribute_info));
}

}  // namespace tsunagu::api::ngsild
