// The residents' and services' side of consent (docs/consent.md, "API"). Residents call it with
// an access token of their own (the code flow) holding the scope "consent"; services ask for
// grants with their client-credentials token.

#include <boost/json/parse.hpp>
#include <charconv>

#include "api/consent/consent_api.hpp"
#include "api/json_reply.hpp"
#include "api/ngsild/access.hpp"
#include "api/ngsild/entity_renderer.hpp"
#include "api/ngsild/problem.hpp"
#include "api/ngsild/temporal_renderer.hpp"
#include "identity/scopes.hpp"
#include "jsonld/core_context.hpp"
#include "model/tenant.hpp"

namespace tsunagu::api::consent_api {
namespace json = boost::json;
using consent::GrantTerms;

namespace {

constexpr std::string_view kGrants = "/consent/v1/grants";
constexpr std::string_view kRequests = "/consent/v1/requests";
constexpr std::string_view kAudit = "/consent/v1/audit";
constexpr std::string_view kExport = "/consent/v1/export";
// The whole audit of one resident in a download, newest first, at most this many records.
constexpr std::size_t kExportAuditRecords = 100000;
constexpr std::size_t kAuditPage = 100;
constexpr std::size_t kAuditMostPerPage = 1000;

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

json::object render_grant(const store::GrantRecord& g, std::string_view state) {
  json::object o{{"id", g.id},
                 {"client_id", g.client_id},
                 {"tenant", model::tenant_label(g.tenant)},
                 {"category", g.category},
                 {"purpose", g.purpose},
                 {"granted_at", model::format_datetime(g.granted)},
                 {"expires_at", model::format_datetime(g.expires)},
                 {"state", state}};
  if (g.withdrawn) o["withdrawn_at"] = model::format_datetime(*g.withdrawn);
  return o;
}

std::string_view request_state(store::RequestState s) {
  switch (s) {
    case store::RequestState::Approved:
      return "approved";
    case store::RequestState::Declined:
      return "declined";
    case store::RequestState::Pending:
      break;
  }
  return "pending";
}

json::object render_request(const store::ConsentRequestRecord& r) {
  json::object o{{"id", r.id},
                 {"client_id", r.client_id},
                 {"subject", r.subject},
                 {"tenant", model::tenant_label(r.tenant)},
                 {"category", r.category},
                 {"purpose", r.purpose},
                 {"requested_at", model::format_datetime(r.requested)},
                 {"expires_at", model::format_datetime(r.until)},
                 {"state", request_state(r.state)}};
  if (r.decided) o["decided_at"] = model::format_datetime(*r.decided);
  if (!r.grant_id.empty()) o["grant_id"] = r.grant_id;
  return o;
}

json::object render_audit(const store::AuditRecord& r) {
  boost::system::error_code ec;
  auto data = json::parse(r.data, ec);
  return json::object{{"seq", r.seq},
                      {"at", model::format_datetime(r.at)},
                      {"client_id", r.client_id},
                      {"data", ec ? json::value(r.data) : data},
                      {"purpose", r.purpose},
                      {"grant_id", r.grant_id}};
}

// One tenant's part of a resident's download: entities and histories in the normalized form,
// compacted with the core context.
json::object render_tenant_data(const broker::TenantSubjectData& data) {
  const auto core = jsonld::core_context();
  ngsild::RenderOptions options;
  options.sys_attrs = true;
  json::array entities;
  for (const auto& e : data.entities) entities.push_back(ngsild::render_entity(e, *core, options));
  json::array histories;
  for (const auto& h : data.histories) {
    histories.push_back(ngsild::render_temporal_entity(
        h, *core, options, ngsild::TemporalFormat::Normalized, model::TimeProperty::ObservedAt));
  }
  return json::object{{"tenant", model::tenant_label(data.tenant)},
                      {"entities", std::move(entities)},
                      {"history", std::move(histories)}};
}

Result<json::object> body_object(const http::Request& req) {
  boost::system::error_code ec;
  auto body = json::parse(req.body, ec);
  if (ec) return fail(ErrorKind::InvalidRequest, "the body is not valid JSON: " + ec.message());
  if (!body.is_object()) return bad("the body must be a JSON object");
  return std::move(body.get_object());
}

Result<std::string> text_member(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v || !v->is_string() || v->get_string().empty()) {
    return bad("\"" + std::string(name) + "\" must be a non-empty string");
  }
  return std::string(v->get_string());
}

// {who, "tenant"?, "category", "purpose", "expires_at"}: `who` is "client_id" in a resident's
// grant and "subject" in a service's request; it is returned through `party`.
Result<GrantTerms> terms_of(const json::object& o, std::string_view who, std::string& party) {
  for (const auto& [key, _] : o) {
    if (key != who && key != "tenant" && key != "category" && key != "purpose" &&
        key != "expires_at") {
      return bad("unknown member \"" + std::string(key) + "\"; expected " + std::string(who) +
                 ", tenant, category, purpose, expires_at");
    }
  }
  GrantTerms t;
  auto named = text_member(o, who);
  if (!named) return std::unexpected(named.error());
  party = std::move(*named);
  std::string tenant(model::kDefaultTenantLabel);
  if (o.contains("tenant")) {
    auto given = text_member(o, "tenant");
    if (!given) return std::unexpected(given.error());
    tenant = std::move(*given);
  }
  if (!model::valid_tenant_label(tenant)) return bad("'" + tenant + "' is not a tenant name");
  t.tenant = model::tenant_key(tenant);
  for (auto [name, out] : {std::pair{"category", &t.category}, std::pair{"purpose", &t.purpose}}) {
    auto text = text_member(o, name);
    if (!text) return std::unexpected(text.error());
    *out = std::move(*text);
  }
  auto until = text_member(o, "expires_at");
  if (!until) return std::unexpected(until.error());
  auto at = model::parse_datetime(*until, "expires_at");
  if (!at) return std::unexpected(at.error());
  t.expires = *at;
  return t;
}

Result<std::size_t> count_param(const http::Request& req, std::string_view name,
                                std::size_t fallback, std::size_t most) {
  auto text = req.query_param(name);
  if (!text) return fallback;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (ec != std::errc() || end != text->data() + text->size() || n == 0 || n > most) {
    return bad("'" + std::string(name) + "' must be a whole number from 1 to " +
               std::to_string(most));
  }
  return n;
}

class ConsentRoutes {
 public:
  explicit ConsentRoutes(const ConsentDeps& deps) : deps_(deps) {}

