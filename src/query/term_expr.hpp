#pragma once
// A boolean expression over opaque atoms, the shape shared by NGSI-LD's entity type selection
// (ETSI GS CIM 009 v1.8, clause 4.17, the `type` parameter) and its scope query language (clause
// 4.19, `scopeQ`). The grammar is the same for both; only what an atom may be differs, so each
// language passes a check of its atoms (type_query.hpp, scope_query.hpp).
//
//   expression = conjunction *( ("|" / ",") conjunction )
//   conjunction = unit *( ";" unit )
//   unit = atom / "(" expression ")"
//   atom = 1*( any character except ";" "|" "," "(" ")", whitespace and control characters )
//
// ';' is AND, '|' is OR and ',' is OR too (the older list form "A,B", kept as an alias so that
// it may be mixed with the rest); AND binds tighter than OR. The text is the parameter after
// percent-decoding: it must be valid UTF-8 and contain no whitespace or control characters, as
// the clauses' ABNF has none.
//
// Errors are BadRequestData with a message "<what>: <problem> at position <n>", n being the
// 1-based position of a character (a code point, not a byte) in the text, e.g.
// "type: missing term after ';' at position 9".

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/error.hpp"

namespace tsunagu::query {

// Bounds on the text of one expression; exceeding one is BadRequestData.
inline constexpr std::size_t kMaxTermExprLength = 4096;  // bytes
inline constexpr std::size_t kMaxTermExprDepth = 32;     // nesting of parentheses

// Invariants a consumer may rely on (parse_term_expr guarantees them):
//   - an Atom has a non-empty `atom` and no children;
//   - And/Or nodes have two or more children and an empty `atom`, and no child has the kind of
//     its parent (nested groups of the same kind are flattened: "A;(B;C)" is one And of three).
struct TermExpr {
  enum class Kind { Atom, And, Or };
  Kind kind = Kind::Atom;
  std::string atom;                // Atom only
  std::vector<TermExpr> children;  // And/Or only
};

// Checks one atom; `position` is the 1-based character position of its first character. A
// failure's message is returned as it is, so it should follow the format above.
using AtomCheck = std::function<Status(std::string_view atom, std::size_t position)>;

// Parses `text`; `what` names the parameter in messages ("type", "scopeQ").
Result<TermExpr> parse_term_expr(std::string_view text, std::string_view what,
                                 const AtomCheck& check_atom);

// The expression's value when `atom_holds` tells the value of each atom. Atoms are asked lazily,
// left to right, stopping as soon as the value is known.
bool evaluate(const TermExpr& expr, const std::function<bool(const std::string&)>& atom_holds);

// The atoms of an expression that holds when any one of them holds: a single atom or an Or of
// atoms ("A", "A|B,C"). Duplicates are dropped, the order is kept. nullopt for anything else, such
// as "A;B" or "A|(B;C)": a store can look such a list up in an index directly.
std::optional<std::vector<std::string>> as_any_of(const TermExpr& expr);

// Calls `fn` on every atom, left to right, which may rewrite it in place (the API layer expands
// type names with the request's @context). Rewriting may make atoms equal; the expression means
// the same all the same.
void for_each_atom(TermExpr& expr, const std::function<void(std::string& atom)>& fn);

// Canonical text for logs and tests: '|' for OR, parentheses only where precedence needs them.
// "A,(B;C);D" prints as "A|B;C;D", "(A|B);C" as "(A|B);C".
std::string to_string(const TermExpr& expr);

// The number of characters (code points) in valid UTF-8 text: an atom's check adds it to the
// atom's position to name a character inside the atom.
std::size_t character_count(std::string_view utf8);

}  // namespace tsunagu::query
