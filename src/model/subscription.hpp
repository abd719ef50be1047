#pragma once
// A context subscription (ETSI GS CIM 009 v1.8, clause 5.2.12) as the broker keeps it: every name
// expanded to its IRI, and the q, geoQ and scopeQ filters parsed once, so that matching a change
// against it needs neither an @context nor a parser. The texts the client wrote are kept beside
// the parsed forms: a subscription is shown back as it was given.
//
// Unlike the rest of model/, this header includes query/: a subscription's filters are query
// trees. query/ itself depends only on model's pure types (time, entity, geometry), so the
// dependency has no cycle and the type stays free of I/O.
//
// The status members (5.2.12 status, 5.2.14 timesSent ... lastSuccess) are data the broker
// counts; what is derived from them and from the clock (status "active" / "paused" / "expired",
// notification status "ok" / "failed") is computed by the helpers below, never stored.

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.hpp"
#include "query/entity_selector.hpp"
#include "query/geo_query.hpp"
#include "query/q_ast.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::model {

// notificationTrigger (5.2.12): what kind of change notifies. In the order the clause lists them,
// which is the order they are shown in.
enum class NotificationTrigger {
  EntityCreated,
  EntityUpdated,
  EntityDeleted,
  AttributeCreated,
  AttributeUpdated,
  AttributeDeleted,
};

std::string_view trigger_name(NotificationTrigger trigger);  // "entityCreated", ...
std::optional<NotificationTrigger> trigger_from_name(std::string_view name);

using TriggerSet = std::set<NotificationTrigger>;

// The clause's default when notificationTrigger is absent: attributeCreated and attributeUpdated.
TriggerSet default_triggers();

// notification.format (5.2.14): how entities are represented in a notification.
enum class NotificationFormat { Normalized, Concise, KeyValues };

std::string_view format_name(NotificationFormat format);  // "normalized", "concise", "keyValues"
// Also accepts "simplified", the clause 4.5.3 synonym of "keyValues".
std::optional<NotificationFormat> format_from_name(std::string_view name);

// notification.endpoint.accept (5.2.15): the media type of the notification body.
enum class NotificationMedia { Json, JsonLd, GeoJson };

std::string_view media_name(NotificationMedia media);  // "application/json", ...
std::optional<NotificationMedia> media_from_name(std::string_view name);

// KeyValuePair (5.2.22): receiverInfo and notifierInfo entries, in the order given.
struct KeyValue {
  std::string key;
  std::string value;

  bool operator==(const KeyValue&) const = default;
};

// Endpoint (5.2.15).
struct Endpoint {
  std::string uri;  // absolute http, https, mqtt or mqtts URI
  NotificationMedia accept = NotificationMedia::Json;
  std::optional<double> timeout_ms;     // > 0: a notification without answer by then has failed
  std::optional<double> cooldown_ms;    // > 0: after a failure, no notification before this
  std::vector<KeyValue> receiver_info;  // HTTP headers (or MQTT metadata) sent to the receiver
  std::vector<KeyValue> notifier_info;  // how to reach it: MQTT-Version, MQTT-QoS, ...
};

// NotificationParams (5.2.14), without the read-only status members (see Subscription).
struct NotificationParams {
  std::vector<std::string> attributes;  // expanded; empty: every attribute
  NotificationFormat format = NotificationFormat::Normalized;
  bool show_changes = false;
  bool sys_attrs = false;
  Endpoint endpoint;
};

// q as the client wrote it, and bound.
struct QFilter {
  std::string text;
  std::shared_ptr<const query::Expr> expr;
  // What each term of the text (attribute names, and quoted strings compared with a
  // VocabProperty) expanded to when the subscription was bound. Parsing `text` again with these
  // expansions gives `expr` back without the @context, which a store that reloads the
  // subscription no longer has (store/subscription_codec.cpp).
  std::map<std::string, std::string> terms;
};

// geoQ (5.2.13): the texts as written, the geoproperty expanded, and the bound query.
struct GeoFilter {
  std::string georel;
  std::string geometry;
  std::string coordinates;                 // JSON text of the coordinates array
  std::optional<std::string> geoproperty;  // expanded IRI; absent: location
  std::shared_ptr<const query::GeoQuery> query;
};

// scopeQ: no names to expand, so the text alone says everything.
struct ScopeFilter {
  std::string text;
  std::shared_ptr<const query::TermExpr> expr;
};

struct Subscription {
  std::string id;
  std::optional<std::string> name;  // subscriptionName
  std::optional<std::string> description;
  std::vector<query::EntitySelector> entities;  // type atoms expanded
  std::vector<std::string> watched_attributes;  // expanded; empty: any attribute
  TriggerSet notification_trigger = default_triggers();
  std::optional<QFilter> q;
  std::optional<GeoFilter> geo;
  std::optional<ScopeFilter> scope;
  bool is_active = true;
  std::optional<Timestamp> expires_at;
  std::optional<double> throttling;     // seconds, > 0; change-driven subscriptions only
  std::optional<double> time_interval;  // seconds, > 0; makes the subscription periodic
  std::optional<std::string> lang;      // clause 4.15 language preference, as written
  NotificationParams notification;
  // jsonldContext: the dereferenceable URI of the @context notifications are compacted with.
  std::optional<std::string> jsonld_context;
  // The @context the subscription was created with, as the request gave it (a Link URL as a
  // string, the body's "@context" value, or null for the core context alone): notifications are
  // compacted with it when jsonld_context is absent.
  boost::json::value context;
  Timestamp created_at{};
  Timestamp modified_at{};
  // Who created it: whose consents decide which personal data its notifications may carry
  // (docs/design/consent.md). An empty client id: created without a token.
  std::string owner_client_id;
  bool owner_is_operator = false;  // the creator's token held the admin scope

  // Read-only status, counted by the notifier (5.2.14).
  std::uint64_t times_sent = 0;
  std::uint64_t times_failed = 0;
  std::optional<Timestamp> last_notification;
  std::optional<Timestamp> last_success;
  std::optional<Timestamp> last_failure;
};

// 5.2.12 status at `now`: "expired" once expiresAt has passed (whatever isActive says), else
// "paused" when isActive is false, else "active".
std::string_view status_of(const Subscription& subscription, Timestamp now);

// Whether notifications are owed at `now`: status_of(...) == "active".
bool is_active_at(const Subscription& subscription, Timestamp now);

// 5.2.14 notification status: "failed" when the latest attempt failed, "ok" when it succeeded,
// nullopt before the first attempt.
std::optional<std::string_view> delivery_status_of(const Subscription& subscription);

// A periodic subscription (timeInterval) notifies on a timer, not on changes.
bool is_periodic(const Subscription& subscription);
// Sets `to`'s delivery counters (timesSent ... lastFailure) to `from`'s.
void copy_counters(const Subscription& from, Subscription& to);

// When a periodic subscription notifies next after `now`: every timeInterval from its last
// modification (creation or PATCH), so the schedule is the same after a restart and ticks missed
// while the server was down are skipped, not sent in a burst. Requires is_periodic().
Timestamp next_period_after(const Subscription& subscription, Timestamp now);

// throttling or timeInterval as a duration (whole milliseconds, at least 1).
std::chrono::milliseconds seconds_to_duration(double seconds);

// The triggers with entityUpdated replaced by what 5.2.12 says it is equivalent to:
// attributeCreated, attributeUpdated and attributeDeleted.
TriggerSet effective_triggers(const Subscription& subscription);

}  // namespace tsunagu::model
