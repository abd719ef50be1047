#include "oidc_browser.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <memory>
#include <stdexcept>

#include "oidc_support.hpp"

namespace tsunagu::it {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

std::string decode_entities(std::string_view text) {
  static const std::array<std::pair<std::string_view, char>, 6> kEntities = {{{"&amp;", '&'},
                                                                              {"&lt;", '<'},
                                                                              {"&gt;", '>'},
                                                                              {"&quot;", '"'},
                                                                              {"&#39;", '\''},
                                                                              {"&#x27;", '\''}}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (text.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += text[i++];
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && hex_digit(text[i + 1]) >= 0 &&
               hex_digit(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The attributes of one start tag's text (after the tag name, before '>'): name -> value, the
// values with entities decoded.
std::map<std::string, std::string> attributes_of(std::string_view tag) {
  std::map<std::string, std::string> out;
  std::size_t i = 0;
  while (i < tag.size()) {
    while (i < tag.size() && (std::isspace(static_cast<unsigned char>(tag[i])) || tag[i] == '/')) {
      ++i;
    }
    const auto name_start = i;
    while (i < tag.size() && tag[i] != '=' && !std::isspace(static_cast<unsigned char>(tag[i]))) {
      ++i;
    }
    std::string name(tag.substr(name_start, i - name_start));
    if (name.empty()) break;
    std::string value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        const char quote = tag[i++];
        const auto end = tag.find(quote, i);
        value = decode_entities(tag.substr(i, end - i));
        i = end == std::string_view::npos ? tag.size() : end + 1;
      } else {
        const auto start = i;
        while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
        value = decode_entities(tag.substr(start, i - start));
      }
    }
    out.emplace(std::move(name), std::move(value));
  }
  return out;
}

std::string sha256(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(md.data()), length);
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

// The JWK of `kid` in a JWKS, or null.
const boost::json::object* jwk_of(const boost::json::value& jwks, std::string_view kid) {
  if (!jwks.is_object()) return nullptr;
  const auto* keys = jwks.as_object().if_contains("keys");
  if (keys == nullptr || !keys->is_array()) return nullptr;
  for (const auto& key : keys->as_array()) {
    if (key.is_object() && str(key, "kid") == kid) return &key.as_object();
  }
  return nullptr;
}

using PKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

// The P-256 public key of an EC JWK (x and y, 32 bytes each), or null.
PKey p256_key(const boost::json::object& jwk) {
  PKey none(nullptr, &EVP_PKEY_free);
  const boost::json::value value(jwk);
  if (str(value, "kty") != "EC" || str(value, "crv") != "P-256") return none;
  const auto x = base64url_decode(str(value, "x"));
  const auto y = base64url_decode(str(value, "y"));
  if (!x || !y || x->size() != 32 || y->size() != 32) return none;
  std::string point = "\x04" + *x + *y;
  std::string group = "prime256v1";
  std::array<OSSL_PARAM, 3> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.data()) != 1) {
    return none;
  }
  return PKey(raw, &EVP_PKEY_free);
}

}  // namespace

std::optional<std::string> input_value(std::string_view html, std::string_view name) {
  std::size_t at = 0;
  while ((at = html.find("<input", at)) != std::string_view::npos) {
    const auto end = html.find('>', at);
    if (end == std::string_view::npos) break;
    const auto attributes = attributes_of(html.substr(at + 6, end - at - 6));
    if (auto n = attributes.find("name"); n != attributes.end() && n->second == name) {
      const auto v = attributes.find("value");
      return v == attributes.end() ? std::string() : v->second;
    }
    at = end;
  }
  return std::nullopt;
}

std::map<std::string, std::string> query_of(std::string_view url) {
  std::map<std::string, std::string> out;
  const auto q = url.find('?');
  if (q == std::string_view::npos) return out;
  auto query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  std::size_t i = 0;
  while (i <= query.size()) {
    auto end = query.find('&', i);
    if (end == std::string_view::npos) end = query.size();
    const auto pair = query.substr(i, end - i);
    if (!pair.empty()) {
      const auto eq = pair.find('=');
      auto name = percent_decode(pair.substr(0, eq));
      auto value =
          eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
      out.emplace(std::move(name), std::move(value));
    }
    i = end + 1;
  }
  return out;
}

