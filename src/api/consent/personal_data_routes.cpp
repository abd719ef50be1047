// The operators' declaration of personal data (docs/consent.md, "Declaring personal data"):
// PUT and GET /admin/v1/personal-data/{tenant}, behind the admin scope like the other admin
// APIs. Names are expanded as the core context expands a request's without a Link header, so
// "ChildcareApplication" means what such a request calls it; IRIs stay as they are.

#include <boost/json/parse.hpp>

#include "api/consent/consent_api.hpp"
#include "api/json_reply.hpp"
#include "api/ngsild/access.hpp"
#include "api/ngsild/problem.hpp"
#include "model/tenant.hpp"

namespace tsunagu::api::consent_api {
namespace json = boost::json;

namespace {

constexpr std::string_view kPersonalData = "/admin/v1/personal-data/{tenant}";

Result<std::string> tenant_of(const http::Request& req) {
  const auto& label = req.param("tenant");
  if (!model::valid_tenant_label(label)) {
    return fail(ErrorKind::BadRequestData, "'" + label + "' is not a tenant name");
  }
  return model::tenant_key(label);
}

}  // namespace

void register_personal_data_routes(http::Router& router, const ConsentDeps& deps) {
  auto guarded = [&deps](auto handler) {
    return [&deps, handler](http::Request&& req, http::Responder respond) {
      if (deps.require_tokens) {
        if (auto st = ngsild::authorize_admin(req, deps.tokens); !st) {
          return respond(ngsild::access_problem(st.error()));
        }
      }
      handler(std::move(req), std::move(respond));
    };
  };
  router.add("GET", std::string(kPersonalData),
             guarded([&deps](http::Request&& req, http::Responder respond) {
               auto tenant = tenant_of(req);
               if (!tenant) return respond(ngsild::problem_response(tenant.error()));
               respond(json_reply(200, to_json(deps.consent.rules(*tenant))));
             }));
  router.add(
      "PUT", std::string(kPersonalData),
      guarded([&deps](http::Request&& req, http::Responder respond) {
        auto tenant = tenant_of(req);
        if (!tenant) return respond(ngsild::problem_response(tenant.error()));
        boost::system::error_code ec;
        auto body = json::parse(req.body, ec);
        if (ec) {
          return respond(ngsild::problem_response(
              {ErrorKind::InvalidRequest, "the body is not valid JSON: " + ec.message(), {}}));
        }
        auto rules = consent::rules_from_terms(std::move(body));
        if (!rules) return respond(ngsild::problem_response(rules.error()));
        if (auto st = deps.consent.set_rules(*tenant, std::move(*rules)); !st) {
          return respond(ngsild::problem_response(st.error()));
        }
        respond(json_reply(200, to_json(deps.consent.rules(*tenant))));
      }));
}

}  // namespace tsunagu::api::consent_api
