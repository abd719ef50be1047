#include "temporal_support.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <regex>

namespace tsunagu::it {

namespace json = boost::json;

std::string iso(Millis t) {
  using namespace std::chrono;
  const sys_time<milliseconds> point{milliseconds{t}};
  const auto day = floor<days>(point);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> time{point - day};
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return buffer;
}

std::string minute(Millis k) {
  return iso(kT0 + k * kMinute);
}

std::optional<Millis> parse_iso(std::string_view text) {
  static const std::regex kPattern(
      R"(^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$)");
  std::smatch m;
  const std::string s(text);
  if (!std::regex_match(s, m, kPattern)) return std::nullopt;
  using namespace std::chrono;
  const year_month_day date{year{std::stoi(m[1])}, month{static_cast<unsigned>(std::stoi(m[2]))},
                            day{static_cast<unsigned>(std::stoi(m[3]))}};
  if (!date.ok()) return std::nullopt;
  std::string fraction = m[7].matched ? std::string(m[7]) : std::string();
  fraction = (fraction + "000").substr(0, 3);
  const auto point = sys_days{date} + hours{std::stoi(m[4])} + minutes{std::stoi(m[5])} +
                     seconds{std::stoi(m[6])} + milliseconds{std::stoi(fraction)};
  return duration_cast<milliseconds>(point.time_since_epoch()).count();
}

Millis millis_of(const json::value& timestamp) {
  if (timestamp.is_string()) {
    if (const auto t = parse_iso(timestamp.as_string())) return *t;
  }
  ADD_FAILURE() << "not a UTC DateTime: " << S(timestamp);
  return 0;
}

Millis now_millis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string temporal_path(std::string_view id) {
  return kTemporal + "/" + std::string(id);
}

std::string temporal_attr_path(std::string_view id, std::string_view attr) {
  return temporal_path(id) + "/attrs/" + std::string(attr);
}

std::string temporal_instance_path(std::string_view id, std::string_view attr,
                                   std::string_view instance_id) {
  return temporal_attr_path(id, attr) + "/" + std::string(instance_id);
}

json::array A(std::string_view text) {
  auto value = J(text);
  if (!value.is_array()) throw std::runtime_error("not a JSON array: " + std::string(text));
  return value.as_array();
}

json::object property_at(const json::value& value, Millis t) {
  return json::object{{"type", "Property"}, {"value", value}, {"observedAt", iso(t)}};
}

json::array instances_of(const json::value& entity, std::string_view attr) {
  if (!entity.is_object()) return {};
  const auto* found = entity.as_object().if_contains(attr);
  if (found == nullptr) return {};
  if (found->is_array()) return found->as_array();
  return json::array{*found};
}

json::value without_members(const json::value& object,
                            std::initializer_list<std::string_view> names) {
  if (!object.is_object()) return object;
  auto copy = object.as_object();
  for (const auto name : names) copy.erase(name);
  return copy;
}

json::array comparable(const json::array& instances) {
  json::array out;
  for (const auto& instance : instances) {
    auto copy = without_members(instance, {"instanceId", "createdAt", "modifiedAt"});
    if (copy.is_object()) {
      auto* deleted = copy.as_object().if_contains("deletedAt");
      if (deleted != nullptr && is_utc_ms_timestamp(*deleted)) *deleted = kAnyTime;
    }
    out.push_back(std::move(copy));
  }
  return out;
}

// JSON text with every object's members in name order: two instances that differ only in the
// order of their members (which JSON does not fix) give the same text.
std::string sorted_text(const json::value& v) {
  if (v.is_array()) {
    std::string out = "[";
    for (const auto& e : v.as_array()) out += (out.size() > 1 ? "," : "") + sorted_text(e);
    return out + "]";
  }
  if (!v.is_object()) return S(v);
  std::vector<std::pair<std::string, const json::value*>> members;
  for (const auto& [k, m] : v.as_object()) members.emplace_back(std::string(k), &m);
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  for (const auto& [k, m] : members) {
    out += (out.size() > 1 ? "," : "") + S(json::value(k)) + ":" + sorted_text(*m);
  }
  return out + "}";
}

::testing::AssertionResult SameInstances(const json::array& actual, const json::array& expected) {
  auto key = [](const json::array& instances) {
    std::vector<std::string> texts;
    for (const auto& instance : comparable(instances)) texts.push_back(sorted_text(instance));
    std::sort(texts.begin(), texts.end());
    return texts;
  };
  if (key(actual) == key(expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "instances " << S(comparable(actual))
                                       << "\n  expected (in any order) " << S(comparable(expected));
}

::testing::AssertionResult HasInstanceIds(const json::array& instances) {
  static const std::regex kPattern(R"(^urn:ngsi-ld:attribute:instance:\S+$)");
  std::set<std::string> seen;
  for (const auto& instance : instances) {
    const auto* id =
        instance.is_object() ? instance.as_object().if_contains("instanceId") : nullptr;
    if (id == nullptr || !id->is_string() ||
        !std::regex_match(std::string(id->as_string()), kPattern)) {
      return ::testing::AssertionFailure()
             << "instance without a valid instanceId: " << S(instance);
    }
    if (!seen.emplace(id->as_string()).second) {
      return ::testing::AssertionFailure() << "instanceId repeated: " << S(instances);
    }
  }
  return ::testing::AssertionSuccess();
}

std::vector<std::string> instance_ids(const json::array& instances) {
  std::vector<std::string> ids;
  for (const auto& instance : instances) {
    const auto* id =
        instance.is_object() ? instance.as_object().if_contains("instanceId") : nullptr;
    ids.push_back(id != nullptr && id->is_string() ? std::string(id->as_string()) : "");
  }
  return ids;
}

std::vector<Millis> observed_times(const json::array& instances) {
  std::vector<Millis> times;
  for (const auto& instance : instances) {
    const auto* t = instance.is_object() ? instance.as_object().if_contains("observedAt") : nullptr;
    times.push_back(t != nullptr ? millis_of(*t) : 0);
  }
  return times;
}

json::array values_of(const json::array& instances) {
  json::array values;
  for (const auto& instance : instances) {
    const auto* v = instance.is_object() ? instance.as_object().if_contains("value") : nullptr;
    values.push_back(v != nullptr ? *v : json::value(nullptr));
  }
  return values;
}

std::set<std::string> attribute_names(const json::value& entity) {
  std::set<std::string> names;
  if (!entity.is_object()) return names;
  for (const auto& [key, value] : entity.as_object()) {
    if (key != "id" && key != "type" && key != "@context") names.emplace(key);
  }
  return names;
}

std::set<std::string> types_of(const json::value& entity) {
  std::set<std::string> types;
  if (!entity.is_object() || !entity.as_object().contains("type")) return types;
  const auto& type = entity.at("type");
  if (type.is_string()) types.emplace(type.as_string());
  if (type.is_array()) {
    for (const auto& item : type.as_array()) {
      if (item.is_string()) types.emplace(item.as_string());
    }
  }
  return types;
}

double number_of(const json::value& value) {
  if (value.is_int64()) return static_cast<double>(value.as_int64());
  if (value.is_uint64()) return static_cast<double>(value.as_uint64());
  if (value.is_double()) return value.as_double();
  throw std::runtime_error("not a number: " + S(value));
}

::testing::AssertionResult Near(double actual, double expected, double relative) {
  const double tolerance = relative * std::max(1.0, std::fabs(expected));
  if (std::fabs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%.17g, expected %.17g (tolerance %.3g)", actual, expected,
                tolerance);
  return ::testing::AssertionFailure() << buffer;
}

::testing::AssertionResult IsBadRequest(const Response& res) {
  if (IsProblem(res, 400, "BadRequestData")) return ::testing::AssertionSuccess();
  return IsProblem(res, 400, "InvalidRequest");
}

std::optional<ContentRange> content_range(const Response& res) {
  static const std::regex kPattern(R"(^date-time (\d{4}-\d{2}-\d{2}T[0-9:.]+Z)-)"
                                   R"((\d{4}-\d{2}-\d{2}T[0-9:.]+Z)/(\*|\d+)$)");
  std::smatch m;
  const std::string header = res.header("Content-Range");
  if (!std::regex_match(header, m, kPattern)) return std::nullopt;
  const auto start = parse_iso(std::string(m[1]));
  const auto end = parse_iso(std::string(m[2]));
  if (!start || !end) return std::nullopt;
  return ContentRange{*start, *end, std::string(m[3])};
}

json::array readings_as_instances(const std::vector<Reading>& readings) {
  json::array instances;
  for (const auto& r : readings) instances.push_back(property_at(r.value, r.t));
  return instances;
}

Response TemporalTest::get_temporal(std::string_view id, std::string_view query,
                                    const Headers& headers) {
  return http().get(temporal_path(id) + std::string(query), headers);
}

json::value TemporalTest::history(std::string_view id, std::string_view query,
                                  const Headers& headers) {
  const auto res = get_temporal(id, query, headers);
  if (res.status != 200) {
    ADD_FAILURE() << "GET " << temporal_path(id) << query << ": status " << res.status << ", body "
                  << res.body.substr(0, 2000);
    return nullptr;
  }
  return res.json();
}

Response TemporalTest::post_temporal(const json::value& entity, const Headers& headers) {
  return http().post(kTemporal, S(entity), headers);
}

json::array TemporalTest::query_temporal(std::string_view query_string, const Headers& headers) {
  const auto res = http().get(kTemporal + std::string(query_string), headers);
  if (res.status != 200) {
    ADD_FAILURE() << "GET " << kTemporal << query_string << ": status " << res.status << ", body "
                  << res.body.substr(0, 2000);
    return {};
  }
  const auto body = res.json();
  if (!body.is_array()) {
    ADD_FAILURE() << "a temporal query answers an array: " << res.body.substr(0, 2000);
    return {};
  }
  return body.as_array();
}

Response TemporalTest::post_query(const json::value& body, std::string_view params,
                                  const Headers& headers) {
  return http().post(kTemporalQuery + std::string(params), S(body), headers);
}

bool TemporalTest::load(std::string_view id, std::string_view type, std::string_view attr,
                        const json::array& instances, std::size_t chunk) {
  for (std::size_t from = 0; from < instances.size(); from += chunk) {
    json::array part(
        instances.begin() + static_cast<std::ptrdiff_t>(from),
        instances.begin() + static_cast<std::ptrdiff_t>(std::min(instances.size(), from + chunk)));
    json::object entity{{"id", id}, {"type", type}};
    entity[attr] = std::move(part);
    const auto res = post_temporal(entity);
    if (res.status != 201 && res.status != 204) {
      ADD_FAILURE() << "loading " << attr << " of " << id << ": status " << res.status << ", body "
                    << res.body.substr(0, 2000);
      return false;
    }
  }
  return true;
}

std::string TemporalTest::make_series(const json::value& type,
                                      const std::map<std::string, Series>& attrs,
                                      std::string_view extra_members, std::string id) {
  if (id.empty()) id = new_id();
  auto entity = E(id, extra_members);
  entity.as_object()["type"] = type;
  for (const auto& [name, points] : attrs) {
    if (!points.empty()) {
      entity.as_object()[name] = property_at(points[0].second, kT0 + points[0].first * kMinute);
    }
  }
  EXPECT_STATUS(create(entity), 201);
  for (const auto& [name, points] : attrs) {
    for (std::size_t i = 1; i < points.size(); ++i) {
      json::object patch;
      patch[name] = property_at(points[i].second, kT0 + points[i].first * kMinute);
      EXPECT_STATUS(http().patch(entity_path(id) + "/attrs", S(patch)), 204) << name << " " << i;
    }
  }
  return id;
}

}  // namespace tsunagu::it
