#include "api/ngsild/subscription_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/object.hpp>
#include <boost/url/parse.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/ngsild/entity_parser.hpp"
#include "api/ngsild/language.hpp"
#include "api/ngsild/notification_renderer.hpp"
#include "api/ngsild/query_body.hpp"
#include "broker/entity_merge.hpp"
#include "model/ascii.hpp"
#include "model/excerpt.hpp"
#include "model/uri.hpp"
#include "query/q_parser.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::Subscription;

namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

std::unexpected<Error> unsupported(std::string_view member) {
  return fail(ErrorKind::OperationNotSupported,
              "\"" + std::string(member) + "\" is not supported in a subscription");
}

// The same error with the member it concerns in front: "watchedAttributes[2]: ...".
std::unexpected<Error> within(std::string_view where, Error e) {
  e.message = std::string(where) + ": " + e.message;
  return std::unexpected(std::move(e));
}

std::string quoted(std::string_view s) {
  return "'" + model::excerpt(s) + "'";
}

// What removes a member in an update (clause 5.2.1: JSON null does not survive JSON-LD, so
// NGSI-LD spells it "urn:ngsi-ld:null").
bool is_removal(const json::value& v) {
  return v.is_null() || (v.is_string() && v.get_string() == broker::kNullValue);
}

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view s) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// ---- values ----

Result<std::string> text(const json::value& v, std::string_view member) {
  if (!v.is_string()) return bad("\"" + std::string(member) + "\" must be a string");
  return std::string(v.get_string());
}

Result<std::string> non_empty_text(const json::value& v, std::string_view member) {
  if (!v.is_string() || v.get_string().empty()) {
    return bad("\"" + std::string(member) + "\" must be a non-empty string");
  }
  return std::string(v.get_string());
}

Result<bool> boolean(const json::value& v, std::string_view member) {
  if (!v.is_bool()) return bad("\"" + std::string(member) + "\" must be true or false");
  return v.get_bool();
}

Result<double> positive_number(const json::value& v, std::string_view member) {
  double d = 0;
  if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    d = v.get_double();
  } else {
    return bad("\"" + std::string(member) + "\" must be a number");
  }
  if (!(d > 0)) return bad("\"" + std::string(member) + "\" must be greater than 0");
  return d;
}

constexpr double kMinTimeInterval = 1;                   // seconds
constexpr double kMaxPeriodSeconds = 366.0 * 24 * 3600;  // a year: throttling and timeInterval

// A positive number of seconds, at least `min`, at most a year.
Result<double> seconds_within(const json::value& v, std::string_view member, double min) {
  auto seconds = positive_number(v, member);
  if (!seconds) return seconds;
  if (*seconds < min) {
    return bad("\"" + std::string(member) + "\" must be at least " + fmt::format("{}", min) +
               " seconds");
  }
  if (*seconds > kMaxPeriodSeconds) {
    return bad("\"" + std::string(member) + "\" must be at most " +
               fmt::format("{}", kMaxPeriodSeconds) + " seconds (a year)");
  }
  return seconds;
}

const json::array* non_empty_array(const json::value& v) {
  return v.is_array() && !v.get_array().empty() ? &v.get_array() : nullptr;
}

Status check_count(const json::array& a, std::string_view member, std::size_t max,
                   std::string_view items) {
  if (a.size() <= max) return ok();
  return bad("\"" + std::string(member) + "\" has " + std::to_string(a.size()) + " " +
             std::string(items) + "; at most " + std::to_string(max) + " are allowed");
}

