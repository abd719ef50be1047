#include "model/uri.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <expected>
#include <string>

#include "model/excerpt.hpp"

namespace tsunagu::model {
namespace {

using Reason = std::string;
using Check = std::expected<void, Reason>;

std::unexpected<Reason> reject(std::string reason) {
  return std::unexpected<Reason>(std::move(reason));
}

std::string echo(std::string_view text) {
  return excerpt(text);
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Characters that may not appear literally in a URI (RFC 3986 section 2), named one by one
// because they are what clients get wrong: spaces, JSON quotes, template braces, Unicode.
Check check_character(unsigned char c, std::size_t offset) {
  if (c < 0x20 || c == 0x7F) {
    return reject(fmt::format("it contains a control character 0x{:02X} at offset {}", c, offset));
  }
  if (c == ' ') return reject(fmt::format("it contains a space at offset {}", offset));
  if (c >= 0x80) {
    return reject(
        fmt::format("it contains a non-ASCII character at offset {}; percent-encode it, as NGSI-LD "
                    "ids are URIs",
                    offset));
  }
  if (std::string_view("<>\"{}|\\^`").find(static_cast<char>(c)) != std::string_view::npos) {
    return reject(fmt::format(
        "it contains '{}' at offset {}, which is not allowed in a URI; percent-encode it",
        static_cast<char>(c), offset));
  }
  return {};
}

bool is_bad_escape(std::string_view text, std::size_t i) {
  return text[i] == '%' && (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2]));
}

Check check_characters(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (auto ok = check_character(static_cast<unsigned char>(text[i]), i); !ok) return ok;
    if (is_bad_escape(text, i)) {
      return reject(fmt::format("'%' at offset {} is not followed by two hexadecimal digits", i));
    }
  }
  return {};
}

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), ended by the first ':'.
std::expected<std::string_view, Reason> check_scheme(std::string_view text) {
  const auto colon = text.find(':');
  const auto first_delimiter = text.find_first_of("/?#");
  if (colon == 0 || colon == std::string_view::npos || first_delimiter < colon) {
    return reject("it has no scheme; expected an absolute URI such as urn:ngsi-ld:Shelter:001");
  }
  const auto scheme = text.substr(0, colon);
  if (!is_alpha(scheme[0])) {
    return reject(fmt::format("its scheme '{}' does not start with a letter", scheme));
  }
  for (char c : scheme) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') {
      return reject(fmt::format("its scheme '{}' contains '{}'", scheme, c));
    }
  }
  if (colon + 1 == text.size()) return reject("it has nothing after the scheme");
  return scheme;
}

bool equals_lowercase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] + 32) : text[i];
    if (c != lower[i]) return false;
  }
  return true;
}

// RFC 8141: urn:<NID>:<NSS>, NID of 2 to 32 letters, digits and inner hyphens.
Check check_urn(std::string_view rest) {
  const auto colon = rest.find(':');
  const auto nid = rest.substr(0, colon);
  const bool nid_ok = nid.size() >= 2 && nid.size() <= 32 && nid.front() != '-' &&
                      nid.back() != '-' &&
                      nid.find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789-") == std::string_view::npos;
  if (!nid_ok || colon == std::string_view::npos || colon + 1 == rest.size()) {
    return reject("a URN needs a namespace and a specific part, as in urn:ngsi-ld:Shelter:001");
  }
  return {};
}

// The authority of "scheme://userinfo@host:port/path", or nothing without the "//".
std::string_view authority_of(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || text.substr(colon + 1, 2) != "//") return {};
  auto authority = text.substr(colon + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const auto at_sign = authority.rfind('@');
  return at_sign == std::string_view::npos ? authority : authority.substr(at_sign + 1);
}

// Checked by hand because Boost.URL 1.81 reads "host:80a" as port 80 and drops the rest.
Check check_port(std::string_view text) {
  const auto authority = authority_of(text);
  const auto host_end = authority.starts_with('[') ? authority.find(']') : 0;
  if (host_end == std::string_view::npos) return {};  // Boost.URL has rejected it already
  const auto colon = authority.find(':', host_end);
  if (colon == std::string_view::npos) return {};
  const auto port = authority.substr(colon + 1);
  if (port.find_first_not_of("0123456789") == std::string_view::npos) return {};
  return reject(fmt::format("its port '{}' is not a number", port));
}

Check check_rfc3986(std::string_view text) {
  const auto parsed = boost::urls::parse_uri(text);
  if (!parsed)
    return reject(fmt::format("it does not follow RFC 3986 ({})", parsed.error().message()));
  return check_port(text);
}

