// The platform database (store/platform/platform_db.hpp) on every backend: signing keys,
// clients and revoked tokens surviving a reopen, key retirement and forgetting, revocation
// expiry; on SQLite also the schema version and the file's permissions (it holds private keys).

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "store/sqlite/platform_schema.hpp"
#include "store_backends.hpp"

namespace tsunagu::store::sqlite {
namespace {

namespace fs = std::filesystem;
using model::Timestamp;
using std::chrono::milliseconds;
using std::chrono::minutes;

const Timestamp kStart{milliseconds(1'767'225'600'000LL)};  // 2026-01-01T00:00:00Z

Timestamp at(int minute) {
  return kStart + minutes(minute);
}

StoredKey key(std::string kid, Timestamp created) {
  return StoredKey{kid, "-----BEGIN PRIVATE KEY-----\n" + kid + "\n-----END PRIVATE KEY-----\n",
                   created, std::nullopt};
}

ClientRecord client(std::string id) {
  ClientRecord c;
  c.id = std::move(id);
  c.name = "client " + c.id;
  c.secret_hash = "hash-of-" + c.id;
  c.scopes = {"ngsi-ld:read", "admin"};
  c.tenants = std::vector<std::string>{"_default", "city"};
  c.types = std::vector<std::string>{"https://example.org/Sensor", "https://example.org/Room"};
  c.redirect_uris = {"https://app.example/cb"};
  c.created = kStart + milliseconds(123);
  return c;
}

void expect_same(const ClientRecord& a, const ClientRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.secret_hash, b.secret_hash);
  EXPECT_EQ(a.scopes, b.scopes);
  EXPECT_EQ(a.tenants, b.tenants);
  EXPECT_EQ(a.types, b.types);
  EXPECT_EQ(a.redirect_uris, b.redirect_uris);
  EXPECT_EQ(a.created, b.created);
}

std::vector<std::string> jtis(const std::vector<RevokedToken>& list) {
  std::vector<std::string> out;
  for (const auto& r : list) out.push_back(r.jti);
  std::sort(out.begin(), out.end());
  return out;
}

class PlatformDbTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    location_ = testing::fresh_location(GetParam());
    dir_ = location_.dir;
    reopen();
  }
  void TearDown() override {
    db_.reset();
    testing::remove_location(location_);
  }

  void reopen() {
    db_.reset();
    auto db = testing::open_platform(location_);
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::move(*db);
  }

  std::vector<StoredKey> keys() {
    auto k = db_->keys();
    EXPECT_TRUE(k) << k.error().message;
    return k ? *k : std::vector<StoredKey>{};
  }

  std::vector<RevokedToken> revoked(Timestamp now) {
    auto r = db_->revoked(now);
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : std::vector<RevokedToken>{};
  }

  testing::StoreLocation location_;
  fs::path dir_;  // SQLite's data directory
  std::unique_ptr<PlatformDb> db_;
};
// What only the SQLite file has: its place, its permissions, its schema version.
using PlatformDbFileTest = PlatformDbTest;

TEST_P(PlatformDbFileTest, StartsEmpty) {
  EXPECT_TRUE(keys().empty());
  const auto clients = db_->clients();
  ASSERT_TRUE(clients);
  EXPECT_TRUE(clients->empty());
  EXPECT_TRUE(revoked(Timestamp{}).empty());
  EXPECT_TRUE(fs::exists(dir_ / "platform.sqlite"));
}

TEST_P(PlatformDbFileTest, OpenCreatesAMissingDataDirectory) {
  db_.reset();
  const auto nested = dir_ / "a" / "b";
  auto db = sqlite::open_platform_db(nested);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_TRUE(fs::exists(nested / "platform.sqlite"));
}