// Attribute names, expanded, duplicates dropped: watchedAttributes and notification.attributes.
Result<std::vector<std::string>> attribute_names(const json::value& v, std::string_view member,
                                                 const jsonld::Context& ctx) {
  const auto* a = non_empty_array(v);
  if (!a) {
    return bad("\"" + std::string(member) + "\" must be a non-empty array of attribute names");
  }
  if (auto st = check_count(*a, member, kMaxSubscriptionAttributes, "names"); !st) {
    return std::unexpected(st.error());
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const std::string where = std::string(member) + "[" + std::to_string(i) + "]";
    if (!(*a)[i].is_string()) return bad(where + ": an attribute name must be a string");
    const std::string_view name = (*a)[i].get_string();
    auto iri = expand_name(name, ctx, "attribute");
    if (!iri) return within(where, iri.error());
    if (iri->starts_with('@')) {
      return bad(where + ": " + quoted(name) + " is not an attribute name (it means " + *iri + ")");
    }
    if (std::find(out.begin(), out.end(), *iri) == out.end()) out.push_back(std::move(*iri));
  }
  return out;
}

// ---- receiverInfo and notifierInfo ----

bool is_token_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 9110 field-name and field-value: what a pair must be to become a header without
// splitting the message it is sent in.
Status check_header_pair(const model::KeyValue& kv, const std::string& where) {
  if (kv.key.empty() || !std::all_of(kv.key.begin(), kv.key.end(), is_token_char)) {
    return bad(where + ": key " + quoted(kv.key) +
               " is not a header name (letters, digits and !#$%&'*+-.^_`|~)");
  }
  const bool control = std::any_of(kv.value.begin(), kv.value.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
  });
  if (control) {
    return bad(where + ": the value of " + quoted(kv.key) + " contains a control character");
  }
  if (!kv.value.empty() && (model::trim_ows(kv.value).size() != kv.value.size())) {
    return bad(where + ": the value of " + quoted(kv.key) + " has leading or trailing blanks");
  }
  return ok();
}

// Headers that frame or address a notification: the sender sets them.
constexpr std::array<std::string_view, 5> kReservedHeaders{"content-length", "transfer-encoding",
                                                           "connection", "host", "content-type"};

Status check_receiver_pair(const model::KeyValue& kv, const std::string& where) {
  if (one_of(kReservedHeaders, model::ascii_lower(kv.key))) {
    return bad(where + ": " + quoted(kv.key) + " is set by the broker and cannot be given");
  }
  return ok();
}

// Clause 7.2: the MQTT binding's settings.
Status check_notifier_pair(const model::KeyValue& kv, const std::string& where) {
  if (kv.key == "MQTT-QoS" && kv.value != "0" && kv.value != "1" && kv.value != "2") {
    return bad(where + ": MQTT-QoS must be \"0\", \"1\" or \"2\", not " + quoted(kv.value));
  }
  if (kv.key == "MQTT-Version" && kv.value != "mqtt3.1.1" && kv.value != "mqtt5.0") {
    return bad(where + ": MQTT-Version must be \"mqtt3.1.1\" or \"mqtt5.0\", not " +
               quoted(kv.value));
  }
  return ok();
}

using PairCheck = Status (*)(const model::KeyValue&, const std::string&);

Result<std::vector<model::KeyValue>> key_values(const json::value& v, std::string_view member,
                                                PairCheck check) {
  const std::string name = "notification.endpoint." + std::string(member);
  if (!v.is_array()) return bad("\"" + name + "\" must be an array of {\"key\", \"value\"}");
  if (auto st = check_count(v.get_array(), name, kMaxEndpointInfo, "entries"); !st) {
    return std::unexpected(st.error());
  }
  std::vector<model::KeyValue> out;
  for (std::size_t i = 0; i < v.get_array().size(); ++i) {
    const auto& item = v.get_array()[i];
    const std::string where = name + "[" + std::to_string(i) + "]";
    const auto* o = item.if_object();
    const auto* key = o ? o->if_contains("key") : nullptr;
    const auto* value = o ? o->if_contains("value") : nullptr;
    if (!key || !value || !key->is_string() || !value->is_string() || o->size() != 2) {
      return bad(where + ": must be an object with the strings \"key\" and \"value\" only");
    }
    model::KeyValue kv{std::string(key->get_string()), std::string(value->get_string())};
    if (auto st = check_header_pair(kv, where); !st) return std::unexpected(st.error());
    if (auto st = check(kv, where); !st) return std::unexpected(st.error());
    out.push_back(std::move(kv));
  }
  return out;
}

