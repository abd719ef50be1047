// The planner of the SQLite query compiler: which condition drives a query, given how many
// index rows each has. The SQL itself is checked against the evaluators by
// sqlite_query_index_test.cpp, in every kind of plan.

#include "store/sqlite/query_compiler.hpp"

#include <gtest/gtest.h>

#include "query/q_parser.hpp"
#include "query/type_query.hpp"

namespace tsunagu::store::sqlite {
namespace {

std::string expand(std::string_view term) {
  return "https://example.org/" + std::string(term);
}

std::shared_ptr<const query::TermExpr> types(std::string_view text) {
  auto expr = query::parse_type_query(text);
  EXPECT_TRUE(expr);
  query::for_each_atom(*expr, [](std::string& atom) { atom = expand(atom); });
  return std::make_shared<const query::TermExpr>(std::move(*expr));
}

std::shared_ptr<const query::Expr> q(std::string_view text) {
  auto expr = query::parse_q(text, expand);
  EXPECT_TRUE(expr) << text;
  return std::make_shared<const query::Expr>(std::move(*expr));
}

// An estimator that answers from a table keyed by a piece of the SQL, and records its calls.
struct FakeEstimates {
  std::vector<std::pair<std::string, std::size_t>> rows;  // SQL containing key -> rows
  std::size_t calls = 0;