// The checks every absolute URI passes, in the order that gives the most precise message.
std::expected<std::string_view, Reason> check_absolute_uri(std::string_view text) {
  if (text.empty()) return reject("it is empty");
  if (auto chars = check_characters(text); !chars) return reject(chars.error());
  auto scheme = check_scheme(text);
  if (!scheme) return scheme;
  if (auto syntax = check_rfc3986(text); !syntax) return reject(syntax.error());
  return scheme;
}

Check check_ngsild_rules(std::string_view text, std::string_view scheme) {
  const auto rest = text.substr(scheme.size() + 1);
  if (equals_lowercase(scheme, "urn")) return check_urn(rest);
  const bool web = equals_lowercase(scheme, "http") || equals_lowercase(scheme, "https");
  if (web && boost::urls::parse_uri(text)->host().empty()) {
    return reject(fmt::format("an {} URI needs a host", scheme));
  }
  return {};
}

Check check_ngsild_uri(std::string_view text) {
  if (text.size() > kMaxUriLength) {
    return reject(fmt::format("it is {} bytes long; the limit is {}", text.size(), kMaxUriLength));
  }
  auto scheme = check_absolute_uri(text);
  if (!scheme) return reject(scheme.error());
  return check_ngsild_rules(text, *scheme);
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when it is malformed
// (truncated, overlong, a surrogate, beyond U+10FFFF).
std::size_t decode_utf8(std::string_view text, std::size_t i, char32_t& out) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || i + length > text.size()) return 0;
  char32_t cp = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  constexpr char32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  out = cp;
  return length;
}

// RFC 3987 ucschar: the Unicode characters an IRI may carry outside the ASCII range.
bool is_ucschar(char32_t cp) {
  if (cp < 0x10000) {
    return (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) ||
           (cp >= 0xFDF0 && cp <= 0xFFEF);
  }
  const char32_t plane = cp >> 16;
  const char32_t low = plane == 14 ? 0xE1000 : plane << 16;
  return plane <= 14 && cp >= low && (cp & 0xFFFF) <= 0xFFFD;
}

void append_escaped(std::string& out, char byte) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  const auto c = static_cast<unsigned char>(byte);
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0x0F];
}

// RFC 3987 section 3.1: an IRI maps to a URI by percent-encoding the UTF-8 of its non-ASCII
// characters. Returns an empty string when the text is not UTF-8 made of allowed characters.
std::string iri_to_uri(std::string_view text) {
  std::string uri;
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      uri += text[i++];
      continue;
    }
    char32_t cp = 0;
    const std::size_t length = decode_utf8(text, i, cp);
    if (length == 0 || !is_ucschar(cp)) return {};
    for (std::size_t k = 0; k < length; ++k, ++i) append_escaped(uri, text[i]);
  }
  return uri;
}

}  // namespace

Status validate_uri(std::string_view text, std::string_view field) {
  auto checked = check_ngsild_uri(text);
  if (checked) return ok();
  const auto message = fmt::format("'{}' is not a valid URI: {}", echo(text), checked.error());
  if (field.empty()) return fail(ErrorKind::BadRequestData, message);
  return fail(ErrorKind::BadRequestData, fmt::format("{}: {}", field, message));
}

bool is_absolute_iri(std::string_view text) {
  const std::string uri = iri_to_uri(text);
  return !uri.empty() && check_absolute_uri(uri).has_value();
}

Result<HttpUrl> parse_http_url(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return fail(ErrorKind::InvalidRequest, "'" + std::string(url) + "' is not a URL");
  HttpUrl out;
  if (u->scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (u->scheme_id() != boost::urls::scheme::http) {
    return fail(ErrorKind::InvalidRequest, "'" + std::string(url) + "' is not an http(s) URL");
  }
  out.host = u->host_type() == boost::urls::host_type::ipv6 ? u->host_ipv6_address().to_string()
                                                            : std::string(u->host_address());
  if (out.host.empty()) {
    return fail(ErrorKind::InvalidRequest, "'" + std::string(url) + "' has no host");
  }
  out.port = u->has_port() ? std::string(u->port()) : (out.tls ? "443" : "80");
  out.host_header = std::string(u->encoded_host_and_port());
  out.target = std::string(u->encoded_target());
  if (out.target.empty()) out.target = "/";
  return out;
}

}  // namespace tsunagu::model