TEST_P(PlatformDbTest, EverythingSurvivesClosingAndReopening) {
  ASSERT_TRUE(db_->add_signing_key(key("k1", at(0))));
  ASSERT_TRUE(db_->add_signing_key(key("k2", at(5))));
  ASSERT_TRUE(db_->put_client(client("c1")));
  ClientRecord pub = client("c2");
  pub.secret_hash.clear();
  pub.tenants.reset();
  pub.types = std::vector<std::string>{};
  pub.redirect_uris.clear();
  ASSERT_TRUE(db_->put_client(pub));
  ASSERT_TRUE(db_->revoke({"j1", at(10)}, at(0)));
  ASSERT_TRUE(db_->revoke({"j2", at(20)}, at(0)));

  reopen();

  const auto k = keys();
  ASSERT_EQ(k.size(), 2U);
  EXPECT_EQ(k[0].kid, "k1");
  EXPECT_EQ(k[0].private_pem, key("k1", at(0)).private_pem);
  EXPECT_EQ(k[0].created, at(0));
  EXPECT_EQ(k[0].retired, std::optional<Timestamp>(at(5)));
  EXPECT_EQ(k[1].kid, "k2");
  EXPECT_EQ(k[1].private_pem, key("k2", at(5)).private_pem);
  EXPECT_EQ(k[1].created, at(5));
  EXPECT_FALSE(k[1].retired.has_value());

  const auto clients = db_->clients();
  ASSERT_TRUE(clients) << clients.error().message;
  ASSERT_EQ(clients->size(), 2U);
  expect_same((*clients)[0], client("c1"));
  expect_same((*clients)[1], pub);
  EXPECT_FALSE((*clients)[1].tenants.has_value());
  ASSERT_TRUE((*clients)[1].types.has_value());
  EXPECT_TRUE((*clients)[1].types->empty());

  const auto r = revoked(at(0));
  ASSERT_EQ(r.size(), 2U);
  EXPECT_EQ(jtis(r), (std::vector<std::string>{"j1", "j2"}));
  for (const auto& t : r) EXPECT_EQ(t.expires, t.jti == "j1" ? at(10) : at(20));
}

TEST_P(PlatformDbTest, MillisecondsArePreserved) {
  const Timestamp created = kStart + milliseconds(987);
  ASSERT_TRUE(db_->add_signing_key(key("k1", created)));
  ASSERT_TRUE(db_->add_signing_key(key("k2", created + milliseconds(1))));
  reopen();
  const auto k = keys();
  ASSERT_EQ(k.size(), 2U);
  EXPECT_EQ(k[0].created, created);
  EXPECT_EQ(k[0].retired, std::optional<Timestamp>(created + milliseconds(1)));
}

// ---- signing keys ----------------------------------------------------------------------------

TEST_P(PlatformDbTest, AddingAKeyRetiresThePreviousAtTheNewKeysCreation) {
  ASSERT_TRUE(db_->add_signing_key(key("k1", at(0))));
  auto k = keys();
  ASSERT_EQ(k.size(), 1U);
  EXPECT_FALSE(k[0].retired.has_value());

  ASSERT_TRUE(db_->add_signing_key(key("k2", at(7))));
  k = keys();
  ASSERT_EQ(k.size(), 2U);
  EXPECT_EQ(k[0].retired, std::optional<Timestamp>(at(7)));
  EXPECT_FALSE(k[1].retired.has_value());

  // A third key retires the second only: the first keeps its retirement.
  ASSERT_TRUE(db_->add_signing_key(key("k3", at(20))));
  k = keys();
  ASSERT_EQ(k.size(), 3U);
  EXPECT_EQ(k[0].kid, "k1");
  EXPECT_EQ(k[0].retired, std::optional<Timestamp>(at(7)));
  EXPECT_EQ(k[1].kid, "k2");
  EXPECT_EQ(k[1].retired, std::optional<Timestamp>(at(20)));
  EXPECT_EQ(k[2].kid, "k3");
  EXPECT_FALSE(k[2].retired.has_value());
}

