// Subscriptions and owed notifications in every store: what a write job records survives a
// restart, commits and rolls back with the job, and reads back in order.

#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>

#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

model::Subscription subscription(const std::string& id) {
  model::Subscription s;
  s.id = id;
  s.entities = {query::of_types({"https://example.org/Shelter"})};
  s.notification.endpoint.uri = "http://127.0.0.1:9/notify";
  s.created_at = s.modified_at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  return s;
}

model::Entity entity(const std::string& id) {
  model::Entity e;
  e.id = id;
  e.types = {"https://example.org/Shelter"};
  e.created_at = e.modified_at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'000));
  return e;
}

OwedNotification owed(const std::string& subscription_id, const std::string& entity_id) {
  OwedNotification n;
  n.subscription_id = subscription_id;
  n.trigger = model::NotificationTrigger::EntityCreated;
  n.at = model::Timestamp(std::chrono::milliseconds(1'700'000'000'500));
  n.entity = entity(entity_id);
  return n;
}

class SubscriptionStoreTest : public ::testing::TestWithParam<testing::Backend>,
                              protected testing::StoreUnderTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(open_fresh(GetParam())); }
  void open() { reopen(); }
  Status run(std::function<Status(WriteTxn&)> apply) {
    return testing::run_job(*db_, std::move(apply));
  }
  std::vector<std::int64_t> owed_seqs() {
    auto owed = db_->owed_notifications(0, 100);
    EXPECT_TRUE(owed);
    std::vector<std::int64_t> out;
    for (const auto& n : *owed) out.push_back(n.seq);
    return out;
  }
};

TEST_P(SubscriptionStoreTest, PutGetReplaceRemove) {
  ASSERT_TRUE(run([](WriteTxn& txn) { return txn.subscriptions().put(subscription("urn:s:1")); }));
  ASSERT_TRUE(run([](WriteTxn& txn) -> Status {
    auto got = txn.subscriptions().get("urn:s:1");
    if (!got || !*got) return std::unexpected(Error{ErrorKind::InternalError, "missing", {}});
    auto s = **got;
    s.times_sent = 7;
    return txn.subscriptions().put(s);
  }));
  auto all = db_->subscriptions();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().id, "urn:s:1");
  EXPECT_EQ(all->front().times_sent, 7u);
  EXPECT_EQ(all->front().notification.endpoint.uri, "http://127.0.0.1:9/notify");
  bool removed = false;
  ASSERT_TRUE(run([&](WriteTxn& txn) -> Status {
    auto r = txn.subscriptions().remove("urn:s:1");
    if (!r) return std::unexpected(r.error());
    removed = *r;
    return ok();
  }));
  EXPECT_TRUE(removed);
  EXPECT_TRUE(db_->subscriptions()->empty());
}

TEST_P(SubscriptionStoreTest, OwedNotificationsKeepTheirOrderAndSurviveARestart) {
  ASSERT_TRUE(run([](WriteTxn& txn) -> Status {
    for (const char* id : {"urn:e:1", "urn:e:2", "urn:e:3"}) {
      auto seq = txn.subscriptions().owe(owed("urn:s:1", id));
      if (!seq) return std::unexpected(seq.error());
    }
    return ok();
  }));
  open();
  auto owed = db_->owed_notifications(0, 100);
  ASSERT_TRUE(owed);
  ASSERT_EQ(owed->size(), 3u);
  EXPECT_EQ((*owed)[0].entity.id, "urn:e:1");
  EXPECT_EQ((*owed)[2].entity.id, "urn:e:3");
  EXPECT_LT((*owed)[0].seq, (*owed)[1].seq);
  EXPECT_EQ((*owed)[1].trigger, model::NotificationTrigger::EntityCreated);
  EXPECT_EQ((*owed)[1].at, model::Timestamp(std::chrono::milliseconds(1'700'000'000'500)));
  EXPECT_FALSE((*owed)[1].previous);
  // Paging by seq.
  auto rest = db_->owed_notifications((*owed)[0].seq, 1);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ(rest->front().entity.id, "urn:e:2");
}

