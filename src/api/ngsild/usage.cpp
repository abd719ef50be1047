#include "api/ngsild/usage.hpp"

#include "api/ngsild/access.hpp"

namespace tsunagu::api::ngsild {

std::shared_ptr<metering::RequestUsage> usage_of(const http::Request& req) {
  const auto* usage = std::any_cast<std::shared_ptr<metering::RequestUsage>>(&req.metering);
  return usage ? *usage : nullptr;
}

void meter_usage(http::Router& router, metering::UsageMeter& meter) {
  router.wrap(
      "/ngsi-ld",
      [&meter](const std::string&, const std::string&, http::Handler inner) -> http::Handler {
        return [&meter, inner = std::move(inner)](http::Request&& req, http::Responder respond) {
          const auto* principal = principal_of(req);
          std::string client = principal ? principal->client_id : std::string();
          const auto tenant_header = req.header("NGSILD-Tenant");
          std::string tenant = tenant_header ? std::string(*tenant_header) : std::string();
          auto usage = std::make_shared<metering::RequestUsage>();
          req.metering = usage;
          inner(std::move(req),
                [&meter, usage, client = std::move(client), tenant = std::move(tenant),
                 respond = std::move(respond)](http::Response res) {
                  meter.count(client, tenant, *usage, res.body.size());
                  respond(std::move(res));
                });
        };
      });
}

}  // namespace tsunagu::api::ngsild
