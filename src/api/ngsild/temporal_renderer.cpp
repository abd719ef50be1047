#include "api/ngsild/temporal_renderer.hpp"

#include <charconv>

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::AttributeKind;

namespace {

constexpr std::string_view kInstancePrefix = "urn:ngsi-ld:attribute:instance:";

// The member that lists an attribute's [value, time] pairs (clause 4.5.9).
std::string_view pairs_member(AttributeKind kind) {
  switch (kind) {
    case AttributeKind::Property:
    case AttributeKind::GeoProperty:
      return "values";
    case AttributeKind::Relationship:
      return "objects";
    case AttributeKind::LanguageProperty:
      return "languageMaps";
    case AttributeKind::VocabProperty:
      return "vocabs";
    case AttributeKind::JsonProperty:
      return "jsons";
    case AttributeKind::ListProperty:
      return "valueLists";
    case AttributeKind::ListRelationship:
      return "objectLists";
  }
  return "values";
}

// How a value stands in a pair: the bare value for most kinds, wrapped for those whose value
// would otherwise read as something else (clause 4.5.9).
json::value pair_value(AttributeKind kind, json::value value) {
  switch (kind) {
    case AttributeKind::LanguageProperty:
      return json::object{{"languageMap", std::move(value)}};
    case AttributeKind::VocabProperty:
      return json::object{{"vocab", std::move(value)}};
    case AttributeKind::JsonProperty:
      return json::object{{"json", std::move(value)}};
    case AttributeKind::ListRelationship: {
      // Items may be stored as {"object": uri}; a pair lists the targets themselves.
      if (!value.is_array()) return value;
      json::array targets;
      for (auto& item : value.get_array()) {
        const auto* object = item.is_object() ? item.get_object().if_contains("object") : nullptr;
        targets.push_back(object ? *object : item);
      }
      return targets;
    }
    default:
      return value;
  }
}

model::Timestamp time_of(const store::HistoryInstance& i, model::TimeProperty property) {
  if (i.deleted_at) return *i.deleted_at;
  switch (property) {
    case model::TimeProperty::ObservedAt:
      return i.value.observed_at.value_or(i.value.created_at);
    case model::TimeProperty::CreatedAt:
      return i.value.created_at;
    case model::TimeProperty::ModifiedAt:
      return i.value.modified_at;
    case model::TimeProperty::DeletedAt:
      break;
  }
  return i.value.created_at;
}

json::value types_of(const std::vector<std::string>& types, const jsonld::Context& ctx) {
  if (types.size() == 1) return json::value(ctx.compact(types.front()));
  json::array out;
  for (const auto& t : types) out.emplace_back(ctx.compact(t));
  return out;
}

json::object head(const std::string& id, const std::vector<std::string>& types,
                  const jsonld::Context& ctx, const RenderOptions& options) {
  json::object out;
  if (options.shows("id")) out["id"] = id;
  if (options.shows("type")) out["type"] = types_of(types, ctx);
  return out;
}

// The name an attribute is shown under, and whether pick/omit show it ("scope" for the scope).
std::optional<std::string> shown_name(const std::string& iri, const jsonld::Context& ctx,
                                      const RenderOptions& options) {
  const bool scope = iri == store::kScopeAttribute;
  if (!options.shows(scope ? std::string("scope") : iri)) return std::nullopt;
  return scope ? std::string("scope") : ctx.compact(iri);
}

json::array instances_of(const store::HistoryAttribute& a, const jsonld::Context& ctx,
                         const RenderOptions& options) {
  json::array out;
  out.reserve(a.instances.size());
  for (const auto& i : a.instances) {
    auto o = render_instance(i.value, ctx, options);
    o["instanceId"] = instance_uri(i.id);
    if (i.deleted_at) o["deletedAt"] = model::format_datetime(*i.deleted_at);
    out.push_back(std::move(o));
  }
  return out;
}

json::object pairs_of(const store::HistoryAttribute& a, const jsonld::Context& ctx,
                      const RenderOptions& options, model::TimeProperty property) {
  json::object out;
  std::optional<AttributeKind> last;
  for (const auto& i : a.instances) {
    auto [kind, value] = render_value(i.value, ctx, options);
    json::array pair{pair_value(kind, std::move(value)),
                     json::value(model::format_datetime(time_of(i, property)))};
    auto& list = out[pairs_member(kind)];
    if (!list.is_array()) list = json::array();
    list.as_array().push_back(std::move(pair));
    last = kind;
  }
  json::object typed;
  typed["type"] = model::kind_name(last.value_or(AttributeKind::Property));
  for (auto& [k, v] : out) typed[k] = std::move(v);
  return typed;
}

}  // namespace

std::string instance_uri(std::int64_t id) {
  return std::string(kInstancePrefix) + std::to_string(id);
}

std::optional<std::int64_t> instance_number(std::string_view uri) {
  if (!uri.starts_with(kInstancePrefix)) return std::nullopt;
  uri.remove_prefix(kInstancePrefix.size());
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(uri.data(), uri.data() + uri.size(), n);
  if (ec != std::errc() || end != uri.data() + uri.size() || n <= 0) return std::nullopt;
  return n;
}

json::object render_temporal_entity(const store::HistoryEntity& entity, const jsonld::Context& ctx,
                                    const RenderOptions& options, TemporalFormat format,
                                    model::TimeProperty property) {
  RenderOptions normalized = options;
  normalized.format = Format::Normalized;
  json::object out = head(entity.id, entity.types, ctx, options);
  for (const auto& a : entity.attributes) {
    auto name = shown_name(a.name, ctx, options);
    if (!name) continue;
    out[*name] = format == TemporalFormat::TemporalValues
                     ? json::value(pairs_of(a, ctx, normalized, property))
                     : json::value(instances_of(a, ctx, normalized));
  }
  return out;
}

json::object render_aggregated_entity(const store::AggregatedEntity& entity,
                                      const jsonld::Context& ctx, const RenderOptions& options,
                                      const std::vector<model::AggregationMethod>& methods) {
  json::object out = head(entity.id, entity.types, ctx, options);
  for (const auto& a : entity.attributes) {
    auto name = shown_name(a.name, ctx, options);
    if (!name) continue;
    json::object o;
    o["type"] = model::kind_name(a.kind);
    for (std::size_t m = 0; m < methods.size(); ++m) {
      json::array triples;
      for (const auto& p : a.periods) {
        triples.push_back(json::array{p.values[m], json::value(model::format_datetime(p.start)),
                                      json::value(model::format_datetime(p.end))});
      }
      o[model::aggregation_name(methods[m])] = std::move(triples);
    }
    out[*name] = std::move(o);
  }
  return out;
}

}  // namespace tsunagu::api::ngsild
