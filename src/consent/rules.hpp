#pragma once
// Which data of a tenant is personal (docs/design/consent.md, "Declaring personal data"): rules
// naming an entity type, the category a consent grant refers to, and the attribute that names
// the resident the data is about (the data subject). Pure: no I/O, no threads.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/entity.hpp"
#include "model/error.hpp"

namespace tsunagu::consent {

// Relationships name a resident as this prefix followed by their oneID subject.
inline constexpr std::string_view kPersonPrefix = "urn:ngsi-ld:Person:";

struct PersonalDataRule {
  std::string type;                     // expanded IRI: entities having it are personal
  std::string category;                 // what a grant names, e.g. "childcare-application"
  std::string subject;                  // expanded IRI of the attribute naming the data subject
  std::vector<std::string> attributes;  // expanded IRIs; empty: the whole entity is personal

  bool whole_entity() const { return attributes.empty(); }
  // Whether the attribute `name` is personal under this rule: one of `attributes`, or the
  // subject attribute itself (who an entity is about is personal too).
  bool covers(std::string_view name) const;
};

// A tenant's rules, at most one per type.
struct RuleSet {
  std::vector<PersonalDataRule> rules;

  bool empty() const { return rules.empty(); }
  const PersonalDataRule* for_type(std::string_view type) const;
  // The rules that apply to an entity of these types, in rule order.
  std::vector<const PersonalDataRule*> for_types(const std::vector<std::string>& types) const;
};

// The data subject the entity names under `rule`: the subject attribute's single instance, a
// Relationship to urn:ngsi-ld:Person:<subject> or a Property whose value is the subject's
// string (or that same URN). nullopt when it has none, several instances, or another shape.
std::optional<std::string> subject_of(const model::Entity& entity, const PersonalDataRule& rule);

// The values a store's attribute index holds for an entity whose subject is `subject`: the
// Property form and the Relationship form.
std::vector<std::string> indexed_forms(std::string_view subject);

// BadRequestData when an entity of a personal type does not name its subject: no personal
// entity may exist without an owner, or it would escape every check.
Status check_subject(const model::Entity& entity, const RuleSet& rules);

// A category: 1 to 64 characters of [a-z0-9-], starting with a letter (it appears in scopes,
// "personal:<category>", and in URLs).
bool valid_category(std::string_view category);

// A rule set from its JSON form, an array of objects {"type", "category", "subject",
// "attributes"?} whose names are already expanded IRIs; BadRequestData naming the first
// problem (a missing member, a bad category, two rules for one type, ...).
Result<RuleSet> rules_from_json(const boost::json::value& json);
boost::json::value to_json(const RuleSet& rules);

// rules_from_json() for names written as an operator writes them: each type, subject and
// attribute is expanded as the NGSI-LD core context expands a request's without a Link header
// ("ChildcareApplication" means what such a request calls it); IRIs stay as they are.
Result<RuleSet> rules_from_terms(boost::json::value json);

}  // namespace tsunagu::consent
