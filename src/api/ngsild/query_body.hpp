#pragma once
// The members that a Query body (clause 5.2.23) and a Subscription (clause 5.2.12) share, read and
// bound the same way for both: entity selectors (5.2.33), the type expression inside them, geoQ
// (5.2.13), scopeQ, and the small JSON checks their parsers have in common. Names are expanded
// with the request's @context; errors are BadRequestData naming the member.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "jsonld/context.hpp"
#include "model/error.hpp"
#include "query/entity_selector.hpp"
#include "query/geo_query.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::api::ngsild {

// The string member `key` of `o`, which must be present; `where` prefixes messages ("geoQ: ").
Result<std::string> string_member(const boost::json::object& o, std::string_view key,
                                  std::string_view where);

// BadRequestData naming the first member of `o` that is not in `known`.
Status only_members(const boost::json::object& o, std::initializer_list<std::string_view> known,
                    std::string_view where);

// A type expression (clause 4.17) with every name expanded to its IRI.
Result<std::shared_ptr<const query::TermExpr>> type_selection(std::string_view text,
                                                              const jsonld::Context& ctx);

// BadRequestData unless `pattern` compiles as an RE2 expression.
Status check_id_pattern(std::string_view pattern);

// One item of an "entities" array: {"type", "id", "idPattern"}, at least one of them.
Result<query::EntitySelector> selector_from(const boost::json::value& v, std::size_t index,
                                            const jsonld::Context& ctx);

// A scopeQ (clause 4.19), parsed.
Result<std::shared_ptr<const query::TermExpr>> scope_filter(std::string_view text);

// The four texts of a geo-query (clause 4.10). geoproperty is the name as the client wrote it.
struct GeoText {
  std::optional<std::string> georel, geometry, coordinates, geoproperty;
};

// "geoQ": {"geometry", "coordinates" (an array, or its JSON text), "georel", "geoproperty"};
// the first three are required.
Result<GeoText> geo_text_from(const boost::json::value& v);

// The geo-query the texts describe: nullptr when none of georel, geometry and coordinates is
// given; BadRequestData unless all three are given together.
Result<std::shared_ptr<const query::GeoQuery>> geo_filter(const GeoText& g,
                                                          const jsonld::Context& ctx);

}  // namespace tsunagu::api::ngsild
