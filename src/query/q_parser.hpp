#pragma once
// Parser of the NGSI-LD query language (ETSI GS CIM 009 v1.8, clause 4.9) into the tree of
// q_ast.hpp. This is the bind step too: attribute names are expanded with the request's @context
// while parsing, so the tree knows only IRIs.
//
// The grammar follows the clause's ABNF. Where the ABNF is silent or contradicts the clause's own
// examples, this parser decides as follows (docs and tests rely on these):
//   - Parentheses nest to any depth up to QLimits::max_depth. The ABNF allows one level only, but
//     the clause's EXAMPLE 6, "((speed>50|rpm>3000);brandName==...)", nests two.
//   - `!attr` (the attribute does not exist) is accepted, as most brokers do; the ABNF has only
//     existence.
//   - No whitespace outside quoted strings and patterns: the ABNF has none.
//   - Attribute names follow AttrName (a Unicode letter, then letters, digits or '_'), optionally
//     as a compact IRI "prefix:name". Bracketed keys follow AttrName too but may contain '-', so
//     that language tags such as [en-GB] work; [*] means any language.
//   - The trailing path may be written [a.b] (current ABNF) or [a][b] (the older compound form);
//     both mean the same and print as [a.b].
//   - A path that ends in observedAt, unitCode, datasetId, createdAt or modifiedAt addresses that
//     member of the attribute (the clause's EXAMPLE 8); those names are not expanded. createdAt or
//     modifiedAt alone addresses the entity's own timestamps. "id" and "type" are not attributes
//     (they expand to JSON-LD keywords) and are rejected: the id and type parameters filter them.
//   - Unquoted values: numbers (JSON syntax), true, false, DateTime, Date, Time and URIs. An
//     unquoted value ends at ';', '|', ')', ',' or "..": a URI containing one of those must be
//     quoted (a quoted string compares equal to a Relationship object all the same). `null` is not
//     a value (the ABNF has none).
//   - URIs may appear in value lists ("rel==urn:a,urn:b"); the ABNF's ValueList leaves them out,
//     which would read that example as one URI containing a comma.
//   - Both bounds of a range have the same type; a range whose minimum exceeds its maximum is
//     accepted and contains nothing.
//   - A pattern (after ~= or !~=) is RE2 syntax, a superset of POSIX ERE without backreferences,
//     so no pattern takes exponential time. It is either a JSON-quoted string or unquoted text
//     that ends at ';' or '|' outside parentheses and brackets, or at an unbalanced ')'. Write
//     "a~=(x|y)" or a~="x|y" for alternatives: a~=x|y means (a~=x)|y.
//   - The pattern operator is "~=" as in the ABNF; "=~" is rejected with a hint.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "jsonld/context.hpp"
#include "model/error.hpp"
#include "query/q_ast.hpp"

namespace tsunagu::query {

// Bounds on the work one q expression can cause; exceeding one is BadRequestData.
struct QLimits {
  std::size_t max_length = 4096;  // bytes of q text
  std::size_t max_depth = 32;     // nesting of parentheses
  std::size_t max_terms = 256;    // query terms (leaves)
  // RE2's memory budget for each compiled pattern (program and matching caches). Memory is used
  // as a pattern needs it, so this bounds only hostile patterns such as "(.{1000}){1000}"; a
  // subscription keeps its compiled patterns for its whole life.
  std::size_t max_pattern_memory = 512 * 1024;
};

// Expands a term (an attribute name, or a string compared with a VocabProperty) to an IRI, as
// jsonld::Context::expand does. Returns "" for a term the @context maps to null, and a keyword
// ("@id") for a keyword alias.
using TermExpander = std::function<std::string(std::string_view term)>;

// Parses `text` (already percent-decoded). Errors are BadRequestData with a message such as
// "q: position 9: expected a value after '>'", the position being a 0-based byte offset.
Result<Expr> parse_q(std::string_view text, const TermExpander& expand, const QLimits& limits = {});
Result<Expr> parse_q(std::string_view text, const jsonld::Context& context,
                     const QLimits& limits = {});

}  // namespace tsunagu::query
