// The audit log in the platform database (store/platform/platform_audit.cpp), on every backend:
// append() numbers and chains records, for_subject() pages newest first, range() oldest first, the
// triggers refuse UPDATE and DELETE, and the chain continues after a reopen.

#include "audit_test_support.hpp"
#include "store/audit_chain.hpp"

namespace tsunagu::store::sqlite {
namespace {

std::vector<std::int64_t> seqs(const Result<std::vector<AuditRecord>>& records) {
  EXPECT_TRUE(records) << records.error().message;
  std::vector<std::int64_t> out;
  if (records) {
    for (const auto& r : *records) out.push_back(r.seq);
  }
  return out;
}

using AuditLogStore = AuditDbTest;

TEST_P(AuditLogStore, AppendAssignsSeqAndChains) {
  auto first = access("resident-1", 1);
  first.seq = 99;  // ignored, as are the hashes
  first.prev_hash = "forged";
  first.hash = "forged";
  const auto a = db_->append(first);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->seq, 1);
  EXPECT_EQ(a->prev_hash, kAuditGenesis);
  EXPECT_EQ(a->hash, audit_hash(*a));
  const auto b = append("resident-2", 2);
  EXPECT_EQ(b.seq, 2);
  EXPECT_EQ(b.prev_hash, a->hash);
  EXPECT_EQ(b.hash, audit_hash(b));

  const auto all = db_->range(1, 100);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  const auto& stored = all->front();
  EXPECT_EQ(stored.at, first.at);
  EXPECT_EQ(stored.client_id, first.client_id);
  EXPECT_EQ(stored.subject, first.subject);
  EXPECT_EQ(stored.data, first.data);
  EXPECT_EQ(stored.purpose, first.purpose);
  EXPECT_EQ(stored.grant_id, first.grant_id);
  EXPECT_EQ(stored.hash, a->hash);
  EXPECT_TRUE(verify_chain(*all, kAuditGenesis).ok);
}

TEST_P(AuditLogStore, RangePagesOldestFirst) {
  for (int n = 1; n <= 5; ++n) append("resident-" + std::to_string(n % 2), n);
  EXPECT_EQ(seqs(db_->range(1, 2)), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(seqs(db_->range(3, 2)), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(seqs(db_->range(5, 2)), (std::vector<std::int64_t>{5}));
  EXPECT_TRUE(seqs(db_->range(6, 2)).empty());
  EXPECT_TRUE(seqs(db_->range(1, 0)).empty());
}

TEST_P(AuditLogStore, ForSubjectPagesNewestFirst) {
  for (int n = 1; n <= 7; ++n) append(n % 2 ? "resident-a" : "resident-b", n);
  EXPECT_EQ(seqs(db_->for_subject("resident-a", 3, kAuditNewest)),
            (std::vector<std::int64_t>{7, 5, 3}));
  EXPECT_EQ(seqs(db_->for_subject("resident-a", 3, 3)), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(seqs(db_->for_subject("resident-b", 10, kAuditNewest)),
            (std::vector<std::int64_t>{6, 4, 2}));
  EXPECT_TRUE(seqs(db_->for_subject("nobody", 10, kAuditNewest)).empty());
  const auto page = db_->for_subject("resident-b", 1, kAuditNewest);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front().subject, "resident-b");
  EXPECT_EQ(page->front().grant_id, "grant-6");
}

TEST_P(AuditLogStore, UpdateAndDeleteThroughSqlAreRefused) {
  append("resident-1", 1);
  append("resident-1", 2);
  db_.reset();
  EXPECT_NE(raw_sql("UPDATE audit_log SET purpose = 'marketing' WHERE seq = 1")
                .find("the audit log is append-only"),
            std::string::npos);
  EXPECT_NE(raw_sql("DELETE FROM audit_log WHERE seq = 2").find("the audit log is append-only"),
            std::string::npos);
  EXPECT_NE(raw_sql("DELETE FROM audit_log").find("the audit log is append-only"),
            std::string::npos);
  reopen();
  const auto all = db_->range(1, 10);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(all->front().purpose, "care");
  EXPECT_TRUE(verify_chain(*all, kAuditGenesis).ok);
}

TEST_P(AuditLogStore, AnEditByAnotherToolIsFoundByTheChain) {
  for (int n = 1; n <= 4; ++n) append("resident-1", n);
  db_.reset();
  tamper("UPDATE audit_log SET subject = 'resident-9' WHERE seq = 3");
  reopen();
  const auto all = db_->range(1, 10);
  ASSERT_TRUE(all);
  const auto check = verify_chain(*all, kAuditGenesis);
  EXPECT_FALSE(check.ok);
  EXPECT_EQ(check.first_bad_seq, std::optional<std::int64_t>(3));
}

TEST_P(AuditLogStore, TheChainContinuesAfterReopening) {
  const auto a = append("resident-1", 1);
  const auto b = append("resident-1", 2);
  reopen();
  const auto c = append("resident-2", 3);
  EXPECT_EQ(c.seq, 3);
  EXPECT_EQ(c.prev_hash, b.hash);
  const auto all = db_->range(1, 10);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->front().hash, a.hash);
  EXPECT_TRUE(verify_chain(*all, kAuditGenesis).ok);
}

TEST_P(AuditLogStore, TwoConnectionsAppendingFormOneChain) {
  auto other = testing::open_platform(location_);
  ASSERT_TRUE(other) << other.error().message;
  for (int n = 1; n <= 6; ++n) {
    auto& db = n % 2 ? *db_ : **other;
    ASSERT_TRUE(db.append(access("resident-1", n)));
  }
  const auto all = db_->range(1, 10);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 6u);
  EXPECT_TRUE(verify_chain(*all, kAuditGenesis).ok);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogStore, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace tsunagu::store::sqlite
