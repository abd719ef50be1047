#pragma once
// URL query parameters of the NGSI-LD API (clause 6.3.x): validation that every parameter is
// one the endpoint knows (a typo is an error, not a silently ignored filter), options=, format=,
// comma-separated lists and numbers.

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/ngsild/entity_renderer.hpp"
#include "http/message.hpp"
#include "jsonld/context.hpp"
#include "model/error.hpp"

namespace tsunagu::api::ngsild {

// BadRequestData naming the first parameter that is not in `allowed` or is given twice.
Status check_params(const http::Request& req, std::initializer_list<std::string_view> allowed);
Status check_params(const http::Request& req, const std::vector<std::string_view>& allowed);

// The values of options= (comma-separated); BadRequestData for one not in `allowed`.
Result<std::set<std::string>> parse_options(const http::Request& req,
                                            std::initializer_list<std::string_view> allowed);

// format=, options=keyValues/concise/sysAttrs and attrs= for endpoints that return entities.
Result<RenderOptions> parse_render_options(
    const http::Request& req, const jsonld::Context& context,
    std::initializer_list<std::string_view> more_options = {});

// pick=/omit=, lang= and attrs= alone, for endpoints with formats of their own (temporal).
Status parse_selection_options(const http::Request& req, const jsonld::Context& context,
                               RenderOptions& out);

// geometryProperty= of a GeoJSON answer, expanded; "location" when not given.
Result<std::string> geometry_property(const http::Request& req, const jsonld::Context& context);

// "a,b,c" -> {"a","b","c"}; BadRequestData for an empty item.
Result<std::vector<std::string>> comma_list(std::string_view text, std::string_view param);

// A non-negative integer parameter no greater than `max`.
Result<std::size_t> parse_size(std::string_view text, std::string_view param, std::size_t max);

// true/false parameter.
Result<bool> parse_bool(std::string_view text, std::string_view param);

}  // namespace tsunagu::api::ngsild
