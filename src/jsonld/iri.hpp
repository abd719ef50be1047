#pragma once
// Lexical tests on IRIs and JSON-LD keywords shared by context processing and the resolver.

#include <string_view>

namespace tsunagu::jsonld {

// One of the JSON-LD 1.1 keywords ("@id", "@type", "@context", ...).
bool is_keyword(std::string_view s);

// "@" followed by letters only: JSON-LD reserves these and ignores the unknown ones.
bool has_keyword_form(std::string_view s);

// Starts with a scheme ("https:", "urn:"): RFC 3986 ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_absolute_iri(std::string_view s);

// "_:name".
bool is_blank_node(std::string_view s);

}  // namespace tsunagu::jsonld