// ---- endpoint ----

Status check_endpoint_uri(const std::string& uri) {
  constexpr std::string_view kWhere = "notification.endpoint.uri";
  if (auto st = model::validate_uri(uri, kWhere); !st) return st;
  const auto parsed = boost::urls::parse_uri(uri);
  const std::string scheme = model::ascii_lower(parsed->scheme());
  const bool mqtt = scheme == "mqtt" || scheme == "mqtts";
  if (scheme != "http" && scheme != "https" && !mqtt) {
    return bad(std::string(kWhere) + ": " + quoted(uri) + " has the scheme '" + scheme +
               "'; notifications are sent to http, https, mqtt or mqtts endpoints");
  }
  if (parsed->encoded_host().empty()) {
    return bad(std::string(kWhere) + ": " + quoted(uri) + " has no host");
  }
  if (!mqtt) return ok();
  const std::string_view topic = parsed->encoded_path();
  if (topic.size() <= 1) {
    return bad(std::string(kWhere) + ": an MQTT endpoint names the topic to publish to, as in " +
               "mqtt://broker.example.org:1883/notifications");
  }
  if (topic.find('+') != std::string_view::npos) {
    return bad(std::string(kWhere) + ": the MQTT topic " + quoted(topic.substr(1)) +
               " contains the wildcard '+'; a notification is published to one topic");
  }
  return ok();
}

Status endpoint_member(std::string_view key, const json::value& v, model::Endpoint& e) {
  const std::string member = "notification.endpoint." + std::string(key);
  if (key == "uri") {
    auto uri = non_empty_text(v, member);
    if (!uri) return std::unexpected(uri.error());
    if (auto st = check_endpoint_uri(*uri); !st) return st;
    e.uri = std::move(*uri);
  } else if (key == "accept") {
    auto media = v.is_string() ? model::media_from_name(v.get_string()) : std::nullopt;
    if (!media) {
      return bad("\"" + member +
                 "\" must be \"application/json\", \"application/ld+json\" or "
                 "\"application/geo+json\"");
    }
    e.accept = *media;
  } else if (key == "timeout" || key == "cooldown") {
    auto ms = positive_number(v, member);
    if (!ms) return std::unexpected(ms.error());
    (key == "timeout" ? e.timeout_ms : e.cooldown_ms) = *ms;
  } else if (key == "receiverInfo" || key == "notifierInfo") {
    const bool receiver = key == "receiverInfo";
    auto pairs = key_values(v, key, receiver ? check_receiver_pair : check_notifier_pair);
    if (!pairs) return std::unexpected(pairs.error());
    (receiver ? e.receiver_info : e.notifier_info) = std::move(*pairs);
  } else {
    return bad("notification.endpoint: unknown member \"" + std::string(key) + "\"");
  }
  return ok();
}

Result<model::Endpoint> endpoint_from(const json::value& v) {
  if (!v.is_object()) return bad("\"notification.endpoint\" must be an object with \"uri\"");
  model::Endpoint e;
  for (const auto& kv : v.get_object()) {
    if (auto st = endpoint_member(kv.key(), kv.value(), e); !st) return std::unexpected(st.error());
  }
  if (e.uri.empty()) return bad("notification.endpoint needs \"uri\"");
  return e;
}

// ---- notification ----

// Shown by a retrieval (5.2.14), set by the broker: a client that sends them back is ignored.
constexpr std::array<std::string_view, 6> kReadOnlyNotification{
    "status", "timesSent", "timesFailed", "lastNotification", "lastSuccess", "lastFailure"};
constexpr std::array<std::string_view, 4> kUnsupportedNotification{"pick", "omit", "join",
                                                                   "joinLevel"};

