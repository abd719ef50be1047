// Personal-data rules (consent/rules.hpp): who an entity is about (subject_of), the refusal of
// personal entities without an owner, categories, and the rules' JSON form with its exact errors.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "consent/rules.hpp"

namespace tsunagu::consent {
namespace {

namespace json = boost::json;
using model::AttributeKind;

const std::string kEx = "https://example.org/";
const std::string kApplication = kEx + "ChildcareApplication";
const std::string kCheckup = kEx + "HealthCheckup";
const std::string kApplicant = kEx + "applicant";
const std::string kPerson = kEx + "person";
const std::string kHeight = kEx + "height";
const std::string kWeight = kEx + "weight";

model::Attribute attr(AttributeKind kind, json::value value,
                      std::optional<std::string> dataset = std::nullopt) {
  model::Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.dataset_id = std::move(dataset);
  return a;
}

PersonalDataRule whole_rule() {
  return {kApplication, "childcare-application", kApplicant, {}};
}

PersonalDataRule attribute_rule() {
  return {kCheckup, "health-checkup", kPerson, {kHeight, kWeight}};
}

model::Entity entity_with(const std::string& type, const std::string& name, model::Attribute a) {
  model::Entity e;
  e.id = "urn:ngsi-ld:Thing:1";
  e.types = {type};
  model::put_instance(e.attributes, name, std::move(a));
  return e;
}

std::optional<std::string> subject(AttributeKind kind, json::value value) {
  return subject_of(entity_with(kApplication, kApplicant, attr(kind, std::move(value))),
                    whole_rule());
}

Result<RuleSet> parse_rules(std::string_view text) {
  return rules_from_json(json::parse(text));
}

// The message of the error rules_from_json gives for `text`; checks it is BadRequestData.
std::string rules_error(std::string_view text) {
  auto r = parse_rules(text);
  EXPECT_FALSE(r) << text;
  if (r) return "(no error)";
  EXPECT_EQ(r.error().kind, ErrorKind::BadRequestData) << text;
  return r.error().message;
}

TEST(ConsentRules, SubjectOfARelationshipToAPerson) {
  EXPECT_EQ(subject(AttributeKind::Relationship, "urn:ngsi-ld:Person:alice"), "alice");
  EXPECT_EQ(subject(AttributeKind::Relationship, "urn:ngsi-ld:Person:a:b"), "a:b");
}

TEST(ConsentRules, SubjectOfAPropertyIsItsStringOrThePersonUrnsSubject) {
  EXPECT_EQ(subject(AttributeKind::Property, "alice"), "alice");
  // Written as the Relationship's URN, it names the same resident: the store's index holds
  // both forms, so the policy must read both alike.
  EXPECT_EQ(subject(AttributeKind::Property, "urn:ngsi-ld:Person:alice"), "alice");
  EXPECT_EQ(subject(AttributeKind::Property, "urn:ngsi-ld:Person:"), std::nullopt);
}

TEST(ConsentRules, RelationshipsToAnythingButAPersonNameNoSubject) {
  EXPECT_EQ(subject(AttributeKind::Relationship, "urn:ngsi-ld:Organization:alice"), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Relationship, "urn:ngsi-ld:person:alice"), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Relationship, "alice"), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Relationship, "x-urn:ngsi-ld:Person:alice"), std::nullopt);
}

TEST(ConsentRules, EmptySubjectsAreNone) {
  EXPECT_EQ(subject(AttributeKind::Relationship, "urn:ngsi-ld:Person:"), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Relationship, ""), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Property, ""), std::nullopt);
}

TEST(ConsentRules, NonStringValuesAndOtherKindsNameNoSubject) {
  EXPECT_EQ(subject(AttributeKind::Property, 42), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Property, json::array{"alice"}), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Property, json::object{{"@value", "alice"}}), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Relationship, json::array{"urn:ngsi-ld:Person:alice"}),
            std::nullopt);
  EXPECT_EQ(subject(AttributeKind::Property, nullptr), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::VocabProperty, "alice"), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::JsonProperty, "alice"), std::nullopt);
  EXPECT_EQ(subject(AttributeKind::ListRelationship, "urn:ngsi-ld:Person:alice"), std::nullopt);
}

