#pragma once
// ASCII text helpers for protocol tokens (HTTP header fields, media types, language tags), where
// case-insensitivity and optional whitespace are defined over ASCII only.

#include <string>
#include <string_view>

namespace tsunagu::model {

// Without leading and trailing spaces and tabs (RFC 9110 "OWS").
std::string_view trim_ows(std::string_view text);

// ASCII letters lowered; other bytes as they are.
std::string ascii_lower(std::string_view text);

}  // namespace tsunagu::model
