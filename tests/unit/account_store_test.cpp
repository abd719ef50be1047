// The AccountStore contract (store/account_store.hpp) as the platform database keeps it, on
// every backend:
// single use of tickets and mailed tokens, one rotation per refresh token, what a password
// change, a sign-out and a deletion take with them, and expiry.

#include <gtest/gtest.h>

#include "identity_test_support.hpp"

namespace tsunagu::store {
namespace {

using identity::testing::kStart;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class AccountStoreTest : public identity::testing::WithPlatformDb,
                         public ::testing::WithParamInterface<testing::Backend> {
 protected:
  AccountStoreTest() : WithPlatformDb("account-store-test") {}
  testing::Backend backend() const override { return GetParam(); }

  AccountStore& store() { return *db_; }

  AccountRecord account(std::string id, std::string email) {
    AccountRecord a;
    a.id = std::move(id);
    a.email = std::move(email);
    a.password_hash = "$argon2id$placeholder";
    a.name = "花子";
    a.locale = "ja";
    a.created = kStart;
    EXPECT_TRUE(store().add_account(a));
    return a;
  }

  SessionRecord session(std::string hash, const std::string& account_id) {
    SessionRecord s{std::move(hash), account_id, kStart, kStart + hours(12),
                    kStart,          false,      {"pwd"}};
    EXPECT_TRUE(store().add_session(s));
    return s;
  }

  RefreshTokenRecord refresh(std::string hash, std::string family, const std::string& account_id,
                             std::string session_hash = "s1") {
    return RefreshTokenRecord{std::move(hash),
                              std::move(family),
                              account_id,
                              "client",
                              "openid",
                              std::move(session_hash),
                              kStart,
                              kStart,
                              kStart + hours(24),
                              std::nullopt,
                              false};
  }

  bool session_alive(std::string_view hash) {
    auto s = store().session(hash, kStart);
    EXPECT_TRUE(s);
    return s && s->has_value();
  }
  bool refresh_revoked(std::string_view hash) {
    auto r = store().refresh_token(hash);
    EXPECT_TRUE(r && r->has_value());
    return r && *r && (*r)->revoked;
  }
};

TEST_P(AccountStoreTest, AnAccountRoundTripsAndItsEmailIsUnique) {
  auto a = account("sub-1", "hanako@example.jp");
  a.totp_secret = "JBSWY3DPEHPK3PXP";
  a.totp_last_step = 42;
  a.email_verified = true;
  ASSERT_TRUE(store().update_account(a));
  auto back = store().account_by_email("hanako@example.jp");
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->id, "sub-1");
  EXPECT_EQ((*back)->name, "花子");
  EXPECT_TRUE((*back)->email_verified);
  EXPECT_EQ((*back)->totp_secret, "JBSWY3DPEHPK3PXP");
  EXPECT_EQ((*back)->totp_last_step, 42);
  AccountRecord twin = a;
  twin.id = "sub-2";
  auto st = store().add_account(twin);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::AlreadyExists);
  AccountRecord ghost = a;
  ghost.id = "nobody";
  EXPECT_EQ(store().update_account(ghost).error().kind, ErrorKind::ResourceNotFound);
}

TEST_P(AccountStoreTest, ATotpStepIsAcceptedOnlyOnceAndOnlyForward) {
  account("sub-1", "a@example.jp");
  EXPECT_EQ(store().use_totp_step("sub-1", 100).value(), true);
  EXPECT_EQ(store().use_totp_step("sub-1", 100).value(), false);
  EXPECT_EQ(store().use_totp_step("sub-1", 99).value(), false);
  EXPECT_EQ(store().use_totp_step("sub-1", 101).value(), true);
}