  // ---- a resident's grants

  void list_grants(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto grants = deps_.consent.grants_of(who->subject);
    if (!grants) return respond(ngsild::problem_response(grants.error()));
    json::array out;
    for (const auto& g : *grants) out.push_back(render_grant(g, deps_.consent.state(g)));
    respond(json_reply(200, out));
  }

  void create_grant(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto body = body_object(req);
    if (!body) return respond(ngsild::problem_response(body.error()));
    std::string client;
    auto terms = terms_of(*body, "client_id", client);
    if (!terms) return respond(ngsild::problem_response(terms.error()));
    terms->client_id = std::move(client);
    auto g = deps_.consent.grant(who->subject, std::move(*terms));
    if (!g) return respond(ngsild::problem_response(g.error()));
    auto res = json_reply(201, render_grant(*g, deps_.consent.state(*g)));
    res.header("Location", std::string(kGrants) + "/" + g->id);
    respond(std::move(res));
  }

  void get_grant(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto g = deps_.consent.grant_of(who->subject, req.param("grantId"));
    if (!g) return respond(ngsild::problem_response(g.error()));
    respond(json_reply(200, render_grant(*g, deps_.consent.state(*g))));
  }

  void withdraw_grant(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto g = deps_.consent.withdraw(who->subject, req.param("grantId"));
    if (!g) return respond(ngsild::problem_response(g.error()));
    http::Response res;
    res.status = 204;
    respond(std::move(res));
  }

  // ---- requests: a service asks, the resident answers

