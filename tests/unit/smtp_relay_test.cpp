// The SMTP relay (notify/smtp_relay.hpp) against a real SMTP server: Debian's aiosmtpd, started on
// a free loopback port with a small handler (written below) that keeps each message's bytes and
// envelope, refuses recipients called unknown@ (550) and defers those called busy@ (451).

#include "notify/smtp_relay.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "mail_test_support.hpp"
#include "notify/mail.hpp"
#include "notify/mail_outbox.hpp"
#include "notify_test_support.hpp"

extern char** environ;

namespace tsunagu::notify {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using notify::testing::TempDir;
using notify::testing::wait_until;

constexpr std::string_view kHandler = R"PY(
import itertools, os


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.count = itertools.count(1)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("recorder.Handler needs the directory to write to")
        return cls(args[0])

    def log_rcpt(self, address):
        with open(os.path.join(self.directory, "rcpt.log"), "a") as log:
            log.write(address + "\n")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.log_rcpt(address)
        if address.startswith("unknown@"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if address.startswith("busy@"):
            return "451 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        base = os.path.join(self.directory, "%04d" % next(self.count))
        with open(base + ".env", "w") as env:
            env.write(envelope.mail_from + "\n" + ",".join(envelope.rcpt_tos) + "\n")
        with open(base + ".part", "wb") as data:
            data.write(envelope.original_content)
        os.rename(base + ".part", base + ".eml")
        return "250 2.0.0 Ok: queued"
)PY";

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> files_with(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == extension) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool accepts_connections(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// `python3 -m aiosmtpd` with the handler above, on 127.0.0.1:port; killed when destroyed.
class SmtpServer {
 public:
  SmtpServer(const fs::path& work, unsigned short port, std::vector<std::string> tls_args = {})
      : port_(port), received_(work / ("received-" + std::to_string(port))) {
    fs::create_directories(received_);
    std::ofstream(work / "recorder.py") << kHandler;
    std::vector<std::string> args = {
        "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port)};
    args.insert(args.end(), tls_args.begin(), tls_args.end());
    for (const auto* a : {"-c", "recorder.Handler"}) args.emplace_back(a);
    args.push_back(received_.string());
    std::vector<std::string> env = {"PYTHONPATH=" + work.string(), "PYTHONDONTWRITEBYTECODE=1"};
    for (char** e = environ; *e != nullptr; ++e) {
      if (!std::string_view(*e).starts_with("PYTHONPATH=")) env.emplace_back(*e);
    }
    spawn(args, env, work / ("server-" + std::to_string(port) + ".log"));
  }
  ~SmtpServer() { kill(); }
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;

  // Waits until the server accepts connections (Python takes a moment to start).
  bool ready() const {
    return wait_until([&] { return accepts_connections(port_); }, 10s);
  }

  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  // The messages received, in order of arrival.
  std::vector<fs::path> messages() const { return files_with(received_, ".eml"); }
  // "MAIL FROM\nRCPT TO\n" of the nth message (from 0).
  std::string envelope(std::size_t n) const {
    auto path = messages().at(n);
    return read(path.replace_extension(".env"));
  }
  // The recipients that the server was asked for, in order (RCPT TO), accepted or not.
  std::string rcpt_log() const { return read(received_ / "rcpt.log"); }

 private:
  void spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
             const fs::path& log) {
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data()) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }

  unsigned short port_;
  fs::path received_;
  pid_t pid_ = -1;
};

// A listener that accepts connections (the kernel completes them) but never says a word: an SMTP
// server that hangs before its greeting.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::listen(fd_, 16);
    socklen_t size = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

class SmtpRelayTest : public ::testing::Test {
 protected:
  SmtpRelayTest()
      : clock_(model::Timestamp{
            std::chrono::sys_days{std::chrono::April / 1 / 2024}.time_since_epoch()}) {
    auto outbox = MailOutbox::open(dir_.path() / "outbox", "つなぐ <noreply@example.jp>", clock_);
    if (outbox) outbox_ = std::move(*outbox);
  }

  void TearDown() override {
    if (relay_) relay_->stop();
    relay_.reset();
    server_.reset();  // kills it
  }

  void start_server(unsigned short port, std::vector<std::string> tls_args = {}) {
    server_.emplace(dir_.path(), port, std::move(tls_args));
    ASSERT_TRUE(server_->ready()) << "aiosmtpd did not start; see " << dir_.path();
  }

  SmtpRelayOptions fast() const {
    SmtpRelayOptions options;
    options.initial_backoff = 100ms;
    options.max_backoff = 400ms;
    options.scan_interval = 60s;  // only wake() and retries make it look
    return options;
  }

