// `tsunagu audit verify` and `tsunagu audit export` (app/admin_commands.hpp), called as main()
// calls them, on a platform database filled through the store and tampered with through raw
// sqlite3. Small pages make the chain cross page boundaries. (tests/integration/audit_cli_test.cpp
// runs the binary itself, on an empty log.)

#include <boost/json/parse.hpp>
#include <sstream>

#include "app/admin_commands.hpp"
#include "audit_test_support.hpp"

namespace tsunagu::store::sqlite {
namespace {

class AuditCommands : public AuditDbTest {
 protected:
  void fill(int n) {
    for (int i = 1; i <= n; ++i) append("resident-" + std::to_string(i % 3), i);
    db_.reset();  // the command opens the file itself, as it would beside a running server
  }

  // Runs `tsunagu audit verify` with pages of `page` records: its exit code; output in out_.
  int verify(std::size_t page = app::kAuditPage) {
    app::Config config;
    config.data_dir = location_.dir;
    out_.str("");
    return app::verify_audit(config, out_, page);
  }

  std::ostringstream out_;
};

TEST_P(AuditCommands, AnEmptyLogIsIntact) {
  db_.reset();
  EXPECT_EQ(verify(), 0);
  EXPECT_EQ(out_.str(), "audit log intact: 0 records\n");
}

TEST_P(AuditCommands, AnIntactLogVerifiesAcrossPages) {
  fill(7);
  for (std::size_t page : {std::size_t{1}, std::size_t{3}, std::size_t{7}, app::kAuditPage}) {
    EXPECT_EQ(verify(page), 0) << out_.str();
    EXPECT_EQ(out_.str().rfind("audit log intact: 7 records\nlast: seq 7 hash ", 0), 0u)
        << out_.str();
  }
}

TEST_P(AuditCommands, AChangedFieldIsReported) {
  fill(7);
  tamper("UPDATE audit_log SET data = 'something else' WHERE seq = 5");
  EXPECT_EQ(verify(3), 1);
  EXPECT_EQ(out_.str(),
            "audit log broken at seq 5: hash does not match the record's fields: the record was "
            "changed (4 records intact before it)\n");
}

TEST_P(AuditCommands, ARecordRemovedAtAPageBoundaryIsReported) {
  fill(7);
  tamper("DELETE FROM audit_log WHERE seq = 4");
  EXPECT_EQ(verify(3), 1);
  EXPECT_EQ(out_.str().rfind("audit log broken at seq 5: seq 5 where seq 4 was expected", 0), 0u)
      << out_.str();
  EXPECT_EQ(verify(), 1);
  EXPECT_EQ(out_.str().rfind("audit log broken at seq 5: seq 5 follows seq 3", 0), 0u)
      << out_.str();
}

TEST_P(AuditCommands, ARemovedFirstRecordIsReported) {
  fill(3);
  tamper("DELETE FROM audit_log WHERE seq = 1");
  EXPECT_EQ(verify(), 1);
  EXPECT_EQ(out_.str().rfind("audit log broken at seq 2: ", 0), 0u) << out_.str();
}

TEST_P(AuditCommands, SwappedRowsAreReported) {
  fill(4);
  tamper(
      "UPDATE audit_log SET seq = -2 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; "
      "UPDATE audit_log SET seq = 3 WHERE seq = -2;");
  EXPECT_EQ(verify(), 1);
  EXPECT_EQ(out_.str().rfind("audit log broken at seq 2: ", 0), 0u) << out_.str();
}

TEST_P(AuditCommands, ExportPrintsOneJsonObjectPerRecord) {
  fill(4);
  app::Config config;
  config.data_dir = location_.dir;
  std::ostringstream out;
  ASSERT_EQ(app::export_audit(config, out, 3), 0);
  std::istringstream lines(out.str());
  std::int64_t seq = 0;
  for (std::string line; std::getline(lines, line);) {
    const auto v = boost::json::parse(line);
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("seq").as_int64(), ++seq);
    EXPECT_EQ(o.at("subject").as_string(), "resident-" + std::to_string(seq % 3));
    EXPECT_EQ(o.at("at").as_string(), model::format_datetime(access("", static_cast<int>(seq)).at));
    for (const char* key : {"client_id", "data", "purpose", "grant_id", "prev_hash", "hash"}) {
      EXPECT_TRUE(o.at(key).is_string()) << key;
    }
  }
  EXPECT_EQ(seq, 4);
}

// The commands read <data-dir>/platform.sqlite: SQLite only.
INSTANTIATE_TEST_SUITE_P(Backends, AuditCommands,
                         ::testing::Values(tsunagu::testing::Backend::Sqlite),
                         tsunagu::testing::backend_name);

}  // namespace
}  // namespace tsunagu::store::sqlite
