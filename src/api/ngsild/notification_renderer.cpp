#include "api/ngsild/notification_renderer.hpp"

#include <boost/json/serialize.hpp>

#include "api/ngsild/entity_renderer.hpp"
#include "api/ngsild/language.hpp"
#include "jsonld/core_context.hpp"
#include "jsonld/link_header.hpp"
#include "model/json_text.hpp"
#include "model/uuid.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
namespace {

Format format_of(model::NotificationFormat f) {
  switch (f) {
    case model::NotificationFormat::Concise:
      return Format::Concise;
    case model::NotificationFormat::KeyValues:
      return Format::Simplified;
    case model::NotificationFormat::Normalized:
      break;
  }
  return Format::Normalized;
}

RenderOptions options_of(const model::Subscription& s) {
  RenderOptions o;
  o.format = format_of(s.notification.format);
  o.sys_attrs = s.notification.sys_attrs;
  if (!s.notification.attributes.empty()) {
    o.attrs.emplace(s.notification.attributes.begin(), s.notification.attributes.end());
  }
  if (s.lang) {
    if (auto preference = parse_language_preference(*s.lang)) o.lang = std::move(*preference);
  }
  return o;
}

// showChanges (clause 5.2.14): each attribute whose value changed carries the value it had,
// in the member the kind names ("previousValue", "previousObject", "previousLanguageMap", ...).
void add_previous_values(json::object& rendered, const model::Entity& entity,
                         const model::Entity& previous, const jsonld::Context& ctx) {
  for (const auto& entry : entity.attributes) {
    const auto* old = model::find_entry(previous.attributes, entry.name);
    if (!old) continue;
    auto* member = rendered.if_contains(ctx.compact(entry.name));
    if (!member) continue;
    for (std::size_t i = 0; i < entry.instances.size(); ++i) {
      const auto& now = entry.instances[i];
      const auto* before = model::find_instance(*old, now.dataset_id);
      if (!before || before->value == now.value) continue;
      json::object* target = nullptr;
      if (member->is_object()) {
        target = &member->as_object();
      } else if (member->is_array() && i < member->as_array().size() &&
                 member->as_array()[i].is_object()) {
        target = &member->as_array()[i].as_object();
      }
      if (!target) continue;
      std::string name(model::value_member(before->kind));
      name[0] = static_cast<char>(name[0] - 'a' + 'A');
      (*target)["previous" + name] = before->value;
    }
  }
}

json::value data_of(const model::Subscription& s, const store::OwedNotification& owed,
                    const jsonld::Context& ctx) {
  if (owed.trigger == model::NotificationTrigger::EntityDeleted) {
    json::object gone;
    gone["id"] = owed.entity.id;
    json::array types;
    for (const auto& t : owed.entity.types) types.emplace_back(ctx.compact(t));
    gone["type"] = types.size() == 1 ? json::value(types.front()) : json::value(types);
    gone["deletedAt"] = model::format_datetime(owed.at);
    if (s.notification.endpoint.accept != model::NotificationMedia::GeoJson) return gone;
    // In a FeatureCollection every member is a Feature: one without geometry, whose properties
    // say what was deleted and when.
    json::object feature;
    feature["id"] = owed.entity.id;
    feature["type"] = "Feature";
    feature["geometry"] = nullptr;
    gone.erase("id");
    feature["properties"] = std::move(gone);
    return feature;
  }
  const auto options = options_of(s);
  if (s.notification.endpoint.accept == model::NotificationMedia::GeoJson) {
    return render_feature(owed.entity, ctx, options, "https://uri.etsi.org/ngsi-ld/location");
  }
  auto rendered = render_entity(owed.entity, ctx, options);
  if (s.notification.show_changes && owed.previous) {
    add_previous_values(rendered, owed.entity, *owed.previous, ctx);
  }
  return rendered;
}

}  // namespace

std::optional<std::string> link_context_url(const json::value& context) {
  if (context.is_null()) return std::string(jsonld::kCoreContextUrl);
  if (context.is_string()) return std::string(context.get_string());
  if (!context.is_array()) return std::nullopt;
  // The core context applies to every NGSI-LD document whether named or not, so a list of URLs
  // that names one other context is that context.
  std::optional<std::string> user;
  for (const auto& entry : context.get_array()) {
    if (!entry.is_string()) return std::nullopt;
    const std::string_view url = entry.get_string();
    if (jsonld::is_core_context_url(url)) continue;
    if (user) return std::nullopt;
    user = std::string(url);
  }
  return user ? user : std::string(jsonld::kCoreContextUrl);
}

json::value notification_context(const model::Subscription& s) {
  if (s.jsonld_context) return json::value(*s.jsonld_context);
  return s.context;
}

notify::Notification render_notification(const model::Subscription& s,
                                         std::span<const store::OwedNotification> items,
                                         std::optional<model::NotificationTrigger> trigger,
                                         const jsonld::Context& ctx, const std::string& tenant,
                                         model::Timestamp now) {
  json::object body;
  body["id"] = "urn:ngsi-ld:Notification:" + model::random_uuid();
  body["type"] = "Notification";
  body["subscriptionId"] = s.id;
  body["notifiedAt"] = model::format_datetime(now);
  if (trigger) body["triggerReason"] = model::trigger_name(*trigger);
  const auto accept = s.notification.endpoint.accept;
  json::array data;
  data.reserve(items.size());
  for (const auto& item : items) data.push_back(data_of(s, item, ctx));
  if (accept == model::NotificationMedia::GeoJson) {
    json::object collection;
    collection["type"] = "FeatureCollection";
    collection["features"] = std::move(data);
    body["data"] = std::move(collection);
  } else {
    body["data"] = std::move(data);
  }

  notify::Notification n;
  n.endpoint = s.notification.endpoint.uri;
  n.ordering_key = items.empty() ? 0 : static_cast<std::uint64_t>(items.back().seq);
  const json::value context = notification_context(s);
  if (accept == model::NotificationMedia::JsonLd) {
    n.content_type = "application/ld+json";
    body["@context"] = context.is_null() ? json::value(jsonld::kCoreContextUrl) : context;
  } else {
    n.content_type =
        accept == model::NotificationMedia::GeoJson ? "application/geo+json" : "application/json";
    const auto url = link_context_url(context);
    n.headers.emplace_back(
        "Link", jsonld::format_context_link(url ? *url : std::string(jsonld::kCoreContextUrl)));
  }
  for (const auto& kv : s.notification.endpoint.receiver_info)
    n.headers.emplace_back(kv.key, kv.value);
  if (!tenant.empty()) n.headers.emplace_back("NGSILD-Tenant", tenant);
  for (const auto& kv : s.notification.endpoint.notifier_info) {
    n.notifier_info.emplace_back(kv.key, kv.value);
  }
  n.body = model::to_json_text(body);
  return n;
}

}  // namespace tsunagu::api::ngsild