  void start_relay(SmtpSettings settings, SmtpRelayOptions options) {
    auto relay = SmtpRelay::create(outbox_->directory(), std::move(settings), options);
    ASSERT_TRUE(relay) << relay.error().message;
    relay_ = std::move(*relay);
    outbox_->on_send([relay = relay_.get()] { relay->wake(); });
    relay_->start();
  }

  void start_relay(std::string url) {
    SmtpSettings settings;
    settings.url = std::move(url);
    start_relay(std::move(settings), fast());
  }

  std::vector<fs::path> sent() const { return files_with(outbox_->directory() / "sent", ".eml"); }
  std::vector<fs::path> failed() const {
    return files_with(outbox_->directory() / "failed", ".eml");
  }

  TempDir dir_;
  model::ManualClock clock_;
  std::unique_ptr<MailOutbox> outbox_;
  std::optional<SmtpServer> server_;
  std::unique_ptr<SmtpRelay> relay_;
};

const Mail kAscii{"hanako@example.jp", "Confirm your e-mail address",
                  "Open this link:\nhttps://id.example.jp/verify?code=abc\n.\n.hidden dot line\n"};
const Mail kJapanese{"taro@example.jp", "【つなぐ】パスワードの再設定のご案内（二十四時間有効）",
                     "山田太郎様\n\n下のリンクからパスワードを再設定してください。\n"
                     "https://id.example.jp/reset?token=s3cret\n"};

TEST_F(SmtpRelayTest, DeliversSpooledMailByteForByteAndMovesItToSent) {
  ASSERT_TRUE(outbox_);
  ASSERT_NO_FATAL_FAILURE(start_server(testing::closed_port()));
  // Both spooled before the relay starts: a running relay could send the first before the
  // second is written, and the originals could not both be read from the spool.
  ASSERT_TRUE(outbox_->send(kAscii));
  clock_.advance(1s);
  ASSERT_TRUE(outbox_->send(kJapanese));
  const auto spooled = outbox_->pending();
  ASSERT_EQ(spooled.size(), 2U);
  std::vector<std::string> originals = {read(spooled[0]), read(spooled[1])};
  start_relay(server_->url());

  ASSERT_TRUE(wait_until([&] { return sent().size() == 2; }, 5s));
  EXPECT_TRUE(outbox_->pending().empty());
  const auto received = server_->messages();
  ASSERT_EQ(received.size(), 2U);
  // Oldest first, each exactly the spooled bytes, then kept in sent/ as they were.
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(read(received[i]), originals[i]);
    EXPECT_EQ(read(outbox_->directory() / "sent" / spooled[i].filename()), originals[i]);
  }
  EXPECT_EQ(server_->envelope(0), "noreply@example.jp\nhanako@example.jp\n");
  EXPECT_EQ(server_->envelope(1), "noreply@example.jp\ntaro@example.jp\n");
  // What the resident reads: subject and text, decoded.
  for (const auto& [file, mail] :
       {std::pair{received[0], kAscii}, std::pair{received[1], kJapanese}}) {
    const auto [head, body] = notify::testing::split_message(read(file));
    EXPECT_EQ(notify::testing::decode_words(notify::testing::header_lines(head).at("Subject")),
              mail.subject);
    std::string canonical;
    for (char c : mail.text) canonical += c == '\n' ? std::string("\r\n") : std::string(1, c);
    EXPECT_EQ(notify::testing::base64_decode(body), canonical);
  }
}

TEST_F(SmtpRelayTest, MailLeftFromBeforeAStartIsSentAtOnce) {
  ASSERT_TRUE(outbox_);
  ASSERT_TRUE(outbox_->send(kAscii));  // no relay yet: as after a crash or with SMTP off
  ASSERT_NO_FATAL_FAILURE(start_server(testing::closed_port()));
  SmtpSettings settings;
  settings.url = server_->url();
  settings.from = "Bounces <bounces@example.jp>";
  auto options = fast();
  auto relay = SmtpRelay::create(outbox_->directory(), settings, options);
  ASSERT_TRUE(relay);
  relay_ = std::move(*relay);
  relay_->start();  // no wake(): the first scan finds it
  ASSERT_TRUE(wait_until([&] { return sent().size() == 1; }, 5s));
  EXPECT_EQ(server_->envelope(0), "bounces@example.jp\nhanako@example.jp\n");
}

