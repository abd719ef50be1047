#include "api/ngsild/query_body.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <utility>

#include "api/ngsild/entity_parser.hpp"
#include "model/uri.hpp"
#include "query/scope_query.hpp"
#include "query/type_query.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

}  // namespace

Result<std::string> string_member(const json::object& o, std::string_view key,
                                  std::string_view where) {
  const auto& v = o.at(key);
  if (!v.is_string() || v.get_string().empty()) {
    return bad(std::string(where) + "\"" + std::string(key) + "\" must be a non-empty string");
  }
  return std::string(v.get_string());
}

Status only_members(const json::object& o, std::initializer_list<std::string_view> known,
                    std::string_view where) {
  for (const auto& kv : o) {
    if (std::find(known.begin(), known.end(), kv.key()) == known.end()) {
      return bad(std::string(where) + "unknown member \"" + std::string(kv.key()) + "\"");
    }
  }
  return ok();
}

Result<std::shared_ptr<const query::TermExpr>> type_selection(std::string_view text,
                                                              const jsonld::Context& ctx) {
  auto expr = query::parse_type_query(text);
  if (!expr) return std::unexpected(expr.error());
  std::optional<Error> failed;
  query::for_each_atom(*expr, [&](std::string& atom) {
    if (failed) return;
    auto iri = expand_name(atom, ctx, "entity type");
    if (iri) {
      atom = std::move(*iri);
    } else {
      failed = iri.error();
    }
  });
  if (failed) return std::unexpected(*failed);
  return std::make_shared<const query::TermExpr>(std::move(*expr));
}

Status check_id_pattern(std::string_view pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  const RE2 re(pattern, options);
  if (re.ok()) return ok();
  return bad("idPattern '" + std::string(pattern) +
             "' is not a valid regular expression: " + re.error());
}

Result<query::EntitySelector> selector_from(const json::value& v, std::size_t index,
                                            const jsonld::Context& ctx) {
  const std::string where = "entities[" + std::to_string(index) + "]: ";
  if (!v.is_object()) return bad(where + "must be an object with type, id or idPattern");
  const auto& o = v.get_object();
  if (auto st = only_members(o, {"id", "idPattern", "type"}, where); !st) {
    return std::unexpected(st.error());
  }
  query::EntitySelector s;
  if (o.contains("type")) {
    auto text = string_member(o, "type", where);
    if (!text) return std::unexpected(text.error());
    auto type = type_selection(*text, ctx);
    if (!type) return std::unexpected(type.error());
    s.type = std::move(*type);
  }
  if (o.contains("id")) {
    auto id = string_member(o, "id", where);
    if (!id) return std::unexpected(id.error());
    if (auto st = model::validate_uri(*id, "id"); !st) return std::unexpected(st.error());
    s.ids.push_back(std::move(*id));
  }
  if (o.contains("idPattern")) {
    auto pattern = string_member(o, "idPattern", where);
    if (!pattern) return std::unexpected(pattern.error());
    if (auto st = check_id_pattern(*pattern); !st) return std::unexpected(st.error());
    s.id_pattern = std::move(*pattern);
  }
  if (!s.type && s.ids.empty() && !s.id_pattern) {
    return bad(where + "needs at least one of type, id or idPattern");
  }
  return s;
}

Result<std::shared_ptr<const query::TermExpr>> scope_filter(std::string_view text) {
  auto parsed = query::parse_scope_query(text);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_shared<const query::TermExpr>(std::move(*parsed));
}

Result<GeoText> geo_text_from(const json::value& v) {
  if (!v.is_object()) return bad("\"geoQ\" must be an object with geometry, coordinates, georel");
  const auto& o = v.get_object();
  if (auto st = only_members(o, {"geometry", "coordinates", "georel", "geoproperty"}, "geoQ: ");
      !st) {
    return std::unexpected(st.error());
  }
  GeoText g;
  for (auto [key, slot] : {std::pair{"geometry", &g.geometry}, std::pair{"georel", &g.georel},
                           std::pair{"geoproperty", &g.geoproperty}}) {
    if (!o.contains(key)) continue;
    auto text = string_member(o, key, "geoQ: ");
    if (!text) return std::unexpected(text.error());
    *slot = std::move(*text);
  }
  if (const auto* c = o.if_contains("coordinates")) {
    if (c->is_array()) {
      g.coordinates = json::serialize(*c);
    } else if (c->is_string()) {
      g.coordinates = std::string(c->get_string());
    } else {
      return bad("geoQ: \"coordinates\" must be an array of coordinates");
    }
  }
  if (!g.georel || !g.geometry || !g.coordinates) {
    return bad("geoQ: needs georel, geometry and coordinates");
  }
  return g;
}

Result<std::shared_ptr<const query::GeoQuery>> geo_filter(const GeoText& g,
                                                          const jsonld::Context& ctx) {
  if (!g.georel && !g.geometry && !g.coordinates) {
    if (g.geoproperty) return bad("geoproperty is given without georel");
    return nullptr;
  }
  if (!g.georel || !g.geometry || !g.coordinates) {
    return bad("a geo-query needs georel, geometry and coordinates together");
  }
  std::optional<std::string> property;
  if (g.geoproperty) {
    auto iri = expand_name(*g.geoproperty, ctx, "geoproperty");
    if (!iri) return std::unexpected(iri.error());
    property = std::move(*iri);
  }
  auto parsed =
      query::parse_geo_query(*g.georel, *g.geometry, *g.coordinates,
                             property ? std::optional<std::string_view>(*property) : std::nullopt);
  if (!parsed) return std::unexpected(parsed.error());
  return std::make_shared<const query::GeoQuery>(std::move(*parsed));
}

}  // namespace tsunagu::api::ngsild
