// A node's name (app/node_name.hpp): made once per data directory and kept across restarts.

#include "app/node_name.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace tsunagu::app {
namespace {

namespace fs = std::filesystem;

class NodeNameTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("tsunagu-node-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(NodeNameTest, IsMadeOnceAndKeptInTheDataDirectory) {
  auto first = node_name(root_ / "a");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->size(), 22u);
  auto again = node_name(root_ / "a");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *first);
  std::ifstream in(root_ / "a" / "node");
  std::string stored;
  std::getline(in, stored);
  EXPECT_EQ(stored, *first);
  EXPECT_FALSE(fs::exists(root_ / "a" / "node.partial"));
}

TEST_F(NodeNameTest, EachDataDirectoryHasItsOwnName) {
  auto a = node_name(root_ / "a");
  auto b = node_name(root_ / "b");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST_F(NodeNameTest, AnUnwritableDataDirectoryIsAnError) {
  fs::create_directories(root_);
  std::ofstream(root_ / "file") << "x";
  auto name = node_name(root_ / "file" / "data");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().kind, ErrorKind::InternalError);
  EXPECT_NE(name.error().message.find("node"), std::string::npos) << name.error().message;
}

}  // namespace
}  // namespace tsunagu::app
