#include "api/ngsild/query_params.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jsonld/context.hpp"
#include "jsonld/core_context.hpp"

namespace tsunagu::api::ngsild {
namespace {

const std::string kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";

const jsonld::Context& user() {
  static const auto ctx = [] {
    jsonld::ContextBuilder builder(*jsonld::core_context());
    auto st = builder.apply(boost::json::parse(
        R"({"temperature": "https://schema.example.org/temperature", "hidden": null})"));
    EXPECT_TRUE(st.has_value()) << st.error().message;
    return std::move(builder).build();
  }();
  return *ctx;
}

http::Request request(std::vector<std::pair<std::string, std::string>> query) {
  http::Request req;
  req.method = "GET";
  req.path = "/ngsi-ld/v1/entities";
  req.query = std::move(query);
  return req;
}

template <typename T>
void expect_bad(const Result<T>& r, std::string_view fragment) {
  ASSERT_FALSE(r.has_value()) << "unexpectedly accepted";
  EXPECT_EQ(r.error().kind, ErrorKind::BadRequestData) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos)
      << "message: " << r.error().message << "\nexpected fragment: " << fragment;
}

// ---- check_params ----

TEST(CheckParams, AcceptsKnownParametersOnce) {
  EXPECT_TRUE(check_params(request({}), {}).has_value());
  EXPECT_TRUE(
      check_params(request({{"type", "Shelter"}, {"limit", "5"}}), {"type", "limit", "offset"})
          .has_value());
}

TEST(CheckParams, UnknownParameter) {
  expect_bad(check_params(request({{"type", "Shelter"}, {"typo", "x"}}), {"type", "limit"}),
             "unknown query parameter 'typo'; this endpoint accepts: type, limit");
  auto none = check_params(request({{"x", "1"}}), {});
  expect_bad(none, "unknown query parameter 'x'");
  EXPECT_EQ(none.error().message, "unknown query parameter 'x'");
  // Names are case-sensitive.
  expect_bad(check_params(request({{"Type", "Shelter"}}), {"type"}),
             "unknown query parameter 'Type'");
}

TEST(CheckParams, RepeatedParameter) {
  expect_bad(
      check_params(request({{"type", "A"}, {"limit", "1"}, {"type", "B"}}), {"type", "limit"}),
      "query parameter 'type' is given twice");
  expect_bad(check_params(request({{"options", "sysAttrs"}, {"options", "sysAttrs"}}), {"options"}),
             "query parameter 'options' is given twice");
}

// ---- parse_options ----

TEST(ParseOptions, ReadsTheCommaSeparatedSet) {
  auto none = parse_options(request({}), {"noOverwrite"});
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  auto two = parse_options(request({{"options", "noOverwrite,update"}}), {"noOverwrite", "update"});
  ASSERT_TRUE(two.has_value()) << two.error().message;
  EXPECT_EQ(*two, (std::set<std::string>{"noOverwrite", "update"}));
  auto dup = parse_options(request({{"options", "update,update"}}), {"update"});
  ASSERT_TRUE(dup.has_value()) << dup.error().message;
  EXPECT_EQ(*dup, std::set<std::string>{"update"});
}

TEST(ParseOptions, Errors) {
  expect_bad(parse_options(request({{"options", "replace"}}), {"noOverwrite", "update"}),
             "unknown option 'replace'; valid here: noOverwrite, update");
  expect_bad(parse_options(request({{"options", "update"}}), {}),
             "unknown option 'update'; this endpoint has none");
  expect_bad(parse_options(request({{"options", "update,"}}), {"update"}),
             "parameter 'options' has an empty item");
  expect_bad(parse_options(request({{"options", ""}}), {"update"}),
             "parameter 'options' has an empty item");
  expect_bad(parse_options(request({{"options", "NoOverwrite"}}), {"noOverwrite"}),
             "unknown option 'NoOverwrite'");
}

// ---- parse_render_options ----

TEST(ParseRenderOptions, Defaults) {
  auto o = parse_render_options(request({}), user());
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->format, Format::Normalized);
  EXPECT_FALSE(o->sys_attrs);
  EXPECT_FALSE(o->attrs.has_value());
}

TEST(ParseRenderOptions, FormatsFromOptionsAndFormat) {
  struct Case {
    std::vector<std::pair<std::string, std::string>> query;
    Format format;
    bool sys_attrs;
  };
  const std::vector<Case> cases = {
      {{{"options", "keyValues"}}, Format::Simplified, false},
      {{{"options", "concise"}}, Format::Concise, false},
      {{{"options", "normalized"}}, Format::Normalized, false},
      {{{"options", "sysAttrs"}}, Format::Normalized, true},
      {{{"options", "keyValues,sysAttrs"}}, Format::Simplified, true},
      {{{"format", "normalized"}}, Format::Normalized, false},
      {{{"format", "concise"}}, Format::Concise, false},
      {{{"format", "simplified"}}, Format::Simplified, false},
      {{{"format", "keyValues"}}, Format::Simplified, false},
      {{{"options", "keyValues"}, {"format", "normalized"}}, Format::Normalized, false},
      {{{"options", "sysAttrs,concise"}, {"format", "simplified"}}, Format::Simplified, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query.front().first + "=" + c.query.front().second);
    auto o = parse_render_options(request(c.query), user());
    ASSERT_TRUE(o.has_value()) << o.error().message;
    EXPECT_EQ(o->format, c.format);
    EXPECT_EQ(o->sys_attrs, c.sys_attrs);
  }
}

TEST(ParseRenderOptions, MoreOptionsAreAccepted) {
  auto o = parse_render_options(request({{"options", "keyValues,noOverwrite"}}), user(),
                                {"noOverwrite"});
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->format, Format::Simplified);
}

TEST(ParseRenderOptions, Errors) {
  expect_bad(parse_render_options(request({{"format", "compact"}}), user()),
             "unknown format 'compact'; use normalized, concise or simplified");
  expect_bad(parse_render_options(request({{"format", ""}}), user()), "unknown format ''");
  expect_bad(parse_render_options(request({{"options", "keyvalues"}}), user()),
             "unknown option 'keyvalues'; valid here: keyValues, sysAttrs, concise, normalized");
  expect_bad(parse_render_options(request({{"options", "noOverwrite"}}), user()),
             "unknown option 'noOverwrite'");
  expect_bad(parse_render_options(request({{"options", ",sysAttrs"}}), user()),
             "parameter 'options' has an empty item");
}

TEST(ParseRenderOptions, AttrsAreExpanded) {
  auto o = parse_render_options(request({{"attrs", "temperature,name,location,https://x.org/a"}}),
                                user());
  ASSERT_TRUE(o.has_value()) << o.error().message;
  ASSERT_TRUE(o->attrs.has_value());
  EXPECT_EQ(*o->attrs,
            (std::set<std::string>{"https://schema.example.org/temperature", kDefault + "name",
                                   "https://uri.etsi.org/ngsi-ld/location", "https://x.org/a"}));
  auto core = parse_render_options(request({{"attrs", "temperature"}}), *jsonld::core_context());
  ASSERT_TRUE(core.has_value()) << core.error().message;
  EXPECT_EQ(*core->attrs, std::set<std::string>{kDefault + "temperature"});
}

TEST(ParseRenderOptions, AttrsErrors) {
  expect_bad(parse_render_options(request({{"attrs", "a,,b"}}), user()),
             "parameter 'attrs' has an empty item");
  expect_bad(parse_render_options(request({{"attrs", ""}}), user()),
             "parameter 'attrs' has an empty item");
  expect_bad(parse_render_options(request({{"attrs", "a b"}}), user()),
             "attribute name 'a b' contains a forbidden character");
  expect_bad(parse_render_options(request({{"attrs", "hidden"}}), user()),
             "term 'hidden' is defined as null by the @context");
}

// ---- comma_list ----

TEST(CommaList, SplitsAndRejectsEmptyItems) {
  auto items = comma_list("a,b,c", "type");
  ASSERT_TRUE(items.has_value());
  EXPECT_EQ(*items, (std::vector<std::string>{"a", "b", "c"}));
  auto one = comma_list("a", "type");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(*one, std::vector<std::string>{"a"});
  for (std::string_view bad : {"", ",", "a,", ",a", "a,,b"}) {
    SCOPED_TRACE(bad);
    expect_bad(comma_list(bad, "type"), "parameter 'type' has an empty item");
  }
}

// ---- parse_size ----

TEST(ParseSize, AcceptsIntegersWithinBounds) {
  struct Case {
    std::string text;
    std::size_t max;
    std::size_t expected;
  };
  const std::vector<Case> cases = {
      {"0", 10, 0},
      {"10", 10, 10},
      {"7", 10, 7},
      {"007", 10, 7},
      {"18446744073709551615", std::numeric_limits<std::size_t>::max(),
       std::numeric_limits<std::size_t>::max()},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto v = parse_size(c.text, "limit", c.max);
    ASSERT_TRUE(v.has_value()) << v.error().message;
    EXPECT_EQ(*v, c.expected);
  }
}

TEST(ParseSize, AboveMaximum) {
  auto v = parse_size("11", "limit", 10);
  expect_bad(v, "parameter 'limit' must not exceed 10");
  expect_bad(parse_size("1001", "limit", 1000), "must not exceed 1000");
}

TEST(ParseSize, Garbage) {
  const std::vector<std::string> garbage = {
      "", "-1", "+1", "1.5", "1e3", " 1", "1 ", "0x10", "abc", "12a", "18446744073709551616"};
  for (const auto& g : garbage) {
    SCOPED_TRACE(g);
    expect_bad(parse_size(g, "offset", 1000),
               "parameter 'offset' must be a non-negative integer, not '" + g + "'");
  }
}

// ---- parse_bool ----

TEST(ParseBool, TrueAndFalseOnly) {
  EXPECT_EQ(parse_bool("true", "local").value_or(false), true);
  EXPECT_EQ(parse_bool("false", "local").value_or(true), false);
  for (std::string_view bad : {"True", "FALSE", "1", "0", "yes", "", " true"}) {
    SCOPED_TRACE(bad);
    expect_bad(parse_bool(bad, "local"), "parameter 'local' must be true or false");
  }
}

}  // namespace
}  // namespace tsunagu::api::ngsild