TEST(ConsentRules, TwoInstancesNameNoSubject) {
  auto e = entity_with(kApplication, kApplicant,
                       attr(AttributeKind::Relationship, "urn:ngsi-ld:Person:alice"));
  ASSERT_EQ(subject_of(e, whole_rule()), "alice");
  model::put_instance(
      e.attributes, kApplicant,
      attr(AttributeKind::Relationship, "urn:ngsi-ld:Person:alice", "urn:ngsi-ld:Dataset:2"));
  ASSERT_EQ(model::find_entry(e.attributes, kApplicant)->instances.size(), 2U);
  EXPECT_EQ(subject_of(e, whole_rule()), std::nullopt);
}

TEST(ConsentRules, OneInstanceWithADatasetIdStillNamesTheSubject) {
  auto e = entity_with(kApplication, kApplicant,
                       attr(AttributeKind::Property, "alice", "urn:ngsi-ld:Dataset:2"));
  EXPECT_EQ(subject_of(e, whole_rule()), "alice");
}

TEST(ConsentRules, AMissingSubjectAttributeNamesNoSubject) {
  auto e = entity_with(kApplication, kEx + "other",
                       attr(AttributeKind::Relationship, "urn:ngsi-ld:Person:alice"));
  EXPECT_EQ(subject_of(e, whole_rule()), std::nullopt);
  model::Entity bare;
  bare.id = "urn:ngsi-ld:Thing:2";
  bare.types = {kApplication};
  EXPECT_EQ(subject_of(bare, whole_rule()), std::nullopt);
}

TEST(ConsentRules, IndexedFormsAreThePropertyAndTheRelationshipForm) {
  EXPECT_EQ(indexed_forms("alice"),
            (std::vector<std::string>{"alice", "urn:ngsi-ld:Person:alice"}));
}

TEST(ConsentRules, CoversTheListedAttributesAndTheSubject) {
  const auto rule = attribute_rule();
  EXPECT_FALSE(rule.whole_entity());
  EXPECT_TRUE(rule.covers(kHeight));
  EXPECT_TRUE(rule.covers(kWeight));
  EXPECT_TRUE(rule.covers(kPerson));
  EXPECT_FALSE(rule.covers(kEx + "address"));
  EXPECT_FALSE(rule.covers(""));
  const auto whole = whole_rule();
  EXPECT_TRUE(whole.whole_entity());
  EXPECT_TRUE(whole.covers(kApplicant));
  EXPECT_FALSE(whole.covers(kHeight));
}

TEST(ConsentRules, RuleSetFindsRulesByTypeInRuleOrder) {
  RuleSet set{{whole_rule(), attribute_rule()}};
  EXPECT_FALSE(set.empty());
  EXPECT_TRUE(RuleSet{}.empty());
  ASSERT_NE(set.for_type(kCheckup), nullptr);
  EXPECT_EQ(set.for_type(kCheckup)->category, "health-checkup");
  EXPECT_EQ(set.for_type(kEx + "Shelter"), nullptr);
  const auto both = set.for_types({kEx + "Shelter", kCheckup, kApplication});
  ASSERT_EQ(both.size(), 2U);
  EXPECT_EQ(both[0]->type, kApplication);
  EXPECT_EQ(both[1]->type, kCheckup);
  EXPECT_TRUE(set.for_types({kEx + "Shelter"}).empty());
}

TEST(ConsentRules, CheckSubjectAcceptsOwnedAndNonPersonalEntities) {
  RuleSet set{{whole_rule(), attribute_rule()}};
  EXPECT_TRUE(
      check_subject(entity_with(kApplication, kApplicant,
                                attr(AttributeKind::Relationship, "urn:ngsi-ld:Person:alice")),
                    set));
  EXPECT_TRUE(
      check_subject(entity_with(kCheckup, kPerson, attr(AttributeKind::Property, "bob")), set));
  EXPECT_TRUE(check_subject(
      entity_with(kEx + "Shelter", kEx + "name", attr(AttributeKind::Property, "")), set));
  EXPECT_TRUE(check_subject(entity_with(kApplication, kEx + "x", attr(AttributeKind::Property, 1)),
                            RuleSet{}));
}