Status notification_member(std::string_view key, const json::value& v, model::NotificationParams& n,
                           const jsonld::Context& ctx) {
  const std::string member = "notification." + std::string(key);
  if (key == "attributes") {
    auto names = attribute_names(v, member, ctx);
    if (!names) return std::unexpected(names.error());
    n.attributes = std::move(*names);
  } else if (key == "format") {
    auto format = v.is_string() ? model::format_from_name(v.get_string()) : std::nullopt;
    if (!format) {
      return bad("\"" + member + "\" must be \"normalized\", \"concise\" or \"keyValues\"");
    }
    n.format = *format;
  } else if (key == "showChanges" || key == "sysAttrs") {
    auto flag = boolean(v, member);
    if (!flag) return std::unexpected(flag.error());
    (key == "showChanges" ? n.show_changes : n.sys_attrs) = *flag;
  } else if (key == "endpoint") {
    auto endpoint = endpoint_from(v);
    if (!endpoint) return std::unexpected(endpoint.error());
    n.endpoint = std::move(*endpoint);
  } else if (one_of(kUnsupportedNotification, key)) {
    return unsupported(member);
  } else if (!one_of(kReadOnlyNotification, key)) {
    return bad("notification: unknown member \"" + std::string(key) + "\"");
  }
  return ok();
}

Result<model::NotificationParams> notification_from(const json::value& v,
                                                    const jsonld::Context& ctx) {
  if (!v.is_object()) return bad("\"notification\" must be an object with \"endpoint\"");
  model::NotificationParams n;
  bool has_endpoint = false;
  for (const auto& kv : v.get_object()) {
    if (auto st = notification_member(kv.key(), kv.value(), n, ctx); !st) {
      return std::unexpected(st.error());
    }
    has_endpoint = has_endpoint || kv.key() == "endpoint";
  }
  if (!has_endpoint) return bad("notification needs \"endpoint\"");
  return n;
}

// ---- the members of a Subscription ----

class Reader {
 public:
  Reader(const jsonld::Context& ctx, model::Timestamp now) : ctx_(ctx), now_(now) {}

  using Parse = Status (Reader::*)(const json::value&, Subscription&) const;
  using Reset = void (*)(Subscription&);

  struct Rule {
    std::string_view name;
    Parse parse;
    Reset reset;  // nullptr: mandatory, an update cannot remove it
  };

  // The members of 5.2.12 this broker implements.
  static const Rule* rule(std::string_view name) {
    static const std::array<Rule, 18> kRules{{
        {"id", &Reader::id, nullptr},
        {"type", &Reader::type, nullptr},
        {"subscriptionName", &Reader::name, [](Subscription& s) { s.name.reset(); }},
        {"description", &Reader::description, [](Subscription& s) { s.description.reset(); }},
        {"entities", &Reader::entities, [](Subscription& s) { s.entities.clear(); }},
        {"watchedAttributes", &Reader::watched,
         [](Subscription& s) { s.watched_attributes.clear(); }},
        {"notificationTrigger", &Reader::triggers,
         [](Subscription& s) { s.notification_trigger = model::default_triggers(); }},
        {"q", &Reader::q, [](Subscription& s) { s.q.reset(); }},
        {"geoQ", &Reader::geo, [](Subscription& s) { s.geo.reset(); }},
        {"scopeQ", &Reader::scope, [](Subscription& s) { s.scope.reset(); }},
        {"isActive", &Reader::active, [](Subscription& s) { s.is_active = true; }},
        {"expiresAt", &Reader::expires, [](Subscription& s) { s.expires_at.reset(); }},
        {"throttling", &Reader::throttling, [](Subscription& s) { s.throttling.reset(); }},
        {"timeInterval", &Reader::interval, [](Subscription& s) { s.time_interval.reset(); }},
        {"lang", &Reader::lang, [](Subscription& s) { s.lang.reset(); }},
        {"notification", &Reader::notification, nullptr},
        {"jsonldContext", &Reader::jsonld_context,
         [](Subscription& s) { s.jsonld_context.reset(); }},
        {"@context", &Reader::ignore, [](Subscription&) {}},
    }};
    for (const auto& r : kRules) {
      if (r.name == name) return &r;
    }
    return nullptr;
  }

