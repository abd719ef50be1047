#include "api/ngsild/subscription_renderer.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::Subscription;

namespace {

// Whole numbers as JSON integers: "throttling": 5, as the client most likely wrote it, not 5.0.
json::value number(double d) {
  constexpr double kExact = 9007199254740992.0;  // 2^53: every integer below is a double
  if (std::trunc(d) == d && std::fabs(d) < kExact) return static_cast<std::int64_t>(d);
  return d;
}

json::array compacted(const std::vector<std::string>& iris, const jsonld::Context& ctx) {
  json::array out;
  for (const auto& iri : iris) out.emplace_back(ctx.compact(iri));
  return out;
}

json::object render_selector(const query::EntitySelector& s, const jsonld::Context& ctx) {
  json::object o;
  if (s.ids.size() == 1) o["id"] = s.ids.front();
  if (s.ids.size() > 1) o["id"] = json::array(s.ids.begin(), s.ids.end());
  if (s.id_pattern) o["idPattern"] = *s.id_pattern;
  if (s.type) {
    query::TermExpr type = *s.type;
    query::for_each_atom(type, [&](std::string& atom) { atom = ctx.compact(atom); });
    o["type"] = query::to_string(type);
  }
  return o;
}

json::object render_geo(const model::GeoFilter& g, const jsonld::Context& ctx) {
  json::object o;
  o["geometry"] = g.geometry;
  boost::system::error_code ec;
  json::value coordinates = json::parse(g.coordinates, ec);
  o["coordinates"] = ec ? json::value(g.coordinates) : std::move(coordinates);
  o["georel"] = g.georel;
  if (g.geoproperty) o["geoproperty"] = ctx.compact(*g.geoproperty);
  return o;
}

json::array render_pairs(const std::vector<model::KeyValue>& pairs) {
  json::array out;
  for (const auto& kv : pairs) out.push_back(json::object{{"key", kv.key}, {"value", kv.value}});
  return out;
}

json::object render_endpoint(const model::Endpoint& e) {
  json::object o;
  o["uri"] = e.uri;
  o["accept"] = model::media_name(e.accept);
  if (e.timeout_ms) o["timeout"] = number(*e.timeout_ms);
  if (e.cooldown_ms) o["cooldown"] = number(*e.cooldown_ms);
  if (!e.receiver_info.empty()) o["receiverInfo"] = render_pairs(e.receiver_info);
  if (!e.notifier_info.empty()) o["notifierInfo"] = render_pairs(e.notifier_info);
  return o;
}

// The read-only members of 5.2.14, present once the notifier has counted something.
void render_delivery(const Subscription& s, json::object& o) {
  if (auto status = model::delivery_status_of(s)) o["status"] = *status;
  if (s.times_sent > 0) o["timesSent"] = s.times_sent;
  if (s.times_failed > 0) o["timesFailed"] = s.times_failed;
  if (s.last_notification) o["lastNotification"] = model::format_datetime(*s.last_notification);
  if (s.last_success) o["lastSuccess"] = model::format_datetime(*s.last_success);
  if (s.last_failure) o["lastFailure"] = model::format_datetime(*s.last_failure);
}

json::object render_notification(const Subscription& s, const jsonld::Context& ctx) {
  const auto& n = s.notification;
  json::object o;
  if (!n.attributes.empty()) o["attributes"] = compacted(n.attributes, ctx);
  o["format"] = model::format_name(n.format);
  o["showChanges"] = n.show_changes;
  o["sysAttrs"] = n.sys_attrs;
  o["endpoint"] = render_endpoint(n.endpoint);
  render_delivery(s, o);
  return o;
}

json::array render_triggers(const model::TriggerSet& triggers) {
  json::array out;
  for (auto t : triggers) out.emplace_back(model::trigger_name(t));
  return out;
}

// What selects the entities and the changes that notify.
void render_subject(const Subscription& s, const jsonld::Context& ctx, json::object& o) {
  if (!s.entities.empty()) {
    json::array entities;
    for (const auto& e : s.entities) entities.push_back(render_selector(e, ctx));
    o["entities"] = std::move(entities);
  }
  if (!s.watched_attributes.empty()) o["watchedAttributes"] = compacted(s.watched_attributes, ctx);
  o["notificationTrigger"] = render_triggers(s.notification_trigger);
  if (s.time_interval) o["timeInterval"] = number(*s.time_interval);
  if (s.q) o["q"] = s.q->text;
  if (s.geo) o["geoQ"] = render_geo(*s.geo, ctx);
  if (s.scope) o["scopeQ"] = s.scope->text;
}

}  // namespace

json::object render_subscription(const Subscription& s, const jsonld::Context& ctx,
                                 model::Timestamp now, bool sys_attrs) {
  json::object o;
  o["id"] = s.id;
  o["type"] = "Subscription";
  if (s.name) o["subscriptionName"] = *s.name;
  if (s.description) o["description"] = *s.description;
  render_subject(s, ctx, o);
  o["isActive"] = s.is_active;
  o["notification"] = render_notification(s, ctx);
  if (s.expires_at) o["expiresAt"] = model::format_datetime(*s.expires_at);
  if (s.throttling) o["throttling"] = number(*s.throttling);
  if (s.lang) o["lang"] = *s.lang;
  if (s.jsonld_context) o["jsonldContext"] = *s.jsonld_context;
  o["status"] = model::status_of(s, now);
  if (sys_attrs) {
    o["createdAt"] = model::format_datetime(s.created_at);
    o["modifiedAt"] = model::format_datetime(s.modified_at);
  }
  return o;
}

}  // namespace tsunagu::api::ngsild
