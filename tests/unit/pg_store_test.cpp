// What only the PostgreSQL store does: several nodes (stores) on one database, new tenants
// created by two of them at once, and connections the server cut. The contract every backend
// keeps is checked in store_contract_test.cpp and the other store_*_test.cpp suites.

#include "store/postgres/pg_store.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "pg/test_database.hpp"
#include "store/postgres/connection.hpp"
#include "store/postgres/schema.hpp"
#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

using model::Entity;

Entity counter(std::string id, int value) {
  Entity e;
  e.id = std::move(id);
  e.types = {"https://example.org/Counter"};
  e.created_at = e.modified_at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  model::Attribute a;
  a.value = value;
  model::put_instance(e.attributes, "https://example.org/n", a);
  return e;
}

int value_of(const Entity& e) {
  return static_cast<int>(e.attributes.at(0).instances.at(0).value.as_int64());
}

using testing::run_job;

// A read-modify-write: lost if two nodes' jobs interleaved.
Status increment(TenantStore& db, const std::string& id) {
  return run_job(db, [id](WriteTxn& txn) -> Status {
    auto got = txn.get(id);
    if (!got) return std::unexpected(got.error());
    if (!*got) return fail(ErrorKind::ResourceNotFound, id);
    return txn.update(counter(id, value_of(**got) + 1));
  });
}

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = testing::new_test_database("pgstore");
    node_a_ = open("a");
    node_b_ = open("b");
  }
  std::unique_ptr<postgres::PgStore> open(std::string node = "a") {
    auto s = postgres::PgStore::open(url_, {.node = std::move(node)});
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  std::shared_ptr<TenantStore> tenant(postgres::PgStore& node, std::string_view name = "") {
    auto t = node.tenant(name, true);
    EXPECT_TRUE(t) << t.error().message;
    return t ? *t : nullptr;
  }

  std::string url_;
  std::unique_ptr<postgres::PgStore> node_a_, node_b_;
};

TEST_F(PgStoreTest, AWriteOnOneNodeIsReadOnTheOtherAtOnce) {
  auto a = tenant(*node_a_), b = tenant(*node_b_);
  ASSERT_TRUE(run_job(*a, [](WriteTxn& txn) { return txn.insert(counter("urn:c:1", 7)); }));
  auto got = b->get("urn:c:1");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(value_of(**got), 7);
  auto page = b->query(
      EntityQuery{.entities = {query::of_types({"https://example.org/Counter"})}, .count = true});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 1u);
}

TEST_F(PgStoreTest, ReadModifyWritesOfTwoNodesNeverLoseAnUpdate) {
  auto a = tenant(*node_a_), b = tenant(*node_b_);
  ASSERT_TRUE(run_job(*a, [](WriteTxn& txn) { return txn.insert(counter("urn:c:shared", 0)); }));
  constexpr int kEach = 40;
  auto hammer = [](TenantStore& db) {
    int failures = 0;
    std::vector<std::future<Status>> pending;
    for (int i = 0; i < kEach; ++i) {
      pending.push_back(
          std::async(std::launch::async, [&db] { return increment(db, "urn:c:shared"); }));
    }
    for (auto& f : pending) failures += f.get() ? 0 : 1;
    return failures;
  };
  auto on_a = std::async(std::launch::async, [&] { return hammer(*a); });
  auto on_b = std::async(std::launch::async, [&] { return hammer(*b); });
  EXPECT_EQ(on_a.get(), 0);
  EXPECT_EQ(on_b.get(), 0);
  auto got = a->get("urn:c:shared");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ(value_of(**got), 2 * kEach);
}

TEST_F(PgStoreTest, TwoNodesCreatingOneNewTenantAtOnceGetTheSameTenant) {
  for (int round = 0; round < 5; ++round) {
    const std::string name = "city" + std::to_string(round);
    auto on_a = std::async(std::launch::async, [&] { return node_a_->tenant(name, true); });
    auto on_b = std::async(std::launch::async, [&] { return node_b_->tenant(name, true); });
    auto a = on_a.get();
    auto b = on_b.get();
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    ASSERT_TRUE(run_job(**a, [](WriteTxn& txn) { return txn.insert(counter("urn:c:t", 1)); }));
    auto got = (*b)->get("urn:c:t");
    ASSERT_TRUE(got && *got) << name;
  }
  auto names = node_b_->tenant_names();
  EXPECT_EQ(names, (std::vector<std::string>{"city0", "city1", "city2", "city3", "city4"}));
}

