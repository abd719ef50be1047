// `tsunagu audit verify` and `tsunagu audit export` as an operator runs them. Records cannot be
// made through the binary yet (nothing writes the audit log until the read paths do), so this
// checks the commands on a fresh data directory; the unit tests (audit_commands_test.cpp) cover
// filled and tampered logs.

#include <gtest/gtest.h>

#include "harness.hpp"
#include "oidc_support.hpp"

namespace tsunagu::it {
namespace {

TEST(AuditCli, AFreshLogIsIntactAndExportsNothing) {
  const auto dir = make_temp_dir("tsunagu-audit-cli-");
  const auto verify = run_tsunagu({"audit", "verify", "--data-dir", dir.string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_EQ(verify.output, "audit log intact: 0 records\n");
  const auto exported = run_tsunagu({"audit", "export", "--data-dir", dir.string()});
  EXPECT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_EQ(exported.output, "");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(AuditCli, ASubcommandIsRequired) {
  const auto run = run_tsunagu({"audit"});
  EXPECT_NE(run.exit_code, 0) << run.output;
}

}  // namespace
}  // namespace tsunagu::it
