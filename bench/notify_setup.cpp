#include "notify_setup.hpp"

#include <charconv>
#include <stdexcept>

#include "http_client.hpp"
#include "measure.hpp"
#include "parallel_requests.hpp"

namespace tsunagu::bench {
namespace {

constexpr std::string_view kMatchingPrefix = "urn:ngsi-ld:Subscription:bench-match-";
// Non-matching subscriptions spread over this many other types or attributes, so that the
// index holds many small keys, as a city's subscriptions would, not one large one.
constexpr std::uint64_t kOtherKeys = 1000;

void expect_success(const Reply& reply, const std::string& what) {
  if (reply.status / 100 != 2) {
    throw std::runtime_error(what + " answered " + std::to_string(reply.status) + ": " +
                             reply.body.substr(0, 300));
  }
}

std::string endpoint(const std::string& uri) {
  return R"("notification":{"endpoint":{"uri":")" + uri + R"(","accept":"application/json"}})";
}

}  // namespace

std::string matching_id(std::uint64_t k) {
  return std::string(kMatchingPrefix) + std::to_string(k);
}

long matching_index(std::string_view id) {
  if (!id.starts_with(kMatchingPrefix)) return -1;
  id.remove_prefix(kMatchingPrefix.size());
  long k = -1;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), k);
  return ec == std::errc() && end == id.data() + id.size() ? k : -1;
}

std::string matching_subscription(std::uint64_t k, const std::string& attribute,
                                  const std::string& uri) {
  return R"({"id":")" + matching_id(k) +
         R"(","type":"Subscription","entities":[{"type":"Shelter"}],"watchedAttributes":[")" +
         attribute + R"("],)" + endpoint(uri) + "}";
}

std::string other_subscription(std::uint64_t i, const std::string& kind,
                               const std::string& attribute, const std::string& uri) {
  const std::string key = std::to_string(i % kOtherKeys);
  std::string selection;
  if (kind == "types") {
    selection = R"("entities":[{"type":"Other)" + key + R"("}],"watchedAttributes":[")" +
                attribute + R"("])";
  } else if (kind == "attrs") {
    selection = R"("watchedAttributes":["level)" + key + R"("])";
  } else if (kind == "same-type") {
    selection = R"("entities":[{"type":"Shelter"}],"watchedAttributes":["capacity"])";
  } else {
    throw std::runtime_error("unknown kind of subscription '" + kind +
                             "' (types, attrs, same-type)");
  }
  return R"({"type":"Subscription",)" + selection + "," + endpoint(uri) + "}";
}

double create_subscriptions(unsigned short port, const std::vector<std::string>& bodies,
                            std::uint64_t connections) {
  const auto t0 = now_ns();
  for_each_on_connections(port, connections, bodies.size(), [&](Connection& c, std::uint64_t i) {
    expect_success(c.request("POST", "/ngsi-ld/v1/subscriptions", bodies[i]),
                   "POST /subscriptions");
  });
  return static_cast<double>(now_ns() - t0) / 1e9;
}

}  // namespace tsunagu::bench
