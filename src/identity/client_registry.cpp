#include "identity/client_registry.hpp"

#include "identity/crypto.hpp"
#include "identity/scopes.hpp"
#include "jsonld/core_context.hpp"
#include "model/tenant.hpp"
#include "model/uri.hpp"

namespace tsunagu::identity {

namespace {

std::unexpected<Error> bad(std::string message) {
  return fail(ErrorKind::BadRequestData, std::move(message));
}

Status check_redirect(const std::string& uri) {
  auto parsed = model::parse_http_url(uri);
  if (!parsed || uri.find('#') != std::string::npos) {
    return bad("redirect URI '" + uri + "' must be an absolute http or https URI without '#'");
  }
  return ok();
}

std::unexpected<Error> wrong_credentials() {
  return fail(ErrorKind::Unauthorized, "the client id or secret is wrong");
}

}  // namespace

Result<CreatedClient> ClientRegistry::create(NewClient c) {
  if (c.name.empty() || c.name.size() > 200)
    return bad("a client needs a name (1 to 200 characters)");
  if (auto st = check_scopes(c.scopes); !st) return std::unexpected(st.error());
  if (c.types) {
    // Terms are expanded as the core context does for a request without a Link header, so
    // "Shelter" grants what such a request calls Shelter; IRIs stay as they are.
    const auto core = jsonld::core_context();
    for (auto& t : *c.types) {
      auto iri = core->expand(t);
      if (iri.empty()) return bad("'" + t + "' cannot be an entity type");
      t = std::move(iri);
    }
  }
  if (c.tenants) {
    for (const auto& t : *c.tenants) {
      if (!model::valid_tenant_label(t)) return bad("'" + t + "' cannot be a tenant name");
    }
  }
  for (const auto& uri : c.redirect_uris) {
    if (auto st = check_redirect(uri); !st) return std::unexpected(st.error());
  }
  CreatedClient out;
  out.record.id = random_token().substr(0, 22);  // 132 random bits
  out.record.name = std::move(c.name);
  out.record.scopes = std::move(c.scopes);
  out.record.tenants = std::move(c.tenants);
  out.record.types = std::move(c.types);
  out.record.redirect_uris = std::move(c.redirect_uris);
  out.record.created = clock_.now();
  if (c.confidential) {
    out.secret = random_token();
    out.record.secret_hash = secret_hash(out.secret);
  }
  if (auto st = store_.put_client(out.record); !st) return std::unexpected(st.error());
  return out;
}

Result<std::vector<store::ClientRecord>> ClientRegistry::list() {
  return store_.clients();
}

Result<store::ClientRecord> ClientRegistry::get(std::string_view id) {
  auto c = store_.client(id);
  if (!c) return std::unexpected(c.error());
  if (!*c) return fail(ErrorKind::ResourceNotFound, "no client '" + std::string(id) + "'");
  return std::move(**c);
}

Status ClientRegistry::remove(std::string_view id) {
  auto removed = store_.remove_client(id);
  if (!removed) return std::unexpected(removed.error());
  if (!*removed) return fail(ErrorKind::ResourceNotFound, "no client '" + std::string(id) + "'");
  return ok();
}

Result<store::ClientRecord> ClientRegistry::authenticate(std::string_view id,
                                                         std::string_view secret) {
  auto c = store_.client(id);
  if (!c) return std::unexpected(c.error());
  // Hash even for an unknown id, so that timing does not tell the ids apart either.
  const auto presented = secret_hash(secret);
  if (!*c || (*c)->secret_hash.empty()) return wrong_credentials();
  if (!constant_time_equal(presented, (*c)->secret_hash)) return wrong_credentials();
  return std::move(**c);
}

}  // namespace tsunagu::identity
