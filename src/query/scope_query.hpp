#pragma once
// NGSI-LD scopes and the scope query language (ETSI GS CIM 009 v1.8, clauses 4.18 and 4.19).
// An entity's scope places it in hierarchies such as "/Osaka/Kita/Umeda"; the `scopeQ` parameter
// selects entities by scope with the grammar of term_expr.hpp over scope patterns, e.g.
// "/Osaka/#;/Tourism/+".
//
// Decisions a consumer may rely on (docs and tests rely on these):
//   - A scope is "/" followed by one or more levels separated by "/". A level is a non-empty run
//     of characters other than '/', the operators ';', '|', ',', '(' and ')', '+', '#', and
//     ASCII whitespace or control characters. So no scope ends with '/' or contains "//", and
//     every valid scope can be written in a scopeQ as itself, which then matches it exactly.
//   - In a pattern a level may also be "+", any one level ("/+/Kita", "/Osaka/+/Umeda"), or, as
//     the last level only, "#", that scope and every scope below it: "/Osaka/#" matches
//     "/Osaka" and "/Osaka/Kita/Umeda"; "/#" matches every scope. As in MQTT topic filters, '+'
//     and '#' are wildcards only as whole levels, and elsewhere they are errors rather than
//     ordinary characters ("/Osaka+" is refused): the clause gives them no literal meaning, and
//     a client who writes "/Osaka#" more likely meant a wildcard than a level named so.
//   - Comparison is exact and case-sensitive, level by level; no normalisation.
//   - An entity's scope is a string or an array of strings. The entity matches a pattern when
//     any of its scopes does; an entity without a scope matches no scopeQ, "/#" included.
//     ';' needs every pattern to be matched by some scope of the entity, not all by the same one.

#include <string>
#include <string_view>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::query {

// Whether `scope` is a valid scope as defined above (the entity parser's check).
bool valid_scope(std::string_view scope);

// Parses the scopeQ parameter (already percent-decoded). Errors are BadRequestData such as
// "scopeQ: '#' must be the last level at position 9".
Result<TermExpr> parse_scope_query(std::string_view text);

// Whether one pattern of a parsed scopeQ matches one scope. The scope is compared level by level
// as it is, valid or not (so that a store's prefix search and this agree on any stored text); a
// scope that does not start with '/' matches nothing.
bool scope_matches(std::string_view pattern, std::string_view scope);

// Whether any scope of the entity satisfies the expression (see the decisions above).
bool matches_scope(const TermExpr& expr, const model::Entity& entity);

// The part of a pattern that an index of scope strings can search for, before scope_matches
// decides. `prefix` is the pattern's literal levels before its first wildcard level, or "/" when
// the first level is a wildcard:
//   "/Osaka/Kita" -> {"/Osaka/Kita", exact}   "/Osaka/#" and "/Osaka/+/Umeda" -> {"/Osaka"}
//   "/+/Kita" and "/#" -> {"/"}
// When `exact`, the pattern matches the scope equal to `prefix` and nothing else. Otherwise every
// scope it matches is `prefix` itself or starts with `prefix` + "/" (for the prefix "/": starts
// with "/"); is_candidate states that test. In SQL LIKE, escape '%' and '_' in the prefix: they
// are ordinary characters in a scope.
struct ScopeIndexKey {
  std::string prefix;
  bool exact = false;
};

// `pattern` is one atom of a parsed scopeQ.
ScopeIndexKey scope_index_prefix(std::string_view pattern);

// Whether `scope` is within the index range of `key`, as described above. True whenever
// scope_matches(pattern, scope) is, for the key of that pattern.
bool is_candidate(const ScopeIndexKey& key, std::string_view scope);

}  // namespace tsunagu::query
