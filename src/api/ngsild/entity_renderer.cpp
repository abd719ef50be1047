#include "api/ngsild/entity_renderer.hpp"

#include "model/time.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::Attribute;
using model::AttributeKind;

namespace {

class Renderer {
 public:
  Renderer(const jsonld::Context& ctx, const RenderOptions& options, json::storage_ptr sp = {})
      : ctx_(ctx), opt_(options), sp_(std::move(sp)) {}

  void attributes(const model::AttributeList& list, json::object& out, bool top_level) {
    for (const auto& entry : list) {
      if (top_level &&
          ((opt_.attrs && !opt_.attrs->contains(entry.name)) || !opt_.shows(entry.name))) {
        continue;
      }
      out[ctx_.compact(entry.name)] =
          opt_.format == Format::Simplified ? simplified(entry) : instances(entry);
    }
  }

  json::value types(const std::vector<std::string>& types) {
    if (types.size() == 1) return json::value(ctx_.compact(types.front()), sp_);
    json::array out(sp_);
    for (const auto& t : types) out.emplace_back(ctx_.compact(t));
    return out;
  }

  json::object instance_object(const Attribute& a) { return instance(a, false).as_object(); }

  std::pair<AttributeKind, json::value> shown_value(const Attribute& a) {
    Shown s = shown(a);
    return {s.kind, std::move(s.value)};
  }

 private:
  json::value instances(const model::AttributeEntry& entry) {
    if (entry.instances.size() == 1) return instance(entry.instances.front(), true);
    // Each instance of a multi-attribute stays an object, or it would not read back as one.
    json::array out(sp_);
    for (const auto& a : entry.instances) out.push_back(instance(a, false));
    return out;
  }

  json::value instance(const Attribute& a, bool may_be_bare) {
    Shown s = shown(a);
    json::object o(sp_);
    o.reserve(4 + a.sub_attributes.size());  // type, value, and a member or two: grown once
    if (opt_.format == Format::Normalized) o["type"] = model::kind_name(s.kind);
    o[model::value_member(s.kind)] = std::move(s.value);
    if (s.language) o["lang"] = *s.language;
    if (a.object_type) o["objectType"] = ctx_.compact(*a.object_type);
    if (a.dataset_id) o["datasetId"] = *a.dataset_id;
    if (a.observed_at) o["observedAt"] = model::format_datetime(*a.observed_at);
    if (a.unit_code) o["unitCode"] = *a.unit_code;
    if (opt_.sys_attrs) {
      o["createdAt"] = model::format_datetime(a.created_at);
      o["modifiedAt"] = model::format_datetime(a.modified_at);
    }
    attributes(a.sub_attributes, o, false);
    if (opt_.format == Format::Concise && may_be_bare) return concise(s.kind, std::move(o));
    return o;
  }

  // An attribute's kind and value as the reader sees them: with lang=, a LanguageProperty is
  // a Property holding the string (or strings) of the preferred language.
  struct Shown {
    AttributeKind kind;
    json::value value;
    std::optional<std::string> language;  // the "lang" member
  };

  Shown shown(const Attribute& a) {
    if (a.kind != AttributeKind::LanguageProperty || !opt_.lang || !a.value.is_object()) {
      return {a.kind, value_of(a), std::nullopt};
    }
    const auto& map = a.value.get_object();
    auto language = choose_language(*opt_.lang, map);
    if (!language) return {AttributeKind::Property, json::value(sp_), std::nullopt};
    json::value chosen(map.at(*language), sp_);
    if (*language == "@none") return {AttributeKind::Property, std::move(chosen), std::nullopt};
    return {AttributeKind::Property, std::move(chosen), language};
  }

  // Concise: a Property or GeoProperty with nothing but its value is the value itself, unless
  // that value is an object that would read back as an attribute.
  static json::value concise(AttributeKind kind, json::object o) {
    if (o.size() != 1) return o;
    json::value& v = o.begin()->value();
    if (kind == AttributeKind::GeoProperty) return std::move(v);
    if (kind == AttributeKind::Property && !v.is_object()) return std::move(v);
    return o;
  }

  json::value value_of(const Attribute& a) {
    if (a.kind != AttributeKind::VocabProperty) return json::value(a.value, sp_);
    if (a.value.is_string()) {
      return json::value(ctx_.compact_vocab_value(a.value.get_string()), sp_);
    }
    json::array out(sp_);
    if (a.value.is_array()) {
      for (const auto& v : a.value.get_array()) {
        out.emplace_back(v.is_string() ? ctx_.compact_vocab_value(v.get_string()) : "");
      }
    }
    return out;
  }

  // Simplified: the value alone; a multi-attribute as {"dataset": {datasetId|@none: value}}.
  json::value simplified(const model::AttributeEntry& entry) {
    if (entry.instances.size() == 1 && !entry.instances.front().dataset_id) {
      return shown(entry.instances.front()).value;
    }
    json::object dataset(sp_);
    for (const auto& a : entry.instances) dataset[a.dataset_id.value_or("@none")] = shown(a).value;
    json::object o(sp_);
    o["dataset"] = std::move(dataset);
    return o;
  }

  const jsonld::Context& ctx_;
  const RenderOptions& opt_;
  // Where the rendered tree is allocated: a request's arena saves a malloc and a free per
  // member of every entity rendered.
  json::storage_ptr sp_;
};

}  // namespace

json::object render_entity(const model::Entity& e, const jsonld::Context& ctx,
                           const RenderOptions& options, json::storage_ptr sp) {
  Renderer r(ctx, options, sp);
  json::object out(sp);
  out.reserve(2 + e.attributes.size());
  if (options.shows("id")) out["id"] = e.id;
  if (options.shows("type")) out["type"] = r.types(e.types);
  if (e.scope && options.shows("scope")) out["scope"] = *e.scope;
  if (options.sys_attrs) {
    if (options.shows("createdAt")) out["createdAt"] = model::format_datetime(e.created_at);
    if (options.shows("modifiedAt")) out["modifiedAt"] = model::format_datetime(e.modified_at);
  }
  r.attributes(e.attributes, out, true);
  return out;
}

json::object render_feature(const model::Entity& e, const jsonld::Context& ctx,
                            const RenderOptions& options, const std::string& geometry_property,
                            json::storage_ptr sp) {
  // Built afresh rather than erasing "id": json::object::erase moves the last member into the
  // gap, which would reorder the attributes.
  json::object properties(sp);
  for (auto& [key, value] : render_entity(e, ctx, options, sp)) {
    if (key != "id") properties[key] = std::move(value);
  }
  json::value geometry(sp);
  if (const auto* entry = model::find_entry(e.attributes, geometry_property)) {
    const auto& first = entry->instances.front();
    if (first.kind == AttributeKind::GeoProperty) geometry = first.value;
  }
  json::object feature(sp);
  feature["id"] = e.id;
  feature["type"] = "Feature";
  feature["geometry"] = std::move(geometry);
  feature["properties"] = std::move(properties);
  return feature;
}

json::object render_instance(const model::Attribute& instance, const jsonld::Context& context,
                             const RenderOptions& options) {
  return Renderer(context, options).instance_object(instance);
}

std::pair<model::AttributeKind, json::value> render_value(const model::Attribute& instance,
                                                          const jsonld::Context& context,
                                                          const RenderOptions& options) {
  return Renderer(context, options).shown_value(instance);
}

std::string compact_name(const std::string& iri, const jsonld::Context& context) {
  return context.compact(iri);
}

}  // namespace tsunagu::api::ngsild
