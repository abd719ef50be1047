#pragma once
// The NGSI-LD query language (ETSI GS CIM 009 v1.8, clause 4.9, the `q` parameter) as a tree:
// And/Or nodes over Comparison leaves. q_parser.hpp builds it, q_eval.hpp evaluates it against an
// entity in memory (subscriptions), and each store compiles it to its own SQL. The tree is fully
// bound: attribute names are expanded IRIs, values are typed, patterns are compiled, so a consumer
// needs no @context and never re-parses text.
//
// Invariants a consumer may rely on (parse_q guarantees them):
//   - And/Or nodes have two or more children, and no child has the kind of its parent (nested
//     groups of the same kind are flattened: "a;(b;c)" is one And of three leaves).
//   - Comparison::values is non-empty exactly for Eq/Ne without a range (one value, or a list)
//     and for Gt/Ge/Lt/Le (one value); Comparison::range is set only for Eq/Ne;
//     Comparison::pattern is set exactly for Match/NotMatch.
//   - Gt/Ge/Lt/Le and range bounds are never bool or Uri, and both bounds of a range hold the same
//     alternative of Value.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/time.hpp"

namespace re2 {
class RE2;
}

namespace tsunagu::query {

// Members of an attribute (or of the entity) that a path may end with instead of the value
// ("speed.observedAt"). They are NGSI-LD core names, never expanded with the @context.
enum class Metadata { ObservedAt, UnitCode, DatasetId, CreatedAt, ModifiedAt };

std::string_view metadata_name(Metadata metadata);  // "observedAt", ...
std::optional<Metadata> metadata_from_name(std::string_view name);

// What a query term looks at, e.g. "sensor.rawdata[airquality.particulate]".
struct AttrPath {
  // Expanded IRI of the top-level attribute. Empty for the entity's own createdAt/modifiedAt,
  // and then `metadata` is CreatedAt or ModifiedAt and every other member is empty.
  std::string attr;
  // Expanded IRIs of sub-attributes (Property of Property), outermost first.
  std::vector<std::string> sub_attrs;
  // The target is this member of the element rather than its value.
  std::optional<Metadata> metadata;
  // The trailing path in brackets: JSON member names inside the value, outermost first, never
  // expanded. For a LanguageProperty a single key is a language tag and "*" means any language.
  std::vector<std::string> json_keys;
};

enum class Op { Exists, NotExists, Eq, Ne, Gt, Ge, Lt, Le, Match, NotMatch };

// The operator as q writes it: "==", "~=", ...; "" for Exists and "!" for NotExists.
std::string_view op_text(Op op);

// A quoted string. `vocab_iri` is the string expanded as a vocabulary term with the request's
// @context, which is how a VocabProperty stores its value; for any other target the query
// compares `value`.
struct Text {
  std::string value;
  std::string vocab_iri;
};

// An unquoted URI (a Relationship object, a datasetId).
struct Uri {
  std::string value;
};

struct Date {
  std::chrono::sys_days day;
};

// A Time value: the time since midnight UTC.
struct TimeOfDay {
  std::chrono::milliseconds since_midnight;
};

// model::Timestamp is a DateTime. JSON numbers are all doubles: integers beyond 2^53 lose
// precision, as they do in every JSON parser that reads numbers as IEEE doubles.
using Value = std::variant<double, bool, Text, Uri, model::Timestamp, Date, TimeOfDay>;

struct Range {
  Value min;
  Value max;
};

struct Comparison {
  AttrPath path;
  Op op = Op::Exists;
  std::vector<Value> values;
  std::optional<Range> range;
  // Compiled once; pattern->pattern() is the source text. Shared so that copies of a tree (one per
  // subscription index entry, say) do not recompile.
  std::shared_ptr<const re2::RE2> pattern;
};

struct Expr {
  enum class Kind { Leaf, And, Or };
  Kind kind = Kind::Leaf;
  Comparison leaf;             // Leaf only
  std::vector<Expr> children;  // And/Or only
};

// Canonical text for logs and tests: attribute IRIs in angle brackets, values in their canonical
// form (numbers shortest round-trip, strings JSON-quoted, DateTimes in UTC with milliseconds,
// patterns JSON-quoted), groups parenthesised only where precedence needs it. Example:
//   <https://ex.org/speed>>50;(<https://ex.org/a>.observedAt>=2024-01-01T00:00:00.000Z|!<...>)
std::string to_string(const Expr& expr);
std::string to_string(const AttrPath& path);
std::string to_string(const Value& value);

}  // namespace tsunagu::query