  // A member of a create request or an update fragment; `patch` allows removals.
  Status member(std::string_view key, const json::value& v, Subscription& s, bool patch) const {
    const Rule* r = rule(key);
    if (!r) return unknown(key);
    if (patch && is_removal(v)) {
      if (!r->reset) return bad("\"" + std::string(key) + "\" is mandatory and cannot be removed");
      r->reset(s);
      return ok();
    }
    if (v.is_string() && v.get_string() == broker::kNullValue) {
      return bad("\"" + std::string(key) + "\": " + std::string(broker::kNullValue) +
                 " removes a member in an update; it is not a value");
    }
    return (this->*(r->parse))(v, s);
  }

 private:
  // Set by the broker and shown by a retrieval; a client that sends them back is ignored.
  static constexpr std::array<std::string_view, 4> kReadOnly{"status", "createdAt", "modifiedAt",
                                                             "deletedAt"};
  static constexpr std::array<std::string_view, 4> kUnsupported{"csf", "temporalQ", "localOnly",
                                                                "datasetId"};

  static Status unknown(std::string_view key) {
    if (one_of(kReadOnly, key)) return ok();
    if (one_of(kUnsupported, key)) return unsupported(key);
    return bad("unknown member \"" + std::string(key) + "\" in a subscription");
  }

  Status ignore(const json::value&, Subscription&) const { return ok(); }

  Status id(const json::value& v, Subscription& s) const {
    auto id = non_empty_text(v, "id");
    if (!id) return std::unexpected(id.error());
    if (auto st = model::validate_uri(*id, "id"); !st) return st;
    if (!s.id.empty() && s.id != *id) {
      return bad("id: " + quoted(*id) + " differs from the subscription's id " + quoted(s.id));
    }
    s.id = std::move(*id);
    return ok();
  }

  Status type(const json::value& v, Subscription&) const {
    if (v.is_string() && v.get_string() == "Subscription") return ok();
    return bad("\"type\" must be \"Subscription\"");
  }

  Status name(const json::value& v, Subscription& s) const {
    auto t = text(v, "subscriptionName");
    if (!t) return std::unexpected(t.error());
    s.name = std::move(*t);
    return ok();
  }

  Status description(const json::value& v, Subscription& s) const {
    auto t = text(v, "description");
    if (!t) return std::unexpected(t.error());
    s.description = std::move(*t);
    return ok();
  }