  RowEstimator estimator() {
    return [this](const SqlFragment& rids, std::size_t bound) {
      ++calls;
      for (const auto& [key, n] : rows) {
        for (const auto& p : rids.params) {
          if (p == key) return std::min(n, bound);
        }
        if (rids.sql.find(key) != std::string::npos) return std::min(n, bound);
      }
      return bound;
    };
  }
};

TEST(QueryPlanner, OneTypeIsWalkedWithoutEstimates) {
  FakeEstimates est;
  auto c = compile({.entities = {{.type = types("Shelter")}}}, est.estimator());
  EXPECT_EQ(c.driver, "type");
  EXPECT_EQ(est.calls, 0u);
  EXPECT_NE(c.page.sql.find("FROM entity_types x JOIN entities e"), std::string::npos);
  EXPECT_NE(c.page.sql.find("LIMIT 20 OFFSET 0"), std::string::npos);
  EXPECT_EQ(c.count.sql.rfind("SELECT count(*) FROM entity_types x WHERE", 0), 0u) << c.count.sql;
  EXPECT_FALSE(c.needs_evaluation);
}

TEST(QueryPlanner, ASelectiveComparisonDrives) {
  FakeEstimates est{{{expand("capacity"), 12}}};
  auto c =
      compile({.entities = {{.type = types("Shelter")}}, .q = q("capacity==7")}, est.estimator());
  EXPECT_EQ(c.driver, "index:1");
  EXPECT_EQ(est.calls, 2u);
  EXPECT_NE(c.page.sql.find("e.rid IN (SELECT entity FROM attr_values"), std::string::npos);
  EXPECT_NE(c.page.sql.find("EXISTS (SELECT 1 FROM entity_types"), std::string::npos);
  EXPECT_TRUE(c.needs_evaluation);
  EXPECT_EQ(c.page.sql.find("LIMIT"), std::string::npos);
}

TEST(QueryPlanner, TheSmallestOfSeveralSelectiveConditionsDrives) {
  FakeEstimates est{{{expand("status"), 900}, {expand("capacity"), 40}}};
  auto c = compile({.q = q("status==\"open\";capacity>10")}, est.estimator());
  EXPECT_EQ(c.driver, "index:1");
}

// The restriction of `subjects` granted residents, each in both indexed forms.
SubjectRestriction granted(std::size_t subjects) {
  SubjectRestriction r{expand("Application"), expand("applicant"), {}};
  for (std::size_t i = 0; i < subjects; ++i) {
    r.values.push_back("r" + std::to_string(i));
    r.values.push_back("urn:ngsi-ld:Person:r" + std::to_string(i));
  }
  return r;
}

// A client granted by most residents: the subjects (900, one entity each) are nearly the whole
// type (1000), so walking the type stops after about 22 entities, where the driver would list
// 900. The restriction's rows come from its subjects, not from the index.
TEST(QueryPlanner, ARestrictionCoveringMostOfTheTypeWalksTheType) {
  FakeEstimates est{{{"entity_types", 1000}}};
  auto c = compile({.entities = {{.type = types("Application")}}, .restrictions = {granted(900)}},
                   est.estimator());
  EXPECT_EQ(c.driver, "type");
  EXPECT_EQ(est.calls, 1u);  // the type's only
  EXPECT_NE(c.page.sql.find("LIMIT 20 OFFSET 0"), std::string::npos);
  EXPECT_NE(c.page.sql.find("json_each"), std::string::npos);  // checked per entity
}

// A few granted among many: the subjects drive.
TEST(QueryPlanner, ARestrictionOfFewSubjectsDrives) {
  FakeEstimates est{{{"entity_types", 1000}}};
  auto c = compile({.entities = {{.type = types("Application")}}, .restrictions = {granted(6)}},
                   est.estimator());
  EXPECT_EQ(c.driver, "index:1");
}

// A type larger than the estimator's bound: its walk's length is unknown, so the driver stays.
TEST(QueryPlanner, ARestrictionOnAHugeTypeKeepsItsDriver) {
  FakeEstimates est;  // the type reaches the bound
  auto c = compile({.entities = {{.type = types("Application")}}, .restrictions = {granted(900)}},
                   est.estimator());
  EXPECT_EQ(c.driver, "index:1");
}

// Granted by more residents than a driver may list: the type is walked.
TEST(QueryPlanner, ARestrictionOfManySubjectsIsNotSelective) {
  FakeEstimates est;
  auto c = compile({.entities = {{.type = types("Application")}}, .restrictions = {granted(5000)}},
                   est.estimator());
  EXPECT_EQ(c.driver, "type");
}

TEST(QueryPlanner, NothingSelectiveWalksTheTypeInOrder) {
  FakeEstimates est;  // every estimate reaches the bound
  auto c = compile({.entities = {{.type = types("Shelter")}}, .q = q("status==\"open\"")},
                   est.estimator());
  EXPECT_EQ(c.driver, "type");
  EXPECT_NE(c.page.sql.find("EXISTS (SELECT 1 FROM attr_values"), std::string::npos);
  EXPECT_NE(c.page.sql.find("ORDER BY x.entity"), std::string::npos);
}

TEST(QueryPlanner, NothingSelectiveAndNoTypeScansEntities) {
  FakeEstimates est;
  auto c = compile({.q = q("status==\"open\"")}, est.estimator());
  EXPECT_EQ(c.driver, "scan");
  EXPECT_EQ(c.page.sql.rfind("SELECT e.doc FROM entities e WHERE EXISTS", 0), 0u) << c.page.sql;
}

TEST(QueryPlanner, TypeAndSplitsIntoConditionsThatMayEachDrive) {
  FakeEstimates est{{{expand("Rare"), 3}}};
  auto c = compile({.entities = {{.type = types("Shelter;Rare")}}}, est.estimator());
  EXPECT_EQ(c.driver, "index:1");
  EXPECT_FALSE(c.needs_evaluation);
}

TEST(QueryPlanner, SeveralSelectorsAreOneFilter) {
  FakeEstimates est;
  auto c = compile({.entities = {{.type = types("A")}, {.ids = {"urn:x:1"}}}}, est.estimator());
  EXPECT_EQ(c.driver, "scan");
  EXPECT_EQ(est.calls, 0u);
  EXPECT_NE(c.page.sql.find(" OR "), std::string::npos);
}

TEST(QueryPlanner, ParametersFollowTheirPlaceholders) {
  FakeEstimates est{{{expand("capacity"), 5}}};
  auto c = compile({.entities = {{.type = types("Shelter"), .id_pattern = "x$"}},
                    .q = q("capacity==7;name==\"Kita\"")},
                   est.estimator());
  std::size_t marks = 0;
  for (char ch : c.page.sql) marks += ch == '?' ? 1 : 0;
  EXPECT_EQ(marks, c.page.params.size());
  // The driver's parameters come first, as its SQL does.
  ASSERT_FALSE(c.page.params.empty());
  EXPECT_EQ(c.page.params.front(), expand("capacity"));
}

}  // namespace
}  // namespace tsunagu::store::sqlite