std::string without_query(std::string_view url) {
  return std::string(url.substr(0, std::min(url.find('?'), url.find('#'))));
}

std::string target_of(std::string_view url) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme)) {
      const auto slash = url.find('/', scheme.size());
      return slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    }
  }
  return std::string(url);
}

std::string pkce_verifier() {
  return base64url_encode(random_bytes(48));
}

std::string pkce_s256(std::string_view verifier) {
  return base64url_encode(sha256(verifier));
}

std::string left_half_sha256(std::string_view text) {
  const auto digest = sha256(text);
  return base64url_encode(std::string_view(digest).substr(0, digest.size() / 2));
}

std::optional<std::string> base32_decode(std::string_view text) {
  constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char raw : text) {
    if (raw == '=' || raw == ' ') continue;
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
    const auto at = kAlphabet.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned>(at);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFFU);
    }
  }
  return out;
}

std::string totp_code(std::string_view base32_secret, std::int64_t step) {
  const auto key = base32_decode(base32_secret);
  if (!key)
    throw std::runtime_error("the TOTP secret is not base32: " + std::string(base32_secret));
  std::array<unsigned char, 8> counter{};
  auto value = static_cast<std::uint64_t>(step);
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<std::size_t>(i)] = static_cast<unsigned char>(value & 0xFFU);
    value >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha1(), key->data(), static_cast<int>(key->size()), counter.data(), counter.size(),
           mac.data(), &length) == nullptr ||
      length != 20) {
    throw std::runtime_error("HMAC-SHA-1 failed");
  }
  // RFC 4226 5.3: dynamic truncation.
  const unsigned offset = mac[19] & 0x0FU;
  const std::uint32_t binary = ((mac[offset] & 0x7FU) << 24) | (mac[offset + 1] << 16) |
                               (mac[offset + 2] << 8) | mac[offset + 3];
  std::string code = std::to_string(binary % 1'000'000);
  return std::string(6 - code.size(), '0') + code;
}

std::int64_t totp_step_now() {
  return unix_now() / 30;
}

std::vector<SpooledMail> spooled_mails(const std::filesystem::path& outbox, std::string_view to) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(outbox, ec)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.starts_with(".") && name.ends_with(".eml")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<SpooledMail> out;
  for (const auto& file : files) {
    const auto text = read_text_file(file);
    const auto split = text.find("\r\n\r\n");
    if (split == std::string::npos) continue;
    SpooledMail mail;
    mail.file = file;
    std::size_t at = 0;
    const std::string_view head(text.data(), split + 2);
    while (at < head.size()) {
      const auto eol = head.find("\r\n", at);
      const auto line = head.substr(at, eol - at);
      at = eol + 2;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      if (iequals(line.substr(0, colon), "To")) mail.to = trim(line.substr(colon + 1));
      if (iequals(line.substr(0, colon), "Subject")) mail.subject = trim(line.substr(colon + 1));
    }
    std::string encoded;
    for (const char c : std::string_view(text).substr(split + 4)) {
      if (c != '\r' && c != '\n' && c != '=') encoded += c;
    }
    mail.body = base64url_decode(encoded).value_or("<not base64>");
    if (iequals(mail.to, to)) out.push_back(std::move(mail));
  }
  return out;
}

std::vector<std::string> links_in(std::string_view text, std::string_view path) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while ((at = text.find("http", at)) != std::string_view::npos) {
    auto end = text.find_first_of(" \t\r\n<>\"", at);
    if (end == std::string_view::npos) end = text.size();
    const std::string link(text.substr(at, end - at));
    at = end;
    if (!link.starts_with("http://") && !link.starts_with("https://")) continue;
    const auto target = target_of(link);
    if (without_query(target) == path) out.push_back(link);
  }
  return out;
}

