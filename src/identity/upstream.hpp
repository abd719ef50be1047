#pragma once
// Sign-in through an upstream OpenID Connect provider (docs/design/identity.md, "Upstream
// providers"): oneID is then a relying party of the upstream, with the code flow, PKCE, state
// and nonce, and takes the verified ID token's subject and e-mail to a local account
// (AccountService::sign_in_upstream). The network is injected (WebClient), as the layers
// require: the app wires it to the HTTP client.
//
// Thread-safe: metadata_ and keys_ (the upstream's discovery document and JWKS, fetched once and
// again on an unknown kid) are guarded by mu_.

#include <boost/json/object.hpp>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"
#include "store/account_store.hpp"

namespace tsunagu::identity {

struct UpstreamSettings {
  std::string id;      // in URLs and links: [a-z0-9-]
  std::string name;    // shown on the sign-in page ("Sign in with <name>")
  std::string issuer;  // the upstream's issuer URL, exactly as its discovery document says
  std::string client_id;
  std::string client_secret;
  std::vector<std::string> scopes{"openid", "email", "profile"};
};

struct WebRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::string content_type;
  std::string authorization;
};
struct WebReply {
  unsigned status = 0;
  std::string body;
};
using WebClient = std::function<Result<WebReply>(const WebRequest&)>;

// Who the upstream says signed in.
struct UpstreamIdentity {
  std::string provider;  // UpstreamSettings::id
  std::string subject;
  std::string email;  // lower-cased; empty when the upstream gave none
  bool email_verified = false;
  std::string name;
};

struct UpstreamSignIn {
  UpstreamIdentity identity;
  std::string request_id;  // the pending authorization request the sign-in started from
};

class UpstreamProvider {
 public:
  UpstreamProvider(UpstreamSettings settings, store::AccountStore& store, WebClient web,
                   const model::Clock& clock)
      : settings_(std::move(settings)), store_(store), web_(std::move(web)), clock_(clock) {}

  const UpstreamSettings& settings() const { return settings_; }

  // The upstream's authorization URL for a sign-in that comes back to `callback`; the state,
  // nonce and PKCE verifier are kept for 10 minutes. InternalError when the upstream's
  // discovery document cannot be had.
  Result<std::string> begin(std::string_view callback, std::string_view request_id);
  // The code exchanged and the ID token verified: signature (ES256 or RS256, the upstream's JWKS),
  // issuer, audience, expiry and nonce. Unauthorized naming what is wrong; the state is single
  // use.
  Result<UpstreamSignIn> finish(std::string_view state, std::string_view code);

 private:
  Result<boost::json::object> metadata();
  Result<boost::json::object> get_json(const std::string& url);
  Status check_signature(std::string_view token);

  const UpstreamSettings settings_;
  store::AccountStore& store_;
  const WebClient web_;
  const model::Clock& clock_;
  std::mutex mu_;
  std::optional<boost::json::object> metadata_;  // guarded by mu_
  std::optional<boost::json::object> keys_;      // guarded by mu_
};

}  // namespace tsunagu::identity
