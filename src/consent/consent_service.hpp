#pragma once
// Residents' consent as a service (docs/design/consent.md): the personal-data rules of each
// tenant, grants a resident gives a service and withdraws, and requests a service makes for a
// grant that the resident approves or declines. Every change is written to the store first and
// then to the in-memory rule book and grant index that the access policy reads; a withdrawal is
// taken out of the index before the store, so it takes effect at once, even if the store
// fails (then the index is mended).
//
// Thread safety: every method may be called from any thread.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/grant_index.hpp"
#include "consent/rule_book.hpp"
#include "model/error.hpp"
#include "model/time.hpp"
#include "store/consent_store.hpp"

namespace tsunagu::consent {

// What a grant or a request for one says.
struct GrantTerms {
  std::string client_id;
  std::string tenant;  // "" for the default tenant
  std::string category;
  std::string purpose;
  model::Timestamp expires{};
};

struct ConsentLimits {
  std::chrono::days longest_grant{5 * 366};  // a grant may last at most this long
  std::size_t purpose_chars = 500;           // a purpose is 1 to this many characters
  std::size_t pending_requests = 20;         // per client and resident
};

class ConsentService {
 public:
  using ClientExists = std::function<bool(std::string_view client_id)>;
  using SubjectExists = std::function<bool(std::string_view subject)>;

  ConsentService(store::ConsentStore& store, RuleBook& rules, GrantIndex& grants,
                 const model::Clock& clock, ClientExists client_exists,
                 SubjectExists subject_exists, ConsentLimits limits = {});

  // Fills the rule book and the grant index from the store: call once at start.
  Status load();

  RuleSet rules(std::string_view tenant) const { return *rules_.rules(tenant); }
  Status set_rules(std::string_view tenant, RuleSet rules);

  Result<store::GrantRecord> grant(std::string_view subject, GrantTerms terms);
  Result<std::vector<store::GrantRecord>> grants_of(std::string_view subject);
  // The subject's grant; ResourceNotFound for another's or none.
  Result<store::GrantRecord> grant_of(std::string_view subject, std::string_view id);
  // Withdraws the subject's grant; withdrawing it again changes nothing. ResourceNotFound for
  // another's or none.
  Result<store::GrantRecord> withdraw(std::string_view subject, std::string_view id);
  // Every grant of the subject, when the account is deleted: how many were not withdrawn yet
  // (expired ones included).
  Result<int> withdraw_all(std::string_view subject);

  Result<store::ConsentRequestRecord> request(std::string_view subject, GrantTerms terms);
  Result<std::vector<store::ConsentRequestRecord>> requests_of(std::string_view subject);
  // The request as the resident or the client that made it sees it; ResourceNotFound otherwise.
  Result<store::ConsentRequestRecord> request_for(std::string_view id, std::string_view subject,
                                                  std::string_view client_id);
  // Approving grants what was asked; both are AlreadyExists (409) when the request was decided
  // already.
  Result<store::GrantRecord> approve(std::string_view subject, std::string_view id);
  Status decline(std::string_view subject, std::string_view id);

  // "active", "expired" or "withdrawn" at the service's now.
  std::string_view state(const store::GrantRecord& grant) const;

 private:
  Status check(const GrantTerms& terms) const;
  Result<store::ConsentRequestRecord> pending_of(std::string_view subject, std::string_view id);

  store::ConsentStore& store_;
  RuleBook& rules_;
  GrantIndex& grants_;
  const model::Clock& clock_;
  ClientExists client_exists_;
  SubjectExists subject_exists_;
  ConsentLimits limits_;
};

}  // namespace tsunagu::consent
