#pragma once
// The consent API (docs/consent.md): residents list, give and withdraw grants, answer services'
// requests and read who used their data (/consent/v1/...); services ask for grants; operators
// declare which data of a tenant is personal (/admin/v1/personal-data/{tenant}). JSON in and
// out; errors are ProblemDetails.

#include "broker/subject_data.hpp"
#include "consent/consent_service.hpp"
#include "http/router.hpp"
#include "identity/client_registry.hpp"
#include "identity/token_service.hpp"
#include "metering/usage_meter.hpp"
#include "store/audit_log.hpp"

namespace tsunagu::api::consent_api {

struct ConsentDeps {
  consent::ConsentService& consent;
  store::AuditLog& audit;
  identity::TokenService& tokens;
  identity::ClientRegistry& clients;
  broker::SubjectData& subject_data;  // for the resident's download
  // false only with --insecure-no-auth: the admin routes then need no token. The residents'
  // routes always need one: without a token there is no resident.
  bool require_tokens = true;
};

// Metering for operators: GET /admin/v1/usage.
struct UsageDeps {
  metering::UsageMeter& meter;
  store::UsageStore& store;
  identity::TokenService& tokens;
  const model::Clock& clock;
  bool require_tokens = true;
};

// `deps` must outlive the router.
void register_usage_routes(http::Router& router, const UsageDeps& deps);
void register_consent_routes(http::Router& router, const ConsentDeps& deps);
void register_personal_data_routes(http::Router& router, const ConsentDeps& deps);

}  // namespace tsunagu::api::consent_api
