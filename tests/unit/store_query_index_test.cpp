// Every store's q and geoQ path: the value index and R*Tree only narrow the candidates, so
// for every query the store must return exactly what the exact evaluators select from all
// entities. Checked by brute force over a varied set of entities.

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <future>
#include <map>
#include <random>

#include "query/geo_query.hpp"
#include "query/q_eval.hpp"
#include "query/q_parser.hpp"
#include "query/scope_query.hpp"
#include "query/type_query.hpp"
#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using model::AttributeKind;

const std::string kEx = "https://example.org/";

std::string expand(std::string_view term) {
  return kEx + std::string(term);
}

model::Attribute attr(AttributeKind kind, json::value value) {
  model::Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  return a;
}

// Entity i of a varied set: numbers, strings, arrays, typed values, relationships, vocab,
// language maps, JSON properties, multi-attributes and points around Osaka.
model::Entity varied(int i) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Thing:" + std::to_string(i);
  e.types = {expand(i % 3 ? "Shelter" : "School")};
  if (i % 4 == 0) e.types.push_back(expand("Building"));
  switch (i % 5) {
    case 0:
      e.scope = json::string("/Osaka/Kita");
      break;
    case 1:
      e.scope = json::string("/Osaka/Kita/Umeda");
      break;
    case 2:
      e.scope = json::array{"/Sakai", "/Osaka/Minami/Namba"};
      break;
    case 3:
      e.scope = json::string("/Osaka_Kita");
      break;  // '_' is no LIKE wildcard here
    default:
      break;
  }
  auto put = [&](const std::string& name, model::Attribute a) {
    model::put_instance(e.attributes, expand(name), std::move(a));
  };
  if (i % 5 != 0) put("capacity", attr(AttributeKind::Property, i * 10));
  if (i % 4 == 0) put("capacity", attr(AttributeKind::Property, json::array{i, i + 1000}));
  put("status", attr(AttributeKind::Property, i % 2 ? "open" : "closed"));
  if (i % 7 == 0) put("level", attr(AttributeKind::Property, json::parse(R"({"@value": 7.5})")));
  put("owner", attr(AttributeKind::Relationship,
                    json::string("urn:ngsi-ld:Person:" + std::to_string(i % 4))));
  put("kind",
      attr(AttributeKind::VocabProperty, json::string(expand(i % 2 ? "public" : "private"))));
  put("name", attr(AttributeKind::LanguageProperty,
                   json::object{{"en", "Hall " + std::to_string(i)}, {"ja", "会館"}}));
  put("extra", attr(AttributeKind::JsonProperty, i % 3));
  if (i % 6 == 0) {
    auto second = attr(AttributeKind::Property, 5);
    second.dataset_id = "urn:ngsi-ld:Dataset:b";
    put("capacity", std::move(second));
  }
  const double lon = 135.40 + 0.01 * (i % 20), lat = 34.60 + 0.01 * (i / 20);
  put("location", attr(AttributeKind::GeoProperty,
                       json::object{{"type", "Point"}, {"coordinates", json::array{lon, lat}}}));
  return e;
}