  void create_request(http::Request&& req, http::Responder respond) {
    auto who = service(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto body = body_object(req);
    if (!body) return respond(ngsild::problem_response(body.error()));
    std::string subject;
    auto terms = terms_of(*body, "subject", subject);
    if (!terms) return respond(ngsild::problem_response(terms.error()));
    terms->client_id = who->client_id;
    auto r = deps_.consent.request(subject, std::move(*terms));
    if (!r) return respond(ngsild::problem_response(r.error()));
    auto res = json_reply(201, render_request(*r));
    res.header("Location", std::string(kRequests) + "/" + r->id);
    respond(std::move(res));
  }

  void list_requests(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto all = deps_.consent.requests_of(who->subject);
    if (!all) return respond(ngsild::problem_response(all.error()));
    json::array out;
    for (const auto& r : *all) out.push_back(render_request(r));
    respond(json_reply(200, out));
  }

  void get_request(http::Request&& req, http::Responder respond) {
    auto who = deps_.tokens.verify_bearer(req.header("Authorization"));
    if (!who) return respond(ngsild::access_problem(who.error()));
    const bool is_resident = is_resident_token(*who) && who->has(identity::kScopeConsent);
    auto r = deps_.consent.request_for(req.param("requestId"),
                                       is_resident ? who->subject : std::string(),
                                       is_resident ? std::string() : who->client_id);
    if (!r) return respond(ngsild::problem_response(r.error()));
    respond(json_reply(200, render_request(*r)));
  }

  void approve_request(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto g = deps_.consent.approve(who->subject, req.param("requestId"));
    if (!g) return respond(ngsild::problem_response(g.error()));
    auto res = json_reply(201, render_grant(*g, deps_.consent.state(*g)));
    res.header("Location", std::string(kGrants) + "/" + g->id);
    respond(std::move(res));
  }

  void decline_request(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    if (auto st = deps_.consent.decline(who->subject, req.param("requestId")); !st) {
      return respond(ngsild::problem_response(st.error()));
    }
    http::Response res;
    res.status = 204;
    respond(std::move(res));
  }

  // ---- everything about me (portability)

  void download(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto data = deps_.subject_data.find(who->subject);
    if (!data) return respond(ngsild::problem_response(data.error()));
    auto grants = deps_.consent.grants_of(who->subject);
    if (!grants) return respond(ngsild::problem_response(grants.error()));
    auto records = deps_.audit.for_subject(who->subject, kExportAuditRecords, store::kAuditNewest);
    if (!records) return respond(ngsild::problem_response(records.error()));
    json::array tenants;
    for (const auto& d : *data) tenants.push_back(render_tenant_data(d));
    json::array grant_list;
    for (const auto& g : *grants) grant_list.push_back(render_grant(g, deps_.consent.state(g)));
    json::array audit;
    for (const auto& r : *records) audit.push_back(render_audit(r));
    auto res = json_reply(200, json::object{{"subject", who->subject},
                                            {"tenants", std::move(tenants)},
                                            {"grants", std::move(grant_list)},
                                            {"audit", std::move(audit)}});
    res.header("Content-Disposition", "attachment; filename=\"tsunagu-personal-data.json\"");
    respond(std::move(res));
  }

  // ---- who used my data

  void audit(http::Request&& req, http::Responder respond) {
    auto who = resident(req);
    if (!who) return respond(ngsild::access_problem(who.error()));
    auto limit = count_param(req, "limit", kAuditPage, kAuditMostPerPage);
    if (!limit) return respond(ngsild::problem_response(limit.error()));
    std::int64_t before = store::kAuditNewest;
    if (auto text = req.query_param("before")) {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), before);
      if (ec != std::errc() || end != text->data() + text->size() || before < 1) {
        return respond(ngsild::problem_response(
            {ErrorKind::BadRequestData, "'before' must be a record's seq, a positive number", {}}));
      }
    }
    auto records = deps_.audit.for_subject(who->subject, *limit, before);
    if (!records) return respond(ngsild::problem_response(records.error()));
    json::array out;
    for (const auto& r : *records) out.push_back(render_audit(r));
    auto res = json_reply(200, out);
    if (records->size() == *limit) {
      res.header("Link", "<" + std::string(kAudit) + "?limit=" + std::to_string(*limit) +
                             "&before=" + std::to_string(records->back().seq) + ">; rel=\"next\"");
    }
    respond(std::move(res));
  }

 private:
  static bool is_resident_token(const identity::Principal& p) { return p.subject != p.client_id; }

  // A resident's token with the scope "consent".
  Result<identity::Principal> resident(const http::Request& req) const {
    auto p = deps_.tokens.verify_bearer(req.header("Authorization"));
    if (!p) return p;
    if (!is_resident_token(*p)) {
      return fail(ErrorKind::Forbidden,
                  "this API answers residents: use an access token a resident signed in for");
    }
    if (!p->has(identity::kScopeConsent)) {
      return fail(ErrorKind::Forbidden, "the token does not grant the scope consent");
    }
    return p;
  }

  // A service's own token (client credentials).
  Result<identity::Principal> service(const http::Request& req) const {
    auto p = deps_.tokens.verify_bearer(req.header("Authorization"));
    if (!p) return p;
    if (is_resident_token(*p)) {
      return fail(ErrorKind::Forbidden,
                  "a service asks for consent with its own token (client credentials), not a "
                  "resident's");
    }
    return p;
  }

  const ConsentDeps& deps_;
};

}  // namespace

void register_consent_routes(http::Router& router, const ConsentDeps& deps) {
  auto routes = std::make_shared<ConsentRoutes>(deps);
  auto bind = [routes](void (ConsentRoutes::*fn)(http::Request&&, http::Responder)) {
    return [routes, fn](http::Request&& req, http::Responder respond) {
      ((*routes).*fn)(std::move(req), std::move(respond));
    };
  };
  const std::string grants(kGrants);
  const std::string requests(kRequests);
  router.add("GET", grants, bind(&ConsentRoutes::list_grants));
  router.add("POST", grants, bind(&ConsentRoutes::create_grant));
  router.add("GET", grants + "/{grantId}", bind(&ConsentRoutes::get_grant));
  router.add("DELETE", grants + "/{grantId}", bind(&ConsentRoutes::withdraw_grant));
  router.add("GET", requests, bind(&ConsentRoutes::list_requests));
  router.add("POST", requests, bind(&ConsentRoutes::create_request));
  router.add("GET", requests + "/{requestId}", bind(&ConsentRoutes::get_request));
  router.add("POST", requests + "/{requestId}/approve", bind(&ConsentRoutes::approve_request));
  router.add("POST", requests + "/{requestId}/decline", bind(&ConsentRoutes::decline_request));
  router.add("GET", std::string(kAudit), bind(&ConsentRoutes::audit));
  router.add("GET", std::string(kExport), bind(&ConsentRoutes::download));
}

}  // namespace tsunagu::api::consent_api