TEST(ConsentRules, CheckSubjectNamesTheEntityTheCategoryAndTheAttribute) {
  RuleSet set{{whole_rule(), attribute_rule()}};
  auto e = entity_with(kCheckup, kPerson, attr(AttributeKind::Relationship, "urn:ngsi-ld:X:bob"));
  e.id = "urn:ngsi-ld:HealthCheckup:7";
  auto st = check_subject(e, set);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::BadRequestData);
  EXPECT_EQ(st.error().message,
            "entity 'urn:ngsi-ld:HealthCheckup:7' is personal data of category 'health-checkup' "
            "and must name its data subject in attribute 'https://example.org/person': one "
            "Relationship to urn:ngsi-ld:Person:<subject> or one Property whose value is the "
            "subject");
}

TEST(ConsentRules, CheckSubjectReportsTheFirstRuleTheEntityFails) {
  RuleSet set{{whole_rule(), attribute_rule()}};
  // Owned under the checkup rule, not under the application rule.
  auto e = entity_with(kCheckup, kPerson, attr(AttributeKind::Property, "bob"));
  e.types.push_back(kApplication);
  auto st = check_subject(e, set);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("of category 'childcare-application'"), std::string::npos)
      << st.error().message;
  EXPECT_NE(st.error().message.find("in attribute 'https://example.org/applicant'"),
            std::string::npos)
      << st.error().message;
}

TEST(ConsentRules, ValidCategories) {
  EXPECT_TRUE(valid_category("a"));
  EXPECT_TRUE(valid_category("childcare-application"));
  EXPECT_TRUE(valid_category("a-"));
  EXPECT_TRUE(valid_category("x9-0"));
  EXPECT_TRUE(valid_category("a--b"));
  EXPECT_TRUE(valid_category("a" + std::string(63, 'z')));
  EXPECT_FALSE(valid_category("a" + std::string(64, 'z')));
  EXPECT_FALSE(valid_category(""));
  EXPECT_FALSE(valid_category("Health"));
  EXPECT_FALSE(valid_category("healtH"));
  EXPECT_FALSE(valid_category("1health"));
  EXPECT_FALSE(valid_category("-health"));
  EXPECT_FALSE(valid_category("health_checkup"));
  EXPECT_FALSE(valid_category("health checkup"));
  EXPECT_FALSE(valid_category("health:checkup"));
  EXPECT_FALSE(valid_category("h\xC3\xA9lth"));
  EXPECT_FALSE(valid_category(std::string_view("a\0b", 3)));
}

TEST(ConsentRules, RulesFromJsonReadsEveryMember) {
  auto set = parse_rules(R"([
    {"type": "https://example.org/ChildcareApplication", "category": "childcare-application",
     "subject": "https://example.org/applicant"},
    {"type": "https://example.org/HealthCheckup", "category": "health-checkup",
     "subject": "https://example.org/person",
     "attributes": ["https://example.org/height", "https://example.org/weight"]}])");
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_EQ(set->rules.size(), 2U);
  EXPECT_EQ(set->rules[0].type, kApplication);
  EXPECT_EQ(set->rules[0].category, "childcare-application");
  EXPECT_EQ(set->rules[0].subject, kApplicant);
  EXPECT_TRUE(set->rules[0].attributes.empty());
  EXPECT_EQ(set->rules[1].type, kCheckup);
  EXPECT_EQ(set->rules[1].category, "health-checkup");
  EXPECT_EQ(set->rules[1].subject, kPerson);
  EXPECT_EQ(set->rules[1].attributes, (std::vector<std::string>{kHeight, kWeight}));
}

TEST(ConsentRules, AnEmptyArrayIsNoRules) {
  auto set = parse_rules("[]");
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->empty());
}

TEST(ConsentRules, RulesMustBeAnArrayOfObjects) {
  EXPECT_EQ(rules_error("{}"), "personal-data rules must be a JSON array");
  EXPECT_EQ(rules_error("null"), "personal-data rules must be a JSON array");
  EXPECT_EQ(rules_error(R"("rules")"), "personal-data rules must be a JSON array");
  EXPECT_EQ(rules_error("[1]"), "personal-data rule 0: must be an object");
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "c", "subject": "s"}, []])"),
            "personal-data rule 1: must be an object");
}