// One store per backend, loaded once for the suite. On SQLite the same data is also read through
// planners that find nothing selective (every query walks the entities in order) and that find
// only small conditions selective, so that each kind of plan is checked against the evaluators;
// PostgreSQL plans by itself.
class QueryIndexTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  struct Loaded {
    testing::StoreLocation location;
    std::unique_ptr<Store> store;
    std::shared_ptr<TenantStore> db;
    std::vector<std::unique_ptr<Store>> other_stores;
    std::vector<std::shared_ptr<TenantStore>> other_dbs;
  };

  void SetUp() override {
    auto& slot = loaded_[GetParam()];
    if (!slot) {
      slot = std::make_unique<Loaded>();
      ASSERT_NO_FATAL_FAILURE(load(*slot, GetParam()));
    }
    current_ = slot.get();
    ASSERT_TRUE(current_->db);
  }
  static void load(Loaded& l, testing::Backend backend) {
    l.location = testing::fresh_location(backend);
    auto s = testing::open_store(l.location);
    ASSERT_TRUE(s) << s.error().message;
    l.store = std::move(*s);
    auto t = l.store->tenant("", true);
    ASSERT_TRUE(t) << t.error().message;
    if (entities_.empty()) {
      for (int i = 0; i < kCount; ++i) entities_.push_back(varied(i));
    }
    for (const auto& e : entities_) {
      ASSERT_TRUE(testing::run_job(**t, [e](WriteTxn& txn) { return txn.insert(e); }));
    }
    l.db = *t;
    if (backend != testing::Backend::Sqlite) return;
    for (std::size_t selective_rows : {std::size_t{0}, std::size_t{25}}) {
      auto other = testing::open_store(l.location, {.selective_rows = selective_rows});
      ASSERT_TRUE(other);
      l.other_dbs.push_back(*(*other)->tenant("", false));
      l.other_stores.push_back(std::move(*other));
    }
  }
  static void TearDownTestSuite() {
    for (auto& [backend, l] : loaded_) {
      l->other_dbs.clear();
      l->other_stores.clear();
      l->db.reset();
      l->store.reset();
      testing::remove_location(l->location);
    }
    loaded_.clear();
  }

  // Ids the store returns, against ids the evaluator selects from every entity.
  void expect_exact(const EntityQuery& q, const std::string& label) {
    expect_exact_in(*current_->db, q, label);
    for (std::size_t i = 0; i < current_->other_dbs.size(); ++i) {
      expect_exact_in(*current_->other_dbs[i], q, label + " (planner " + std::to_string(i) + ")");
    }
  }

  static void expect_exact_in(TenantStore& db, const EntityQuery& q, const std::string& label) {
    SCOPED_TRACE(label);
    auto page = db.query(q);
    ASSERT_TRUE(page) << page.error().message;
    std::vector<std::string> want;
    for (const auto& e : entities_) {
      const bool selected =
          q.entities.empty() || std::any_of(q.entities.begin(), q.entities.end(),
                                            [&](const auto& s) { return query::matches(s, e); });
      if (selected && (!q.q || query::matches(*q.q, e)) && (!q.geo || query::matches(*q.geo, e)) &&
          (!q.scope || query::matches_scope(*q.scope, e))) {
        want.push_back(e.id);
      }
    }
    std::vector<std::string> got;
    for (const auto& e : page->entities) got.push_back(e.id);
    EXPECT_EQ(got, want);
    EXPECT_EQ(page->total, want.size());
  }

  static constexpr int kCount = 120;
  static inline std::map<testing::Backend, std::unique_ptr<Loaded>> loaded_;
  static inline std::vector<model::Entity> entities_;
  Loaded* current_ = nullptr;
};

TEST_P(QueryIndexTest, QResultsEqualTheEvaluatorsOverAllEntities) {
  const char* expressions[] = {"capacity>500",
                               "capacity>=1000",
                               "capacity<30",
                               "capacity==50",
                               "capacity==40,60,1004",
                               "capacity==100..200",
                               "capacity!=50",
                               "capacity",
                               "!capacity",
                               "level==7.5",
                               "level>7",
                               "status==\"open\"",
                               "status==\"open\";capacity>300",
                               "status==\"closed\"|capacity<20",
                               "(status==\"open\"|capacity==5);capacity<100",
                               "owner==urn:ngsi-ld:Person:1",
                               "owner==\"urn:ngsi-ld:Person:2\"",
                               "kind==\"public\"",
                               "name==\"Hall 7\"",
                               "name[en]==\"Hall 8\"",
                               "name>\"Hall 9\"",
                               "extra==1",
                               "extra>=2",
                               "status~=\"op.*\"",
                               "capacity.datasetId==\"urn:ngsi-ld:Dataset:b\"",
                               "status==\"a\"..\"d\""};
  for (const char* text : expressions) {
    auto parsed = query::parse_q(text, expand);
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().message;
    EntityQuery q;
    q.q = std::make_shared<const query::Expr>(std::move(*parsed));
    q.limit = 1000;
    q.count = true;
    expect_exact(q, text);
    q.entities = {query::of_types({expand("Shelter")})};
    expect_exact(q, std::string(text) + " with type");
  }
}

TEST_P(QueryIndexTest, GeoResultsEqualTheEvaluatorsOverAllEntities) {
  struct Case {
    const char *georel, *geometry, *coordinates;
  };
  const Case cases[] = {
      {"near;maxDistance==2000", "Point", "[135.45,34.62]"},
      {"near;minDistance==5000", "Point", "[135.45,34.62]"},
      {"within", "Polygon",
       "[[[135.4,34.6],[135.5,34.6],[135.5,34.65],[135.4,34.65],[135.4,34.6]]]"},
      {"intersects", "Polygon", "[[[135.41,34.61],[135.44,34.61],[135.44,34.64],[135.41,34.61]]]"},
      {"disjoint", "Point", "[135.4,34.6]"},
      {"equals", "Point", "[135.4,34.6]"},
  };
  for (const auto& c : cases) {
    auto parsed = query::parse_geo_query(c.georel, c.geometry, c.coordinates, expand("location"));
    ASSERT_TRUE(parsed) << c.georel << ": " << parsed.error().message;
    EntityQuery q;
    q.geo = std::make_shared<const query::GeoQuery>(std::move(*parsed));
    q.limit = 1000;
    q.count = true;
    expect_exact(q, c.georel);
  }
}