  Status entities(const json::value& v, Subscription& s) const {
    const auto* a = non_empty_array(v);
    if (!a) return bad("\"entities\" must be a non-empty array of entity selectors");
    if (auto st = check_count(*a, "entities", kMaxSubscriptionSelectors, "selectors"); !st) {
      return st;
    }
    std::vector<query::EntitySelector> out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      auto selector = selector_from((*a)[i], i, ctx_);
      if (!selector) return std::unexpected(selector.error());
      out.push_back(std::move(*selector));
    }
    s.entities = std::move(out);
    return ok();
  }

  Status watched(const json::value& v, Subscription& s) const {
    auto names = attribute_names(v, "watchedAttributes", ctx_);
    if (!names) return std::unexpected(names.error());
    s.watched_attributes = std::move(*names);
    return ok();
  }

  Status triggers(const json::value& v, Subscription& s) const {
    const auto* a = non_empty_array(v);
    if (!a) return bad("\"notificationTrigger\" must be a non-empty array of trigger names");
    model::TriggerSet out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto& item = (*a)[i];
      auto trigger = item.is_string() ? model::trigger_from_name(item.get_string()) : std::nullopt;
      if (!trigger) {
        return bad("notificationTrigger[" + std::to_string(i) +
                   "]: must be one of entityCreated, entityUpdated, entityDeleted, "
                   "attributeCreated, attributeUpdated, attributeDeleted");
      }
      out.insert(*trigger);
    }
    s.notification_trigger = std::move(out);
    return ok();
  }

  // q is parsed with an expander that remembers what each term meant (model::QFilter::terms).
  Status q(const json::value& v, Subscription& s) const {
    auto t = non_empty_text(v, "q");
    if (!t) return std::unexpected(t.error());
    model::QFilter filter{std::move(*t), nullptr, {}};
    const query::TermExpander expand = [&](std::string_view term) {
      std::string iri = ctx_.expand(term);
      filter.terms.emplace(std::string(term), iri);
      return iri;
    };
    auto parsed = query::parse_q(filter.text, expand);
    if (!parsed) return std::unexpected(parsed.error());
    filter.expr = std::make_shared<const query::Expr>(std::move(*parsed));
    s.q = std::move(filter);
    return ok();
  }

  Status geo(const json::value& v, Subscription& s) const {
    auto g = geo_text_from(v);
    if (!g) return std::unexpected(g.error());
    auto bound = geo_filter(*g, ctx_);
    if (!bound) return std::unexpected(bound.error());
    const auto& query = *bound;
    std::optional<std::string> property;
    if (g->geoproperty) property = query->geoproperty;
    s.geo = model::GeoFilter{std::move(*g->georel), std::move(*g->geometry),
                             std::move(*g->coordinates), std::move(property), query};
    return ok();
  }

  Status scope(const json::value& v, Subscription& s) const {
    auto t = non_empty_text(v, "scopeQ");
    if (!t) return std::unexpected(t.error());
    auto expr = scope_filter(*t);
    if (!expr) return std::unexpected(expr.error());
    s.scope = model::ScopeFilter{std::move(*t), std::move(*expr)};
    return ok();
  }

  Status active(const json::value& v, Subscription& s) const {
    auto flag = boolean(v, "isActive");
    if (!flag) return std::unexpected(flag.error());
    s.is_active = *flag;
    return ok();
  }

  Status expires(const json::value& v, Subscription& s) const {
    auto t = text(v, "expiresAt");
    if (!t) return std::unexpected(t.error());
    auto at = model::parse_datetime(*t, "expiresAt");
    if (!at) return std::unexpected(at.error());
    if (*at <= now_) {
      return bad("expiresAt " + quoted(*t) + " is not in the future; it is now " +
                 model::format_datetime(now_));
    }
    s.expires_at = *at;
    return ok();
  }

  Status throttling(const json::value& v, Subscription& s) const {
    auto seconds = seconds_within(v, "throttling", 0);
    if (!seconds) return std::unexpected(seconds.error());
    s.throttling = *seconds;
    return ok();
  }

  Status interval(const json::value& v, Subscription& s) const {
    // Each period runs a query: a period under a second would be a load, not a subscription.
    auto seconds = seconds_within(v, "timeInterval", kMinTimeInterval);
    if (!seconds) return std::unexpected(seconds.error());
    s.time_interval = *seconds;
    return ok();
  }

  Status lang(const json::value& v, Subscription& s) const {
    auto t = non_empty_text(v, "lang");
    if (!t) return std::unexpected(t.error());
    if (auto preference = parse_language_preference(*t); !preference) {
      return std::unexpected(preference.error());
    }
    s.lang = std::move(*t);
    return ok();
  }

  Status notification(const json::value& v, Subscription& s) const {
    auto n = notification_from(v, ctx_);
    if (!n) return std::unexpected(n.error());
    s.notification = std::move(*n);
    return ok();
  }

  Status jsonld_context(const json::value& v, Subscription& s) const {
    auto uri = non_empty_text(v, "jsonldContext");
    if (!uri) return std::unexpected(uri.error());
    if (auto st = model::validate_uri(*uri, "jsonldContext"); !st) return st;
    const std::string scheme = model::ascii_lower(boost::urls::parse_uri(*uri)->scheme());
    if (scheme != "http" && scheme != "https") {
      return bad("jsonldContext: " + quoted(*uri) +
                 " must be an http or https URI: notifications dereference it");
    }
    s.jsonld_context = std::move(*uri);
    return ok();
  }

  const jsonld::Context& ctx_;
  model::Timestamp now_;
};