TEST(ConsentRules, UnknownMembersAreRefused) {
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "c", "subject": "s", "purpose": "x"}])"),
            "personal-data rule 0: unknown member 'purpose'");
  EXPECT_EQ(rules_error(R"([{"Type": "T", "category": "c", "subject": "s"}])"),
            "personal-data rule 0: unknown member 'Type'");
}

TEST(ConsentRules, MissingOrEmptyMembersAreRefused) {
  EXPECT_EQ(rules_error(R"([{"category": "c", "subject": "s"}])"),
            "personal-data rule 0: 'type' must be a non-empty string");
  EXPECT_EQ(rules_error(R"([{"type": "T", "subject": "s"}])"),
            "personal-data rule 0: 'category' must be a non-empty string");
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "c"}])"),
            "personal-data rule 0: 'subject' must be a non-empty string");
  EXPECT_EQ(rules_error(R"([{"type": "", "category": "c", "subject": "s"}])"),
            "personal-data rule 0: 'type' must be a non-empty string");
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": 5, "subject": "s"}])"),
            "personal-data rule 0: 'category' must be a non-empty string");
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "c", "subject": ["s"]}])"),
            "personal-data rule 0: 'subject' must be a non-empty string");
}

TEST(ConsentRules, BadCategoriesAreRefused) {
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "Health", "subject": "s"}])"),
            "personal-data rule 0: category 'Health' must be 1 to 64 characters of a-z, 0-9 "
            "and '-', starting with a letter");
  const std::string long_category = "a" + std::string(64, 'b');
  EXPECT_EQ(
      rules_error(R"([{"type": "T", "category": ")" + long_category + R"(", "subject": "s"}])"),
      "personal-data rule 0: category '" + long_category +
          "' must be 1 to 64 characters of a-z, 0-9 and '-', starting with a letter");
}

TEST(ConsentRules, AttributesMustBeANonEmptyArrayOfNames) {
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "c", "subject": "s", "attributes": []}])"),
            "personal-data rule 0: 'attributes' may not be empty: leave it out to make the whole "
            "entity personal");
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "c", "subject": "s", "attributes": "a"}])"),
            "personal-data rule 0: 'attributes' must be an array of attribute names");
  EXPECT_EQ(
      rules_error(R"([{"type": "T", "category": "c", "subject": "s", "attributes": ["a", 1]}])"),
      "personal-data rule 0: 'attributes' must hold non-empty strings");
  EXPECT_EQ(
      rules_error(R"([{"type": "T", "category": "c", "subject": "s", "attributes": ["a", ""]}])"),
      "personal-data rule 0: 'attributes' must hold non-empty strings");
}

TEST(ConsentRules, ASecondRuleForATypeIsRefused) {
  EXPECT_EQ(rules_error(R"([{"type": "T", "category": "a", "subject": "s"},
                            {"type": "U", "category": "b", "subject": "s"},
                            {"type": "T", "category": "c", "subject": "s2"}])"),
            "personal-data rule 2: a second rule for type 'T'");
}

TEST(ConsentRules, ToJsonWritesTheRulesAndReadsBackTheSame) {
  RuleSet set{{whole_rule(), attribute_rule()}};
  const auto written = to_json(set);
  EXPECT_EQ(written, json::parse(R"([
    {"type": "https://example.org/ChildcareApplication", "category": "childcare-application",
     "subject": "https://example.org/applicant"},
    {"type": "https://example.org/HealthCheckup", "category": "health-checkup",
     "subject": "https://example.org/person",
     "attributes": ["https://example.org/height", "https://example.org/weight"]}])"))
      << json::serialize(written);
  auto back = rules_from_json(written);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->rules.size(), set.rules.size());
  for (std::size_t i = 0; i < set.rules.size(); ++i) {
    EXPECT_EQ(back->rules[i].type, set.rules[i].type);
    EXPECT_EQ(back->rules[i].category, set.rules[i].category);
    EXPECT_EQ(back->rules[i].subject, set.rules[i].subject);
    EXPECT_EQ(back->rules[i].attributes, set.rules[i].attributes);
  }
  EXPECT_EQ(to_json(RuleSet{}), json::array{});
}

}  // namespace
}  // namespace tsunagu::consent
