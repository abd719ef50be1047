#include "api/ngsild/request_scope.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>

#include "jsonld/core_context.hpp"
#include "jsonld/link_header.hpp"
#include "model/json_text.hpp"
#include "model/uri.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

constexpr std::size_t kMaxJsonDepth = 64;

bool has_context_member(const json::value& v) {
  if (v.is_object()) return v.get_object().contains("@context");
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (has_context_member(e)) return true;
    }
  }
  return false;
}

// Boost.JSON reads a number beyond the range of a double (1e400) as infinity, which has no JSON
// text: it would be stored, then written back as something no client can parse.
bool all_numbers_finite(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return std::isfinite(v.get_double());
    case json::kind::array:
      for (const auto& e : v.get_array()) {
        if (!all_numbers_finite(e)) return false;
      }
      return true;
    case json::kind::object:
      for (const auto& [k, e] : v.get_object()) {
        if (!all_numbers_finite(e)) return false;
      }
      return true;
    default:
      return true;
  }
}

}  // namespace

Result<RequestScope> read_scope(const http::Request& req, jsonld::ContextResolver& resolver,
                                bool geojson_allowed) {
  RequestScope scope;
  if (auto tenant = req.header("NGSILD-Tenant")) scope.tenant = std::string(*tenant);
  auto media = response_media(req.header("Accept"), geojson_allowed);
  if (!media) return std::unexpected(media.error());
  scope.response = *media;
  std::optional<std::string> link;
  if (auto header = req.header("Link")) {
    auto parsed = jsonld::parse_context_link(*header);
    if (!parsed) return std::unexpected(parsed.error());
    link = *parsed;
  }
  if (link) {
    auto ctx = resolver.resolve(json::value(*link));
    if (!ctx) return std::unexpected(ctx.error());
    scope.context = *ctx;
    scope.context_url = *link;
  } else {
    scope.context = resolver.core();
    scope.context_url = std::string(jsonld::kCoreContextUrl);
  }
  return scope;
}

Result<std::string> path_entity_id(const http::Request& req) {
  const auto& id = req.param("entityId");
  if (auto st = model::validate_uri(id, "entity id"); !st) return std::unexpected(st.error());
  return id;
}

Result<Body> read_body(const http::Request& req) {
  auto media = body_media(req.header("Content-Type"));
  if (!media) return std::unexpected(media.error());
  if (req.body.empty()) return fail(ErrorKind::InvalidRequest, "the request body is empty");
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  json::value parsed = json::parse(req.body, ec, {}, options);
  if (ec) {
    return fail(ErrorKind::InvalidRequest, "the request body is not valid JSON: " + ec.message());
  }
  if (!all_numbers_finite(parsed)) {
    return fail(ErrorKind::BadRequestData,
                "the request body has a number too large for a double-precision value");
  }
  const bool carries_context = has_context_member(parsed);
  if (*media == Media::Json && carries_context) {
    return fail(ErrorKind::BadRequestData,
                "a body with \"@context\" must be sent as application/ld+json; with "
                "application/json give the context in a Link header");
  }
  if (*media == Media::JsonLd && req.header("Link")) {
    return fail(ErrorKind::BadRequestData,
                "an application/ld+json body carries its own @context; a Link header is not "
                "allowed with it");
  }
  return Body{std::move(parsed), *media};
}

Result<std::shared_ptr<const jsonld::Context>> context_for(const Body& body,
                                                           const json::value& element,
                                                           const RequestScope& scope,
                                                           jsonld::ContextResolver& resolver) {
  if (body.media == Media::Json) return scope.context;
  const auto* ctx = element.is_object() ? element.get_object().if_contains("@context") : nullptr;
  if (ctx == nullptr) {
    return fail(ErrorKind::BadRequestData,
                "an application/ld+json body must carry \"@context\" in every object");
  }
  return resolver.resolve(*ctx);
}

Result<WriteRequest> read_write_request(const http::Request& req,
                                        jsonld::ContextResolver& resolver) {
  auto scope = read_scope(req, resolver);
  if (!scope) return std::unexpected(scope.error());
  auto body = read_body(req);
  if (!body) return std::unexpected(body.error());
  auto ctx = context_for(*body, body->json, *scope, resolver);
  if (!ctx) return std::unexpected(ctx.error());
  return WriteRequest{std::move(*scope), std::move(*body), std::move(*ctx), {}};
}

namespace {

// "@context" leads each object, as in every example of the specification.
void put_inline_context(json::value& body, const std::string& url) {
  auto add = [&](json::value& v) {
    if (!v.is_object()) return;
    json::object with(v.storage());
    with["@context"] = url;
    for (auto& [k, val] : v.get_object()) with[k] = std::move(val);
    v = std::move(with);
  };
  if (body.is_array()) {
    for (auto& e : body.get_array()) add(e);
  } else {
    add(body);
  }
}

}  // namespace

http::Response json_response(int status, json::value body, const RequestScope& scope) {
  if (scope.response == Media::JsonLd) put_inline_context(body, scope.context_url);
  return json_text_response(status, model::to_json_text(body), scope);
}

std::string_view inline_context(const RequestScope& scope) {
  return scope.response == Media::JsonLd ? std::string_view(scope.context_url) : std::string_view();
}

http::Response json_text_response(int status, std::string body, const RequestScope& scope) {
  http::Response res;
  res.status = status;
  if (scope.response != Media::JsonLd) {
    res.header("Link", jsonld::format_context_link(scope.context_url));
  }
  res.header("Content-Type", std::string(media_type_name(scope.response)));
  res.body = std::move(body);
  return res;
}

}  // namespace tsunagu::api::ngsild
