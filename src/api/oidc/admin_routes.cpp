// The admin API of oneID's clients (docs/design/identity.md): register a service provider, list,
// read and remove them. Operators call it with a token holding the scope "admin" (a client
// registered with `tsunagu clients add`). Errors are ProblemDetails.

#include <boost/json/parse.hpp>

#include "api/json_reply.hpp"
#include "api/ngsild/access.hpp"
#include "api/ngsild/problem.hpp"
#include "api/oidc/oidc.hpp"
#include "identity/scopes.hpp"
#include "model/json_text.hpp"

namespace tsunagu::api::oidc {
namespace json = boost::json;

namespace {

constexpr std::string_view kClients = "/admin/v1/clients";

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

json::array strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

json::object render(const store::ClientRecord& c) {
  json::object o;
  o["client_id"] = c.id;
  o["name"] = c.name;
  o["confidential"] = !c.secret_hash.empty();
  o["scopes"] = strings(c.scopes);
  if (c.tenants) o["tenants"] = strings(*c.tenants);
  if (c.types) o["types"] = strings(*c.types);
  o["redirect_uris"] = strings(c.redirect_uris);
  o["created_at"] = model::format_datetime(c.created);
  return o;
}

Result<std::vector<std::string>> string_list(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v) return std::vector<std::string>{};
  if (!v->is_array()) return bad("\"" + std::string(name) + "\" must be an array of strings");
  std::vector<std::string> out;
  for (const auto& s : v->get_array()) {
    if (!s.is_string() || s.get_string().empty()) {
      return bad("\"" + std::string(name) + "\" must be an array of non-empty strings");
    }
    out.emplace_back(s.get_string());
  }
  return out;
}

Result<identity::NewClient> new_client(const http::Request& req) {
  boost::system::error_code ec;
  auto body = json::parse(req.body, ec);
  if (ec) return fail(ErrorKind::InvalidRequest, "the body is not valid JSON: " + ec.message());
  if (!body.is_object()) return bad("a client must be a JSON object");
  const auto& o = body.get_object();
  for (const auto& [key, value] : o) {
    if (key != "name" && key != "scopes" && key != "tenants" && key != "types" &&
        key != "redirect_uris" && key != "confidential") {
      return bad("unknown member \"" + std::string(key) +
                 "\"; a client has name, scopes, tenants, types, redirect_uris, confidential");
    }
  }
  identity::NewClient c;
  const auto* name = o.if_contains("name");
  if (!name || !name->is_string()) return bad("a client needs \"name\", a string");
  c.name = name->get_string();
  auto scopes = string_list(o, "scopes");
  if (!scopes) return std::unexpected(scopes.error());
  c.scopes = std::move(*scopes);
  if (o.contains("tenants")) {
    auto tenants = string_list(o, "tenants");
    if (!tenants) return std::unexpected(tenants.error());
    c.tenants = std::move(*tenants);
  }
  if (o.contains("types")) {
    auto types = string_list(o, "types");
    if (!types) return std::unexpected(types.error());
    c.types = std::move(*types);
  }
  auto uris = string_list(o, "redirect_uris");
  if (!uris) return std::unexpected(uris.error());
  c.redirect_uris = std::move(*uris);
  if (const auto* confidential = o.if_contains("confidential")) {
    if (!confidential->is_bool()) return bad("\"confidential\" must be true or false");
    c.confidential = confidential->get_bool();
  }
  return c;
}

class AdminRoutes {
 public:
  explicit AdminRoutes(const OidcDeps& deps) : deps_(deps) {}

  void create(http::Request&& req, http::Responder respond) {
    auto c = new_client(req);
    if (!c) return respond(ngsild::problem_response(c.error()));
    auto created = deps_.clients.create(std::move(*c));
    if (!created) return respond(ngsild::problem_response(created.error()));
    auto body = render(created->record);
    if (!created->secret.empty()) body["client_secret"] = created->secret;
    auto res = json_reply(201, body);
    res.header("Location", std::string(kClients) + "/" + created->record.id);
    respond(std::move(res));
  }

  void list(http::Request&&, http::Responder respond) {
    auto clients = deps_.clients.list();
    if (!clients) return respond(ngsild::problem_response(clients.error()));
    json::array out;
    for (const auto& c : *clients) out.push_back(render(c));
    respond(json_reply(200, out));
  }

  void get(http::Request&& req, http::Responder respond) {
    auto c = deps_.clients.get(req.param("clientId"));
    if (!c) return respond(ngsild::problem_response(c.error()));
    respond(json_reply(200, render(*c)));
  }

  void remove(http::Request&& req, http::Responder respond) {
    if (auto st = deps_.clients.remove(req.param("clientId")); !st) {
      return respond(ngsild::problem_response(st.error()));
    }
    http::Response res;
    res.status = 204;
    respond(std::move(res));
  }

 private:
  const OidcDeps& deps_;
};

}  // namespace

void register_admin_routes(http::Router& router, const OidcDeps& deps) {
  auto routes = std::make_shared<AdminRoutes>(deps);
  auto bind = [routes, &deps](void (AdminRoutes::*fn)(http::Request&&, http::Responder)) {
    return [routes, fn, &deps](http::Request&& req, http::Responder respond) {
      if (deps.require_tokens) {
        if (auto st = ngsild::authorize_admin(req, deps.tokens); !st) {
          return respond(ngsild::access_problem(st.error()));
        }
      }
      ((*routes).*fn)(std::move(req), std::move(respond));
    };
  };
  const std::string base(kClients);
  router.add("POST", base, bind(&AdminRoutes::create));
  router.add("GET", base, bind(&AdminRoutes::list));
  router.add("GET", base + "/{clientId}", bind(&AdminRoutes::get));
  router.add("DELETE", base + "/{clientId}", bind(&AdminRoutes::remove));
}

}  // namespace tsunagu::api::oidc