// The rules that concern several members (5.2.12, 5.2.14), checked on the whole subscription.
Status check_whole(const Subscription& s) {
  if (s.entities.empty() && s.watched_attributes.empty()) {
    return bad("a subscription needs \"entities\" or \"watchedAttributes\", or both");
  }
  if (s.time_interval && !s.watched_attributes.empty()) {
    return bad(
        "\"timeInterval\" and \"watchedAttributes\" cannot be combined: a periodic subscription "
        "notifies regardless of changes");
  }
  if (s.time_interval && s.throttling) {
    return bad(
        "\"timeInterval\" and \"throttling\" cannot be combined: a periodic subscription "
        "notifies at its interval");
  }
  if (s.notification.show_changes &&
      s.notification.format == model::NotificationFormat::KeyValues) {
    return bad("notification.showChanges cannot be true with the format keyValues");
  }
  return ok();
}

// A notification that is not JSON-LD names its @context in one Link header. Tsunagu does not
// host contexts (/jsonldContexts) yet, so a context with inline definitions or several URLs has
// no URL to name: refused rather than sent under the wrong context.
Status check_context_linkable(const Subscription& s) {
  if (s.notification.endpoint.accept == model::NotificationMedia::JsonLd) return ok();
  if (link_context_url(notification_context(s))) return ok();
  return fail(ErrorKind::OperationNotSupported,
              "the subscription's @context has inline definitions or several URLs, which a "
              "notification in " +
                  std::string(model::media_name(s.notification.endpoint.accept)) +
                  " cannot name in its Link header; give \"jsonldContext\" (one URL), or "
                  "notification.endpoint.accept \"application/ld+json\"");
}

Status read_members(const json::object& o, const Reader& reader, Subscription& s, bool patch) {
  for (const auto& kv : o) {
    if (auto st = reader.member(kv.key(), kv.value(), s, patch); !st) return st;
  }
  return ok();
}

}  // namespace

Result<Subscription> parse_subscription(const json::value& body, const jsonld::Context& context,
                                        const json::value& context_source, model::Timestamp now) {
  if (!body.is_object()) return bad("a subscription must be a JSON object");
  const auto& o = body.get_object();
  if (!o.contains("type")) return bad("a subscription needs \"type\": \"Subscription\"");
  if (!o.contains("notification")) return bad("a subscription needs \"notification\"");
  Subscription s;
  if (auto st = read_members(o, Reader(context, now), s, false); !st) {
    return std::unexpected(st.error());
  }
  if (auto st = check_whole(s); !st) return std::unexpected(st.error());
  s.context = context_source;
  if (auto st = check_context_linkable(s); !st) return std::unexpected(st.error());
  s.created_at = now;
  s.modified_at = now;
  return s;
}

Result<Subscription> patch_subscription(const Subscription& current, const json::value& fragment,
                                        const jsonld::Context& context, model::Timestamp now) {
  if (!fragment.is_object()) return bad("a subscription fragment must be a JSON object");
  Subscription s = current;
  if (auto st = read_members(fragment.get_object(), Reader(context, now), s, true); !st) {
    return std::unexpected(st.error());
  }
  if (auto st = check_whole(s); !st) return std::unexpected(st.error());
  if (auto st = check_context_linkable(s); !st) return std::unexpected(st.error());
  s.modified_at = now;
  return s;
}

}  // namespace tsunagu::api::ngsild
