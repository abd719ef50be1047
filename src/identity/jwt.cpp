#include "identity/jwt.hpp"

#include <boost/json/parse.hpp>

#include "model/json_text.hpp"

namespace tsunagu::identity {
namespace json = boost::json;

namespace {

std::unexpected<Error> unauthorized(std::string message) {
  return fail(ErrorKind::Unauthorized, "the token " + std::move(message));
}

Result<json::object> json_part(std::string_view part, std::string_view what) {
  auto bytes = base64url_decode(part);
  if (!bytes) return unauthorized("has a " + std::string(what) + " that is not base64url");
  boost::system::error_code ec;
  auto v = json::parse(*bytes, ec);
  if (ec || !v.is_object()) {
    return unauthorized("has a " + std::string(what) + " that is not a JSON object");
  }
  return std::move(v.get_object());
}

}  // namespace

Result<std::string> sign_jwt(const json::object& claims, const EcKey& key, std::string_view kid,
                             std::string_view type) {
  json::object header{{"alg", "ES256"}, {"typ", type}, {"kid", kid}};
  std::string input = base64url_encode(model::to_json_text(header)) + "." +
                      base64url_encode(model::to_json_text(claims));
  auto signature = key.sign(input);
  if (!signature) return std::unexpected(signature.error());
  return input + "." + base64url_encode(*signature);
}

Result<Jws> parse_jws(std::string_view token, JwsAlgorithms allowed) {
  const auto first = token.find('.');
  const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return unauthorized("is not a JWT (three base64url parts separated by dots)");
  }
  Jws out;
  auto header = json_part(token.substr(0, first), "header");
  if (!header) return std::unexpected(header.error());
  auto claims = json_part(token.substr(first + 1, second - first - 1), "payload");
  if (!claims) return std::unexpected(claims.error());
  auto signature = base64url_decode(token.substr(second + 1));
  if (!signature) return unauthorized("has a signature that is not base64url");
  const auto* alg = header->if_contains("alg");
  const bool es256 = alg && alg->is_string() && alg->get_string() == "ES256";
  const bool rs256 = alg && alg->is_string() && alg->get_string() == "RS256" &&
                     allowed == JwsAlgorithms::Es256OrRs256;
  if (!es256 && !rs256) {
    return unauthorized(allowed == JwsAlgorithms::Es256Only ? "is not signed with ES256"
                                                            : "is not signed with ES256 or RS256");
  }
  out.alg = es256 ? "ES256" : "RS256";
  out.header = std::move(*header);
  out.claims = std::move(*claims);
  out.signing_input = std::string(token.substr(0, second));
  out.signature = std::move(*signature);
  return out;
}

}  // namespace tsunagu::identity
