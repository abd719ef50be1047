// The client registry (identity/client_registry.hpp) over a real platform database: secrets
// shown once and stored only as their SHA-256, authentication that tells nobody which ids
// exist, what create refuses, and list, get and remove.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "identity/client_registry.hpp"
#include "identity/crypto.hpp"
#include "identity_test_support.hpp"

namespace tsunagu::identity {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using model::Timestamp;
using std::chrono::milliseconds;

using testing::kStart;
const std::string kSensor = "https://example.org/Sensor";
constexpr std::string_view kWrongCredentials = "the client id or secret is wrong";

class ClientRegistryTest : public testing::WithPlatformDb {
 protected:
  ClientRegistryTest() : WithPlatformDb("client-registry-test") {}
  void SetUp() override {
    WithPlatformDb::SetUp();
    registry_ = std::make_unique<ClientRegistry>(*db_, clock_);
  }
  void TearDown() override {
    registry_.reset();
    WithPlatformDb::TearDown();
  }

  static NewClient confidential(std::string name = "city dashboard") {
    NewClient c;
    c.name = std::move(name);
    c.scopes = {"ngsi-ld:read", "ngsi-ld:write"};
    c.tenants = std::vector<std::string>{"_default", "city-1"};
    c.types = std::vector<std::string>{kSensor};
    c.redirect_uris = {"https://app.example/callback", "http://localhost:8080/cb"};
    return c;
  }

  CreatedClient create(NewClient c) {
    auto created = registry_->create(std::move(c));
    EXPECT_TRUE(created) << created.error().message;
    return created ? std::move(*created) : CreatedClient{};
  }

  void expect_bad(NewClient c, std::string_view message) {
    const auto created = registry_->create(std::move(c));
    ASSERT_FALSE(created) << "created " << created->record.name;
    EXPECT_EQ(created.error().kind, ErrorKind::BadRequestData);
    EXPECT_EQ(created.error().message, message);
  }

  void expect_wrong_credentials(std::string_view id, std::string_view secret) {
    const auto c = registry_->authenticate(id, secret);
    ASSERT_FALSE(c) << "authenticated " << id;
    EXPECT_EQ(c.error().kind, ErrorKind::Unauthorized);
    EXPECT_EQ(c.error().message, kWrongCredentials);
  }