TEST_P(SubscriptionStoreTest, SettledNotificationsAreGoneAndSeqsAreNeverReused) {
  std::vector<std::int64_t> seqs;
  ASSERT_TRUE(run([&](WriteTxn& txn) -> Status {
    for (const char* id : {"urn:e:1", "urn:e:2"}) {
      auto seq = txn.subscriptions().owe(owed("urn:s:1", id));
      if (!seq) return std::unexpected(seq.error());
      seqs.push_back(*seq);
    }
    return ok();
  }));
  ASSERT_TRUE(run([&](WriteTxn& txn) { return txn.subscriptions().settle(seqs); }));
  EXPECT_TRUE(owed_seqs().empty());
  std::int64_t next = 0;
  ASSERT_TRUE(run([&](WriteTxn& txn) -> Status {
    auto seq = txn.subscriptions().owe(owed("urn:s:1", "urn:e:3"));
    if (!seq) return std::unexpected(seq.error());
    next = *seq;
    return ok();
  }));
  EXPECT_GT(next, seqs.back());
}

TEST_P(SubscriptionStoreTest, WhatAFailedJobOwedIsRolledBack) {
  auto st = run([](WriteTxn& txn) -> Status {
    if (auto seq = txn.subscriptions().owe(owed("urn:s:1", "urn:e:1")); !seq) {
      return std::unexpected(seq.error());
    }
    return std::unexpected(Error{ErrorKind::BadRequestData, "the change failed", {}});
  });
  EXPECT_FALSE(st);
  EXPECT_TRUE(owed_seqs().empty());
  // In a failed nested step too, while the job goes on.
  ASSERT_TRUE(run([](WriteTxn& txn) -> Status {
    (void)txn.nested([](WriteTxn& inner) -> Status {
      (void)inner.subscriptions().owe(owed("urn:s:1", "urn:e:2"));
      return std::unexpected(Error{ErrorKind::BadRequestData, "this element failed", {}});
    });
    auto seq = txn.subscriptions().owe(owed("urn:s:1", "urn:e:3"));
    return seq ? ok() : Status(std::unexpected(seq.error()));
  }));
  auto owed = db_->owed_notifications(0, 100);
  ASSERT_TRUE(owed);
  ASSERT_EQ(owed->size(), 1u);
  EXPECT_EQ(owed->front().entity.id, "urn:e:3");
}

TEST_P(SubscriptionStoreTest, RemovingASubscriptionForgetsWhatWasOwedToIt) {
  ASSERT_TRUE(run([](WriteTxn& txn) -> Status {
    for (const char* s : {"urn:s:1", "urn:s:2"}) {
      if (auto st = txn.subscriptions().put(subscription(s)); !st) return st;
      if (auto seq = txn.subscriptions().owe(owed(s, "urn:e:1")); !seq) {
        return std::unexpected(seq.error());
      }
    }
    return ok();
  }));
  ASSERT_TRUE(run([](WriteTxn& txn) -> Status {
    auto r = txn.subscriptions().remove("urn:s:1");
    return r ? ok() : Status(std::unexpected(r.error()));
  }));
  auto owed = db_->owed_notifications(0, 100);
  ASSERT_TRUE(owed);
  ASSERT_EQ(owed->size(), 1u);
  EXPECT_EQ(owed->front().subscription_id, "urn:s:2");
}

TEST_P(SubscriptionStoreTest, PreviousStateIsKept) {
  ASSERT_TRUE(run([](WriteTxn& txn) -> Status {
    auto n = owed("urn:s:1", "urn:e:1");
    n.trigger = model::NotificationTrigger::AttributeUpdated;
    n.previous = entity("urn:e:1");
    n.previous->types.push_back("https://example.org/Old");
    auto seq = txn.subscriptions().owe(n);
    return seq ? ok() : Status(std::unexpected(seq.error()));
  }));
  auto owed = db_->owed_notifications(0, 10);
  ASSERT_TRUE(owed);
  ASSERT_TRUE(owed->front().previous);
  EXPECT_EQ(owed->front().previous->types.size(), 2u);
  EXPECT_EQ(owed->front().trigger, model::NotificationTrigger::AttributeUpdated);
}

INSTANTIATE_TEST_SUITE_P(Backends, SubscriptionStoreTest, testing::all_backends(),
                         testing::backend_name);

}  // namespace
}  // namespace tsunagu::store