TEST_P(QueryIndexTest, PagesCountOnlyMatches) {
  auto parsed = query::parse_q("status==\"open\"", expand);
  ASSERT_TRUE(parsed);
  EntityQuery q;
  q.q = std::make_shared<const query::Expr>(std::move(*parsed));
  q.limit = 5;
  q.offset = 10;
  q.count = true;
  auto page = current_->db->query(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->entities.size(), 5u);
  EXPECT_EQ(page->entities.front().id, "urn:ngsi-ld:Thing:21");  // the 11th odd id
  EXPECT_EQ(page->total, 60u);
}

}  // namespace
}  // namespace tsunagu::store

namespace tsunagu::store {
namespace {

std::shared_ptr<const query::TermExpr> types(std::string_view text) {
  auto expr = query::parse_type_query(text);
  EXPECT_TRUE(expr) << text;
  query::for_each_atom(*expr, [](std::string& atom) { atom = expand(atom); });
  return std::make_shared<const query::TermExpr>(std::move(*expr));
}

TEST_P(QueryIndexTest, TypeExpressionsAreExactFromTheIndex) {
  for (const char* text : {"Shelter", "Shelter|School", "Shelter;Building", "School;Building",
                           "(Shelter|School);Building", "Building|School;Shelter", "Nothing",
                           "Shelter;School", "Nothing|Building"}) {
    EntityQuery q{.entities = {{.type = types(text)}}, .limit = 1000, .count = true};
    expect_exact(q, text);
  }
}

TEST_P(QueryIndexTest, SeveralSelectorsAreAnOr) {
  EntityQuery q{.entities = {{.type = types("School"), .ids = {"urn:ngsi-ld:Thing:0"}},
                             {.type = types("Building"), .id_pattern = "[13]$"},
                             {.ids = {"urn:ngsi-ld:Thing:7", "urn:ngsi-ld:Thing:8"}}},
                .limit = 1000,
                .count = true};
  expect_exact(q, "three selectors");
}

TEST_P(QueryIndexTest, ScopeQueriesEqualTheEvaluatorOverAllEntities) {
  for (const char* text : {"/Osaka/Kita", "/Osaka/#", "/Osaka/Kita/#", "/#", "/+/Kita",
                           "/Osaka/+/Umeda", "/Osaka/+", "/Sakai|/Osaka/Kita", "/Sakai;/Osaka/#",
                           "/Osaka_Kita", "/Osaka/Kita/Umeda/#", "/Nowhere", "/+"}) {
    auto scope = query::parse_scope_query(text);
    ASSERT_TRUE(scope) << text;
    EntityQuery q{.scope = std::make_shared<const query::TermExpr>(std::move(*scope)),
                  .limit = 1000,
                  .count = true};
    expect_exact(q, text);
    q.entities = {{.type = types("Shelter")}};
    expect_exact(q, std::string(text) + " with type");
  }
}

}  // namespace
}  // namespace tsunagu::store

namespace tsunagu::store {
namespace {

// A page of a query, in each planner, is the slice of the brute-force answer.
TEST_P(QueryIndexTest, PagesAreSlicesOfTheAnswerInEveryPlan) {
  auto q_expr = query::parse_q("capacity>100;status==\"open\"", expand);
  ASSERT_TRUE(q_expr);
  auto scope = query::parse_scope_query("/Osaka/#");
  ASSERT_TRUE(scope);
  std::vector<std::pair<std::string, EntityQuery>> queries = {
      {"type and", {.entities = {{.type = types("Shelter;Building")}}}},
      {"ids",
       {.entities = {{.ids = {"urn:ngsi-ld:Thing:3", "urn:ngsi-ld:Thing:9", "urn:ngsi-ld:Thing:12",
                              "urn:ngsi-ld:Thing:40"}}}}},
      {"attrs", {.entities = {{.type = types("School")}}, .attrs = {expand("level")}}},
      {"q", {.q = std::make_shared<const query::Expr>(std::move(*q_expr))}},
      {"scope",
       {.entities = {{.type = types("Shelter")}},
        .scope = std::make_shared<const query::TermExpr>(std::move(*scope))}},
  };
  for (auto& [label, q] : queries) {
    q.limit = 1000;
    q.count = true;
    auto all = current_->db->query(q);
    ASSERT_TRUE(all) << label;
    ASSERT_GE(all->entities.size(), 3u) << label;
    std::vector<TenantStore*> dbs{current_->db.get()};
    for (auto& d : current_->other_dbs) dbs.push_back(d.get());
    for (std::size_t i = 0; i < dbs.size(); ++i) {
      SCOPED_TRACE(label + " in planner " + std::to_string(i));
      EntityQuery paged = q;
      paged.limit = 2;
      paged.offset = 1;
      auto page = dbs[i]->query(paged);
      ASSERT_TRUE(page);
      ASSERT_EQ(page->entities.size(), 2u);
      EXPECT_EQ(page->entities[0].id, all->entities[1].id);
      EXPECT_EQ(page->entities[1].id, all->entities[2].id);
      EXPECT_EQ(page->total, all->total);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryIndexTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace tsunagu::store
