#include "store/subscription_codec.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <utility>
#include <vector>

#include "model/json_text.hpp"
#include "query/geo_query.hpp"
#include "query/q_parser.hpp"
#include "query/scope_query.hpp"

namespace tsunagu::store {
namespace json = boost::json;
using model::Subscription;
using model::Timestamp;

namespace {

std::int64_t millis(Timestamp t) {
  return t.time_since_epoch().count();
}
Timestamp from_millis(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

std::unexpected<Error> corrupt(std::string_view id, std::string_view what) {
  std::string subject =
      id.empty() ? "stored subscription" : "stored subscription '" + std::string(id) + "'";
  return fail(ErrorKind::InternalError, subject + " is corrupt: " + std::string(what));
}

json::array strings(const std::vector<std::string>& items) {
  return json::array(items.begin(), items.end());
}

// ---- encoding ----

json::value encode_term_expr(const query::TermExpr& e) {
  if (e.kind == query::TermExpr::Kind::Atom) return json::value(e.atom);
  json::array children;
  for (const auto& c : e.children) children.push_back(encode_term_expr(c));
  return json::object{{e.kind == query::TermExpr::Kind::And ? "and" : "or", std::move(children)}};
}

json::object encode_selector(const query::EntitySelector& s) {
  json::object o;
  if (s.type) o["type"] = encode_term_expr(*s.type);
  if (!s.ids.empty()) o["ids"] = strings(s.ids);
  if (s.id_pattern) o["idPattern"] = *s.id_pattern;
  return o;
}

json::array encode_pairs(const std::vector<model::KeyValue>& pairs) {
  json::array out;
  for (const auto& kv : pairs) out.push_back(json::array{kv.key, kv.value});
  return out;
}

json::object encode_notification(const model::NotificationParams& n) {
  const auto& e = n.endpoint;
  json::object endpoint{{"uri", e.uri}, {"accept", model::media_name(e.accept)}};
  if (e.timeout_ms) endpoint["timeout"] = *e.timeout_ms;
  if (e.cooldown_ms) endpoint["cooldown"] = *e.cooldown_ms;
  endpoint["receiverInfo"] = encode_pairs(e.receiver_info);
  endpoint["notifierInfo"] = encode_pairs(e.notifier_info);
  return json::object{{"attributes", strings(n.attributes)},
                      {"format", model::format_name(n.format)},
                      {"showChanges", n.show_changes},
                      {"sysAttrs", n.sys_attrs},
                      {"endpoint", std::move(endpoint)}};
}

void encode_filters(const Subscription& s, json::object& o) {
  if (s.q) {
    json::object terms;
    for (const auto& [term, iri] : s.q->terms) terms[term] = iri;
    o["q"] = json::object{{"text", s.q->text}, {"terms", std::move(terms)}};
  }
  if (s.geo) {
    json::object g{{"georel", s.geo->georel},
                   {"geometry", s.geo->geometry},
                   {"coordinates", s.geo->coordinates}};
    if (s.geo->geoproperty) g["geoproperty"] = *s.geo->geoproperty;
    o["geoQ"] = std::move(g);
  }
  if (s.scope) o["scopeQ"] = s.scope->text;
}

void encode_status(const Subscription& s, json::object& o) {
  o["timesSent"] = s.times_sent;
  o["timesFailed"] = s.times_failed;
  if (s.last_notification) o["lastNotification"] = millis(*s.last_notification);
  if (s.last_success) o["lastSuccess"] = millis(*s.last_success);
  if (s.last_failure) o["lastFailure"] = millis(*s.last_failure);
}

// ---- decoding ----

// Boost.JSON's throwing accessors report a wrong shape; decode_subscription catches them.
class Decoder {
 public:
  explicit Decoder(std::string_view id) : id_(id) {}

  Result<query::TermExpr> term_expr(const json::value& v) const {
    if (v.is_string()) {
      if (v.get_string().empty()) return corrupt(id_, "an empty type name");
      return query::TermExpr{query::TermExpr::Kind::Atom, std::string(v.get_string()), {}};
    }
    const auto& o = v.as_object();
    const bool is_and = o.contains("and");
    const auto& items = o.at(is_and ? "and" : "or").as_array();
    if (o.size() != 1 || items.size() < 2) return corrupt(id_, "a malformed type expression");
    query::TermExpr e{is_and ? query::TermExpr::Kind::And : query::TermExpr::Kind::Or, {}, {}};
    for (const auto& item : items) {
      auto child = term_expr(item);
      if (!child) return child;
      e.children.push_back(std::move(*child));
    }
    return e;
  }

  Result<query::EntitySelector> selector(const json::object& o) const {
    query::EntitySelector s;
    if (const auto* t = o.if_contains("type")) {
      auto type = term_expr(*t);
      if (!type) return std::unexpected(type.error());
      s.type = std::make_shared<const query::TermExpr>(std::move(*type));
    }
    if (const auto* ids = o.if_contains("ids")) s.ids = strings_of(*ids);
    if (const auto* p = o.if_contains("idPattern")) s.id_pattern = std::string(p->as_string());
    return s;
  }

  // q bound again with the expansions recorded at creation; a term without one is corruption.
  Result<model::QFilter> q(const json::object& o) const {
    model::QFilter f{std::string(o.at("text").as_string()), nullptr, {}};
    for (const auto& [term, iri] : o.at("terms").as_object()) {
      f.terms.emplace(std::string(term), std::string(iri.as_string()));
    }
    bool missing = false;
    const query::TermExpander expand = [&](std::string_view term) {
      auto it = f.terms.find(std::string(term));
      if (it != f.terms.end()) return it->second;
      missing = true;
      return std::string();
    };
    auto parsed = query::parse_q(f.text, expand);
    if (missing) return corrupt(id_, "q uses a term whose expansion was not stored");
    if (!parsed) return corrupt(id_, "q does not parse again: " + parsed.error().message);
    f.expr = std::make_shared<const query::Expr>(std::move(*parsed));
    return f;
  }

  Result<model::GeoFilter> geo(const json::object& o) const {
    model::GeoFilter g{std::string(o.at("georel").as_string()),
                       std::string(o.at("geometry").as_string()),
                       std::string(o.at("coordinates").as_string()), std::nullopt, nullptr};
    if (const auto* p = o.if_contains("geoproperty")) g.geoproperty = std::string(p->as_string());
    auto parsed = query::parse_geo_query(
        g.georel, g.geometry, g.coordinates,
        g.geoproperty ? std::optional<std::string_view>(*g.geoproperty) : std::nullopt);
    if (!parsed) return corrupt(id_, "geoQ does not parse again: " + parsed.error().message);
    g.query = std::make_shared<const query::GeoQuery>(std::move(*parsed));
    return g;
  }

  Result<model::ScopeFilter> scope(const json::value& v) const {
    model::ScopeFilter f{std::string(v.as_string()), nullptr};
    auto parsed = query::parse_scope_query(f.text);
    if (!parsed) return corrupt(id_, "scopeQ does not parse again: " + parsed.error().message);
    f.expr = std::make_shared<const query::TermExpr>(std::move(*parsed));
    return f;
  }

  Result<model::NotificationParams> notification(const json::object& o) const {
    model::NotificationParams n;
    n.attributes = strings_of(o.at("attributes"));
    auto format = model::format_from_name(o.at("format").as_string());
    if (!format) return corrupt(id_, "an unknown notification format");
    n.format = *format;
    n.show_changes = o.at("showChanges").as_bool();
    n.sys_attrs = o.at("sysAttrs").as_bool();
    const auto& e = o.at("endpoint").as_object();
    n.endpoint.uri = std::string(e.at("uri").as_string());
    auto accept = model::media_from_name(e.at("accept").as_string());
    if (!accept) return corrupt(id_, "an unknown endpoint media type");
    n.endpoint.accept = *accept;
    if (const auto* t = e.if_contains("timeout")) n.endpoint.timeout_ms = t->to_number<double>();
    if (const auto* c = e.if_contains("cooldown")) n.endpoint.cooldown_ms = c->to_number<double>();
    n.endpoint.receiver_info = pairs_of(e.at("receiverInfo"));
    n.endpoint.notifier_info = pairs_of(e.at("notifierInfo"));
    return n;
  }

  Result<model::TriggerSet> triggers(const json::value& v) const {
    model::TriggerSet out;
    for (const auto& name : v.as_array()) {
      auto t = model::trigger_from_name(name.as_string());
      if (!t) return corrupt(id_, "an unknown notification trigger");
      out.insert(*t);
    }
    return out;
  }

 private:
  static std::vector<std::string> strings_of(const json::value& v) {
    std::vector<std::string> out;
    for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
    return out;
  }

  static std::vector<model::KeyValue> pairs_of(const json::value& v) {
    std::vector<model::KeyValue> out;
    for (const auto& p : v.as_array()) {
      const auto& kv = p.as_array();
      out.push_back({std::string(kv.at(0).as_string()), std::string(kv.at(1).as_string())});
    }
    return out;
  }

  std::string_view id_;
};

std::optional<Timestamp> optional_time(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  return from_millis(v->to_number<std::int64_t>());
}

std::optional<std::string> optional_string(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<double> optional_number(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  return v->to_number<double>();
}

Status decode_subject(const json::object& doc, const Decoder& d, Subscription& s) {
  for (const auto& e : doc.at("entities").as_array()) {
    auto selector = d.selector(e.as_object());
    if (!selector) return std::unexpected(selector.error());
    s.entities.push_back(std::move(*selector));
  }
  for (const auto& a : doc.at("watchedAttributes").as_array()) {
    s.watched_attributes.emplace_back(a.as_string());
  }
  auto triggers = d.triggers(doc.at("notificationTrigger"));
  if (!triggers) return std::unexpected(triggers.error());
  s.notification_trigger = std::move(*triggers);
  return ok();
}

Status decode_filters(const json::object& doc, const Decoder& d, Subscription& s) {
  if (const auto* q = doc.if_contains("q")) {
    auto f = d.q(q->as_object());
    if (!f) return std::unexpected(f.error());
    s.q = std::move(*f);
  }
  if (const auto* g = doc.if_contains("geoQ")) {
    auto f = d.geo(g->as_object());
    if (!f) return std::unexpected(f.error());
    s.geo = std::move(*f);
  }
  if (const auto* scope = doc.if_contains("scopeQ")) {
    auto f = d.scope(*scope);
    if (!f) return std::unexpected(f.error());
    s.scope = std::move(*f);
  }
  return ok();
}

void decode_status(const json::object& doc, Subscription& s) {
  s.times_sent = doc.at("timesSent").to_number<std::uint64_t>();
  s.times_failed = doc.at("timesFailed").to_number<std::uint64_t>();
  s.last_notification = optional_time(doc, "lastNotification");
  s.last_success = optional_time(doc, "lastSuccess");
  s.last_failure = optional_time(doc, "lastFailure");
}

Status decode_members(const json::object& doc, Subscription& s) {
  const Decoder d(s.id);
  s.name = optional_string(doc, "subscriptionName");
  s.description = optional_string(doc, "description");
  if (auto st = decode_subject(doc, d, s); !st) return st;
  if (auto st = decode_filters(doc, d, s); !st) return st;
  s.is_active = doc.at("isActive").as_bool();
  s.expires_at = optional_time(doc, "expiresAt");
  s.throttling = optional_number(doc, "throttling");
  s.time_interval = optional_number(doc, "timeInterval");
  s.lang = optional_string(doc, "lang");
  auto n = d.notification(doc.at("notification").as_object());
  if (!n) return std::unexpected(n.error());
  s.notification = std::move(*n);
  s.jsonld_context = optional_string(doc, "jsonldContext");
  // Copied into the default storage: `doc` may live in a short-lived arena.
  s.context = json::value(doc.at("@context"), json::storage_ptr());
  s.created_at = from_millis(doc.at("createdAt").to_number<std::int64_t>());
  if (const auto* owner = doc.if_contains("owner"); owner && owner->is_object()) {
    s.owner_client_id = optional_string(owner->get_object(), "clientId").value_or("");
    const auto* op = owner->get_object().if_contains("operator");
    s.owner_is_operator = op && op->is_bool() && op->get_bool();
  }
  s.modified_at = from_millis(doc.at("modifiedAt").to_number<std::int64_t>());
  decode_status(doc, s);
  return ok();
}

}  // namespace

json::object encode_subscription(const Subscription& s) {
  json::object o;
  o["id"] = s.id;
  if (s.name) o["subscriptionName"] = *s.name;
  if (s.description) o["description"] = *s.description;
  json::array entities;
  for (const auto& e : s.entities) entities.push_back(encode_selector(e));
  o["entities"] = std::move(entities);
  o["watchedAttributes"] = strings(s.watched_attributes);
  json::array triggers;
  for (auto t : s.notification_trigger) triggers.emplace_back(model::trigger_name(t));
  o["notificationTrigger"] = std::move(triggers);
  encode_filters(s, o);
  o["isActive"] = s.is_active;
  if (s.expires_at) o["expiresAt"] = millis(*s.expires_at);
  if (s.throttling) o["throttling"] = *s.throttling;
  if (s.time_interval) o["timeInterval"] = *s.time_interval;
  if (s.lang) o["lang"] = *s.lang;
  o["notification"] = encode_notification(s.notification);
  if (s.jsonld_context) o["jsonldContext"] = *s.jsonld_context;
  o["@context"] = s.context;
  o["createdAt"] = millis(s.created_at);
  if (!s.owner_client_id.empty()) {
    o["owner"] = json::object{{"clientId", s.owner_client_id}, {"operator", s.owner_is_operator}};
  }
  o["modifiedAt"] = millis(s.modified_at);
  encode_status(s, o);
  return o;
}

std::string encode_subscription_text(const Subscription& subscription) {
  return model::to_json_text(encode_subscription(subscription));
}

Result<Subscription> decode_subscription(const json::object& doc) {
  Subscription s;
  try {
    s.id = std::string(doc.at("id").as_string());
    if (auto st = decode_members(doc, s); !st) return std::unexpected(st.error());
  } catch (const boost::system::system_error& ex) {
    return corrupt(s.id, ex.code().message());
  } catch (const std::exception& ex) {
    return corrupt(s.id, ex.what());
  }
  return s;
}

Result<Subscription> decode_subscription_text(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return fail(ErrorKind::InternalError, "stored subscription is not a JSON object");
  }
  return decode_subscription(v.get_object());
}

}  // namespace tsunagu::store
