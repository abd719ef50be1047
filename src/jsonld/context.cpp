#include "jsonld/context.hpp"

#include <algorithm>
#include <array>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <utility>

#include "jsonld/iri.hpp"

namespace tsunagu::jsonld {
namespace {

std::unexpected<Error> invalid(std::string_view what) {
  return fail(ErrorKind::BadRequestData, "invalid @context: " + std::string(what));
}

std::unexpected<Error> invalid_term(std::string_view term, std::string_view what) {
  return invalid("term '" + std::string(term) + "': " + std::string(what));
}

// JSON-LD's order of preference between two terms for the same IRI.
bool preferred(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

bool ends_with_gen_delim(std::string_view iri) {
  return !iri.empty() && std::string_view(":/?#[]@").find(iri.back()) != std::string_view::npos;
}

// Keys a local context object may hold besides term definitions.
bool is_context_keyword(std::string_view key) {
  static constexpr std::array<std::string_view, 8> kKeys = {"@base",     "@direction", "@import",
                                                            "@language", "@propagate", "@protected",
                                                            "@version",  "@vocab"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

bool is_container_keyword(std::string_view c) {
  static constexpr std::array<std::string_view, 7> kContainers = {
      "@list", "@set", "@index", "@language", "@id", "@type", "@graph"};
  return std::find(kContainers.begin(), kContainers.end(), c) != kContainers.end();
}

bool is_term_definition_key(std::string_view key) {
  static constexpr std::array<std::string_view, 11> kKeys = {
      "@id",    "@type", "@container", "@context",   "@language", "@direction",
      "@index", "@nest", "@prefix",    "@protected", "@reverse"};
  return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

}  // namespace

// Processes one local context object into a ContextBuilder's context, following the JSON-LD 1.1
// "Create Term Definition" algorithm: a term whose value refers to another term of the same object
// defines that one first, and `state_` detects cycles between them.
class LocalContextProcessor {
 public:
  LocalContextProcessor(Context& ctx, const boost::json::object& local, Origin origin)
      : ctx_(ctx), local_(local), origin_(origin) {}

  Status run() {
    if (auto s = process_keywords(); !s) return s;
    for (const auto& entry : local_) {
      if (is_context_keyword(entry.key())) continue;
      if (auto s = define(entry.key()); !s) return s;
    }
    return ok();
  }

 private:
  enum class State { InProgress, Done };

  Status process_keywords();
  Status process_vocab(const boost::json::value& value);
  Status define(std::string_view term);
  Result<std::optional<TermDefinition>> make_definition(std::string_view term,
                                                        const boost::json::value& value);
  Result<std::optional<TermDefinition>> from_string(std::string_view term, std::string_view id);
  Result<std::optional<TermDefinition>> from_object(std::string_view term,
                                                    const boost::json::object& def);
  Result<bool> read_id(std::string_view term, const boost::json::object& object,
                       TermDefinition& def);
  Status read_flags(std::string_view term, const boost::json::object& object, TermDefinition& def);
  Status read_type(std::string_view term, const boost::json::value& value, TermDefinition& def);
  Status read_container(std::string_view term, const boost::json::value& value,
                        TermDefinition& def);
  Result<std::optional<std::string>> mapped_iri(std::string_view term, std::string_view id);
  Result<std::string> derived_iri(std::string_view term);
  Result<std::optional<std::string>> expand_iri(std::string_view value);
  Status depend_on(std::string_view term);
  Status store(std::string_view term, TermDefinition def);
  // Looked up again: defining dependencies may have rehashed state_.
  void mark_done(std::string_view term) { state_.find(term)->second = State::Done; }

  Context& ctx_;
  const boost::json::object& local_;
  Origin origin_;
  bool protected_default_ = false;
  StringMap<State> state_;
};

Status LocalContextProcessor::process_keywords() {
  if (const auto* v = local_.if_contains("@version")) {
    if (!v->is_double() || v->get_double() != 1.1) return invalid("@version must be 1.1");
  }
  if (local_.contains("@import")) return invalid("@import is not supported");
  if (const auto* v = local_.if_contains("@protected")) {
    if (!v->is_bool()) return invalid("@protected must be true or false");
    protected_default_ = v->get_bool();
  }
  if (const auto* v = local_.if_contains("@vocab")) return process_vocab(*v);
  return ok();
}

Status LocalContextProcessor::process_vocab(const boost::json::value& value) {
  if (value.is_null()) {
    ctx_.vocab_.reset();
  } else {
    const auto* s = value.if_string();
    if (s == nullptr || s->empty()) return invalid("@vocab must be an IRI or null");
    // Expanded against the context as it was before this object, as JSON-LD does.
    std::string iri = ctx_.expand(*s);
    if (!is_absolute_iri(iri) && !is_blank_node(iri)) {
      return invalid("@vocab '" + std::string(*s) + "' is not an absolute IRI");
    }
    ctx_.vocab_ = std::move(iri);
  }
  if (origin_ == Origin::Core) ctx_.core_vocab_ = ctx_.vocab_;
  return ok();
}

Status LocalContextProcessor::define(std::string_view term) {
  if (auto it = state_.find(term); it != state_.end()) {
    if (it->second == State::Done) return ok();
    return invalid_term(term, "cyclic IRI mapping");
  }
  state_.emplace(std::string(term), State::InProgress);
  if (term.empty()) return invalid("a term must not be empty");
  if (has_keyword_form(term)) {
    // "@type" may carry @container/@protected; other keyword-like keys are ignored by JSON-LD.
    if (is_keyword(term) && term != "@type") return invalid_term(term, "keyword redefinition");
    mark_done(term);
    return ok();
  }
  auto def = make_definition(term, local_.at(term));
  if (!def) return std::unexpected(def.error());
  if (*def) {
    if (auto s = store(term, std::move(**def)); !s) return s;
  }
  mark_done(term);
  return ok();
}

// nullopt (without an error) when JSON-LD says to ignore the term.
Result<std::optional<TermDefinition>> LocalContextProcessor::make_definition(
    std::string_view term, const boost::json::value& value) {
  if (value.is_null()) {
    TermDefinition undefined;
    undefined.is_protected = protected_default_;
    return undefined;
  }
  if (const auto* s = value.if_string()) return from_string(term, *s);
  if (const auto* o = value.if_object()) return from_object(term, *o);
  return invalid_term(term, "a definition must be a string, an object or null");
}

Result<std::optional<TermDefinition>> LocalContextProcessor::from_string(std::string_view term,
                                                                         std::string_view id) {
  auto iri = mapped_iri(term, id);
  if (!iri) return std::unexpected(iri.error());
  if (!*iri) return std::nullopt;
  TermDefinition def;
  def.iri = std::move(**iri);
  // JSON-LD 1.1: only a simple term whose IRI ends with a gen-delim can act as a prefix.
  def.prefix = term.find_first_of(":/") == std::string_view::npos && ends_with_gen_delim(*def.iri);
  def.is_protected = protected_default_;
  return def;
}

Result<std::optional<TermDefinition>> LocalContextProcessor::from_object(
    std::string_view term, const boost::json::object& object) {
  for (const auto& entry : object) {
    if (!is_term_definition_key(entry.key())) {
      return invalid_term(term, "unexpected member '" + std::string(entry.key()) + "'");
    }
  }
  if (object.contains("@reverse")) return invalid_term(term, "@reverse is not supported");
  TermDefinition def;
  auto keep = read_id(term, object, def);
  if (!keep) return std::unexpected(keep.error());
  if (!*keep) return std::nullopt;
  if (const auto* t = object.if_contains("@type")) {
    if (auto s = read_type(term, *t, def); !s) return std::unexpected(s.error());
  }
  if (const auto* c = object.if_contains("@container")) {
    if (auto s = read_container(term, *c, def); !s) return std::unexpected(s.error());
  }
  if (auto s = read_flags(term, object, def); !s) return std::unexpected(s.error());
  // @context (scoped contexts), @language, @direction, @index and @nest do not change what a
  // term expands to; NGSI-LD processing does not use them, so they are accepted and not kept.
  return def;
}

// False when JSON-LD says to ignore the whole term (an @id of keyword form).
Result<bool> LocalContextProcessor::read_id(std::string_view term,
                                            const boost::json::object& object,
                                            TermDefinition& def) {
  const auto* id = object.if_contains("@id");
  if (id == nullptr) {
    auto iri = derived_iri(term);
    if (!iri) return std::unexpected(iri.error());
    def.iri = std::move(*iri);
    return true;
  }
  if (id->is_null()) return true;  // explicitly undefined
  if (!id->is_string()) return invalid_term(term, "@id must be a string or null");
  auto iri = mapped_iri(term, id->get_string());
  if (!iri) return std::unexpected(iri.error());
  if (!*iri) return false;
  def.iri = std::move(**iri);
  return true;
}

Status LocalContextProcessor::read_flags(std::string_view term, const boost::json::object& object,
                                         TermDefinition& def) {
  if (const auto* p = object.if_contains("@prefix")) {
    if (!p->is_bool()) return invalid_term(term, "@prefix must be true or false");
    if (term.find_first_of(":/") != std::string_view::npos) {
      return invalid_term(term, "a compact IRI or IRI cannot be a prefix");
    }
    def.prefix = p->get_bool();
  }
  def.is_protected = protected_default_;
  if (const auto* p = object.if_contains("@protected")) {
    if (!p->is_bool()) return invalid_term(term, "@protected must be true or false");
    def.is_protected = p->get_bool();
  }
  return ok();
}

Status LocalContextProcessor::read_type(std::string_view term, const boost::json::value& value,
                                        TermDefinition& def) {
  const auto* s = value.if_string();
  if (s == nullptr) return invalid_term(term, "@type must be a string");
  if (*s == "@id" || *s == "@vocab" || *s == "@json" || *s == "@none") {
    def.type = std::string(*s);
    return ok();
  }
  auto iri = expand_iri(*s);
  if (!iri) return std::unexpected(iri.error());
  if (!*iri || !is_absolute_iri(**iri)) {
    return invalid_term(term, "@type '" + std::string(*s) + "' is not an IRI");
  }
  def.type = std::move(**iri);
  return ok();
}

Status LocalContextProcessor::read_container(std::string_view term, const boost::json::value& value,
                                             TermDefinition& def) {
  auto add = [&](const boost::json::value& v) -> Status {
    const auto* s = v.if_string();
    if (s == nullptr || !is_container_keyword(*s)) {
      return invalid_term(term, "unsupported @container " + boost::json::serialize(v));
    }
    def.container.emplace_back(*s);
    return ok();
  };
  const auto* array = value.if_array();
  if (array == nullptr) return add(value);
  for (const auto& v : *array) {
    if (auto s = add(v); !s) return s;
  }
  return ok();
}

// The IRI a term is mapped to by an explicit @id (or string value) `id`.
Result<std::optional<std::string>> LocalContextProcessor::mapped_iri(std::string_view term,
                                                                     std::string_view id) {
  if (id == term) return derived_iri(term);  // "name": "name" means "the usual IRI for name"
  if (is_keyword(id)) {
    if (id == "@context") return invalid_term(term, "@context cannot be aliased");
    return std::string(id);
  }
  if (has_keyword_form(id)) return std::optional<std::string>{};  // JSON-LD ignores the term
  auto iri = expand_iri(id);
  if (!iri) return std::unexpected(iri.error());
  if (!*iri || (!is_absolute_iri(**iri) && !is_blank_node(**iri))) {
    return invalid_term(term, "'" + std::string(id) + "' does not expand to an IRI");
  }
  return iri;
}

// The IRI of a term defined without @id: the term itself read as a (compact) IRI, else @vocab.
Result<std::string> LocalContextProcessor::derived_iri(std::string_view term) {
  if (auto colon = term.find(':'); colon != std::string_view::npos) {
    auto prefix = term.substr(0, colon);
    if (auto s = depend_on(prefix); !s) return std::unexpected(s.error());
    const TermDefinition* p = ctx_.find(prefix);
    if (p != nullptr && p->iri) return *p->iri + std::string(term.substr(colon + 1));
    return std::string(term);
  }
  if (term.find('/') != std::string_view::npos) {
    return invalid_term(term, "a relative IRI needs an @id");
  }
  if (!ctx_.vocab_) return invalid_term(term, "no @id and no @vocab to derive one from");
  return *ctx_.vocab_ + std::string(term);
}

// JSON-LD IRI expansion (vocab = true) while this object is being processed. nullopt means the
// value expands to null (a null-mapped term, or something JSON-LD ignores).
Result<std::optional<std::string>> LocalContextProcessor::expand_iri(std::string_view value) {
  if (is_keyword(value)) return std::string(value);
  if (has_keyword_form(value)) return std::optional<std::string>{};
  if (auto s = depend_on(value); !s) return std::unexpected(s.error());
  if (const TermDefinition* def = ctx_.find(value)) return def->iri;
  auto colon = value.find(':');
  if (colon == std::string_view::npos) {
    if (ctx_.vocab_) return *ctx_.vocab_ + std::string(value);
    return std::optional<std::string>{};
  }
  auto prefix = value.substr(0, colon);
  auto suffix = value.substr(colon + 1);
  if (prefix == "_" || suffix.starts_with("//")) return std::string(value);
  if (auto s = depend_on(prefix); !s) return std::unexpected(s.error());
  const TermDefinition* p = ctx_.find(prefix);
  if (p != nullptr && p->prefix && p->iri) return *p->iri + std::string(suffix);
  if (is_absolute_iri(value)) return std::string(value);
  if (ctx_.vocab_) return *ctx_.vocab_ + std::string(value);
  return std::optional<std::string>{};
}

// Defines `term` first when this same object defines it: definitions may refer to each other in
// any order.
Status LocalContextProcessor::depend_on(std::string_view term) {
  if (!local_.contains(term) || is_context_keyword(term)) return ok();
  return define(term);
}

Status LocalContextProcessor::store(std::string_view term, TermDefinition def) {
  def.core = origin_ == Origin::Core;
  auto it = ctx_.terms_.find(term);
  if (it != ctx_.terms_.end()) {
    const TermDefinition& old = it->second;
    // A core term keeps its meaning: user redefinitions are ignored (see context.hpp).
    if (old.core && origin_ == Origin::User) return ok();
    if (old.is_protected && !old.core && !old.same_meaning(def)) {
      return invalid_term(term, "protected term redefinition");
    }
    it->second = std::move(def);
    return ok();
  }
  ctx_.terms_.emplace(std::string(term), std::move(def));
  return ok();
}

// ---- Context ----

const TermDefinition* Context::find(std::string_view term) const {
  auto it = terms_.find(term);
  return it == terms_.end() ? nullptr : &it->second;
}

std::string Context::expand(std::string_view term) const {
  if (is_keyword(term)) return std::string(term);
  if (const TermDefinition* def = find(term)) return def->iri.value_or(std::string());
  if (auto colon = term.find(':'); colon != std::string_view::npos) {
    return expand_prefixed(term, colon);
  }
  if (vocab_) return *vocab_ + std::string(term);
  return std::string(term);
}

std::string Context::expand_prefixed(std::string_view term, std::size_t colon) const {
  auto prefix = term.substr(0, colon);
  auto suffix = term.substr(colon + 1);
  if (prefix == "_" || suffix.starts_with("//")) return std::string(term);
  const TermDefinition* p = find(prefix);
  if (p != nullptr && p->prefix && p->iri) return *p->iri + std::string(suffix);
  if (is_absolute_iri(term) || !vocab_) return std::string(term);
  return *vocab_ + std::string(term);
}

std::string Context::compact(std::string_view iri) const {
  if (auto it = preferred_term_.find(iri); it != preferred_term_.end()) return it->second;
  if (auto relative = compact_with_vocab(iri)) return std::move(*relative);
  if (auto compact_iri = compact_with_prefix(iri)) return std::move(*compact_iri);
  return std::string(iri);
}

std::optional<std::string> Context::compact_with_vocab(std::string_view iri) const {
  if (!vocab_ || iri.size() <= vocab_->size() || !iri.starts_with(*vocab_)) return std::nullopt;
  auto suffix = iri.substr(vocab_->size());
  // The suffix must expand back to `iri`: not a term of its own, not read as a (compact) IRI or
  // a keyword.
  if (find(suffix) != nullptr || suffix.find(':') != std::string_view::npos ||
      suffix.front() == '@') {
    return std::nullopt;
  }
  return std::string(suffix);
}

std::optional<std::string> Context::compact_with_prefix(std::string_view iri) const {
  std::optional<std::string> best;
  for (std::size_t size : prefix_iri_sizes_) {
    if (size >= iri.size()) break;
    auto it = prefix_term_.find(iri.substr(0, size));
    if (it == prefix_term_.end()) continue;
    auto suffix = iri.substr(size);
    if (suffix.starts_with("//")) continue;
    std::string candidate = it->second + ":" + std::string(suffix);
    if (find(candidate) != nullptr) continue;  // that name is a term with its own meaning
    if (!best || preferred(candidate, *best)) best = std::move(candidate);
  }
  return best;
}

std::string Context::expand_vocab_value(std::string_view value) const {
  return expand(value);
}

std::string Context::compact_vocab_value(std::string_view iri) const {
  return compact(iri);
}

std::optional<std::string> Context::type_of(std::string_view iri) const {
  auto it = preferred_term_.find(iri);
  if (it == preferred_term_.end()) return std::nullopt;
  return find(it->second)->type;
}

void Context::build_inverse() {
  preferred_term_.clear();
  prefix_term_.clear();
  prefix_iri_sizes_.clear();
  auto offer = [](StringMap<std::string>& map, const std::string& iri, const std::string& term) {
    auto [it, inserted] = map.try_emplace(iri, term);
    if (!inserted && preferred(term, it->second)) it->second = term;
  };
  for (const auto& [term, def] : terms_) {
    if (!def.iri) continue;
    offer(preferred_term_, *def.iri, term);
    if (!def.prefix) continue;
    offer(prefix_term_, *def.iri, term);
    prefix_iri_sizes_.insert(def.iri->size());
  }
}

// ---- ContextBuilder ----

ContextBuilder::ContextBuilder(const Context& base) : ctx_(base) {}

Status ContextBuilder::apply(const boost::json::value& local, Origin origin) {
  switch (local.kind()) {
    case boost::json::kind::null:
      reset_to_core();
      return ok();
    case boost::json::kind::object:
      return apply_object(local.get_object(), origin);
    case boost::json::kind::array:
      for (const auto& item : local.get_array()) {
        if (auto s = apply(item, origin); !s) return s;
      }
      return ok();
    case boost::json::kind::string:
      return invalid("remote context '" + std::string(local.get_string()) + "' was not resolved");
    default:
      return invalid("a @context must be a URL, an object, an array or null, not " +
                     boost::json::serialize(local));
  }
}

Status ContextBuilder::apply_object(const boost::json::object& local, Origin origin) {
  return LocalContextProcessor(ctx_, local, origin).run();
}

// JSON-LD resets the active context on null; here "empty" means "the core context alone".
void ContextBuilder::reset_to_core() {
  std::erase_if(ctx_.terms_, [](const auto& entry) { return !entry.second.core; });
  ctx_.vocab_ = ctx_.core_vocab_;
}

std::shared_ptr<const Context> ContextBuilder::build() && {
  ctx_.build_inverse();
  return std::make_shared<const Context>(std::move(ctx_));
}

}  // namespace tsunagu::jsonld