TEST_F(SmtpRelayTest, ARejectedRecipientGoesToFailedAndHoldsUpNobody) {
  ASSERT_TRUE(outbox_);
  ASSERT_NO_FATAL_FAILURE(start_server(testing::closed_port()));
  ASSERT_TRUE(outbox_->send({"unknown@example.jp", "s", "t"}));
  clock_.advance(1s);
  ASSERT_TRUE(outbox_->send(kAscii));
  start_relay(server_->url());
  ASSERT_TRUE(wait_until([&] { return sent().size() == 1 && failed().size() == 1; }, 5s));
  EXPECT_TRUE(outbox_->pending().empty());
  const auto rejected = failed()[0];
  const auto reason = read(fs::path(rejected).replace_extension(".reason"));
  EXPECT_NE(reason.find("RCPT TO refused"), std::string::npos) << reason;
  EXPECT_NE(reason.find("550 5.1.1"), std::string::npos) << reason;
  EXPECT_EQ(header_address(read(rejected), "To"), "unknown@example.jp");
  EXPECT_EQ(server_->messages().size(), 1U);
  EXPECT_EQ(server_->rcpt_log(), "unknown@example.jp\nhanako@example.jp\n");  // tried once
}

TEST_F(SmtpRelayTest, ADeferredRecipientIsRetriedWhileOthersGoOn) {
  ASSERT_TRUE(outbox_);
  ASSERT_NO_FATAL_FAILURE(start_server(testing::closed_port()));
  ASSERT_TRUE(outbox_->send({"busy@example.jp", "s", "t"}));
  clock_.advance(1s);
  ASSERT_TRUE(outbox_->send(kAscii));
  start_relay(server_->url());
  ASSERT_TRUE(wait_until([&] { return sent().size() == 1; }, 5s));
  // Retried after its backoff (100 ms, then 200 ms, ...), and still waiting in the outbox.
  const auto busy_attempts = [&] {
    const auto log = server_->rcpt_log();
    int n = 0;
    for (auto at = log.find("busy@"); at != std::string::npos; at = log.find("busy@", at + 1)) ++n;
    return n;
  };
  ASSERT_TRUE(wait_until([&] { return busy_attempts() >= 3; }, 5s)) << server_->rcpt_log();
  ASSERT_EQ(outbox_->pending().size(), 1U);
  EXPECT_EQ(header_address(read(outbox_->pending()[0]), "To"), "busy@example.jp");
  EXPECT_TRUE(failed().empty());
}

