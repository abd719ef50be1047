// The outbox of mail (notify/mail_outbox.hpp): durable, owner-only .eml files, listed oldest
// first, and never a partial one.

#include "notify/mail_outbox.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <thread>
#include <vector>

#include "mail_test_support.hpp"
#include "notify_test_support.hpp"

namespace tsunagu::notify {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kFrom = "つなぐ <noreply@example.jp>";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class MailOutboxTest : public ::testing::Test {
 protected:
  MailOutboxTest()
      : clock_(model::Timestamp{
            std::chrono::sys_days{std::chrono::January / 31 / 2024}.time_since_epoch() + 9h +
            30min}) {}

  std::unique_ptr<MailOutbox> open() {
    auto outbox = MailOutbox::open(dir_.path() / "var" / "outbox", kFrom, clock_);
    EXPECT_TRUE(outbox) << outbox.error().message;
    return outbox ? std::move(*outbox) : nullptr;
  }

  notify::testing::TempDir dir_;
  model::ManualClock clock_;
};

TEST_F(MailOutboxTest, SpoolsACompleteOwnerOnlyFile) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  const Mail mail{"hanako@example.jp", "パスワードの再設定",
                  "https://id.example.jp/reset?t=secret\n"};
  ASSERT_TRUE(outbox->send(mail));
  const auto files = outbox->pending();
  ASSERT_EQ(files.size(), 1U);
  const auto name = files[0].filename().string();
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(20240131T093000Z-[0-9a-f]{16}\.eml)"))) << name;
  EXPECT_EQ(files[0].parent_path(), dir_.path() / "var" / "outbox");
  EXPECT_EQ(mode_of(files[0]), 0600U);
  EXPECT_EQ(mode_of(outbox->directory()), 0700U);
  // The file is the rendered message, its Message-ID made of the file name and the From domain.
  const auto stem = files[0].stem().string();
  EXPECT_EQ(read(files[0]), render_eml(mail, kFrom, clock_.now(), stem + "@example.jp"));
}

TEST_F(MailOutboxTest, RefusesBadMailAndWritesNothing) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  const auto st = outbox->send({"hanako@example.jp", "a\r\nBcc: x@example.com", "text"});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::BadRequestData);
  EXPECT_FALSE(outbox->send({"not an address", "s", "text"}));
  EXPECT_TRUE(outbox->pending().empty());
  EXPECT_TRUE(fs::is_empty(outbox->directory()));
}

TEST_F(MailOutboxTest, RefusesAFromThatIsNoMailbox) {
  auto outbox = MailOutbox::open(dir_.path() / "outbox", "Tsunagu <noreply>", clock_);
  ASSERT_FALSE(outbox);
  EXPECT_EQ(outbox.error().kind, ErrorKind::InvalidRequest);
}

TEST_F(MailOutboxTest, PendingIsOldestFirst) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  // By the time in the name first: the random part must not decide.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(outbox->send({"n" + std::to_string(i) + "@example.jp", "s", "t"}));
    clock_.advance(1s);
  }
  auto files = outbox->pending();
  ASSERT_EQ(files.size(), 5U);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(header_address(read(files[i]), "To"), "n" + std::to_string(i) + "@example.jp");
  }
  // Within one second by modification time: here set by hand, newest first, to prove it.
  for (auto& f : files) fs::remove(f);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(outbox->send({"m" + std::to_string(i) + "@example.jp", "s", "t"}));
  }
  files = outbox->pending();
  ASSERT_EQ(files.size(), 3U);
  const auto base = fs::file_time_type::clock::now();
  for (std::size_t i = 0; i < files.size(); ++i) {
    fs::last_write_time(files[i], base - std::chrono::seconds(static_cast<int>(i)));
  }
  const auto reordered = outbox->pending();
  ASSERT_EQ(reordered.size(), 3U);
  EXPECT_EQ(reordered[0], files[2]);
  EXPECT_EQ(reordered[1], files[1]);
  EXPECT_EQ(reordered[2], files[0]);
}

TEST_F(MailOutboxTest, OnlyCompleteFilesAreListedAndCrashLeftoversRemoved) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  ASSERT_TRUE(outbox->send({"hanako@example.jp", "s", "t"}));
  const auto dir = outbox->directory();
  // What a crash in the middle of send() leaves, and what else may be around.
  std::ofstream(dir / ".20240131T093000Z-00000000000000aa.eml.1234abcd.tmp") << "From: half";
  std::ofstream(dir / "notes.txt") << "not mail";
  fs::create_directory(dir / "sent");
  std::ofstream(dir / "sent" / "20240101T000000Z-0000000000000000.eml") << "sent already";
  fs::create_directory(dir / "odd.eml");
  EXPECT_EQ(outbox->pending().size(), 1U);
  outbox.reset();
  outbox = open();
  ASSERT_TRUE(outbox);
  EXPECT_FALSE(fs::exists(dir / ".20240131T093000Z-00000000000000aa.eml.1234abcd.tmp"));
  EXPECT_TRUE(fs::exists(dir / "notes.txt"));
  EXPECT_EQ(outbox->pending().size(), 1U);
}

// Readers never see a file that is still being written: every listed file is complete.
TEST_F(MailOutboxTest, ConcurrentSendsAreAtomicAndCallBack) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  std::atomic<int> callbacks{0};
  outbox->on_send([&] { ++callbacks; });
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "長い本文の行です。";
  std::atomic<bool> done{false};
  std::atomic<int> checked{0};
  std::thread reader([&] {
    while (!done) {
      for (const auto& file : outbox->pending()) {
        const auto content = read(file);
        if (content.empty() && !fs::exists(file)) continue;  // removed meanwhile: not ours
        const auto [head, body] = notify::testing::split_message(content);
        ASSERT_TRUE(content.ends_with("\r\n")) << file;
        ASSERT_EQ(notify::testing::base64_decode(body).size(), text.size()) << file;
        ++checked;
      }
    }
  });
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        EXPECT_TRUE(outbox->send({"u" + std::to_string(t * 100 + i) + "@example.jp", "s", text}));
      }
    });
  }
  for (auto& s : senders) s.join();
  done = true;
  reader.join();
  EXPECT_EQ(callbacks, 40);
  const auto files = outbox->pending();
  ASSERT_EQ(files.size(), 40U);
  std::set<std::string> recipients;
  for (const auto& f : files) {
    EXPECT_EQ(mode_of(f), 0600U);
    recipients.insert(*header_address(read(f), "To"));
  }
  EXPECT_EQ(recipients.size(), 40U);
  EXPECT_GT(checked, 0);
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(outbox->directory())) {
    EXPECT_TRUE(entry.path().extension() == ".eml") << entry.path();
  }
}

TEST_F(MailOutboxTest, TheCallbackRunsOnceTheFileIsThere) {
  auto outbox = open();
  ASSERT_TRUE(outbox);
  std::size_t seen = 0;
  outbox->on_send([&] { seen = outbox->pending().size(); });
  ASSERT_TRUE(outbox->send({"hanako@example.jp", "s", "t"}));
  EXPECT_EQ(seen, 1U);
  outbox->on_send({});
  ASSERT_TRUE(outbox->send({"hanako@example.jp", "s", "t"}));
  EXPECT_EQ(seen, 1U);
}

}  // namespace
}  // namespace tsunagu::notify
