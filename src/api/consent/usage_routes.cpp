// Metering for the operator console (docs/consent.md, "Metering"): GET /admin/v1/usage with
// from= and to= (ISO 8601 date-times; the last 24 hours by default) and client_id=, behind the
// admin scope. What was counted until now is written first, so the answer is current.

#include <chrono>

#include "api/consent/consent_api.hpp"
#include "api/json_reply.hpp"
#include "api/ngsild/access.hpp"
#include "api/ngsild/problem.hpp"
#include "model/tenant.hpp"

namespace tsunagu::api::consent_api {
namespace json = boost::json;

namespace {

Result<model::Timestamp> time_param(const http::Request& req, std::string_view name,
                                    model::Timestamp fallback) {
  auto text = req.query_param(name);
  if (!text) return fallback;
  return model::parse_datetime(*text, name);
}

json::object render(const store::UsageRow& r) {
  return json::object{{"hour", model::format_datetime(r.hour)},
                      {"client_id", r.client_id},
                      {"tenant", model::tenant_label(r.tenant)},
                      {"type", r.type},
                      {"requests", r.requests},
                      {"entities", r.entities},
                      {"bytes", r.bytes}};
}

}  // namespace

void register_usage_routes(http::Router& router, const UsageDeps& deps) {
  router.add("GET", "/admin/v1/usage", [&deps](http::Request&& req, http::Responder respond) {
    if (deps.require_tokens) {
      if (auto st = ngsild::authorize_admin(req, deps.tokens); !st) {
        return respond(ngsild::access_problem(st.error()));
      }
    }
    const auto now = deps.clock.now();
    auto from = time_param(req, "from", now - std::chrono::hours(24));
    if (!from) return respond(ngsild::problem_response(from.error()));
    auto to = time_param(req, "to", now + std::chrono::hours(1));
    if (!to) return respond(ngsild::problem_response(to.error()));
    if (*to <= *from) {
      return respond(
          ngsild::problem_response({ErrorKind::BadRequestData, "'to' must be after 'from'", {}}));
    }
    if (auto st = deps.meter.flush(); !st) return respond(ngsild::problem_response(st.error()));
    const auto client = req.query_param("client_id");
    auto rows = deps.store.usage(*from, *to, client ? *client : std::string_view());
    if (!rows) return respond(ngsild::problem_response(rows.error()));
    json::array out;
    for (const auto& r : *rows) out.push_back(render(r));
    respond(json_reply(200, out));
  });
}

}  // namespace tsunagu::api::consent_api