TEST_P(PlatformDbTest, KeysAreListedOldestFirst) {
  ASSERT_TRUE(db_->add_signing_key(key("zz", at(0))));
  ASSERT_TRUE(db_->add_signing_key(key("aa", at(1))));
  ASSERT_TRUE(db_->add_signing_key(key("mm", at(2))));
  const auto k = keys();
  ASSERT_EQ(k.size(), 3U);
  EXPECT_EQ(k[0].kid, "zz");
  EXPECT_EQ(k[1].kid, "aa");
  EXPECT_EQ(k[2].kid, "mm");
}

TEST_P(PlatformDbTest, ADuplicateKidIsRefusedAndRetiresNothing) {
  ASSERT_TRUE(db_->add_signing_key(key("k1", at(0))));
  const auto st = db_->add_signing_key(key("k1", at(3)));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::InternalError);
  const auto k = keys();
  ASSERT_EQ(k.size(), 1U);
  EXPECT_EQ(k[0].created, at(0));
  EXPECT_FALSE(k[0].retired.has_value()) << "the failed add retired the signing key";
  // The database is still usable.
  ASSERT_TRUE(db_->add_signing_key(key("k2", at(4))));
  EXPECT_EQ(keys().size(), 2U);
}

TEST_P(PlatformDbTest, ForgetsKeysRetiredBeforeTheGivenTimeOnly) {
  ASSERT_TRUE(db_->add_signing_key(key("k1", at(0))));
  ASSERT_TRUE(db_->add_signing_key(key("k2", at(10))));  // k1 retired at 10
  ASSERT_TRUE(db_->add_signing_key(key("k3", at(20))));  // k2 retired at 20

  // Retired exactly at `before`: kept.
  ASSERT_TRUE(db_->forget_keys_retired_before(at(10)));
  EXPECT_EQ(keys().size(), 3U);

  ASSERT_TRUE(db_->forget_keys_retired_before(at(10) + milliseconds(1)));
  auto k = keys();
  ASSERT_EQ(k.size(), 2U);
  EXPECT_EQ(k[0].kid, "k2");
  EXPECT_EQ(k[1].kid, "k3");

  // The current key is never forgotten, however old.
  ASSERT_TRUE(db_->forget_keys_retired_before(at(1000)));
  k = keys();
  ASSERT_EQ(k.size(), 1U);
  EXPECT_EQ(k[0].kid, "k3");
  EXPECT_FALSE(k[0].retired.has_value());

  reopen();
  EXPECT_EQ(keys().size(), 1U);
}

// ---- clients ---------------------------------------------------------------------------------

TEST_P(PlatformDbTest, PutReplacesAClientWithTheSameId) {
  ASSERT_TRUE(db_->put_client(client("c1")));
  ClientRecord changed = client("c1");
  changed.name = "renamed";
  changed.scopes = {"ngsi-ld:write"};
  changed.tenants.reset();
  ASSERT_TRUE(db_->put_client(changed));
  const auto all = db_->clients();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1U);
  expect_same((*all)[0], changed);
  const auto one = db_->client("c1");
  ASSERT_TRUE(one);
  ASSERT_TRUE(one->has_value());
  expect_same(**one, changed);
}

TEST_P(PlatformDbTest, ClientLookupAndRemoval) {
  ASSERT_TRUE(db_->put_client(client("b")));
  ASSERT_TRUE(db_->put_client(client("a")));
  const auto none = db_->client("c");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  const auto all = db_->clients();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2U);
  EXPECT_EQ((*all)[0].id, "a");
  EXPECT_EQ((*all)[1].id, "b");

  auto removed = db_->remove_client("a");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  removed = db_->remove_client("a");
  ASSERT_TRUE(removed);
  EXPECT_FALSE(*removed);
  const auto gone = db_->client("a");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->has_value());
  reopen();
  const auto left = db_->clients();
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1U);
  EXPECT_EQ((*left)[0].id, "b");
}

// ---- revoked tokens --------------------------------------------------------------------------

