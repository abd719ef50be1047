#pragma once
// NGSI-LD entity type selection (ETSI GS CIM 009 v1.8, clause 4.17): the `type` parameter of a
// query or subscription, such as "Building;(Shelter|Hospital)" or the older list "Shelter,Park".
// The grammar is term_expr.hpp's; an atom is a type name: a short term, a compact IRI or an
// absolute IRI, any run of characters other than ';', '|', ',', '(', ')' and whitespace.
//
// This is the parse step only: the API layer expands each name with the request's @context
// (for_each_atom) before the expression reaches a store or matches_types, which compare IRIs.

#include <string_view>

#include "model/entity.hpp"
#include "model/error.hpp"
#include "query/term_expr.hpp"

namespace tsunagu::query {

// Parses the parameter (already percent-decoded). Errors are BadRequestData such as
// "type: missing term after '|' at position 9".
Result<TermExpr> parse_type_query(std::string_view text);

// Whether the entity has the types the expression asks for: an atom holds when the atom is one
// of entity.types (exact, case-sensitive comparison of expanded IRIs).
bool matches_types(const TermExpr& expr, const model::Entity& entity);

}  // namespace tsunagu::query
