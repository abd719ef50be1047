#include "api/ngsild/entity_renderer.hpp"

#include <memory_resource>

#include "api/ngsild/render_sink.hpp"
#include "model/time.hpp"

namespace tsunagu::api::ngsild {
namespace json = boost::json;
using model::AttributeEntryRef;
using model::AttributeKind;
using model::AttributeRef;
using model::EntityRef;

namespace {

// An attribute's kind and value as the reader sees them: with lang=, a LanguageProperty is
// a Property holding the string (or strings) of the preferred language. Filled in place: `value`
// may point at `made`.
struct Shown {
  AttributeKind kind = AttributeKind::Property;
  const json::value* value = nullptr;   // into the entity, or at `made`
  json::value made;                     // a value made for the reader (compacted vocab, null)
  std::optional<std::string> language;  // the "lang" member

  Shown() = default;
  Shown(const Shown&) = delete;
  Shown& operator=(const Shown&) = delete;
};

json::value vocab_value(const json::value& v, const jsonld::Context& ctx) {
  if (v.is_string()) return json::value(ctx.compact_vocab_value(v.get_string()));
  json::array out;
  if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      out.emplace_back(item.is_string() ? ctx.compact_vocab_value(item.get_string()) : "");
    }
  }
  return out;
}

void show(const AttributeRef& a, const jsonld::Context& ctx, const RenderOptions& opt, Shown& s) {
  s.kind = a.kind;
  if (a.kind == AttributeKind::VocabProperty) {
    s.made = vocab_value(*a.value, ctx);
    s.value = &s.made;
    return;
  }
  s.value = a.value;
  if (a.kind != AttributeKind::LanguageProperty || !opt.lang || !a.value->is_object()) return;
  const auto& map = a.value->get_object();
  s.kind = AttributeKind::Property;
  auto language = choose_language(*opt.lang, map);
  if (!language) {
    s.value = &s.made;  // null: no language to show
    return;
  }
  s.value = &map.at(*language);
  if (*language != "@none") s.language = std::move(language);
}

// One renderer for every source and output: it reads an EntityRef (a view of a stored document
// or of a model entity) and writes to a Sink (render_sink.hpp) in document order.
template <class Sink>
class Renderer {
 public:
  Renderer(Sink& sink, const jsonld::Context& ctx, const RenderOptions& options)
      : out_(sink), ctx_(ctx), opt_(options) {}

  // `context_url`, when not empty, leads the object as its "@context" (JSON-LD answers).
  void entity(const EntityRef& e, bool with_id, std::string_view context_url) {
    out_.begin_object(4 + e.attributes.size());
    if (!context_url.empty()) member("@context", context_url);
    if (with_id && opt_.shows("id")) member("id", e.id);
    if (opt_.shows("type")) {
      out_.key("type");
      types(e.types);
    }
    if (e.scope && opt_.shows("scope")) {
      out_.key("scope");
      out_.value(*e.scope);
    }
    if (opt_.sys_attrs) {
      if (opt_.shows("createdAt")) member("createdAt", model::format_datetime(e.created_at));
      if (opt_.shows("modifiedAt")) member("modifiedAt", model::format_datetime(e.modified_at));
    }
    attributes(e.attributes, true);
    out_.end_object();
  }

  // A GeoJSON Feature (clause 4.5.16): the entity's members but its id are the properties.
  void feature(const EntityRef& e, std::string_view geometry_property) {
    out_.begin_object();
    member("id", e.id);
    member("type", "Feature");
    out_.key("geometry");
    const auto* entry = model::find_entry(e.attributes, geometry_property);
    const auto* first = entry && !entry->instances.empty() ? &entry->instances.front() : nullptr;
    if (first && first->kind == AttributeKind::GeoProperty) {
      out_.value(*first->value);
    } else {
      out_.null();
    }
    out_.key("properties");
    entity(e, false, {});
    out_.end_object();
  }

  void instance(const AttributeRef& a, bool may_be_bare) {
    Shown s;
    shown(a, s);
    if (opt_.format == Format::Concise && may_be_bare && bare(s, a)) {
      out_.value(*s.value);
      return;
    }
    out_.begin_object(4 + a.sub_attributes.size());  // type, value and a member or two
    if (opt_.format == Format::Normalized) member("type", model::kind_name(s.kind));
    out_.key(model::value_member(s.kind));
    out_.value(*s.value);
    if (s.language) member("lang", *s.language);
    if (a.object_type) member("objectType", ctx_.compact(*a.object_type));
    if (a.dataset_id) member("datasetId", *a.dataset_id);
    if (a.observed_at) member("observedAt", model::format_datetime(*a.observed_at));
    if (a.unit_code) member("unitCode", *a.unit_code);
    if (opt_.sys_attrs) {
      member("createdAt", model::format_datetime(a.created_at));
      member("modifiedAt", model::format_datetime(a.modified_at));
    }
    attributes(a.sub_attributes, false);
    out_.end_object();
  }

  void shown(const AttributeRef& a, Shown& s) const { show(a, ctx_, opt_, s); }

 private:
  void member(std::string_view key, std::string_view text) {
    out_.key(key);
    out_.string(text);
  }

