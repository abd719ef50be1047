#pragma once
// A processed JSON-LD active context: the term definitions that turn the short names of a request
// ("temperature", "Property", "schema:name") into IRIs and back. This is the subset of JSON-LD 1.1
// context processing that NGSI-LD needs: term and keyword-alias definitions, prefixes and compact
// IRIs, @vocab, @type and @container mappings, @protected, null (undefined) terms, and arrays of
// contexts applied in order. It does no I/O: remote contexts are fetched by the ContextResolver,
// which hands this module only inline context objects.
//
// The NGSI-LD core context is applied first and its terms are locked: a user context that
// redefines a core term with another meaning is silently ignored for that term, so "type",
// "value" or "location" always mean what the standard says. This is the result a JSON-LD processor
// gives when the core context comes last in the @context array, which is where NGSI-LD puts it.
// User-defined @protected terms follow JSON-LD: redefining them differently is an error.

#include <boost/json/value.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::jsonld {

// Hashing for std::string keys that accepts std::string_view lookups without a copy.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct TermDefinition {
  // The expanded IRI or the aliased keyword ("@id"); nullopt when the context maps the term to
  // null, which JSON-LD defines as "this term has no meaning here, not even through @vocab".
  std::optional<std::string> iri;
  // "@id", "@vocab", "@json", "@none" or an expanded datatype IRI.
  std::optional<std::string> type;
  // "@list", "@set", "@index", "@language", ... in the order given.
  std::vector<std::string> container;
  // May be used as the prefix of a compact IRI ("prefix:suffix"), see JSON-LD 1.1 prefix flag.
  bool prefix = false;
  // JSON-LD @protected: redefining it differently in a later user context is an error.
  bool is_protected = false;
  // Defined by the NGSI-LD core context: later redefinitions are ignored.
  bool core = false;

  // Same meaning: flags that say where the definition came from do not count.
  bool same_meaning(const TermDefinition& other) const {
    return iri == other.iri && type == other.type && container == other.container &&
           prefix == other.prefix;
  }
};

// Immutable once built; shared between threads as std::shared_ptr<const Context>.
class Context {
 public:
  // The IRI for an attribute name or entity type. Keywords and absolute IRIs ("https://...",
  // "urn:...") are returned unchanged; a defined term gives its IRI; "prefix:suffix" with a
  // defined prefix gives the prefix IRI + suffix; anything else is appended to @vocab. Returns ""
  // for a term the context maps to null: such a term must be dropped (JSON-LD) or rejected.
  std::string expand(std::string_view term) const;

  // The inverse of expand: the preferred term mapped to `iri` (shortest, then lexicographically
  // least), else the @vocab-relative name, else the shortest compact IRI, else `iri` itself.
  // compact(expand(x)) == x for any x that compact itself may return.
  std::string compact(std::string_view iri) const;

  // The string value of an attribute whose term is "@vocab"-typed (e.g. a VocabProperty's
  // "vocab"): JSON-LD expands and compacts such values exactly like terms.
  std::string expand_vocab_value(std::string_view value) const;
  std::string compact_vocab_value(std::string_view iri) const;

  // The @type mapping of the term `iri` compacts to ("@id", "@vocab", "@json" or a datatype
  // IRI); nullopt when that term has none or no term maps to `iri`.
  std::optional<std::string> type_of(std::string_view iri) const;

  // The definition of `term`, or nullptr. Points into this Context and lives as long as it.
  const TermDefinition* find(std::string_view term) const;

  const std::optional<std::string>& vocab() const { return vocab_; }
  std::size_t term_count() const { return terms_.size(); }

 private:
  friend class ContextBuilder;
  friend class LocalContextProcessor;  // context.cpp: fills in terms_ and vocab_

  std::string expand_prefixed(std::string_view term, std::size_t colon) const;
  std::optional<std::string> compact_with_prefix(std::string_view iri) const;
  std::optional<std::string> compact_with_vocab(std::string_view iri) const;
  void build_inverse();

  StringMap<TermDefinition> terms_;
  std::optional<std::string> vocab_;
  // What a null context resets @vocab to: the core context's.
  std::optional<std::string> core_vocab_;
  // Built once by build_inverse() so that compact() is a few hash lookups per call.
  StringMap<std::string> preferred_term_;   // IRI -> preferred term
  StringMap<std::string> prefix_term_;      // IRI of a prefix term -> preferred prefix term
  std::set<std::size_t> prefix_iri_sizes_;  // distinct sizes of the keys of prefix_term_
};

// Where a local context comes from: the core's terms are locked, a user's are not.
enum class Origin { Core, User };

// Applies local contexts one after the other, then freezes the result into a Context.
class ContextBuilder {
 public:
  ContextBuilder() = default;
  // Starts from the definitions of `base` (typically the core context).
  explicit ContextBuilder(const Context& base);

  // `local` is an object, null (reset to the core definitions) or an array of those. A string
  // here is an error: the resolver replaces remote references by their content beforehand.
  Status apply(const boost::json::value& local, Origin origin = Origin::User);

  std::shared_ptr<const Context> build() &&;

 private:
  Status apply_object(const boost::json::object& local, Origin origin);
  void reset_to_core();

  Context ctx_;
};

}  // namespace tsunagu::jsonld
