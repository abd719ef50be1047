// The audit log's hash chain (store/audit_chain.hpp): the hash is deterministic and covers every
// field unambiguously, and each kind of tampering is found at the right seq.

#include "store/audit_chain.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace tsunagu::store {
namespace {

using std::chrono::milliseconds;

const model::Timestamp kStart{milliseconds(1'767'225'600'000LL)};  // 2026-01-01T00:00:00Z

AuditRecord record(std::int64_t seq, std::string subject = "resident-1") {
  AuditRecord r;
  r.seq = seq;
  r.at = kStart + milliseconds(seq * 1000);
  r.client_id = "clinic";
  r.subject = std::move(subject);
  r.data = "_default/Person/urn:ngsi-ld:Person:" + std::to_string(seq) + "/name";
  r.purpose = "care";
  r.grant_id = "grant-" + std::to_string(seq);
  return r;
}

// A chain of `n` records, as append() would build it.
std::vector<AuditRecord> chain(int n) {
  std::vector<AuditRecord> out;
  std::string prev(kAuditGenesis);
  for (int seq = 1; seq <= n; ++seq) {
    auto r = record(seq);
    r.prev_hash = prev;
    r.hash = audit_hash(r);
    prev = r.hash;
    out.push_back(std::move(r));
  }
  return out;
}

void expect_bad(const AuditCheck& check, std::int64_t seq, std::string_view problem_part) {
  EXPECT_FALSE(check.ok);
  ASSERT_TRUE(check.first_bad_seq);
  EXPECT_EQ(*check.first_bad_seq, seq);
  EXPECT_NE(check.problem.find(problem_part), std::string::npos) << check.problem;
}

TEST(AuditChain, GenesisIsFortyThreeAs) {
  EXPECT_EQ(kAuditGenesis, std::string(43, 'A'));
}

TEST(AuditChain, HashIsDeterministicBase64urlOfSha256) {
  const auto r = chain(1).front();
  EXPECT_EQ(audit_hash(r), audit_hash(r));
  EXPECT_EQ(audit_hash(r).size(), 43u);
  EXPECT_EQ(audit_hash(r).find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  // The stored hash itself is not part of what is hashed.
  auto copy = r;
  copy.hash = "anything";
  EXPECT_EQ(audit_hash(copy), audit_hash(r));
}

TEST(AuditChain, EveryFieldCountsInTheHash) {
  const auto base = chain(1).front();
  const std::vector<std::function<void(AuditRecord&)>> changes = {
      [](AuditRecord& r) { r.seq += 1; },         [](AuditRecord& r) { r.at += milliseconds(1); },
      [](AuditRecord& r) { r.client_id += "x"; }, [](AuditRecord& r) { r.subject += "x"; },
      [](AuditRecord& r) { r.data += "x"; },      [](AuditRecord& r) { r.purpose += "x"; },
      [](AuditRecord& r) { r.grant_id += "x"; },  [](AuditRecord& r) { r.prev_hash[0] = 'B'; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    auto changed = base;
    changes[i](changed);
    EXPECT_NE(audit_hash(changed), audit_hash(base)) << "change " << i;
  }
}

TEST(AuditChain, FieldBoundariesAreUnambiguous) {
  auto a = record(1);
  auto b = record(1);
  a.client_id = "ab";
  a.subject = "c";
  b.client_id = "a";
  b.subject = "bc";
  EXPECT_NE(audit_hash(a), audit_hash(b));
  // A separator-looking value cannot shift a boundary either.
  a.data = "x";
  a.purpose = "1:y,";
  b = a;
  b.data = "x1:y,";
  b.purpose = "";
  EXPECT_NE(audit_hash(a), audit_hash(b));
  // Nor can digits move between seq and at.
  auto c = record(1);
  auto d = record(1);
  c.seq = 12;
  c.at = model::Timestamp(milliseconds(3));
  d.seq = 1;
  d.at = model::Timestamp(milliseconds(23));
  EXPECT_NE(audit_hash(c), audit_hash(d));
}

TEST(AuditChain, AnIntactChainVerifies) {
  const auto check = verify_chain(chain(5), kAuditGenesis);
  EXPECT_TRUE(check.ok) << check.problem;
  EXPECT_EQ(check.checked, 5);
  EXPECT_FALSE(check.first_bad_seq);
  EXPECT_TRUE(check.problem.empty());
  EXPECT_TRUE(verify_chain({}, kAuditGenesis).ok);
}

TEST(AuditChain, APageVerifiesFromTheHashBeforeIt) {
  const auto all = chain(6);
  const std::vector<AuditRecord> page(all.begin() + 3, all.end());
  EXPECT_TRUE(verify_chain(page, all[2].hash).ok);
  expect_bad(verify_chain(page, kAuditGenesis), 4, "prev_hash");
}

TEST(AuditChain, AChangedFieldIsFound) {
  auto records = chain(5);
  records[2].purpose = "marketing";
  const auto check = verify_chain(records, kAuditGenesis);
  expect_bad(check, 3, "hash does not match");
  EXPECT_EQ(check.checked, 2);
}

TEST(AuditChain, AChangedRecordWithARecomputedHashIsFoundAtTheNext) {
  auto records = chain(5);
  records[2].purpose = "marketing";
  records[2].hash = audit_hash(records[2]);
  expect_bad(verify_chain(records, kAuditGenesis), 4, "prev_hash");
}

TEST(AuditChain, ARemovedRecordIsFound) {
  auto records = chain(5);
  records.erase(records.begin() + 2);
  expect_bad(verify_chain(records, kAuditGenesis), 4, "follows seq 2");
}

TEST(AuditChain, ARemovedFirstRecordIsFound) {
  auto records = chain(3);
  records.erase(records.begin());
  expect_bad(verify_chain(records, kAuditGenesis), 2, "prev_hash");
}

TEST(AuditChain, ARemovedRecordWithRenumberedSeqsIsFound) {
  auto records = chain(5);
  records.erase(records.begin() + 2);
  for (std::size_t i = 2; i < records.size(); ++i) records[i].seq -= 1;
  // Record 3 now holds the old record 4, whose prev_hash names the removed one.
  expect_bad(verify_chain(records, kAuditGenesis), 3, "prev_hash");
}

TEST(AuditChain, ReorderedRecordsAreFound) {
  auto records = chain(5);
  std::swap(records[1], records[2]);
  expect_bad(verify_chain(records, kAuditGenesis), 3, "follows seq 1");
}

TEST(AuditChain, SwappedContentsUnderTheirOldSeqsAreFound) {
  // Someone swaps the rows' contents but leaves the seq column in order.
  auto records = chain(5);
  std::swap(records[1], records[2]);
  std::swap(records[1].seq, records[2].seq);
  expect_bad(verify_chain(records, kAuditGenesis), 2, "prev_hash");
}

TEST(AuditChain, AnInsertedRecordIsFound) {
  auto records = chain(4);
  auto forged = record(3, "resident-2");
  forged.prev_hash = records[1].hash;
  forged.hash = audit_hash(forged);
  records.insert(records.begin() + 2, forged);
  for (std::size_t i = 3; i < records.size(); ++i) records[i].seq += 1;
  // The forged record fits; the one after it names the record it displaced.
  expect_bad(verify_chain(records, kAuditGenesis), 4, "prev_hash");
}

}  // namespace
}  // namespace tsunagu::store
