#include "identity/token_service.hpp"

#include <algorithm>

#include "identity/jwt.hpp"
#include "identity/scopes.hpp"

namespace tsunagu::identity {
namespace json = boost::json;

namespace {

std::unexpected<Error> unauthorized(std::string message) {
  return fail(ErrorKind::Unauthorized, std::move(message));
}

std::int64_t seconds(model::Timestamp t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

model::Timestamp from_seconds(std::int64_t s) {
  return model::Timestamp(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::seconds(s)));
}

json::array strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

std::optional<std::vector<std::string>> strings_of(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& s : v->get_array()) {
    if (s.is_string()) out.emplace_back(s.get_string());
  }
  return out;
}

std::optional<std::string> text(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  return v && v->is_string() ? std::optional<std::string>(std::string(v->get_string()))
                             : std::nullopt;
}

std::optional<std::int64_t> number(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

bool audience_matches(const json::object& claims, const std::string& audience) {
  const auto* aud = claims.if_contains("aud");
  if (!aud) return false;
  if (aud->is_string()) return aud->get_string() == audience;
  if (!aud->is_array()) return false;
  return std::any_of(aud->get_array().begin(), aud->get_array().end(), [&](const json::value& a) {
    return a.is_string() && a.get_string() == audience;
  });
}

}  // namespace

void TokenService::set_issuer(std::string issuer) {
  auto next = std::make_shared<TokenSettings>(*settings_.load());
  if (next->audience.empty() || next->audience == next->issuer) next->audience = issuer;
  next->issuer = std::move(issuer);
  settings_.store(std::move(next));
  verified_.clear();  // they were checked against the former issuer
}

Status TokenService::load_revocations() {
  auto list = store_.revoked(clock_.now());
  if (!list) return std::unexpected(list.error());
  std::lock_guard lock(mu_);
  for (const auto& r : *list) revoked_[r.jti] = r.expires;
  return ok();
}

json::object TokenService::common_claims(const store::ClientRecord& client,
                                         const std::vector<std::string>& scopes) const {
  const auto settings = settings_.load();
  const auto now = clock_.now();
  json::object claims;
  claims["iss"] = settings->issuer;
  claims["sub"] = client.id;
  claims["aud"] = settings->audience;
  claims["client_id"] = client.id;
  claims["scope"] = join_scopes(scopes);
  claims["iat"] = seconds(now);
  claims["exp"] = seconds(now) + settings->access_lifetime.count();
  claims["jti"] = random_token();
  if (client.tenants) claims["tenants"] = strings(*client.tenants);
  if (client.types) claims["types"] = strings(*client.types);
  return claims;
}

Result<IssuedToken> TokenService::sign_access(const json::object& claims,
                                              std::vector<std::string> scopes) {
  auto signer = keys_.signer();
  if (!signer) return std::unexpected(signer.error());
  auto token = sign_jwt(claims, signer->key, signer->kid, "at+jwt");
  if (!token) return std::unexpected(token.error());
  return IssuedToken{std::move(*token), settings_.load()->access_lifetime, std::move(scopes),
                     text(claims, "jti").value_or(""),
                     from_seconds(number(claims, "exp").value_or(0))};
}

Result<IssuedToken> TokenService::issue_for_resident(const store::ClientRecord& client,
                                                     const ResidentGrant& grant) {
  auto claims = common_claims(client, grant.scopes);
  claims["sub"] = grant.subject;
  claims["auth_time"] = seconds(grant.auth_time);
  return sign_access(claims, grant.scopes);
}

Result<std::string> TokenService::issue_id_token(const store::ClientRecord& client,
                                                 const ResidentGrant& grant,
                                                 std::string_view access_token) {
  auto signer = keys_.signer();
  if (!signer) return std::unexpected(signer.error());
  const auto settings = settings_.load();
  const auto now = clock_.now();
  json::object claims;
  claims["iss"] = settings->issuer;
  claims["sub"] = grant.subject;
  claims["aud"] = client.id;
  claims["azp"] = client.id;
  claims["iat"] = seconds(now);
  claims["exp"] = seconds(now) + settings->access_lifetime.count();
  claims["auth_time"] = seconds(grant.auth_time);
  if (!grant.amr.empty()) claims["amr"] = strings(grant.amr);
  claims["sid"] = grant.session_id;
  if (!grant.nonce.empty()) claims["nonce"] = grant.nonce;
  // OpenID Connect Core 3.1.3.6: the left half of the access token's SHA-256.
  const auto digest = sha256(access_token);
  claims["at_hash"] = base64url_encode(std::string_view(digest).substr(0, digest.size() / 2));
  return sign_jwt(claims, signer->key, signer->kid, "JWT");
}

Result<IdTokenHint> TokenService::verify_id_token_hint(std::string_view token) {
  auto jws = parse_jws(token);
  if (!jws) return std::unexpected(jws.error());
  const auto kid = text(jws->header, "kid");
  auto key = kid ? keys_.verifier(*kid) : std::nullopt;
  if (!key || !key->verify(jws->signing_input, jws->signature)) {
    return unauthorized("the ID token was not signed by this issuer");
  }
  const auto& c = jws->claims;
  if (text(c, "iss") != settings_.load()->issuer || !text(c, "sub") || !text(c, "aud")) {
    return unauthorized("the ID token is not one of this issuer's");
  }
  return IdTokenHint{*text(c, "sub"), *text(c, "aud"), text(c, "sid").value_or("")};
}

Result<IssuedToken> TokenService::issue_for_client(const store::ClientRecord& client,
                                                   const std::vector<std::string>& requested) {
  std::vector<std::string> scopes;
  if (requested.empty()) {
    scopes = client.scopes;
  } else {
    for (const auto& s : requested) {
      if (std::find(client.scopes.begin(), client.scopes.end(), s) == client.scopes.end()) {
        Error e{ErrorKind::BadRequestData, "the client may not ask for scope '" + s + "'",
                "invalid_scope"};
        return std::unexpected(e);
      }
    }
    scopes = requested;
  }
  auto claims = common_claims(client, scopes);
  return sign_access(claims, std::move(scopes));
}

Result<Principal> TokenService::verify(std::string_view token) {
  if (auto hit = verified_.find(token)) {
    const auto now = clock_.now();
    if (hit->expires + KeyRing::kClockSkew <= now) return unauthorized("the token has expired");
    // The clock may have been set back since.
    if (hit->issued - KeyRing::kClockSkew > now) {
      return unauthorized("the token is issued in the future");
    }
    if (revoked(hit->jti) || revoked("sub:" + hit->subject)) {
      return unauthorized("the token has been revoked");
    }
    return *hit;
  }
  auto jws = parse_jws(token);
  if (!jws) return std::unexpected(jws.error());
  // RFC 9068 2.1: an access token says it is one, so that an ID token (signed with the same
  // keys) can never be used as one.
  const auto typ = text(jws->header, "typ");
  if (typ != "at+jwt" && typ != "application/at+jwt") {
    return unauthorized("the token is not an access token (typ at+jwt)");
  }
  const auto kid = text(jws->header, "kid");
  if (!kid) return unauthorized("the token names no key (kid)");
  auto key = keys_.verifier(*kid);
  if (!key) return unauthorized("the token was not signed by a key of this issuer");
  if (!key->verify(jws->signing_input, jws->signature)) {
    return unauthorized("the token's signature is not valid");
  }
  const auto& c = jws->claims;
  const auto settings = settings_.load();
  if (text(c, "iss") != settings->issuer) return unauthorized("the token is from another issuer");
  if (!audience_matches(c, settings->audience)) {
    return unauthorized("the token is for another audience");
  }
  const auto exp = number(c, "exp");
  const auto iat = number(c, "iat");
  const auto jti = text(c, "jti");
  if (!exp || !iat || !jti) return unauthorized("the token lacks exp, iat or jti");
  const auto now = clock_.now();
  const auto skew = KeyRing::kClockSkew;
  if (from_seconds(*exp) + skew <= now) return unauthorized("the token has expired");
  if (from_seconds(*iat) - skew > now) return unauthorized("the token is issued in the future");
  if (revoked(*jti) || revoked("sub:" + text(c, "sub").value_or(""))) {
    return unauthorized("the token has been revoked");
  }
  Principal p;
  p.subject = text(c, "sub").value_or("");
  p.client_id = text(c, "client_id").value_or("");
  p.jti = *jti;
  for (auto& s : split_scopes(text(c, "scope").value_or(""))) p.scopes.insert(std::move(s));
  p.tenants = strings_of(c, "tenants");
  p.types = strings_of(c, "types");
  p.issued = from_seconds(*iat);
  p.expires = from_seconds(*exp);
  verified_.put(token, p);
  return p;
}

Result<Principal> TokenService::verify_bearer(std::optional<std::string_view> authorization) {
  if (!authorization) return unauthorized(std::string(kNoToken));
  constexpr std::string_view kBearer = "bearer ";
  const auto& h = *authorization;
  if (h.size() <= kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), h.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return unauthorized("the Authorization header must be 'Bearer <token>'");
  }
  // RFC 6750 2.1: "Bearer" 1*SP b64token.
  auto token = h.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return verify(token);
}

bool TokenService::revoked(const std::string& jti) {
  std::lock_guard lock(mu_);
  return revoked_.contains(jti);
}

Status TokenService::revoke(std::string_view token) {
  auto principal = verify(token);
  if (!principal) return ok();  // RFC 7009 2.2: invalid tokens are no error
  return revoke_id(principal->jti, principal->expires);
}

Status TokenService::revoke_subject(const std::string& subject) {
  return revoke_id("sub:" + subject, clock_.now() + settings_.load()->access_lifetime);
}

Status TokenService::revoke_id(const std::string& jti, model::Timestamp expires) {
  const auto now = clock_.now();
  if (auto st = store_.revoke({jti, expires + KeyRing::kClockSkew}, now); !st) return st;
  std::lock_guard lock(mu_);
  revoked_[jti] = expires;
  std::erase_if(revoked_, [&](const auto& kv) { return kv.second + KeyRing::kClockSkew < now; });
  return ok();
}

}  // namespace tsunagu::identity
