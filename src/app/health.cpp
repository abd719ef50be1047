#include "app/health.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tsunagu::app {

void register_health(http::Router& router, std::chrono::steady_clock::time_point started) {
  router.add("GET", "/health", [started](http::Request&&, http::Responder respond) {
    boost::json::object body;
    body["status"] = "ok";
    body["version"] = TSUNAGU_VERSION;
    body["uptimeSeconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
            .count();
    http::Response res;
    res.header("Content-Type", "application/json");
    res.header("Cache-Control", "no-store");
    res.body = boost::json::serialize(body);
    respond(std::move(res));
  });
}

}  // namespace tsunagu::app