bool es256_verifies(std::string_view token, const boost::json::value& jwks) {
  const auto header = jwt_header(token);
  if (str(header, "alg") != "ES256") return false;
  const auto* jwk = jwk_of(jwks, str(header, "kid"));
  if (jwk == nullptr) return false;
  const auto key = p256_key(*jwk);
  if (!key) return false;
  const auto last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos) return false;
  const auto input = token.substr(0, last_dot);
  const auto raw = base64url_decode(token.substr(last_dot + 1));
  if (!raw || raw->size() != 64) return false;
  // JWS carries R || S (RFC 7518 3.4); OpenSSL verifies DER.
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), &ECDSA_SIG_free);
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(sig.get(), &der);
  if (der_length <= 0) return false;
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> der_owner(
      der, [](unsigned char* p) { OPENSSL_free(p); });
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_length),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

namespace {

struct SetCookie {
  std::string name;
  std::string value;
  std::string attributes;
  bool deletes = false;
};

std::vector<SetCookie> set_cookies(const Response& res) {
  std::vector<SetCookie> out;
  for (const auto& [name, value] : res.headers) {
    if (!iequals(name, "Set-Cookie")) continue;
    SetCookie c;
    const auto semicolon = value.find(';');
    const std::string_view pair = std::string_view(value).substr(0, semicolon);
    const auto eq = pair.find('=');
    c.name = trim(pair.substr(0, eq));
    c.value = eq == std::string_view::npos ? std::string() : trim(pair.substr(eq + 1));
    c.attributes =
        semicolon == std::string::npos ? std::string() : trim(value.substr(semicolon + 1));
    c.deletes = c.value.empty() || c.attributes.find("Max-Age=0") != std::string::npos;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::optional<std::string> set_cookie_value(const Response& res, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& c : set_cookies(res)) {
    if (c.name == name) out = c.deletes ? std::string() : c.value;
  }
  return out;
}

std::string set_cookie_attributes(const Response& res, std::string_view name) {
  std::string out;
  for (const auto& c : set_cookies(res)) {
    if (c.name == name) out = c.attributes;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Browser

Browser::Browser(const ServerProcess& server, std::string accept_language)
    : http_(server.client()), language_(std::move(accept_language)) {}

Headers Browser::headers_with(const Headers& extra) const {
  Headers headers;
  if (!language_.empty()) headers.emplace_back("Accept-Language", language_);
  std::string cookie;
  for (const auto& [name, value] : cookies_) {
    if (!cookie.empty()) cookie += "; ";
    cookie += name + "=" + value;
  }
  if (!cookie.empty()) headers.emplace_back("Cookie", cookie);
  headers.insert(headers.end(), extra.begin(), extra.end());
  return headers;
}

Response Browser::absorb(Response res) {
  for (const auto& c : set_cookies(res)) {
    if (c.deletes) {
      cookies_.erase(c.name);
    } else {
      cookies_[c.name] = c.value;
    }
  }
  if (res.header("Content-Type").starts_with("text/html")) {
    if (auto token = input_value(res.body, "csrf")) csrf_ = *token;
  }
  return res;
}

Response Browser::get(std::string_view target, const Headers& extra) {
  return absorb(http_.get(target, headers_with(extra)));
}

Response Browser::post(std::string_view target, const Fields& fields, const Headers& extra) {
  Headers headers = headers_with(extra);
  headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  return absorb(http_.post(target, form(fields), headers));
}

Response Browser::submit(std::string_view target, Fields fields) {
  fields.emplace_back("csrf", csrf_);
  return post(target, fields);
}

std::optional<std::string> Browser::cookie(std::string_view name) const {
  const auto it = cookies_.find(std::string(name));
  if (it == cookies_.end()) return std::nullopt;
  return it->second;
}

// `tsunagu clients add` with redirect URIs, public (--public: no secret) or confidential.
ClientCredentials register_client(const std::filesystem::path& data_dir, const std::string& name,
                                  bool is_public, const std::vector<std::string>& redirect_uris,
                                  const std::vector<std::string>& scopes) {
  std::vector<std::string> args = {"clients",         "add",    "--data-dir",
                                   data_dir.string(), "--name", name};
  for (const auto& s : scopes) args.insert(args.end(), {"--scope", s});
  for (const auto& uri : redirect_uris) args.insert(args.end(), {"--redirect-uri", uri});
  if (is_public) args.emplace_back("--public");
  const auto run = run_tsunagu(args);
  ClientCredentials out;
  std::size_t at = 0;
  while (at < run.output.size()) {
    const auto end = run.output.find('\n', at);
    const auto line = run.output.substr(at, end == std::string::npos ? end : end - at);
    if (line.starts_with("client_id=")) out.id = line.substr(10);
    if (line.starts_with("client_secret=")) out.secret = line.substr(14);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  if (run.exit_code != 0 || out.id.empty() || is_public != out.secret.empty()) {
    throw std::runtime_error("tsunagu clients add failed (exit " + std::to_string(run.exit_code) +
                             "): " + run.output);
  }
  return out;
}

bool register_verified(Browser& b, const std::filesystem::path& data_dir, const std::string& email,
                       const std::string& password) {
  EXPECT_STATUS(b.get("/account/register"), 200);
  EXPECT_STATUS(b.submit("/account/register",
                         {{"email", email}, {"password", password}, {"name", "Resident"}}),
                200);
  std::vector<std::string> links;
  for (const auto& mail : spooled_mails(data_dir / "outbox", email)) {
    for (auto& link : links_in(mail.body, "/account/verify")) links.push_back(std::move(link));
  }
  if (links.size() != 1U) {
    ADD_FAILURE() << "expected one verification link mailed to " << email << ", found "
                  << links.size();
    return false;
  }
  EXPECT_STATUS(b.get(target_of(links.front())), 200);
  return true;
}

std::string code_flow_token(Browser& b, const std::string& client_id,
                            const std::string& redirect_uri, const std::string& email,
                            const std::string& password, const std::string& scope, int n) {
  const auto verifier = pkce_verifier();
  const Fields params = {{"client_id", client_id},
                         {"redirect_uri", redirect_uri},
                         {"response_type", "code"},
                         {"scope", scope},
                         {"state", "s" + std::to_string(n)},
                         {"nonce", "n" + std::to_string(n)},
                         {"code_challenge", pkce_s256(verifier)},
                         {"code_challenge_method", "S256"}};
  const auto login = b.get("/oauth2/authorize?" + form(params));
  EXPECT_STATUS(login, 200);
  const auto request = input_value(login.body, "request").value_or("");
  auto answer =
      b.submit("/account/login", {{"email", email}, {"password", password}, {"request", request}});
  if (answer.status == 200 && answer.body.find("Allow access") != std::string::npos) {
    const auto pending = input_value(answer.body, "request").value_or("");
    answer = b.submit("/oauth2/consent", {{"decision", "allow"}, {"request", pending}});
  }
  if (answer.status != 303) {
    ADD_FAILURE() << "the code flow of " << email << " ended with " << answer.status << ": "
                  << answer.body.substr(0, 2000);
    return "";
  }
  const auto query = query_of(answer.header("Location"));
  const auto code = query.contains("code") ? query.at("code") : std::string();
  EXPECT_FALSE(code.empty()) << answer.header("Location");
  const auto res = b.http().post("/oauth2/token",
                                 form({{"grant_type", "authorization_code"},
                                       {"code", code},
                                       {"redirect_uri", redirect_uri},
                                       {"code_verifier", verifier},
                                       {"client_id", client_id}}),
                                 kFormType);
  EXPECT_STATUS(res, 200);
  return res.status == 200 ? str(res.json(), "access_token") : std::string();
}

}  // namespace tsunagu::it
