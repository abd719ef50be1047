#pragma once
// The one policy point for personal data (docs/design/consent.md, "The policy point"; STYLE.md
// item 8): given who reads and what, it decides what is visible and names the rule and grant
// that decided, for the audit. The broker's restricted services call it on every read path;
// nothing else decides.
//
// Who sees what:
//   - System (the broker's own work, never a request): everything, unaudited.
//   - Operator (a token with the admin scope): everything, audited as an operator's access.
//   - Client: a resident's personal data only under a grant, in force now, from that resident
//     to that client for the rule's category in that tenant.
//   - Anonymous (tokens not required): no personal data at all.
// A whole-entity rule without a grant hides the entity (it does not exist for the reader); an
// attribute rule hides its attributes and the subject attribute, and the entity stays.
//
// Thread safety: const methods only; the rule book and grant index guard themselves.

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "consent/grant_index.hpp"
#include "consent/rule_book.hpp"
#include "model/entity.hpp"
#include "model/time.hpp"
#include "store/history_store.hpp"
#include "store/store.hpp"

namespace tsunagu::consent {

struct Viewer {
  enum class Kind { System, Operator, Client, Anonymous };
  Kind kind = Kind::System;
  std::string client_id;  // Operator and Client

  static Viewer system() { return {}; }
  static Viewer anonymous() { return {Kind::Anonymous, {}}; }
  static Viewer client(std::string id) { return {Kind::Client, std::move(id)}; }
  static Viewer operator_client(std::string id) { return {Kind::Operator, std::move(id)}; }
};

// One use of one resident's personal data, as the audit records it.
struct Access {
  std::string subject;
  std::string category;
  std::string type;
  std::string grant_id;  // "operator" for an operator's access
  std::string purpose;
  std::vector<std::string> attributes;  // the personal attributes read; empty: the whole entity
};

struct Decision {
  bool visible = true;
  std::vector<std::string> hidden;  // attributes the reader may not see
  std::vector<Access> accesses;     // personal data the reader sees, one per rule applied
  std::string reason;               // which rule decided, for logs and tests
};

class AccessPolicy {
 public:
  AccessPolicy(const RuleBook& rules, const GrantIndex& grants, const model::Clock& clock)
      : rules_(rules), grants_(grants), clock_(clock) {}

  // Whether some tenant declares personal data: when none does, reads skip the policy.
  bool active() const { return rules_.any(); }
  // Whether the policy has anything to decide for the viewer in the tenant.
  bool applies(const Viewer& viewer, std::string_view tenant) const;
  // Whether the tenant declares an entity of these types personal data: only such an entity
  // has anything to decide, and a read of it is audited.
  bool personal(std::string_view tenant, std::span<const std::string_view> types) const;

  Decision decide(const Viewer& viewer, std::string_view tenant, const model::Entity& entity) const;

  // The subject restrictions an entity query of the viewer needs: one per whole-entity rule,
  // and one per attribute rule whose attributes the query filters on or asks for (`used`):
  // otherwise the answer would tell apart residents by data the reader may not see.
  std::vector<store::SubjectRestriction> restrictions(const Viewer& viewer, std::string_view tenant,
                                                      const std::set<std::string>& used) const;

 private:
  const RuleBook& rules_;
  const GrantIndex& grants_;
  const model::Clock& clock_;
};

// The attributes a query filters on or asks for: q paths, the geoQ property, attrs.
std::set<std::string> attributes_used(const store::EntityQuery& query);
std::set<std::string> attributes_used(const store::HistoryQuery& query);

}  // namespace tsunagu::consent
