// Which history entities a temporal query selects, as every backend decides it
// (store/history_selection.hpp): the candidates looked up, what the selectors and restrictions
// admit, the window q, geoQ and scopeQ are decided over, and the page of those selected.

#include "store/history_selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "query/q_parser.hpp"
#include "query/scope_query.hpp"

namespace tsunagu::store {
namespace {

using Strings = std::vector<std::string>;

const std::string kShelter = "https://example.org/Shelter";
const std::string kResident = "https://example.org/Resident";
const std::string kLevel = "https://example.org/level";
const std::string kName = "https://example.org/name";

std::shared_ptr<const query::TermExpr> type_expr(query::TermExpr::Kind kind, Strings atoms) {
  query::TermExpr e{kind, {}, {}};
  for (auto& a : atoms) e.children.push_back({query::TermExpr::Kind::Atom, std::move(a), {}});
  return std::make_shared<const query::TermExpr>(std::move(e));
}

query::EntitySelector ids(Strings ids) {
  return query::EntitySelector{{}, std::move(ids), {}};
}

SelectedEntity entity(std::int64_t hid, std::string id, Strings types) {
  return SelectedEntity{hid, std::move(id), std::move(types), {}};
}

std::shared_ptr<const query::Expr> q(std::string_view text) {
  auto parsed = query::parse_q(
      text, [](std::string_view term) { return "https://example.org/" + std::string(term); });
  EXPECT_TRUE(parsed) << parsed.error().message;
  return std::make_shared<const query::Expr>(std::move(*parsed));
}

model::Attribute reading(boost::json::value v) {
  model::Attribute a;
  a.value = std::move(v);
  return a;
}

TEST(HistorySelection, WithoutSelectorsEveryHistoryEntityIsACandidate) {
  const auto c = candidates_of(HistoryQuery{});
  EXPECT_TRUE(c.all);
  EXPECT_TRUE(c.ids.empty());
  EXPECT_TRUE(c.types.empty());
}

TEST(HistorySelection, CandidatesAreTheNamedIdsAndTypes) {
  HistoryQuery query;
  query.entities = {ids({"urn:a", "urn:b"}), query::of_types({kShelter, kResident}),
                    ids({"urn:c"})};
  const auto c = candidates_of(query);
  EXPECT_FALSE(c.all);
  EXPECT_EQ(c.ids, (Strings{"urn:a", "urn:b", "urn:c"}));
  EXPECT_EQ(c.types, (Strings{kShelter, kResident}));
}

TEST(HistorySelection, ARestrictedTypesCandidatesAreTheIdsAllowed) {
  HistoryQuery query;
  query.entities = {query::of_types({kShelter, kResident})};
  query.restrictions = {{kResident, {"urn:r:1", "urn:r:2"}}};
  const auto c = candidates_of(query);
  EXPECT_FALSE(c.all);
  EXPECT_EQ(c.ids, (Strings{"urn:r:1", "urn:r:2"}));
  EXPECT_EQ(c.types, Strings{kShelter});
}

TEST(HistorySelection, ATypeExpressionThatIsNoListOfTypesReadsEveryCandidate) {
  HistoryQuery query;
  query.entities = {
      ids({"urn:a"}),
      query::EntitySelector{type_expr(query::TermExpr::Kind::And, {kShelter, kResident}), {}, {}}};
  const auto c = candidates_of(query);
  EXPECT_TRUE(c.all);
  EXPECT_TRUE(c.ids.empty());
  EXPECT_TRUE(c.types.empty());
}

TEST(HistorySelection, AnEntityIsAdmittedWhenASelectorNamesItAndEveryRestrictionAllowsIt) {
  HistoryQuery query;
  EXPECT_TRUE(admits(query, entity(1, "urn:x", {kShelter})));
  query.entities = {query::of_types({kShelter, kResident})};
  EXPECT_TRUE(admits(query, entity(1, "urn:s:1", {kShelter})));
  EXPECT_FALSE(admits(query, entity(2, "urn:o:1", {"https://example.org/Other"})));
  query.restrictions = {{kResident, {"urn:r:1", "urn:r:3"}}};
  EXPECT_TRUE(admits(query, entity(3, "urn:r:1", {kResident})));
  EXPECT_FALSE(admits(query, entity(4, "urn:r:2", {kResident})));
  // A restriction holds for the entities of its type only.
  EXPECT_TRUE(admits(query, entity(5, "urn:s:2", {kShelter})));
  EXPECT_FALSE(admits(query, entity(6, "urn:r:2", {kShelter, kResident})));
}

TEST(HistorySelection, TheQueryReturnsTheAttributesItNamesOrAll) {
  HistoryQuery query;
  EXPECT_TRUE(returns_attribute(query, kLevel));
  query.attrs = {kName};
  EXPECT_TRUE(returns_attribute(query, kName));
  EXPECT_FALSE(returns_attribute(query, kLevel));
}

TEST(HistorySelection, TheWindowHoldsTheAttributesQGeoQAndScopeQName) {
  HistoryQuery query;
  EXPECT_TRUE(window_attributes(query).empty());
  query.q = q("level>5;(name==\"A\"|level<0)");
  auto geo = std::make_shared<query::GeoQuery>();
  geo->geoproperty = "https://example.org/location";
  query.geo = geo;
  auto scope = query::parse_scope_query("/Osaka/#");
  ASSERT_TRUE(scope);
  query.scope = std::make_shared<const query::TermExpr>(std::move(*scope));
  EXPECT_EQ(window_attributes(query), (std::set<std::string>{"https://example.org/location", kLevel,
                                                             kName, std::string(kScopeAttribute)}));
}

TEST(HistorySelection, AConditionHoldsWhenItHoldsForAnyInstanceInTheWindow) {
  HistoryQuery query;
  query.q = q("level>5");
  Window low(entity(1, "urn:s:1", {kShelter}));
  low.add(kLevel, reading(1));
  low.add(kLevel, reading(2));
  EXPECT_FALSE(std::move(low).selected_by(query));
  Window high(entity(1, "urn:s:1", {kShelter}));
  high.add(kLevel, reading(1));
  high.add(kLevel, reading(7));
  EXPECT_TRUE(std::move(high).selected_by(query));
  EXPECT_TRUE(Window(entity(1, "urn:s:1", {kShelter})).selected_by(HistoryQuery{}));
}

TEST(HistorySelection, TheScopeInTheWindowIsEveryScopeTheEntityHad) {
  HistoryQuery query;
  auto scope = query::parse_scope_query("/Osaka/Kita");
  ASSERT_TRUE(scope);
  query.scope = std::make_shared<const query::TermExpr>(std::move(*scope));
  Window window(entity(1, "urn:s:1", {kShelter}));
  window.add(kScopeAttribute, reading("/Kyoto"));
  window.add(kScopeAttribute, reading(boost::json::array{"/Nara", "/Osaka/Kita"}));
  EXPECT_TRUE(std::move(window).selected_by(query));
  Window elsewhere(entity(1, "urn:s:1", {kShelter}));
  elsewhere.add(kScopeAttribute, reading(boost::json::array{"/Nara", "/Kyoto"}));
  EXPECT_FALSE(std::move(elsewhere).selected_by(query));
}

std::vector<std::int64_t> hids(const Selection& s) {
  std::vector<std::int64_t> out(s.entities.size());
  std::ranges::transform(s.entities, out.begin(), &SelectedEntity::hid);
  return out;
}

TEST(HistorySelection, ThePageSkipsTheOffsetAndStopsAtTheLimit) {
  HistoryQuery query;
  query.offset = 1;
  query.limit = 2;
  SelectionPage page(query);
  for (std::int64_t hid = 1; hid <= 5 && !page.done(); ++hid) page.offer(entity(hid, "", {}));
  const auto s = std::move(page).finish();
  EXPECT_EQ(hids(s), (std::vector<std::int64_t>{2, 3}));
  EXPECT_FALSE(s.total.has_value());
}

TEST(HistorySelection, ACountedPageCountsEveryEntitySelected) {
  HistoryQuery query;
  query.offset = 1;
  query.limit = 2;
  query.count = true;
  SelectionPage page(query);
  for (std::int64_t hid = 1; hid <= 5; ++hid) {
    EXPECT_FALSE(page.done());
    page.offer(entity(hid, "", {}));
  }
  const auto s = std::move(page).finish();
  EXPECT_EQ(hids(s), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(s.total, 5u);
}

}  // namespace
}  // namespace tsunagu::store
