#pragma once
// Shared helpers of the temporal API tests (temporal_*_test.cpp): history of entities, ETSI GS CIM
// 009 v1.8/v1.9 clauses 4.5.6-4.5.9 and 4.5.19 (representations), 4.11 (temporal query), 5.6.11-
// 5.6.16 (temporal writes), 5.7.3 and 5.7.4 (retrieve and query), 6.3.10 (temporal pagination),
// as docs/design/temporal.md decides them.
//
// Times are milliseconds since the Unix epoch (UTC). Tests write explicit observedAt values from
// kT0 = 2026-01-01T00:00:00Z onward, so every range and aggregate is exact.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fixture.hpp"

namespace tsunagu::it {

inline const std::string kTemporal = "/ngsi-ld/v1/temporal/entities";
inline const std::string kTemporalQuery = "/ngsi-ld/v1/temporal/entityOperations/query";
inline constexpr std::string_view kInstanceIdPrefix = "urn:ngsi-ld:attribute:instance:";
inline constexpr std::string_view kNgsiLdNull = "urn:ngsi-ld:null";
// The placeholder an expected instance carries for a member whose value is a time the broker
// chose (deletedAt of a tombstone): the actual member must be a UTC timestamp with milliseconds.
inline constexpr std::string_view kAnyTime = "<any time>";

using Millis = std::int64_t;
inline constexpr Millis kSecond = 1'000;
inline constexpr Millis kMinute = 60 * kSecond;
inline constexpr Millis kHour = 60 * kMinute;
inline constexpr Millis kDay = 24 * kHour;
inline constexpr Millis kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z

// The broker's one output form of a DateTime: 2026-01-01T00:00:00.000Z.
std::string iso(Millis t);
// iso(kT0 + k minutes).
std::string minute(Millis k);
// Parses YYYY-MM-DDThh:mm:ss[.fraction]Z (fraction truncated to milliseconds).
std::optional<Millis> parse_iso(std::string_view text);
// The instant of a JSON string timestamp; ADD_FAILURE and 0 when it is not one.
Millis millis_of(const boost::json::value& timestamp);
Millis now_millis();

// /ngsi-ld/v1/temporal/entities/<id>, .../attrs/<attr>, .../attrs/<attr>/<instanceId>.
std::string temporal_path(std::string_view id);
std::string temporal_attr_path(std::string_view id, std::string_view attr);
std::string temporal_instance_path(std::string_view id, std::string_view attr,
                                   std::string_view instance_id);

// A JSON array text parsed (as J does).
boost::json::array A(std::string_view text);

// {"type": "Property", "value": value, "observedAt": iso(t)}.
boost::json::object property_at(const boost::json::value& value, Millis t);

// The instances of an attribute of a temporal entity: its array, a single object as an array of
// one, an empty array when the attribute is absent (or the entity is not an object).
boost::json::array instances_of(const boost::json::value& entity, std::string_view attr);
// A copy of an object without the named members.
boost::json::value without_members(const boost::json::value& object,
                                   std::initializer_list<std::string_view> names);
// Instances with instanceId, createdAt and modifiedAt removed and deletedAt replaced by kAnyTime
// when it is a UTC timestamp: what a test can know in advance.
boost::json::array comparable(const boost::json::array& instances);
// The instances of `actual` equal those of `expected` as multisets, once made comparable (the
// order of instances without observedAt is not defined).
::testing::AssertionResult SameInstances(const boost::json::array& actual,
                                         const boost::json::array& expected);
// Every instance has an instanceId "urn:ngsi-ld:attribute:instance:<n>", all distinct.
::testing::AssertionResult HasInstanceIds(const boost::json::array& instances);
// The (instanceId) of each instance, in order.
std::vector<std::string> instance_ids(const boost::json::array& instances);
// The observedAt instants of instances, in order (0 for an instance without one).
std::vector<Millis> observed_times(const boost::json::array& instances);
// The values ("value" member) of instances, in order.
boost::json::array values_of(const boost::json::array& instances);
// The members of an object other than "id", "type" and "@context": the attributes.
std::set<std::string> attribute_names(const boost::json::value& entity);
// "type" as a set (a string or an array of strings).
std::set<std::string> types_of(const boost::json::value& entity);
// A JSON number as a double (throws when not a number).
double number_of(const boost::json::value& value);
// |actual - expected| <= relative * max(1, |expected|).
::testing::AssertionResult Near(double actual, double expected, double relative = 1e-9);
// A 400 ProblemDetails of type BadRequestData or InvalidRequest (the design only says 400).
::testing::AssertionResult IsBadRequest(const Response& res);

// Content-Range: date-time <start>-<end>/<size> (clause 6.3.10).
struct ContentRange {
  Millis start = 0;
  Millis end = 0;
  std::string size;
};
std::optional<ContentRange> content_range(const Response& res);

// A seeded series of numeric readings at fixed steps: reproducible, known to the test.
struct Reading {
  Millis t = 0;
  double value = 0;
};
boost::json::array readings_as_instances(const std::vector<Reading>& readings);

// The history of one Property: (minutes after kT0, value) pairs.
using Series = std::vector<std::pair<Millis, boost::json::value>>;

class TemporalTest : public BrokerTest {
 protected:
  // GET /temporal/entities/{id}<query>.
  Response get_temporal(std::string_view id, std::string_view query = "",
                        const Headers& headers = {});
  // GET /temporal/entities/{id}<query>, expecting 200; the body, or null after a recorded failure.
  boost::json::value history(std::string_view id, std::string_view query = "",
                             const Headers& headers = {});
  // POST /temporal/entities.
  Response post_temporal(const boost::json::value& entity, const Headers& headers = {});
  // GET /temporal/entities<query>, expecting 200; the array, or an empty array after a recorded
  // failure.
  boost::json::array query_temporal(std::string_view query_string, const Headers& headers = {});
  // POST /temporal/entityOperations/query<params>.
  Response post_query(const boost::json::value& body, std::string_view params = "",
                      const Headers& headers = {});
  // Loads `instances` of one attribute through POST /temporal/entities in chunks (201 for the
  // first when the entity is new, 204 after); false after a recorded failure.
  bool load(std::string_view id, std::string_view type, std::string_view attr,
            const boost::json::array& instances, std::size_t chunk = 400);
  // Creates an entity `id` (a new id when empty) of `type` through the core API whose Properties
  // take the given values at the given minutes (observedAt): the first point of each attribute in
  // the create (with the members of `extra_members`), the others by PATCH .../attrs in order.
  // Returns the id.
  std::string make_series(const boost::json::value& type,
                          const std::map<std::string, Series>& attrs,
                          std::string_view extra_members = "{}", std::string id = "");
};

}  // namespace tsunagu::it
