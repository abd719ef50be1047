#pragma once
// JSON Web Tokens in the JWS compact serialization (RFC 7519, RFC 7515), signed with ES256 only:
// a verifier that accepts one algorithm cannot be talked into "none" or into HMAC with a public
// key as the secret.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "identity/crypto.hpp"
#include "model/error.hpp"

namespace tsunagu::identity {

// header.payload.signature, the header {"alg": "ES256", "typ": type, "kid": kid}.
Result<std::string> sign_jwt(const boost::json::object& claims, const EcKey& key,
                             std::string_view kid, std::string_view type = "JWT");

// A token split and decoded, not yet verified.
struct Jws {
  std::string alg;  // "ES256", or "RS256" where parse_jws allowed it
  boost::json::object header;
  boost::json::object claims;
  std::string signing_input;  // header.payload as received
  std::string signature;      // raw R || S
};

// Unauthorized naming what is wrong: not three parts, not base64url, not JSON objects, an
// algorithm other than ES256.
// Tokens of upstream providers may also be RS256 (many providers sign with RSA); our own never.
enum class JwsAlgorithms { Es256Only, Es256OrRs256 };
Result<Jws> parse_jws(std::string_view token, JwsAlgorithms allowed = JwsAlgorithms::Es256Only);

}  // namespace tsunagu::identity
