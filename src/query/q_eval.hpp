#pragma once
// In-memory evaluation of a q tree against one entity: what the subscription matcher runs on every
// change, and the reference semantics that each store's SQL compilation must agree with.
//
// ETSI GS CIM 009 v1.8, clause 4.9, and the choices made where it is silent:
//   - Target element: the attribute, then each sub-attribute named by the path. Every instance of
//     a multi-attribute (and of a multi sub-attribute) is a candidate; the term holds if it holds
//     for any one of them (the clause: "the target value shall be any Value of such instances").
//   - Target value per kind: Property, GeoProperty and JsonProperty: the value; Relationship: the
//     object (a URI or an array of URIs); ListRelationship: the URIs of objectList; ListProperty:
//     valueList; VocabProperty: vocab (expanded IRIs, compared with the query string expanded the
//     same way, Text::vocab_iri); LanguageProperty: every string of the languageMap, or those of
//     one language when the path ends in [tag] ([*]: every language).
//   - A path ending in [a.b] reads member b of member a of the value (ECMA-262 member access):
//     if a member is missing or the value is not an object there, the target does not exist.
//     Arrays are not searched for members.
//   - Arrays: == holds if an element equals a query value ("is included in"); != holds if none
//     does. The other operators hold if they hold for some element (the clause is silent).
//   - != and !~= are the negations of == and ~= over the same target, so a type mismatch makes
//     != true (the clause: "considered unequal"). !~= still needs a string to test: a target
//     with no string at all matches neither ~= nor !~= (the clause: "not matching").
//   - Relationship and ListRelationship targets match == and != only; other operators never
//     match them (the clause). Their metadata (observedAt, ...) compares like any other.
//   - Types must agree: a number matches numbers, a string strings (and JSON-LD value objects
//     {"@value": ...} by their @value), true/false booleans. A DateTime, Date or Time query value
//     matches a string in the same format and compares as instants (times, dates); a date never
//     equals a date-time. A URI compares as text, so an unquoted URI and a quoted string behave
//     the same against a Relationship object or a string value.
//   - Strings order by Unicode code point (the byte order of UTF-8), not by UCA collation, which
//     the clause recommends ("should") but no store's index provides.
//   - Patterns match the whole string (the clause: the value "shall be in the L(R)"), so "Mer"
//     does not match "Mercedes" and "Mer.*" does.
//   - A missing target: every comparison is false, existence is false and `!attr` is true.

#include "model/entity.hpp"
#include "query/q_ast.hpp"

namespace tsunagu::query {

bool matches(const Expr& expr, const model::Entity& entity);

}  // namespace tsunagu::query
