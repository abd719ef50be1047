// /ngsi-ld/v1/subscriptions (clause 6.10, 6.11): create, list, retrieve, update, delete.

#include <boost/json/serialize.hpp>

#include "api/ngsild/access.hpp"
#include "api/ngsild/api.hpp"
#include "api/ngsild/query_params.hpp"
#include "api/ngsild/reply.hpp"
#include "api/ngsild/request_scope.hpp"
#include "api/ngsild/subscription_parser.hpp"
#include "api/ngsild/subscription_renderer.hpp"
#include "identity/scopes.hpp"
#include "jsonld/core_context.hpp"
#include "model/uri.hpp"
#include "model/uuid.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

constexpr std::string_view kSubscriptions = "/ngsi-ld/v1/subscriptions";

Result<std::string> subscription_id(const http::Request& req) {
  const auto& id = req.param("subscriptionId");
  if (auto st = model::validate_uri(id, "subscription id"); !st) return std::unexpected(st.error());
  return id;
}

class SubscriptionRoutes {
 public:
  SubscriptionRoutes(const ApiDeps& deps, broker::SubscriptionService& subscriptions,
                     const model::Clock& clock)
      : deps_(deps), subscriptions_(subscriptions), clock_(clock) {}

  void create(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto in = read_request(req);
    if (replied_error(in, respond)) return;
    auto sub = parse_subscription(in->body.json, *in->context, in->context_source, clock_.now());
    if (replied_error(sub, respond)) return;
    if (auto grant = type_grant_of(req)) {
      if (replied_error(grant->check_subscription(*sub), respond)) return;
    }
    if (sub->id.empty()) sub->id = "urn:ngsi-ld:Subscription:" + model::random_uuid();
    if (const auto* principal = principal_of(req)) {
      sub->owner_client_id = principal->client_id;
      sub->owner_is_operator = principal->has(identity::kScopeAdmin);
    }
    const std::string location = std::string(kSubscriptions) + "/" + sub->id;
    subscriptions_.create(in->scope.tenant, std::move(*sub), [respond, location](Status st) {
      if (replied_error(st, respond)) return;
      respond(created(location));
    });
  }

  void list(http::Request&& req, http::Responder respond) { reply(list_response(req), respond); }

  void retrieve(http::Request&& req, http::Responder respond) {
    reply(retrieve_response(req), respond);
  }

  void update(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto id = subscription_id(req);
    if (replied_error(id, respond)) return;
    auto in = read_request(req);
    if (replied_error(in, respond)) return;
    auto fragment = std::make_shared<json::value>(std::move(in->body.json));
    auto context = in->context;
    const auto now = clock_.now();
    auto grant = type_grant_of(req);
    subscriptions_.update(
        in->scope.tenant, *id,
        [fragment, context, now, grant = std::move(grant)](model::Subscription& s) -> Status {
          // A client limited to types may change only a subscription within them, and only
          // into one within them.
          if (grant) {
            if (auto st = grant->check_subscription(s); !st) return st;
          }
          auto patched = patch_subscription(s, *fragment, *context, now);
          if (!patched) return std::unexpected(patched.error());
          if (grant) {
            if (auto st = grant->check_subscription(*patched); !st) return st;
          }
          s = std::move(*patched);
          return ok();
        },
        [respond](Status st) {
          if (replied_error(st, respond)) return;
          respond(no_content());
        });
  }

  void remove(http::Request&& req, http::Responder respond) {
    if (replied_error(check_params(req, {}), respond)) return;
    auto id = subscription_id(req);
    if (replied_error(id, respond)) return;
    auto scope = read_scope(req, deps_.contexts);
    if (replied_error(scope, respond)) return;
    subscriptions_.remove(scope->tenant, *id, [respond](Status st) {
      if (replied_error(st, respond)) return;
      respond(no_content());
    });
  }

 private:
  struct Incoming {
    RequestScope scope;
    Body body;
    std::shared_ptr<const jsonld::Context> context;
    // The @context as the request gave it, kept to compact notifications with.
    json::value context_source;
  };