TEST_F(PgStoreTest, ATenantOnlyAnotherNodeCreatedIsReadable) {
  auto missing = node_b_->tenant("kobe", false);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NonexistentTenant);
  auto a = tenant(*node_a_, "kobe");
  ASSERT_TRUE(run_job(*a, [](WriteTxn& txn) { return txn.insert(counter("urn:c:k", 3)); }));
  // The failed lookup is not remembered: the tenant exists now.
  auto b = node_b_->tenant("kobe", false);
  ASSERT_TRUE(b) << b.error().message;
  auto got = (*b)->get("urn:c:k");
  ASSERT_TRUE(got && *got);
}

TEST_F(PgStoreTest, ConnectionsTheServerCutAreReplaced) {
  auto a = tenant(*node_a_);
  ASSERT_TRUE(run_job(*a, [](WriteTxn& txn) { return txn.insert(counter("urn:c:cut", 1)); }));
  auto admin = postgres::Connection::open(url_);
  ASSERT_TRUE(admin);
  ASSERT_TRUE(
      (*admin)->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                     "datname = current_database() AND pid <> pg_backend_pid()"));
  // The first use of a cut connection fails as Busy (retry later); the next gets a new one.
  auto write_soon = [&] {
    Status st = increment(*a, "urn:c:cut");
    if (!st) {
      EXPECT_EQ(st.error().kind, ErrorKind::Busy) << st.error().message;
      st = increment(*a, "urn:c:cut");
    }
    return st;
  };
  ASSERT_TRUE(write_soon());
  auto got = a->get("urn:c:cut");
  if (!got) got = a->get("urn:c:cut");
  ASSERT_TRUE(got && *got) << (got ? "" : got.error().message);
  EXPECT_EQ(value_of(**got), 2);
}

TEST_F(PgStoreTest, ALaterNodeRefusesASchemaNewerThanItKnows) {
  auto a = tenant(*node_a_);
  ASSERT_TRUE(a);
  auto admin = postgres::Connection::open(url_);
  ASSERT_TRUE(admin);
  ASSERT_TRUE((*admin)->exec("UPDATE tsunagu.tenants SET version = version + 1 WHERE name = ''"));
  auto fresh = open();
  ASSERT_TRUE(fresh);
  auto t = fresh->tenant("", true);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::InternalError);
  EXPECT_NE(t.error().message.find("newer than this Tsunagu understands"), std::string::npos)
      << t.error().message;
}

TEST_F(PgStoreTest, LongTenantNamesGetDistinctSchemas) {
  const std::string long_a = std::string(60, 'a') + "1";
  const std::string long_b = std::string(60, 'a') + "2";
  auto a = tenant(*node_a_, long_a), b = tenant(*node_a_, long_b);
  ASSERT_TRUE(run_job(*a, [](WriteTxn& txn) { return txn.insert(counter("urn:c:l", 1)); }));
  auto in_b = b->get("urn:c:l");
  ASSERT_TRUE(in_b);
  EXPECT_FALSE(in_b->has_value());
  EXPECT_NE(postgres::schema_name_of(long_a), postgres::schema_name_of(long_b));
  EXPECT_LE(postgres::schema_name_of(long_a).size(), 63u);
}