TEST_F(SmtpRelayTest, AServerThatIsDownMeansRetryUntilItIsUp) {
  ASSERT_TRUE(outbox_);
  const auto port = testing::closed_port();
  start_relay("smtp://127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(outbox_->send(kJapanese));
  std::this_thread::sleep_for(500ms);  // a few attempts fail (connection refused)
  ASSERT_EQ(outbox_->pending().size(), 1U);
  EXPECT_TRUE(failed().empty());
  ASSERT_NO_FATAL_FAILURE(start_server(port));
  ASSERT_TRUE(wait_until([&] { return sent().size() == 1; }, 5s));
  EXPECT_TRUE(outbox_->pending().empty());
  ASSERT_EQ(server_->messages().size(), 1U);
  EXPECT_EQ(read(server_->messages()[0]), read(sent()[0]));
}

TEST_F(SmtpRelayTest, StopIsPromptWhileAServerHangs) {
  ASSERT_TRUE(outbox_);
  SilentServer silent;
  SmtpSettings settings;
  settings.url = silent.url();
  settings.timeout = 10s;
  start_relay(settings, fast());
  ASSERT_TRUE(outbox_->send(kAscii));
  std::this_thread::sleep_for(300ms);  // connected, waiting for a greeting that never comes
  const auto before = std::chrono::steady_clock::now();
  relay_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_EQ(outbox_->pending().size(), 1U);  // abandoned before any byte of it was sent: kept
}

TEST_F(SmtpRelayTest, TheTimeoutBoundsAnAttempt) {
  ASSERT_TRUE(outbox_);
  SilentServer silent;
  SmtpSettings settings;
  settings.url = silent.url();
  settings.timeout = 300ms;
  start_relay(settings, fast());
  ASSERT_TRUE(outbox_->send(kAscii));
  std::this_thread::sleep_for(1500ms);  // several attempts time out
  EXPECT_EQ(outbox_->pending().size(), 1U);
  EXPECT_TRUE(failed().empty());
}

TEST_F(SmtpRelayTest, StopIsPromptWhenIdle) {
  ASSERT_TRUE(outbox_);
  start_relay("smtp://127.0.0.1:" + std::to_string(testing::closed_port()));
  std::this_thread::sleep_for(50ms);
  const auto before = std::chrono::steady_clock::now();
  relay_->stop();
  relay_->stop();  // idempotent
  EXPECT_LT(std::chrono::steady_clock::now() - before, 500ms);
}

TEST_F(SmtpRelayTest, RequireTlsRefusesAServerWithoutStartTls) {
  ASSERT_TRUE(outbox_);
  ASSERT_NO_FATAL_FAILURE(start_server(testing::closed_port()));
  SmtpSettings settings;
  settings.url = server_->url();
  settings.require_tls = true;
  start_relay(settings, fast());
  ASSERT_TRUE(outbox_->send(kAscii));
  std::this_thread::sleep_for(700ms);
  EXPECT_TRUE(server_->messages().empty());
  EXPECT_EQ(outbox_->pending().size(), 1U);  // kept for when TLS works
  EXPECT_TRUE(failed().empty());
}

class SmtpRelayTlsTest : public SmtpRelayTest {
 protected:
  void SetUp() override {
    const auto identity = testing::make_self_signed_identity();
    cert_ = dir_.write("cert.pem", identity.certificate_pem);
    key_ = dir_.write("key.pem", identity.private_key_pem);
  }
  fs::path cert_, key_;
};

TEST_F(SmtpRelayTlsTest, StartTlsWhenRequired) {
  ASSERT_TRUE(outbox_);
  ASSERT_NO_FATAL_FAILURE(start_server(testing::closed_port(),
                                       {"--tlscert", cert_.string(), "--tlskey", key_.string()}));
  SmtpSettings settings;
  settings.url = server_->url();
  settings.require_tls = true;
  settings.tls.ca_file = cert_.string();
  start_relay(settings, fast());
  ASSERT_TRUE(outbox_->send(kJapanese));
  ASSERT_TRUE(wait_until([&] { return sent().size() == 1; }, 5s));
  EXPECT_EQ(read(server_->messages().at(0)), read(sent()[0]));
}

TEST_F(SmtpRelayTlsTest, SmtpsWithAnUntrustedCertificateIsRetriedNotDelivered) {
  ASSERT_TRUE(outbox_);
  const auto port = testing::closed_port();
  ASSERT_NO_FATAL_FAILURE(
      start_server(port, {"--smtpscert", cert_.string(), "--smtpskey", key_.string()}));
  start_relay("smtps://127.0.0.1:" + std::to_string(port));  // the system trust store only
  ASSERT_TRUE(outbox_->send(kAscii));
  std::this_thread::sleep_for(700ms);
  EXPECT_TRUE(server_->messages().empty());
  EXPECT_EQ(outbox_->pending().size(), 1U);
}

TEST_F(SmtpRelayTlsTest, SmtpsWithTheCertificateTrusted) {
  ASSERT_TRUE(outbox_);
  const auto port = testing::closed_port();
  ASSERT_NO_FATAL_FAILURE(
      start_server(port, {"--smtpscert", cert_.string(), "--smtpskey", key_.string()}));
  SmtpSettings settings;
  settings.url = "smtps://127.0.0.1:" + std::to_string(port);
  settings.tls.ca_file = cert_.string();
  start_relay(settings, fast());
  ASSERT_TRUE(outbox_->send(kAscii));
  ASSERT_TRUE(wait_until([&] { return sent().size() == 1; }, 5s));
}

TEST(SmtpSettingsTest, UrlsAreCheckedBeforeUse) {
  for (const auto* good : {"smtp://127.0.0.1:25", "smtps://mail.example.jp:465", "smtp://relay",
                           "smtp://[::1]:2525/"}) {
    EXPECT_TRUE(check_smtp_url(good)) << good;
  }
  for (const auto* bad :
       {"", "mail.example.jp:25", "http://mail.example.jp", "smtp://user:pw@mail.example.jp",
        "smtp://mail.example.jp/ehlo.name", "smtp://mail.example.jp?x=1", "smtp://"}) {
    const auto st = check_smtp_url(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().kind, ErrorKind::InvalidRequest);
  }
}

TEST(SmtpSettingsTest, CreateRefusesSettingsThatCannotWork) {
  TempDir dir;
  auto with = [](auto change) {
    SmtpSettings s;
    s.url = "smtp://127.0.0.1:2525";
    change(s);
    return s;
  };
  EXPECT_TRUE(SmtpRelay::create(dir.path(), with([](SmtpSettings&) {})));
  EXPECT_TRUE(fs::is_directory(dir.path() / "sent"));
  EXPECT_TRUE(fs::is_directory(dir.path() / "failed"));
  EXPECT_FALSE(SmtpRelay::create(dir.path(), with([](SmtpSettings& s) { s.url = "ftp://x"; })));
  EXPECT_FALSE(SmtpRelay::create(dir.path(), with([](SmtpSettings& s) { s.from = "nobody"; })));
  EXPECT_FALSE(SmtpRelay::create(dir.path(), with([](SmtpSettings& s) { s.timeout = 0ms; })));
  EXPECT_FALSE(SmtpRelay::create(dir.path(), with([](SmtpSettings& s) { s.password = "pw"; })));
}

}  // namespace
}  // namespace tsunagu::notify