  Result<Incoming> read_request(const http::Request& req) {
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto body = read_body(req);
    if (!body) return std::unexpected(body.error());
    auto ctx = context_for(*body, body->json, *scope, deps_.contexts);
    if (!ctx) return std::unexpected(ctx.error());
    json::value source = nullptr;
    if (body->media == Media::JsonLd && body->json.is_object()) {
      if (const auto* c = body->json.as_object().if_contains("@context")) source = *c;
    } else if (!jsonld::is_core_context_url(scope->context_url)) {
      source = json::value(scope->context_url);
    }
    return Incoming{std::move(*scope), std::move(*body), std::move(*ctx), std::move(source)};
  }

  Result<http::Response> list_response(const http::Request& req) {
    if (auto st = check_params(req, {"limit", "offset", "count", "options"}); !st) {
      return std::unexpected(st.error());
    }
    auto options = parse_options(req, {"sysAttrs"});
    if (!options) return std::unexpected(options.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    constexpr std::size_t kHuge = 1'000'000'000;
    std::size_t limit = deps_.limits.default_page_size, offset = 0;
    bool count = false;
    if (auto v = req.query_param("limit")) {
      auto n = parse_size(*v, "limit", kHuge);
      if (!n) return std::unexpected(n.error());
      if (*n > deps_.limits.max_page_size) {
        return fail(ErrorKind::TooManyResults, "limit " + std::to_string(*n) +
                                                   " exceeds the maximum page size of " +
                                                   std::to_string(deps_.limits.max_page_size));
      }
      limit = *n;
    }
    if (auto v = req.query_param("offset")) {
      auto n = parse_size(*v, "offset", kHuge);
      if (!n) return std::unexpected(n.error());
      offset = *n;
    }
    if (auto v = req.query_param("count")) {
      auto b = parse_bool(*v, "count");
      if (!b) return std::unexpected(b.error());
      count = *b;
    }
    auto all = subscriptions_.list(scope->tenant);
    if (!all) return std::unexpected(all.error());
    const auto now = clock_.now();
    json::array out;
    for (std::size_t i = offset; i < all->size() && out.size() < limit; ++i) {
      out.push_back(
          render_subscription(*(*all)[i], *scope->context, now, options->contains("sysAttrs")));
    }
    auto res = json_response(200, std::move(out), *scope);
    if (count) res.header("NGSILD-Results-Count", std::to_string(all->size()));
    return res;
  }

  Result<http::Response> retrieve_response(const http::Request& req) {
    if (auto st = check_params(req, {"options"}); !st) return std::unexpected(st.error());
    auto options = parse_options(req, {"sysAttrs"});
    if (!options) return std::unexpected(options.error());
    auto id = subscription_id(req);
    if (!id) return std::unexpected(id.error());
    auto scope = read_scope(req, deps_.contexts);
    if (!scope) return std::unexpected(scope.error());
    auto sub = subscriptions_.get(scope->tenant, *id);
    if (!sub) return std::unexpected(sub.error());
    return json_response(
        200,
        render_subscription(**sub, *scope->context, clock_.now(), options->contains("sysAttrs")),
        *scope);
  }

  const ApiDeps deps_;
  broker::SubscriptionService& subscriptions_;
  const model::Clock& clock_;
};

}  // namespace

void register_subscription_routes(http::Router& router, const ApiDeps& deps,
                                  broker::SubscriptionService& subscriptions,
                                  const model::Clock& clock) {
  auto routes = std::make_shared<SubscriptionRoutes>(deps, subscriptions, clock);
  auto bind = [routes, &deps](void (SubscriptionRoutes::*fn)(http::Request&&, http::Responder)) {
    return offload_context_fetches(
        [routes, fn](http::Request&& req, http::Responder respond) {
          ((*routes).*fn)(std::move(req), std::move(respond));
        },
        deps);
  };
  const std::string base(kSubscriptions);
  router.add("POST", base, bind(&SubscriptionRoutes::create));
  router.add("GET", base, bind(&SubscriptionRoutes::list));
  router.add("GET", base + "/{subscriptionId}", bind(&SubscriptionRoutes::retrieve));
  router.add("PATCH", base + "/{subscriptionId}", bind(&SubscriptionRoutes::update));
  router.add("DELETE", base + "/{subscriptionId}", bind(&SubscriptionRoutes::remove));
}

}  // namespace tsunagu::api::ngsild
