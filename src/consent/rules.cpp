#include "consent/rules.hpp"

#include <algorithm>
#include <set>

#include "jsonld/core_context.hpp"

namespace tsunagu::consent {
namespace json = boost::json;

bool PersonalDataRule::covers(std::string_view name) const {
  return name == subject ||
         std::find(attributes.begin(), attributes.end(), name) != attributes.end();
}

const PersonalDataRule* RuleSet::for_type(std::string_view type) const {
  auto it = std::find_if(rules.begin(), rules.end(), [&](const auto& r) { return r.type == type; });
  return it == rules.end() ? nullptr : &*it;
}

std::vector<const PersonalDataRule*> RuleSet::for_types(
    const std::vector<std::string>& types) const {
  std::vector<const PersonalDataRule*> out;
  for (const auto& rule : rules) {
    if (std::find(types.begin(), types.end(), rule.type) != types.end()) out.push_back(&rule);
  }
  return out;
}

std::optional<std::string> subject_of(const model::Entity& entity, const PersonalDataRule& rule) {
  const auto* entry = model::find_entry(entity.attributes, rule.subject);
  if (!entry || entry->instances.size() != 1) return std::nullopt;
  const auto& attr = entry->instances.front();
  if (!attr.value.is_string()) return std::nullopt;
  const std::string_view text = attr.value.get_string();
  if (attr.kind == model::AttributeKind::Relationship) {
    if (!text.starts_with(kPersonPrefix) || text.size() == kPersonPrefix.size()) {
      return std::nullopt;
    }
    return std::string(text.substr(kPersonPrefix.size()));
  }
  if (attr.kind == model::AttributeKind::Property && !text.empty()) {
    // Written as the Relationship's URN: the same resident (the index holds both forms).
    if (text.starts_with(kPersonPrefix)) {
      if (text.size() == kPersonPrefix.size()) return std::nullopt;
      return std::string(text.substr(kPersonPrefix.size()));
    }
    return std::string(text);
  }
  return std::nullopt;
}

std::vector<std::string> indexed_forms(std::string_view subject) {
  return {std::string(subject), std::string(kPersonPrefix) + std::string(subject)};
}

Status check_subject(const model::Entity& entity, const RuleSet& rules) {
  for (const auto* rule : rules.for_types(entity.types)) {
    if (subject_of(entity, *rule)) continue;
    return fail(ErrorKind::BadRequestData,
                "entity '" + entity.id + "' is personal data of category '" + rule->category +
                    "' and must name its data subject in attribute '" + rule->subject +
                    "': one Relationship to " + std::string(kPersonPrefix) +
                    "<subject> or one Property whose value is the subject");
  }
  return ok();
}

bool valid_category(std::string_view category) {
  if (category.empty() || category.size() > 64) return false;
  if (category.front() < 'a' || category.front() > 'z') return false;
  return std::all_of(category.begin(), category.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

namespace {

std::unexpected<Error> bad(std::size_t index, std::string what) {
  return fail(ErrorKind::BadRequestData,
              "personal-data rule " + std::to_string(index) + ": " + std::move(what));
}

Result<std::string> member(const json::object& o, std::string_view name, std::size_t index) {
  const auto* v = o.if_contains(name);
  if (!v || !v->is_string() || v->get_string().empty()) {
    return bad(index, "'" + std::string(name) + "' must be a non-empty string");
  }
  return std::string(v->get_string());
}

Result<PersonalDataRule> rule_from_json(const json::value& value, std::size_t index) {
  if (!value.is_object()) return bad(index, "must be an object");
  const auto& o = value.get_object();
  for (const auto& [key, _] : o) {
    if (key != "type" && key != "category" && key != "subject" && key != "attributes") {
      return bad(index, "unknown member '" + std::string(key) + "'");
    }
  }
  PersonalDataRule rule;
  for (auto [name, out] : {std::pair{"type", &rule.type}, std::pair{"category", &rule.category},
                           std::pair{"subject", &rule.subject}}) {
    auto text = member(o, name, index);
    if (!text) return std::unexpected(text.error());
    *out = std::move(*text);
  }
  if (!valid_category(rule.category)) {
    return bad(index,
               "category '" + rule.category +
                   "' must be 1 to 64 characters of a-z, 0-9 and '-', starting with a letter");
  }
  if (const auto* attrs = o.if_contains("attributes")) {
    if (!attrs->is_array()) return bad(index, "'attributes' must be an array of attribute names");
    for (const auto& a : attrs->get_array()) {
      if (!a.is_string() || a.get_string().empty()) {
        return bad(index, "'attributes' must hold non-empty strings");
      }
      rule.attributes.emplace_back(a.get_string());
    }
    if (rule.attributes.empty()) {
      return bad(index,
                 "'attributes' may not be empty: leave it out to make the whole entity "
                 "personal");
    }
  }
  return rule;
}

// Expands the names of every rule in place; BadRequestData for a name that cannot be one.
Status expand_names(json::value& rules) {
  if (!rules.is_array()) return ok();  // rules_from_json says what is wrong
  const auto core = jsonld::core_context();
  auto expand = [&](json::value& v) -> Status {
    if (!v.is_string() || v.get_string().empty()) return ok();
    auto iri = core->expand(v.get_string());
    if (iri.empty()) {
      return fail(ErrorKind::BadRequestData,
                  "'" + std::string(v.get_string()) + "' cannot be expanded to an IRI");
    }
    v = iri;
    return ok();
  };
  for (auto& rule : rules.get_array()) {
    if (!rule.is_object()) continue;
    auto& o = rule.get_object();
    for (auto name : {"type", "subject"}) {
      if (auto* v = o.if_contains(name)) {
        if (auto st = expand(*v); !st) return st;
      }
    }
    if (auto* attrs = o.if_contains("attributes"); attrs && attrs->is_array()) {
      for (auto& a : attrs->get_array()) {
        if (auto st = expand(a); !st) return st;
      }
    }
  }
  return ok();
}

}  // namespace

Result<RuleSet> rules_from_terms(json::value json) {
  if (auto st = expand_names(json); !st) return std::unexpected(st.error());
  return rules_from_json(json);
}

Result<RuleSet> rules_from_json(const json::value& value) {
  if (!value.is_array()) {
    return fail(ErrorKind::BadRequestData, "personal-data rules must be a JSON array");
  }
  RuleSet set;
  std::set<std::string> types;
  for (std::size_t i = 0; i < value.get_array().size(); ++i) {
    auto rule = rule_from_json(value.get_array()[i], i);
    if (!rule) return std::unexpected(rule.error());
    if (!types.insert(rule->type).second) {
      return bad(i, "a second rule for type '" + rule->type + "'");
    }
    set.rules.push_back(std::move(*rule));
  }
  return set;
}

json::value to_json(const RuleSet& rules) {
  json::array out;
  for (const auto& r : rules.rules) {
    json::object o{{"type", r.type}, {"category", r.category}, {"subject", r.subject}};
    if (!r.attributes.empty()) {
      json::array attrs;
      for (const auto& a : r.attributes) attrs.emplace_back(a);
      o["attributes"] = std::move(attrs);
    }
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace tsunagu::consent
