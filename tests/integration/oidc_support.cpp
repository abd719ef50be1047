#include "oidc_support.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "store/postgres/connection.hpp"

namespace tsunagu::it {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string encode(std::string_view bytes, bool url) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63U];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63U];
  if (url) {
    for (auto& c : out) {
      if (c == '+') c = '-';
      if (c == '/') c = '_';
    }
  } else {
    while (out.size() % 4 != 0) out += '=';
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

}  // namespace

CliResult run_tsunagu(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  const auto dir = make_temp_dir("tsunagu-cli-");
  const auto log = dir / "output";
  std::vector<std::string> argv = {tsunagu_binary()};
  argv.insert(argv.end(), args.begin(), args.end());
  // An admin command on a server's data directory reaches the server's platform database.
  const auto data_dir = std::find(args.begin(), args.end(), "--data-dir");
  if (!args.empty() && args.front() != "serve" && data_dir != args.end() &&
      data_dir + 1 != args.end()) {
    if (auto url = store_of_data_dir(data_dir[1]); !url.empty()) {
      argv.insert(argv.end(), {"--store", url});
    }
  }
  const int pid = spawn_process(std::move(argv), log);
  CliResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result.exit_code = -WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      result.exit_code = -1000;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  result.output = read_text_file(log);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return result;
}

ClientCredentials add_client(const std::filesystem::path& data_dir, const std::string& name,
                             const std::vector<std::string>& scopes,
                             const std::vector<std::string>& tenants,
                             const std::vector<std::string>& types) {
  std::vector<std::string> args = {"clients",         "add",    "--data-dir",
                                   data_dir.string(), "--name", name};
  for (const auto& s : scopes) args.insert(args.end(), {"--scope", s});
  for (const auto& t : tenants) args.insert(args.end(), {"--tenant", t});
  for (const auto& t : types) args.insert(args.end(), {"--type", t});
  const auto run = run_tsunagu(args);
  ClientCredentials out;
  std::size_t at = 0;
  while (at < run.output.size()) {
    const auto end = run.output.find('\n', at);
    const auto line =
        run.output.substr(at, end == std::string::npos ? std::string::npos : end - at);
    if (line.starts_with("client_id=")) out.id = line.substr(10);
    if (line.starts_with("client_secret=")) out.secret = line.substr(14);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  if (run.exit_code != 0 || out.id.empty()) {
    throw std::runtime_error("tsunagu clients add failed (exit " + std::to_string(run.exit_code) +
                             "): " + run.output);
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += url_encode(name) + "=" + url_encode(value);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  return encode(bytes, false);
}

std::string base64url_encode(std::string_view bytes) {
  return encode(bytes, true);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    const auto at = kAlphabet.find(c);
    if (at == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(at);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFFU);
    }
  }
  return out;
}

std::string basic_auth(std::string_view id, std::string_view secret) {
  return "Basic " + base64_encode(url_encode(id) + ":" + url_encode(secret));
}

Headers bearer(std::string_view token, const Headers& more) {
  Headers out = {{"Authorization", "Bearer " + std::string(token)}};
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

Response token_request(HttpClient& http, const ClientCredentials& client,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  Headers headers = kFormType;
  headers.emplace_back("Authorization", basic_auth(client.id, client.secret));
  return http.post(kTokenPath, form(params), headers);
}

std::string get_token(HttpClient& http, const ClientCredentials& client, std::string_view scope) {
  std::vector<std::pair<std::string, std::string>> params = {{"grant_type", "client_credentials"}};
  if (!scope.empty()) params.emplace_back("scope", std::string(scope));
  const auto res = token_request(http, client, params);
  if (res.status != 200) {
    ADD_FAILURE() << "the token endpoint refused client " << client.id << ": status " << res.status
                  << ", body " << res.body;
    return {};
  }
  return str(res.json(), "access_token");
}

namespace {

boost::json::value jwt_part(std::string_view token, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) {
    start = token.find('.', start);
    if (start == std::string_view::npos) return nullptr;
    ++start;
  }
  const auto end = token.find('.', start);
  auto bytes = base64url_decode(
      token.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
  if (!bytes) return nullptr;
  boost::system::error_code ec;
  auto value = boost::json::parse(*bytes, ec);
  if (ec) return nullptr;
  canonical_numbers(value);
  return value;
}

}  // namespace

boost::json::value jwt_header(std::string_view token) {
  return jwt_part(token, 0);
}

boost::json::value jwt_claims(std::string_view token) {
  return jwt_part(token, 1);
}

std::string str(const boost::json::value& object, std::string_view name) {
  if (!object.is_object()) return {};
  const auto* v = object.as_object().if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string jwk_thumbprint(const boost::json::value& jwk) {
  const std::string canonical = R"({"crv":")" + str(jwk, "crv") + R"(","kty":")" + str(jwk, "kty") +
                                R"(","x":")" + str(jwk, "x") + R"(","y":")" + str(jwk, "y") +
                                R"("})";
  return base64url_encode(sha256(canonical));
}