  // Names are tested against attrs=, pick= and omit= only when one was given: the sets hold
  // std::string, and most reads name none.
  bool selected(std::string_view name) const {
    if (!opt_.attrs && !opt_.pick && opt_.omit.empty()) return true;
    const std::string n(name);
    return (!opt_.attrs || opt_.attrs->contains(n)) && opt_.shows(n);
  }

  void attributes(std::span<const AttributeEntryRef> list, bool top_level) {
    for (const auto& entry : list) {
      if (top_level && !selected(entry.name)) continue;
      out_.key(ctx_.compact(entry.name));
      if (opt_.format == Format::Simplified) {
        simplified(entry);
      } else {
        instances(entry);
      }
    }
  }

  void types(std::span<const std::string_view> types) {
    if (types.size() == 1) return out_.string(ctx_.compact(types.front()));
    out_.begin_array();
    for (const auto& t : types) out_.string(ctx_.compact(t));
    out_.end_array();
  }

  void instances(const AttributeEntryRef& entry) {
    if (entry.instances.size() == 1) return instance(entry.instances.front(), true);
    // Each instance of a multi-attribute stays an object, or it would not read back as one.
    out_.begin_array();
    for (const auto& a : entry.instances) instance(a, false);
    out_.end_array();
  }

  // Concise: a Property or GeoProperty with nothing but its value is the value itself, unless
  // that value is an object that would read back as an attribute.
  bool bare(const Shown& s, const AttributeRef& a) const {
    if (s.language || a.object_type || a.dataset_id || a.observed_at || a.unit_code ||
        opt_.sys_attrs || !a.sub_attributes.empty()) {
      return false;
    }
    if (s.kind == AttributeKind::GeoProperty) return true;
    return s.kind == AttributeKind::Property && !s.value->is_object();
  }

  // Simplified: the value alone; a multi-attribute as {"dataset": {datasetId|@none: value}}.
  void simplified(const AttributeEntryRef& entry) {
    if (entry.instances.size() == 1 && !entry.instances.front().dataset_id) {
      Shown s;
      shown(entry.instances.front(), s);
      return out_.value(*s.value);
    }
    out_.begin_object();
    out_.key("dataset");
    out_.begin_object();
    for (const auto& a : entry.instances) {
      Shown s;
      shown(a, s);
      out_.key(a.dataset_id.value_or("@none"));
      out_.value(*s.value);
    }
    out_.end_object();
    out_.end_object();
  }

  Sink& out_;
  const jsonld::Context& ctx_;
  const RenderOptions& opt_;
};

// The lists of a model entity's view: on the stack for an entity of a few dozen attributes,
// in heap blocks beyond.
class Borrowed {
 public:
  Borrowed() : arena_(buffer_, sizeof buffer_) {}
  std::pmr::memory_resource* arena() { return &arena_; }

 private:
  std::byte buffer_[2048];
  std::pmr::monotonic_buffer_resource arena_;
};

json::object tree_entity(const EntityRef& e, const jsonld::Context& ctx,
                         const RenderOptions& options, json::storage_ptr sp) {
  TreeSink sink(std::move(sp));
  Renderer(sink, ctx, options).entity(e, true, {});
  return std::move(sink.take().as_object());
}

}  // namespace

json::object render_entity(const model::Entity& e, const jsonld::Context& ctx,
                           const RenderOptions& options, json::storage_ptr sp) {
  Borrowed lists;
  return tree_entity(model::borrow(e, lists.arena()), ctx, options, std::move(sp));
}

json::object render_entity(const EntityRef& e, const jsonld::Context& ctx,
                           const RenderOptions& options, json::storage_ptr sp) {
  return tree_entity(e, ctx, options, std::move(sp));
}

void write_entity(std::string& out, const EntityRef& e, const jsonld::Context& ctx,
                  const RenderOptions& options, std::string_view context_url) {
  TextSink sink(out);
  Renderer(sink, ctx, options).entity(e, true, context_url);
  sink.finish();
}

json::object render_feature(const model::Entity& e, const jsonld::Context& ctx,
                            const RenderOptions& options, const std::string& geometry_property,
                            json::storage_ptr sp) {
  Borrowed lists;
  TreeSink sink(std::move(sp));
  Renderer(sink, ctx, options).feature(model::borrow(e, lists.arena()), geometry_property);
  return std::move(sink.take().as_object());
}

void write_feature(std::string& out, const EntityRef& e, const jsonld::Context& ctx,
                   const RenderOptions& options, std::string_view geometry_property) {
  TextSink sink(out);
  Renderer(sink, ctx, options).feature(e, geometry_property);
  sink.finish();
}

json::object render_instance(const model::Attribute& instance, const jsonld::Context& context,
                             const RenderOptions& options) {
  Borrowed lists;
  TreeSink sink{json::storage_ptr()};
  Renderer(sink, context, options).instance(model::borrow(instance, lists.arena()), false);
  return std::move(sink.take().as_object());
}

std::pair<model::AttributeKind, json::value> render_value(const model::Attribute& instance,
                                                          const jsonld::Context& context,
                                                          const RenderOptions& options) {
  Borrowed lists;
  Shown s;
  show(model::borrow(instance, lists.arena()), context, options, s);
  return {s.kind, json::value(*s.value)};
}

std::string compact_name(const std::string& iri, const jsonld::Context& context) {
  return context.compact(iri);
}

}  // namespace tsunagu::api::ngsild
