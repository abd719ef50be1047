#include "notification_support.hpp"

#include <ctime>
#include <thread>

namespace tsunagu::it {

namespace json = boost::json;

json::object subscription_to(std::string_view type, std::string_view uri, std::string_view extra) {
  json::object subscription{
      {"type", "Subscription"},
      {"entities", json::array{json::object{{"type", type}}}},
      {"notification",
       json::object{{"endpoint", json::object{{"uri", uri}, {"accept", "application/json"}}}}},
  };
  const auto members = J(extra);  // named: iterating a temporary's object would dangle
  for (const auto& [key, value] : members.as_object()) subscription[key] = value;
  return subscription;
}

json::object& notification_of(json::object& subscription) {
  return subscription["notification"].as_object();
}

json::object& endpoint_of(json::object& subscription) {
  return notification_of(subscription)["endpoint"].as_object();
}

std::string subscription_path(std::string_view id) {
  return kSubscriptionsPath + "/" + std::string(id);
}

std::string create_subscription(HttpClient& http, const json::object& subscription,
                                const Headers& headers) {
  const auto res = http.post(kSubscriptionsPath, S(subscription), headers);
  if (!HasStatus(res, 201)) {
    ADD_FAILURE() << "creating the subscription " << S(subscription) << ": "
                  << HasStatus(res, 201).message();
    return {};
  }
  const std::string location = res.header("Location");
  const std::string prefix = kSubscriptionsPath + "/";
  EXPECT_TRUE(location.starts_with(prefix)) << "Location: " << location;
  return location.starts_with(prefix) ? location.substr(prefix.size()) : std::string();
}

json::value wait_subscription(HttpClient& http, std::string_view id,
                              const std::function<bool(const json::value&)>& done,
                              const Headers& headers, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto res = http.get(subscription_path(id), headers);
    if (res.status != 200) {
      ADD_FAILURE() << "GET subscription " << id << ": status " << res.status << ", " << res.body;
      return nullptr;
    }
    auto body = res.json();
    if (done(body) || std::chrono::steady_clock::now() >= deadline) return body;
    std::this_thread::sleep_for(50ms);
  }
}

Response set_value(HttpClient& http, std::string_view id, std::string_view attr,
                   const json::value& value, const Headers& headers) {
  return http.patch(entity_path(id) + "/attrs/" + std::string(attr),
                    S(json::object{{"value", value}}), headers);
}

std::vector<json::value> bodies_of(const std::vector<ContextServer::Received>& requests) {
  std::vector<json::value> out;
  for (const auto& request : requests) {
    try {
      out.push_back(J(request.body));
    } catch (const std::exception&) {
      out.emplace_back(nullptr);
    }
  }
  return out;
}

json::value member(const json::value& value, std::string_view name) {
  const auto* object = value.if_object();
  const auto* found = object ? object->if_contains(name) : nullptr;
  return found ? *found : json::value(nullptr);
}

std::vector<json::value> first_values(const std::vector<json::value>& notifications,
                                      std::string_view attr) {
  std::vector<json::value> out;
  for (const auto& n : notifications) {
    const auto data = member(n, "data");
    const auto first = data.is_array() && !data.as_array().empty() ? data.as_array()[0] : nullptr;
    out.push_back(member(member(first, attr), "value"));
  }
  return out;
}

std::string utc_from_now(std::chrono::milliseconds offset) {
  const auto at = std::chrono::system_clock::now() + offset;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
  const std::time_t seconds = ms.count() / 1000;
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms.count() % 1000));
  return std::string(text) + millis;
}

std::string NotificationTest::endpoint(const std::string& path) {
  receiver_.serve(path, "", "application/json");
  return receiver_.url(path);
}

std::string NotificationTest::subscribe(const json::object& subscription, const Headers& headers) {
  return create_subscription(http(), subscription, headers);
}

std::string NotificationTest::make_entity(std::string_view type, std::string_view members,
                                          const Headers& headers, std::string id) {
  if (id.empty()) id = new_id(type);
  auto entity = E(id, members);
  entity.as_object()["type"] = type;
  EXPECT_STATUS(create(entity, headers), 201);
  return id;
}

std::vector<json::value> NotificationTest::notifications(const std::string& path,
                                                         std::size_t count) {
  return bodies_of(receiver_.wait_for(path, count));
}

}  // namespace tsunagu::it