TEST_P(AccountStoreTest, ATicketIsFreshOnceThenKnownAsUsed) {
  ASSERT_TRUE(store().put_ticket("code", {"h1", R"({"a":1})", kStart + seconds(60)}));
  auto first = store().consume_ticket("code", "h1", kStart);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first, Consumed::Fresh);
  EXPECT_EQ(first->second->doc, R"({"a":1})");
  ASSERT_TRUE(store().update_ticket_doc("code", "h1", R"({"a":2})"));
  auto again = store().consume_ticket("code", "h1", kStart);
  EXPECT_EQ(again->first, Consumed::AlreadyUsed);
  EXPECT_EQ(again->second->doc, R"({"a":2})");
  // Used tickets are not read as pending ones; another kind is another namespace.
  EXPECT_FALSE(store().ticket("code", "h1", kStart).value().has_value());
  EXPECT_EQ(store().consume_ticket("request", "h1", kStart)->first, Consumed::Missing);
}

TEST_P(AccountStoreTest, AnExpiredTicketIsMissing) {
  ASSERT_TRUE(store().put_ticket("code", {"h1", "{}", kStart + seconds(60)}));
  EXPECT_TRUE(store().ticket("code", "h1", kStart + seconds(59)).value().has_value());
  EXPECT_FALSE(store().ticket("code", "h1", kStart + seconds(60)).value().has_value());
  EXPECT_EQ(store().consume_ticket("code", "h1", kStart + seconds(61))->first, Consumed::Missing);
}

TEST_P(AccountStoreTest, ARefreshTokenRotatesOnce) {
  account("sub-1", "a@example.jp");
  ASSERT_TRUE(store().add_refresh_token(refresh("r1", "fam", "sub-1")));
  EXPECT_EQ(store().rotate_refresh_token("r1", kStart, refresh("r2", "fam", "sub-1")).value(),
            true);
  // The second rotation of r1 writes nothing: r3 does not exist.
  EXPECT_EQ(store().rotate_refresh_token("r1", kStart, refresh("r3", "fam", "sub-1")).value(),
            false);
  EXPECT_FALSE(store().refresh_token("r3").value().has_value());
  EXPECT_TRUE(store().refresh_token("r1").value()->rotated.has_value());
  ASSERT_TRUE(store().revoke_refresh_family("fam"));
  EXPECT_TRUE(refresh_revoked("r1"));
  EXPECT_TRUE(refresh_revoked("r2"));
  // A revoked token does not rotate either.
  EXPECT_EQ(store().rotate_refresh_token("r2", kStart, refresh("r4", "fam", "sub-1")).value(),
            false);
}

TEST_P(AccountStoreTest, SigningOutEndsTheSessionAndRevokesItsRefreshTokensOnly) {
  account("sub-1", "a@example.jp");
  session("s1", "sub-1");
  session("s2", "sub-1");
  ASSERT_TRUE(store().add_refresh_token(refresh("r1", "f1", "sub-1", "s1")));
  ASSERT_TRUE(store().add_refresh_token(refresh("r2", "f2", "sub-1", "s2")));
  ASSERT_TRUE(store().end_session("s1"));
  EXPECT_FALSE(session_alive("s1"));
  EXPECT_TRUE(session_alive("s2"));
  EXPECT_TRUE(refresh_revoked("r1"));
  EXPECT_FALSE(refresh_revoked("r2"));
}

TEST_P(AccountStoreTest, APasswordChangeEndsEverythingTheOldPasswordOpened) {
  account("sub-1", "a@example.jp");
  account("sub-2", "b@example.jp");
  session("s1", "sub-1");
  session("s2", "sub-2");
  ASSERT_TRUE(store().add_refresh_token(refresh("r1", "f1", "sub-1", "s1")));
  ASSERT_TRUE(
      store().add_mail_token({"m1", "sub-1", MailPurpose::ResetPassword, kStart + hours(1)}));
  ASSERT_TRUE(store().add_mail_token({"m2", "sub-1", MailPurpose::VerifyEmail, kStart + hours(1)}));
  ASSERT_TRUE(store().set_password("sub-1", "$argon2id$new"));
  EXPECT_EQ(store().account("sub-1").value()->password_hash, "$argon2id$new");
  EXPECT_FALSE(session_alive("s1"));
  EXPECT_TRUE(session_alive("s2"));
  EXPECT_TRUE(refresh_revoked("r1"));
  EXPECT_FALSE(store().take_mail_token("m1", MailPurpose::ResetPassword, kStart).value());
  EXPECT_TRUE(store().take_mail_token("m2", MailPurpose::VerifyEmail, kStart).value());
  EXPECT_EQ(store().set_password("nobody", "x").error().kind, ErrorKind::ResourceNotFound);
}