// Owed notifications belong to the tenant, whichever node's write owed them: every node reads
// them all, in seq order (the subscription's owner hands them out, subscription_nodes_test.cpp).
TEST_F(PgStoreTest, NotificationsOwedThroughEitherNodeAreReadInCommitOrderByBoth) {
  auto a = tenant(*node_a_), b = tenant(*node_b_);
  auto owe = [](TenantStore& db, const std::string& subscription, const std::string& entity) {
    return run_job(db, [subscription, entity](WriteTxn& txn) -> Status {
      OwedNotification n;
      n.subscription_id = subscription;
      n.at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
      n.entity = counter(entity, 1);
      auto seq = txn.subscriptions().owe(n);
      return seq ? ok() : Status(std::unexpected(seq.error()));
    });
  };
  ASSERT_TRUE(owe(*a, "urn:s:1", "urn:c:from-a"));
  ASSERT_TRUE(owe(*b, "urn:s:2", "urn:c:from-b"));
  ASSERT_TRUE(owe(*a, "urn:s:1", "urn:c:from-a-again"));
  auto entities = [](const Result<std::vector<OwedNotification>>& owed) {
    std::vector<std::string> out;
    EXPECT_TRUE(owed) << owed.error().message;
    if (owed) {
      for (const auto& n : *owed) out.push_back(n.entity.id);
    }
    return out;
  };
  const std::vector<std::string> all{"urn:c:from-a", "urn:c:from-b", "urn:c:from-a-again"};
  EXPECT_EQ(entities(a->owed_notifications(0, 100)), all);
  EXPECT_EQ(entities(b->owed_notifications(0, 100)), all);
  EXPECT_EQ(entities(b->owed_notifications_of("urn:s:1", 0, 100)),
            (std::vector<std::string>{"urn:c:from-a", "urn:c:from-a-again"}));
}

// Every put or remove of a subscription, on any node, raises the version a later transaction
// reads; counters do not.
TEST_F(PgStoreTest, TheSubscriptionVersionFollowsChangesOfEitherNode) {
  auto a = tenant(*node_a_), b = tenant(*node_b_);
  auto version_in = [](TenantStore& db) {
    std::int64_t v = -1;
    EXPECT_TRUE(run_job(db, [&v](WriteTxn& txn) -> Status {
      v = txn.subscriptions().version();
      return ok();
    }));
    return v;
  };
  auto change = [](TenantStore& db, std::function<Status(SubscriptionTxn&)> op) {
    return run_job(db, [op](WriteTxn& txn) { return op(txn.subscriptions()); });
  };
  model::Subscription s;
  s.id = "urn:s:1";
  s.notification.endpoint.uri = "http://127.0.0.1:9/n";
  const auto start = version_in(*b);
  ASSERT_TRUE(change(*a, [&](SubscriptionTxn& t) { return t.put(s); }));
  EXPECT_EQ(version_in(*b), start + 1);
  s.times_sent = 4;
  ASSERT_TRUE(change(*a, [&](SubscriptionTxn& t) { return t.put_counters(s); }));
  EXPECT_EQ(version_in(*b), start + 1);
  auto set = b->subscription_set();
  ASSERT_TRUE(set);
  EXPECT_EQ(set->version, start + 1);
  ASSERT_EQ(set->subscriptions.size(), 1u);
  EXPECT_EQ(set->subscriptions[0].times_sent, 4u);
  ASSERT_TRUE(change(*b, [&](SubscriptionTxn& t) -> Status {
    auto removed = t.remove("urn:s:1");
    return removed ? ok() : Status(std::unexpected(removed.error()));
  }));
  EXPECT_EQ(version_in(*a), start + 2);
  set = a->subscription_set();
  ASSERT_TRUE(set);
  EXPECT_EQ(set->version, start + 2);
  EXPECT_TRUE(set->subscriptions.empty());
}

TEST(PgConnectionTest, PasswordsAreRedactedFromUrls) {
  EXPECT_EQ(postgres::redacted("postgresql://ts:secret@db:5432/tsunagu"),
            "postgresql://ts:***@db:5432/tsunagu");
  EXPECT_EQ(postgres::redacted("postgresql://ts@db/tsunagu"), "postgresql://ts@db/tsunagu");
  EXPECT_EQ(postgres::redacted("host=db password=secret dbname=x"),
            "host=db password=*** dbname=x");
}

TEST(PgConnectionTest, AnUnreachableServerIsBusyAndNamesTheServer) {
  auto c = postgres::Connection::open("postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::Busy);
  EXPECT_NE(c.error().message.find("127.0.0.1"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("pw@"), std::string::npos) << c.error().message;
}

}  // namespace
}  // namespace tsunagu::store
