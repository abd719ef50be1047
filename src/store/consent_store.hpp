#pragma once
// What the platform keeps of consent (docs/design/consent.md): each tenant's personal-data
// rules, residents' grants to services, and services' requests for a grant. Kept in the
// platform database beside the accounts, since a grant spans tenants' data but belongs to a
// resident.
//
// Contract of every implementation: every method may be called from any thread, is durable
// when it returns, and returns errors as values. Grants are never deleted: a withdrawal sets
// `withdrawn`, so a resident's list and the audit can still name the grant.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"

namespace tsunagu::store {

struct GrantRecord {
  std::string id;
  std::string subject;    // the resident (oneID account id)
  std::string client_id;  // the service allowed to read
  std::string tenant;     // "" for the default tenant
  std::string category;   // of personal data (consent::PersonalDataRule::category)
  std::string purpose;    // what the service said it uses the data for
  model::Timestamp granted{};
  model::Timestamp expires{};
  std::optional<model::Timestamp> withdrawn;
};

enum class RequestState { Pending, Approved, Declined };

struct ConsentRequestRecord {
  std::string id;
  std::string subject;
  std::string client_id;
  std::string tenant;
  std::string category;
  std::string purpose;
  model::Timestamp requested{};
  model::Timestamp until{};  // how long the grant would last once approved
  RequestState state = RequestState::Pending;
  std::optional<model::Timestamp> decided;
  std::string grant_id;  // set once approved
};

class ConsentStore {
 public:
  virtual ~ConsentStore() = default;

  // Personal-data rules of every tenant, as their JSON text (consent::rules_from_json).
  virtual Result<std::vector<std::pair<std::string, std::string>>> all_rules() = 0;
  // Replaces the tenant's rules; an empty text removes them.
  virtual Status put_rules(std::string_view tenant, std::string_view rules_json) = 0;

  virtual Status add_grant(const GrantRecord& grant) = 0;
  virtual Result<std::optional<GrantRecord>> grant(std::string_view id) = 0;
  // Sets `withdrawn` of the subject's grant when it is not yet withdrawn: false when there is
  // no such grant of that subject or it was withdrawn already.
  virtual Result<bool> withdraw_grant(std::string_view id, std::string_view subject,
                                      model::Timestamp at) = 0;
  // The subject's grants, newest first, withdrawn and expired ones too.
  virtual Result<std::vector<GrantRecord>> grants_of(std::string_view subject) = 0;
  // Every grant neither withdrawn nor expired at `now`: what the in-memory index starts with.
  virtual Result<std::vector<GrantRecord>> active_grants(model::Timestamp now) = 0;
  // Withdraws every grant of the subject at `at` (the account is being deleted); how many.
  virtual Result<int> withdraw_all(std::string_view subject, model::Timestamp at) = 0;

  virtual Status add_request(const ConsentRequestRecord& request) = 0;
  virtual Result<std::optional<ConsentRequestRecord>> request(std::string_view id) = 0;
  // The subject's requests, newest first; pending ones only when `pending_only`.
  virtual Result<std::vector<ConsentRequestRecord>> requests_of(std::string_view subject,
                                                                bool pending_only) = 0;
  // Decides a pending request of the subject; with `grant`, adds it in the same transaction
  // (approval). False when the request is not the subject's or not pending any more.
  virtual Result<bool> decide_request(std::string_view id, std::string_view subject,
                                      RequestState state, model::Timestamp at,
                                      const std::optional<GrantRecord>& grant) = 0;
};

}  // namespace tsunagu::store