TEST_P(AccountStoreTest, AMailedTokenIsTakenOnceForItsPurposeBeforeItExpires) {
  account("sub-1", "a@example.jp");
  ASSERT_TRUE(store().add_mail_token({"m1", "sub-1", MailPurpose::VerifyEmail, kStart + hours(1)}));
  EXPECT_FALSE(store().take_mail_token("m1", MailPurpose::ResetPassword, kStart).value());
  EXPECT_FALSE(store().take_mail_token("m1", MailPurpose::VerifyEmail, kStart + hours(2)).value());
  auto taken = store().take_mail_token("m1", MailPurpose::VerifyEmail, kStart);
  ASSERT_TRUE(taken && *taken);
  EXPECT_EQ((*taken)->account_id, "sub-1");
  EXPECT_FALSE(store().take_mail_token("m1", MailPurpose::VerifyEmail, kStart).value());
}

TEST_P(AccountStoreTest, DeletingAnAccountTakesEverythingOfItsAlong) {
  account("sub-1", "a@example.jp");
  account("sub-2", "b@example.jp");
  session("s1", "sub-1");
  session("s2", "sub-2");
  ASSERT_TRUE(store().add_refresh_token(refresh("r1", "f1", "sub-1", "s1")));
  ASSERT_TRUE(store().put_consent({"sub-1", "client", {"openid"}, kStart}));
  ASSERT_TRUE(store().put_consent({"sub-2", "client", {"openid"}, kStart}));
  EXPECT_EQ(store().delete_account("sub-1").value(), true);
  EXPECT_FALSE(store().account("sub-1").value().has_value());
  EXPECT_FALSE(store().account_by_email("a@example.jp").value().has_value());
  EXPECT_FALSE(session_alive("s1"));
  EXPECT_FALSE(store().refresh_token("r1").value().has_value());
  EXPECT_FALSE(store().consent("sub-1", "client").value().has_value());
  EXPECT_TRUE(session_alive("s2"));
  EXPECT_TRUE(store().consent("sub-2", "client").value().has_value());
  EXPECT_EQ(store().delete_account("sub-1").value(), false);
  // The address is free again.
  account("sub-3", "a@example.jp");
}

TEST_P(AccountStoreTest, ConsentIsReplacedAndItsScopesKept) {
  ASSERT_TRUE(store().put_consent({"sub-1", "client", {"openid", "email"}, kStart}));
  ASSERT_TRUE(store().put_consent({"sub-1", "client", {"openid", "profile"}, kStart + hours(1)}));
  auto c = store().consent("sub-1", "client");
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->scopes, (std::vector<std::string>{"openid", "profile"}));
  EXPECT_EQ((*c)->granted, kStart + hours(1));
}

TEST_P(AccountStoreTest, PruneForgetsOnlyWhatExpired) {
  account("sub-1", "a@example.jp");
  session("s1", "sub-1");  // expires after 12 h
  ASSERT_TRUE(store().put_ticket("request", {"t1", "{}", kStart + minutes(30)}));
  ASSERT_TRUE(store().put_ticket("request", {"t2", "{}", kStart + hours(20)}));
  ASSERT_TRUE(store().add_refresh_token(refresh("r1", "f1", "sub-1")));  // 24 h
  ASSERT_TRUE(store().prune(kStart + hours(13)));
  EXPECT_FALSE(store().session("s1", kStart).value().has_value());
  EXPECT_FALSE(store().ticket("request", "t1", kStart).value().has_value());
  EXPECT_TRUE(store().ticket("request", "t2", kStart).value().has_value());
  EXPECT_TRUE(store().refresh_token("r1").value().has_value());
  EXPECT_TRUE(store().account("sub-1").value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountStoreTest, testing::all_backends(),
                         testing::backend_name);

}  // namespace
}  // namespace tsunagu::store