std::string stored_private_key(const std::filesystem::path& data_dir, std::string_view kid) {
  // The server's platform database: PostgreSQL in the pg.* pass.
  if (const auto url = store_of_data_dir(data_dir); !url.empty()) {
    auto db = store::postgres::Connection::open(url);
    if (!db) throw std::runtime_error(db.error().message);
    const store::postgres::Param p[] = {store::postgres::param(kid)};
    auto rows =
        (*db)->run("SELECT private_pem FROM tsunagu_platform.signing_keys WHERE kid = $1", p);
    if (!rows || rows->size() != 1) {
      throw std::runtime_error("no signing key '" + std::string(kid) + "' in " + url);
    }
    return std::string(rows->text(0, 0));
  }
  const auto path = (data_dir / "platform.sqlite").string();
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  if (opened != SQLITE_OK) throw std::runtime_error("cannot open " + path);
  sqlite3_busy_timeout(db.get(), 5000);
  sqlite3_stmt* raw_stmt = nullptr;
  if (sqlite3_prepare_v2(db.get(), "SELECT private_pem FROM signing_keys WHERE kid = ?1", -1,
                         &raw_stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(std::string("cannot read the signing keys: ") +
                             sqlite3_errmsg(db.get()));
  }
  std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw_stmt, &sqlite3_finalize);
  // A null destructor is SQLITE_STATIC: `kid` outlives the statement.
  sqlite3_bind_text(stmt.get(), 1, kid.data(), static_cast<int>(kid.size()), nullptr);
  if (sqlite3_step(stmt.get()) != SQLITE_ROW) {
    throw std::runtime_error("no signing key '" + std::string(kid) + "' in " + path);
  }
  const auto* text = sqlite3_column_text(stmt.get(), 0);
  const int size = sqlite3_column_bytes(stmt.get(), 0);
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::string sign_es256(const boost::json::object& header, const boost::json::object& claims,
                       const std::string& pem) {
  const std::string input = base64url_encode(boost::json::serialize(header)) + "." +
                            base64url_encode(boost::json::serialize(claims));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) throw std::runtime_error("the stored key is not a PEM private key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) != 1) {
    throw std::runtime_error("ES256 signing failed");
  }
  std::vector<unsigned char> der(length);
  if (EVP_DigestSign(ctx.get(), der.data(), &length, data, input.size()) != 1) {
    throw std::runtime_error("ES256 signing failed");
  }
  const unsigned char* p = der.data();
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(length)), &ECDSA_SIG_free);
  if (!sig) throw std::runtime_error("ES256 signature is not DER");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::array<unsigned char, 64> raw{};
  if (BN_bn2binpad(r, raw.data(), 32) != 32 || BN_bn2binpad(s, raw.data() + 32, 32) != 32) {
    throw std::runtime_error("ES256 signature does not fit 64 bytes");
  }
  return input + "." +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()));
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---------------------------------------------------------------------------------------------
// OidcTest

void OidcTest::SetUpTestSuite() {
  start_shared([](ServerProcess& server) {
    server.set_require_tokens(true);
    const auto dir = server.data_dir();
    clients_ = std::make_unique<Clients>(
        Clients{add_client(dir, "reader", {std::string(kScopeRead)}),
                add_client(dir, "writer", {std::string(kScopeRead), std::string(kScopeWrite)}),
                add_client(dir, "operator", {std::string(kScopeAdmin)})});
  });
}

void OidcTest::TearDownTestSuite() {
  BrokerTest::TearDownTestSuite();
  clients_.reset();
}

std::string OidcTest::base_url() {
  return "http://" + server().host() + ":" + std::to_string(server().port());
}

std::string OidcTest::entity(std::string_view id, std::string_view type) {
  return R"({"id": ")" + std::string(id) + R"(", "type": ")" + std::string(type) +
         R"(", "name": {"type": "Property", "value": "oneID"}})";
}

}  // namespace tsunagu::it