TEST_P(PlatformDbTest, RevokedReturnsOnlyTheUnexpired) {
  ASSERT_TRUE(db_->revoke({"j5", at(5)}, at(0)));
  ASSERT_TRUE(db_->revoke({"j10", at(10)}, at(0)));
  ASSERT_TRUE(db_->revoke({"j15", at(15)}, at(0)));
  EXPECT_EQ(jtis(revoked(at(0))), (std::vector<std::string>{"j10", "j15", "j5"}));
  EXPECT_EQ(jtis(revoked(at(5) - milliseconds(1))), (std::vector<std::string>{"j10", "j15", "j5"}));
  // Expiring at `now` is expired.
  EXPECT_EQ(jtis(revoked(at(5))), (std::vector<std::string>{"j10", "j15"}));
  EXPECT_EQ(jtis(revoked(at(12))), (std::vector<std::string>{"j15"}));
  EXPECT_TRUE(revoked(at(15)).empty());
  // Reading prunes nothing.
  EXPECT_EQ(revoked(at(0)).size(), 3U);
}

TEST_P(PlatformDbTest, RevokePrunesTheExpired) {
  ASSERT_TRUE(db_->revoke({"j5", at(5)}, at(0)));
  ASSERT_TRUE(db_->revoke({"j10", at(10)}, at(0)));
  ASSERT_TRUE(db_->revoke({"j30", at(30)}, at(0)));
  // A revocation at minute 11 forgets j5 and j10.
  ASSERT_TRUE(db_->revoke({"j40", at(40)}, at(11)));
  EXPECT_EQ(jtis(revoked(Timestamp{})), (std::vector<std::string>{"j30", "j40"}));
  reopen();
  EXPECT_EQ(jtis(revoked(Timestamp{})), (std::vector<std::string>{"j30", "j40"}));
}

TEST_P(PlatformDbTest, RevokingTwiceKeepsTheFirstExpiry) {
  ASSERT_TRUE(db_->revoke({"j", at(10)}, at(0)));
  ASSERT_TRUE(db_->revoke({"j", at(99)}, at(0)));
  const auto r = revoked(at(0));
  ASSERT_EQ(r.size(), 1U);
  EXPECT_EQ(r[0].expires, at(10));
}

// ---- the file --------------------------------------------------------------------------------

constexpr fs::perms kOwnerOnly = fs::perms::owner_read | fs::perms::owner_write;

TEST_P(PlatformDbFileTest, TheFileIsReadableByItsOwnerOnly) {
  ASSERT_TRUE(db_->add_signing_key(key("k1", at(0))));
  EXPECT_EQ(fs::status(dir_ / "platform.sqlite").permissions(), kOwnerOnly);
  // The write-ahead log holds the same secrets until a checkpoint.
  ASSERT_TRUE(fs::exists(dir_ / "platform.sqlite-wal"));
  EXPECT_EQ(fs::status(dir_ / "platform.sqlite-wal").permissions() & fs::perms::all, kOwnerOnly);
}

TEST_P(PlatformDbFileTest, ReopeningNarrowsWiderPermissions) {
  db_.reset();
  fs::permissions(dir_ / "platform.sqlite",
                  kOwnerOnly | fs::perms::group_read | fs::perms::others_read);
  reopen();
  EXPECT_EQ(fs::status(dir_ / "platform.sqlite").permissions(), kOwnerOnly);
}

TEST_P(PlatformDbFileTest, ANewerSchemaIsRefused) {
  db_.reset();
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "platform.sqlite").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  // keys, clients, revocations; accounts; links; the audit log; consent and usage
  EXPECT_EQ(sqlite3_column_int(stmt, 0), 5);
  sqlite3_finalize(stmt);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 6", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  const auto db = sqlite::open_platform_db(dir_);
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().kind, ErrorKind::InternalError);
  EXPECT_EQ(db.error().message, "the platform database is newer than this Tsunagu understands");
}

INSTANTIATE_TEST_SUITE_P(Backends, PlatformDbTest, testing::all_backends(), testing::backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, PlatformDbFileTest, ::testing::Values(testing::Backend::Sqlite),
                         testing::backend_name);

}  // namespace
}  // namespace tsunagu::store::sqlite
