#pragma once
// Test support of the mail tests: reading rendered messages back independently of the code under
// test (base64, unfolding, RFC 2047 encoded-words).

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::notify::testing {

// Standard base64; CR and LF are skipped (body lines). Throws on anything else that is not base64.
std::string base64_decode(std::string_view text);

// The lines of `text`, split at CRLF; a final CRLF ends the last line rather than starting one.
std::vector<std::string> lines(std::string_view text);

// (header section with the CRLF of its last line, body) of a message.
std::pair<std::string, std::string> split_message(std::string_view message);

// Header name -> unfolded value without the space after the colon; the first of each name.
std::map<std::string, std::string> header_lines(std::string_view head);

// The RFC 2047 encoded-words ("=?UTF-8?B?...?=") among the space-separated words of `value`.
std::vector<std::string> encoded_words(std::string_view value);

// `value` with its UTF-8 B encoded-words decoded; the space between two encoded-words is dropped,
// as RFC 2047 section 6.2 says.
std::string decode_words(std::string_view value);

bool is_utf8(std::string_view text);

}  // namespace tsunagu::notify::testing
