#include "identity/upstream.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "identity/authorization.hpp"
#include "identity/crypto.hpp"
#include "identity/jwt.hpp"
#include "identity/key_ring.hpp"
#include "identity/scopes.hpp"
#include "model/json_text.hpp"

namespace tsunagu::identity {
namespace json = boost::json;

namespace {

constexpr std::string_view kTicket = "upstream";
constexpr std::chrono::minutes kLifetime{10};

std::unexpected<Error> unauthorized(std::string message) {
  return fail(ErrorKind::Unauthorized, std::move(message));
}

std::string text(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string form_encoded(std::string_view v) {
  return boost::urls::encode(v, boost::urls::unreserved_chars);
}

bool audience_has(const json::object& claims, const std::string& client_id) {
  const auto* aud = claims.if_contains("aud");
  if (!aud) return false;
  if (aud->is_string()) return aud->get_string() == client_id;
  if (!aud->is_array()) return false;
  for (const auto& a : aud->get_array()) {
    if (a.is_string() && a.get_string() == client_id) return true;
  }
  return false;
}

}  // namespace

Result<json::object> UpstreamProvider::get_json(const std::string& url) {
  auto reply = web_(WebRequest{"GET", url, {}, {}, {}});
  if (!reply) return std::unexpected(reply.error());
  boost::system::error_code ec;
  auto v = json::parse(reply->body, ec);
  if (reply->status != 200 || ec || !v.is_object()) {
    return fail(ErrorKind::InternalError,
                url + " answered HTTP " + std::to_string(reply->status) + " without a JSON object");
  }
  return std::move(v.get_object());
}

Result<json::object> UpstreamProvider::metadata() {
  {
    std::lock_guard lock(mu_);
    if (metadata_) return *metadata_;
  }
  auto doc = get_json(settings_.issuer + "/.well-known/openid-configuration");
  if (!doc) return doc;
  // OpenID Connect Discovery 1.0 4.3: the document must name the issuer it was fetched for.
  if (text(*doc, "issuer") != settings_.issuer || text(*doc, "authorization_endpoint").empty() ||
      text(*doc, "token_endpoint").empty() || text(*doc, "jwks_uri").empty()) {
    return fail(ErrorKind::InternalError,
                "the discovery document of " + settings_.issuer + " is not this issuer's");
  }
  std::lock_guard lock(mu_);
  metadata_ = *doc;
  return *doc;
}

Result<std::string> UpstreamProvider::begin(std::string_view callback,
                                            std::string_view request_id) {
  auto meta = metadata();
  if (!meta) return std::unexpected(meta.error());
  const auto state = random_token();
  const auto nonce = random_token();
  const auto verifier = random_token();
  json::object doc{
      {"nonce", nonce}, {"verifier", verifier}, {"request_id", request_id}, {"callback", callback}};
  store::Ticket ticket{secret_hash(state), model::to_json_text(doc), clock_.now() + kLifetime};
  if (auto st = store_.put_ticket(kTicket, ticket); !st) return std::unexpected(st.error());
  return append_query(text(*meta, "authorization_endpoint"),
                      {{"response_type", "code"},
                       {"client_id", settings_.client_id},
                       {"redirect_uri", std::string(callback)},
                       {"scope", join_scopes(settings_.scopes)},
                       {"state", state},
                       {"nonce", nonce},
                       {"code_challenge", base64url_encode(sha256(verifier))},
                       {"code_challenge_method", "S256"}});
}

Status UpstreamProvider::check_signature(std::string_view token) {
  auto jws = parse_jws(token, JwsAlgorithms::Es256OrRs256);
  if (!jws) return std::unexpected(jws.error());
  const auto kid = text(jws->header, "kid");
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<json::object> keys;
    {
      std::lock_guard lock(mu_);
      keys = keys_;
    }
    if (!keys || attempt == 1) {  // none yet, or a kid we did not know: the upstream rotated
      auto meta = metadata();
      if (!meta) return std::unexpected(meta.error());
      auto fetched = get_json(text(*meta, "jwks_uri"));
      if (!fetched) return std::unexpected(fetched.error());
      keys = *fetched;
      std::lock_guard lock(mu_);
      keys_ = keys;
    }
    const auto* list = keys->if_contains("keys");
    if (!list || !list->is_array()) continue;
    for (const auto& k : list->get_array()) {
      if (!k.is_object() || (!kid.empty() && text(k.get_object(), "kid") != kid)) continue;
      if (jws->alg == "RS256") {
        if (rs256_verify(k.get_object(), jws->signing_input, jws->signature)) return ok();
        continue;
      }
      auto key = EcKey::from_public_jwk(k.get_object());
      if (key && key->verify(jws->signing_input, jws->signature)) return ok();
    }
  }
  return unauthorized("the upstream's ID token is not signed by a key of its JWKS");
}

Result<UpstreamSignIn> UpstreamProvider::finish(std::string_view state, std::string_view code) {
  auto used = store_.consume_ticket(kTicket, secret_hash(state), clock_.now());
  if (!used) return std::unexpected(used.error());
  if (used->first != store::Consumed::Fresh) {
    return unauthorized("the sign-in expired or was already completed; please start again");
  }
  const auto doc = json::parse(used->second->doc).as_object();
  auto meta = metadata();
  if (!meta) return std::unexpected(meta.error());
  WebRequest req;
  req.method = "POST";
  req.url = text(*meta, "token_endpoint");
  req.content_type = "application/x-www-form-urlencoded";
  req.authorization = "Basic " + (base64_standard(form_encoded(settings_.client_id) + ":" +
                                                  form_encoded(settings_.client_secret)));
  req.body = "grant_type=authorization_code&code=" + form_encoded(code) +
             "&redirect_uri=" + form_encoded(text(doc, "callback")) +
             "&code_verifier=" + form_encoded(text(doc, "verifier"));
  auto reply = web_(req);
  if (!reply) return std::unexpected(reply.error());
  boost::system::error_code ec;
  auto tokens = json::parse(reply->body, ec);
  if (reply->status != 200 || ec || !tokens.is_object()) {
    return unauthorized("the upstream refused the code (HTTP " + std::to_string(reply->status) +
                        ")");
  }
  const auto id_token = text(tokens.get_object(), "id_token");
  if (id_token.empty()) return unauthorized("the upstream sent no ID token");
  if (auto st = check_signature(id_token); !st) return std::unexpected(st.error());
  const auto claims = parse_jws(id_token, JwsAlgorithms::Es256OrRs256)->claims;
  if (text(claims, "iss") != settings_.issuer) return unauthorized("the ID token's issuer differs");
  if (!audience_has(claims, settings_.client_id)) {
    return unauthorized("the ID token is for another client");
  }
  const auto* exp = claims.if_contains("exp");
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
  if (!exp || !exp->is_int64() || exp->get_int64() + KeyRing::kClockSkew.count() <= now_s) {
    return unauthorized("the ID token has expired");
  }
  if (text(claims, "nonce") != text(doc, "nonce")) {
    return unauthorized("the ID token's nonce differs");
  }
  UpstreamSignIn out;
  out.request_id = text(doc, "request_id");
  out.identity.provider = settings_.id;
  out.identity.subject = text(claims, "sub");
  if (out.identity.subject.empty()) return unauthorized("the ID token names no subject");
  // E-mail and name may come in the ID token or only from userinfo.
  json::object profile = claims;
  if (text(profile, "email").empty() && !text(*meta, "userinfo_endpoint").empty()) {
    WebRequest info{"GET",
                    text(*meta, "userinfo_endpoint"),
                    {},
                    {},
                    "Bearer " + text(tokens.get_object(), "access_token")};
    if (auto r = web_(info); r && r->status == 200) {
      auto v = json::parse(r->body, ec);
      if (!ec && v.is_object() && text(v.get_object(), "sub") == out.identity.subject) {
        profile = v.get_object();
      }
    }
  }
  for (char c : text(profile, "email")) {
    out.identity.email.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  const auto* verified = profile.if_contains("email_verified");
  out.identity.email_verified = verified && verified->is_bool() && verified->get_bool();
  out.identity.name = text(profile, "name");
  return out;
}

}  // namespace tsunagu::identity