  // The stored row, read with SQLite directly: what is on disk.
  json::object row(const std::string& id) {
    sqlite3* db = nullptr;
    EXPECT_EQ(
        sqlite3_open_v2((dir_ / "platform.sqlite").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
        SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT doc FROM clients WHERE id = ?1", -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(stmt, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    std::string doc;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      doc = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    EXPECT_FALSE(doc.empty()) << "no row for client " << id;
    return doc.empty() ? json::object{} : json::parse(doc).as_object();
  }

  // Every byte of the database's files.
  std::string file_bytes() {
    std::string all;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      std::ifstream in(entry.path(), std::ios::binary);
      all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return all;
  }

  std::unique_ptr<ClientRegistry> registry_;
};

// ---- creating --------------------------------------------------------------------------------

TEST_F(ClientRegistryTest, AConfidentialClientGetsA43CharacterSecretStoredOnlyAsItsHash) {
  const auto created = create(confidential());
  EXPECT_EQ(created.secret.size(), 43U);
  ASSERT_TRUE(base64url_decode(created.secret).has_value());
  EXPECT_EQ(base64url_decode(created.secret)->size(), 32U);
  EXPECT_EQ(created.record.id.size(), 22U);
  EXPECT_EQ(created.record.secret_hash, base64url_encode(sha256(created.secret)));
  EXPECT_EQ(created.record.secret_hash.size(), 43U);

  const auto stored = row(created.record.id);
  ASSERT_TRUE(stored.contains("secretHash"));
  EXPECT_EQ(stored.at("secretHash").as_string(), base64url_encode(sha256(created.secret)));
  // The secret itself is nowhere: not in the row, not in the database's files.
  for (const auto& [name, value] : stored) {
    if (value.is_string()) {
      EXPECT_NE(value.as_string(), created.secret) << name;
    }
  }
  EXPECT_EQ(file_bytes().find(created.secret), std::string::npos);
  EXPECT_NE(file_bytes().find(created.record.secret_hash), std::string::npos);
}

TEST_F(ClientRegistryTest, SecretsAndIdsDifferBetweenClients) {
  const auto a = create(confidential("a"));
  const auto b = create(confidential("a"));
  EXPECT_NE(a.record.id, b.record.id);
  EXPECT_NE(a.secret, b.secret);
  EXPECT_NE(a.record.secret_hash, b.record.secret_hash);
}

TEST_F(ClientRegistryTest, GetReturnsTheClientAsRegistered) {
  clock_.advance(milliseconds(1234));
  const auto created = create(confidential());
  const auto got = registry_->get(created.record.id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->id, created.record.id);
  EXPECT_EQ(got->name, "city dashboard");
  EXPECT_EQ(got->secret_hash, created.record.secret_hash);
  EXPECT_EQ(got->scopes, (std::vector<std::string>{"ngsi-ld:read", "ngsi-ld:write"}));
  EXPECT_EQ(got->tenants, (std::optional<std::vector<std::string>>({"_default", "city-1"})));
  EXPECT_EQ(got->types, (std::optional<std::vector<std::string>>({kSensor})));
  EXPECT_EQ(got->redirect_uris,
            (std::vector<std::string>{"https://app.example/callback", "http://localhost:8080/cb"}));
  EXPECT_EQ(got->created, kStart + milliseconds(1234));
}

TEST_F(ClientRegistryTest, UnsetAndEmptyListsStayApart) {
  // Unset: every tenant and type. Empty: none.
  NewClient all = confidential("all");
  all.tenants.reset();
  all.types.reset();
  NewClient none = confidential("none");
  none.tenants = std::vector<std::string>{};
  none.types = std::vector<std::string>{};
  const auto a = create(std::move(all));
  const auto n = create(std::move(none));
  const auto got_all = registry_->get(a.record.id);
  const auto got_none = registry_->get(n.record.id);
  ASSERT_TRUE(got_all && got_none);
  EXPECT_FALSE(got_all->tenants.has_value());
  EXPECT_FALSE(got_all->types.has_value());
  ASSERT_TRUE(got_none->tenants.has_value());
  EXPECT_TRUE(got_none->tenants->empty());
  ASSERT_TRUE(got_none->types.has_value());
  EXPECT_TRUE(got_none->types->empty());
}

// ---- authenticating --------------------------------------------------------------------------

TEST_F(ClientRegistryTest, AuthenticateAcceptsTheSecret) {
  const auto created = create(confidential());
  const auto c = registry_->authenticate(created.record.id, created.secret);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->id, created.record.id);
  EXPECT_EQ(c->name, "city dashboard");
  EXPECT_EQ(c->scopes, (std::vector<std::string>{"ngsi-ld:read", "ngsi-ld:write"}));
}

TEST_F(ClientRegistryTest, AWrongSecretAndAnUnknownIdFailAlike) {
  const auto created = create(confidential());
  const auto& id = created.record.id;
  std::string flipped = created.secret;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  expect_wrong_credentials(id, flipped);
  expect_wrong_credentials(id, created.secret.substr(0, 42));
  expect_wrong_credentials(id, created.secret + "A");
  expect_wrong_credentials(id, "");
  // The stored hash is not the secret.
  expect_wrong_credentials(id, created.record.secret_hash);
  expect_wrong_credentials("no-such-client", created.secret);
  expect_wrong_credentials("", created.secret);
  // Another client's secret.
  const auto other = create(confidential("other"));
  expect_wrong_credentials(id, other.secret);
  EXPECT_TRUE(registry_->authenticate(id, created.secret));
}

TEST_F(ClientRegistryTest, APublicClientHasNoSecretAndCannotAuthenticate) {
  NewClient c = confidential("spa");
  c.confidential = false;
  const auto created = create(std::move(c));
  EXPECT_TRUE(created.secret.empty());
  EXPECT_TRUE(created.record.secret_hash.empty());
  EXPECT_EQ(row(created.record.id).at("secretHash").as_string(), "");
  const auto got = registry_->get(created.record.id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->secret_hash.empty());
  expect_wrong_credentials(created.record.id, "");
  expect_wrong_credentials(created.record.id, base64url_encode(sha256("")));
  expect_wrong_credentials(created.record.id, random_token());
}

TEST_F(ClientRegistryTest, ARemovedClientCannotAuthenticate) {
  const auto created = create(confidential());
  ASSERT_TRUE(registry_->remove(created.record.id));
  expect_wrong_credentials(created.record.id, created.secret);
}

// ---- what create refuses ---------------------------------------------------------------------

TEST_F(ClientRegistryTest, CreateRefusesAnEmptyOrOverlongName) {
  expect_bad(confidential(""), "a client needs a name (1 to 200 characters)");
  expect_bad(confidential(std::string(201, 'n')), "a client needs a name (1 to 200 characters)");
  EXPECT_EQ(create(confidential(std::string(200, 'n'))).record.name.size(), 200U);
  EXPECT_EQ(create(confidential("n")).record.name, "n");
}

TEST_F(ClientRegistryTest, CreateRefusesAnUnknownScope) {
  NewClient c = confidential();
  c.scopes = {"ngsi-ld:read", "ngsi-ld:delete"};
  expect_bad(c,
             "unknown scope 'ngsi-ld:delete'; known: openid, profile, email, offline_access, "
             "ngsi-ld:read, "
             "ngsi-ld:write, admin, consent");
  c.scopes = {"NGSI-LD:READ"};
  expect_bad(
      c,
      "unknown scope 'NGSI-LD:READ'; known: openid, profile, email, offline_access, ngsi-ld:read, "
      "ngsi-ld:write, admin, consent");
  c.scopes = {"openid", "profile", "email", "ngsi-ld:read", "ngsi-ld:write", "admin"};
  EXPECT_EQ(create(c).record.scopes.size(), 6U);
}

TEST_F(ClientRegistryTest, CreateRefusesNamesThatCannotBeTenants) {
  for (const std::string& tenant : std::vector<std::string>{
           "_x", "a/b", "", "-a", "a b", "a.b", "../etc", "東京", std::string(65, 't')}) {
    NewClient c = confidential();
    c.tenants = std::vector<std::string>{"city", tenant};
    expect_bad(c, "'" + tenant + "' cannot be a tenant name");
  }
  NewClient c = confidential();
  c.tenants = std::vector<std::string>{"_default", "a_b", "a-b", "A9", std::string(64, 't')};
  EXPECT_EQ(create(c).record.tenants->size(), 5U);
}

TEST_F(ClientRegistryTest, CreateRefusesRedirectUrisThatAreNotAbsoluteHttpWithoutFragment) {
  for (const std::string uri :
       {"/callback", "callback", "//app.example/cb", "https://app.example/cb#state",
        "https://app.example/cb#", "ftp://app.example/cb", "javascript:alert(1)", "https://", ""}) {
    NewClient c = confidential();
    c.redirect_uris = {"https://app.example/ok", uri};
    expect_bad(c, "redirect URI '" + uri + "' must be an absolute http or https URI without '#'");
  }
  NewClient c = confidential();
  c.redirect_uris = {"https://app.example/cb?x=1", "http://127.0.0.1:8080/cb",
                     "http://[::1]:8080/cb"};
  EXPECT_EQ(create(c).record.redirect_uris.size(), 3U);
}

TEST_F(ClientRegistryTest, ARefusedClientIsNotStored) {
  expect_bad(confidential(""), "a client needs a name (1 to 200 characters)");
  NewClient c = confidential();
  c.tenants = std::vector<std::string>{"_x"};
  expect_bad(c, "'_x' cannot be a tenant name");
  const auto all = registry_->list();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

// ---- list, get, remove -----------------------------------------------------------------------

TEST_F(ClientRegistryTest, ListGetAndRemove) {
  auto empty = registry_->list();
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  const auto a = create(confidential("a"));
  const auto b = create(confidential("b"));
  NewClient pub = confidential("c");
  pub.confidential = false;
  const auto c = create(std::move(pub));

  auto all = registry_->list();
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3U);
  std::vector<std::string> ids{a.record.id, b.record.id, c.record.id};
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> listed;
  for (const auto& r : *all) listed.push_back(r.id);
  EXPECT_EQ(listed, ids);  // ordered by id

  const auto missing = registry_->get("no-such-client");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(missing.error().message, "no client 'no-such-client'");

  ASSERT_TRUE(registry_->remove(b.record.id));
  const auto gone = registry_->get(b.record.id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(gone.error().message, "no client '" + b.record.id + "'");
  all = registry_->list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_TRUE(registry_->get(a.record.id));
  EXPECT_TRUE(registry_->get(c.record.id));

  const auto again = registry_->remove(b.record.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::ResourceNotFound);
  EXPECT_EQ(again.error().message, "no client '" + b.record.id + "'");
}

TEST_F(ClientRegistryTest, ClientsSurviveReopeningTheDatabase) {
  const auto created = create(confidential());
  registry_.reset();
  db_.reset();
  auto db = store::sqlite::open_platform_db(dir_);
  ASSERT_TRUE(db) << db.error().message;
  db_ = std::move(*db);
  registry_ = std::make_unique<ClientRegistry>(*db_, clock_);
  const auto c = registry_->authenticate(created.record.id, created.secret);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->tenants, created.record.tenants);
  EXPECT_EQ(c->redirect_uris, created.record.redirect_uris);
}

}  // namespace
}  // namespace tsunagu::identity
