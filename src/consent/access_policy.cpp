#include "consent/access_policy.hpp"

#include <algorithm>

namespace tsunagu::consent {
namespace {

constexpr std::string_view kOperatorGrant = "operator";

bool any_covered(const PersonalDataRule& rule, const std::set<std::string>& used) {
  if (used.contains(rule.subject)) return true;
  return std::any_of(rule.attributes.begin(), rule.attributes.end(),
                     [&](const std::string& a) { return used.contains(a); });
}

// The rule's attributes the entity has: what an attribute rule lets the reader see.
std::vector<std::string> present(const PersonalDataRule& rule, const model::Entity& entity) {
  std::vector<std::string> out;
  for (const auto& entry : entity.attributes) {
    if (rule.covers(entry.name)) out.push_back(entry.name);
  }
  return out;
}

void hide(const PersonalDataRule& rule, const model::Entity& entity, Decision& d) {
  if (rule.whole_entity()) {
    d.visible = false;
    return;
  }
  for (auto& name : present(rule, entity)) {
    if (std::find(d.hidden.begin(), d.hidden.end(), name) == d.hidden.end()) {
      d.hidden.push_back(std::move(name));
    }
  }
}

void collect_attrs(const query::Expr& expr, std::set<std::string>& out) {
  if (expr.kind == query::Expr::Kind::Leaf) {
    if (!expr.leaf.path.attr.empty()) out.insert(expr.leaf.path.attr);
    return;
  }
  for (const auto& child : expr.children) collect_attrs(child, out);
}

template <typename Query>
std::set<std::string> used_by(const Query& q) {
  std::set<std::string> out(q.attrs.begin(), q.attrs.end());
  if (q.q) collect_attrs(*q.q, out);
  if (q.geo) out.insert(q.geo->geoproperty);
  return out;
}

}  // namespace

bool AccessPolicy::applies(const Viewer& viewer, std::string_view tenant) const {
  return viewer.kind != Viewer::Kind::System && !rules_.rules(tenant)->empty();
}

bool AccessPolicy::personal(std::string_view tenant,
                            std::span<const std::string_view> types) const {
  const auto rules = rules_.rules(tenant);
  return std::any_of(rules->rules.begin(), rules->rules.end(), [&](const auto& rule) {
    return std::find(types.begin(), types.end(), rule.type) != types.end();
  });
}

Decision AccessPolicy::decide(const Viewer& viewer, std::string_view tenant,
                              const model::Entity& entity) const {
  Decision d;
  if (viewer.kind == Viewer::Kind::System) {
    d.reason = "system";
    return d;
  }
  const auto rules = rules_.rules(tenant);
  const auto applying = rules->for_types(entity.types);
  if (applying.empty()) {
    d.reason = "not personal";
    return d;
  }
  const auto now = clock_.now();
  for (const auto* rule : applying) {
    const auto subject = subject_of(entity, *rule);
    const auto attrs = rule->whole_entity() ? std::vector<std::string>{} : present(*rule, entity);
    if (viewer.kind == Viewer::Kind::Operator) {
      // An entity written before its type was declared personal may name no subject: the
      // operator still sees it, and there is no resident to record the access for.
      if (subject) {
        d.accesses.push_back({*subject, rule->category, rule->type, std::string(kOperatorGrant),
                              "operation of the platform", attrs});
      }
      d.reason = "operator";
      continue;
    }
    const auto grant = subject && viewer.kind == Viewer::Kind::Client
                           ? grants_.find(viewer.client_id, tenant, rule->category, *subject, now)
                           : std::nullopt;
    if (!grant) {
      hide(*rule, entity, d);
      d.reason = "no grant of category '" + rule->category + "'";
      continue;
    }
    if (rule->whole_entity() || !attrs.empty()) {
      d.accesses.push_back(
          {*subject, rule->category, rule->type, grant->id, grant->purpose, attrs});
    }
    if (d.reason.empty()) d.reason = "grant " + grant->id;
  }
  if (!d.visible) d.accesses.clear();
  // An attribute hidden by one rule stays hidden, even if another rule's grant covers it.
  for (auto& a : d.accesses) {
    std::erase_if(a.attributes, [&](const std::string& name) {
      return std::find(d.hidden.begin(), d.hidden.end(), name) != d.hidden.end();
    });
  }
  return d;
}

std::vector<store::SubjectRestriction> AccessPolicy::restrictions(
    const Viewer& viewer, std::string_view tenant, const std::set<std::string>& used) const {
  std::vector<store::SubjectRestriction> out;
  if (viewer.kind == Viewer::Kind::System || viewer.kind == Viewer::Kind::Operator) return out;
  const auto rules = rules_.rules(tenant);
  const auto now = clock_.now();
  for (const auto& rule : rules->rules) {
    if (!rule.whole_entity() && !any_covered(rule, used)) continue;
    store::SubjectRestriction r{rule.type, rule.subject, {}};
    if (viewer.kind == Viewer::Kind::Client) {
      for (const auto& subject : grants_.subjects(viewer.client_id, tenant, rule.category, now)) {
        for (auto& form : indexed_forms(subject)) r.values.push_back(std::move(form));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::set<std::string> attributes_used(const store::EntityQuery& query) {
  return used_by(query);
}

std::set<std::string> attributes_used(const store::HistoryQuery& query) {
  return used_by(query);
}

}  // namespace tsunagu::consent
