#include "notify/smtp_relay.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/url/parse.hpp>
#include <cctype>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>

#include "notify/mail.hpp"
#include "notify/mail_outbox.hpp"

namespace tsunagu::notify {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

std::unexpected<Error> bad_settings(std::string message) {
  return fail(ErrorKind::InvalidRequest, "smtp: " + std::move(message));
}

// libcurl's global state is set up once per process, before the first handle; it is never torn
// down (other modules may use libcurl too, and the process ends soon after the relay).
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What one attempt came to, and what follows for the file.
struct Outcome {
  enum class Kind {
    Delivered,    // -> sent/
    Rejected,     // a 5xx for this mail, or a file that cannot be sent: -> failed/
    RetryMail,    // a 4xx for this mail: the file waits for its own backoff
    RetryServer,  // no usable server: everything waits for the relay's backoff
    Abandoned,    // stop() came during the upload: the file stays, untouched
  };
  Kind kind;
  std::string reason;
};

// The SMTP dialogue as libcurl reports it (CURLOPT_DEBUGFUNCTION): the last command sent and the
// last reply line received, which say at which step a failure happened. The QUIT that libcurl
// sends while closing a failed connection is not the step that failed, so it ends the record.
struct Dialogue {
  std::string command;  // the verb only: an AUTH line's arguments are credentials
  std::string reply;    // the last reply line, without CRLF
  int code = 0;         // its reply code, 0 before any
  bool quitting = false;

  void sent(std::string_view line) {
    if (quitting) return;
    std::string verb;
    for (char c : line.substr(0, line.find_first_of(" :\r\n"))) {
      verb += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    static const std::set<std::string> kVerbs = {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
                                                 "RCPT", "DATA", "RSET",     "NOOP", "QUIT"};
    if (verb == "QUIT") {
      quitting = true;
      return;
    }
    // The lines of an AUTH exchange after the first carry no verb (they are base64).
    command = kVerbs.contains(verb) ? verb : "AUTH";
  }

  void received(std::string_view line) {
    if (quitting) return;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    reply = std::string(line.substr(0, 512));
    const bool coded = line.size() >= 3 && std::all_of(line.begin(), line.begin() + 3,
                                                       [](char c) { return c >= '0' && c <= '9'; });
    code = coded ? std::stoi(std::string(line.substr(0, 3))) : 0;
  }
};

int on_debug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto& dialogue = *static_cast<Dialogue*>(user);
  const std::string_view text(data, size);
  if (type == CURLINFO_HEADER_OUT) dialogue.sent(text);
  if (type == CURLINFO_HEADER_IN) dialogue.received(text);
  return 0;
}

// The sockets of one transfer, opened and closed through libcurl's callbacks so that an abandoned
// transfer can be cut off: libcurl says goodbye (QUIT) while a handle is removed, and would wait
// for the answer of a server that hangs up to the timeout. Shut down, the socket fails at once.
// Only the relay thread touches it (the callbacks run inside curl_multi_* calls made there).
struct Sockets {
  std::set<curl_socket_t> open;

  void shut_down() const {
    for (auto fd : open) ::shutdown(fd, SHUT_RDWR);
  }
};

curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
  const auto fd = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd >= 0) static_cast<Sockets*>(user)->open.insert(fd);
  return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

int on_close_socket(void* user, curl_socket_t fd) {
  static_cast<Sockets*>(user)->open.erase(fd);
  return ::close(fd);
}

// The upload: the file's bytes, as they are.
struct Upload {
  std::string_view rest;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
  auto& upload = *static_cast<Upload*>(user);
  const auto n = std::min(size * count, upload.rest.size());
  std::copy_n(upload.rest.data(), n, buffer);
  upload.rest.remove_prefix(n);
  return n;
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return std::nullopt;
  return content;
}

std::chrono::milliseconds backoff(const SmtpRelayOptions& options, unsigned failures) {
  auto delay = options.initial_backoff;
  for (unsigned i = 1; i < failures && delay < options.max_backoff; ++i) delay *= 2;
  return std::min(delay, std::max(options.max_backoff, options.initial_backoff));
}

using EasyHandle = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using Recipients = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

Status check_smtp_url(std::string_view url) {
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || (parsed->scheme() != "smtp" && parsed->scheme() != "smtps") ||
      parsed->host().empty() || parsed->has_userinfo() || parsed->has_query() ||
      parsed->has_fragment() || (!parsed->path().empty() && parsed->path() != "/")) {
    // A URL with '@' may hold a password: it is not repeated in a message that gets logged.
    const auto shown = url.find('@') == std::string_view::npos ? "'" + std::string(url) + "'"
                                                               : std::string("the URL");
    return bad_settings(shown +
                        " must be smtp://host[:port] or smtps://host[:port] (credentials go in "
                        "the username and password settings)");
  }
  return ok();
}

// The relay thread's side: which files wait for a retry, how long the server is avoided, and one
// libcurl multi handle whose poll stop() can interrupt.
class SmtpRelay::Worker {
 public:
  Worker(const fs::path& outbox, const SmtpSettings& settings, const SmtpRelayOptions& options,
         const std::atomic<bool>& stopping, CURLM* multi)
      : outbox_(outbox),
        settings_(settings),
        options_(options),
        stopping_(stopping),
        multi_(multi),
        envelope_from_(settings.from.empty() ? std::string()
                                             : parse_mailbox(settings.from)->address) {}
  ~Worker() { curl_multi_cleanup(multi_); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Makes a running poll return at once (and the next one, when none runs). Any thread.
  void interrupt() { curl_multi_wakeup(multi_); }

  // Attempts every file that is due, oldest first, until stopped or the server is to be avoided.
  // Returns when the next retry falls due (time_point::max() when none waits).
  SteadyClock::time_point round() {
    const auto files = spooled_mail(outbox_);
    forget_missing(files);
    for (const auto& file : files) {
      if (stopping_ || SteadyClock::now() < server_retry_at_) break;
      auto& state = files_[file.filename().string()];
      if (SteadyClock::now() < state.retry_at) continue;
      if (state.sent) {  // delivered, but the move to sent/ failed: move it, never send it again
        to_sent(file, state);
        continue;
      }
      settle(file, state, attempt(file));
    }
    return next_due();
  }

 private:
  struct FileState {
    unsigned failures = 0;
    SteadyClock::time_point retry_at{};
    bool sent = false;
  };

  void forget_missing(const std::vector<fs::path>& files) {
    std::set<std::string> names;
    for (const auto& f : files) names.insert(f.filename().string());
    std::erase_if(files_, [&](const auto& entry) { return !names.contains(entry.first); });
  }

  SteadyClock::time_point next_due() const {
    auto due = SteadyClock::time_point::max();
    if (server_retry_at_ > SteadyClock::now()) return server_retry_at_;
    for (const auto& [name, state] : files_) due = std::min(due, state.retry_at);
    return due;
  }

  void settle(const fs::path& file, FileState& state, const Outcome& outcome) {
    const auto name = file.filename().string();
    switch (outcome.kind) {
      case Outcome::Kind::Delivered:
        server_failures_ = 0;
        state.sent = true;
        spdlog::info("mail: {} delivered to {}", name, settings_.url);
        return to_sent(file, state);
      case Outcome::Kind::Rejected:
        server_failures_ = 0;
        spdlog::warn("mail: {} rejected, moved to failed/: {}", name, outcome.reason);
        return to_failed(file, state, outcome.reason);
      case Outcome::Kind::RetryMail:
        server_failures_ = 0;
        state.retry_at = SteadyClock::now() + backoff(options_, ++state.failures);
        spdlog::warn("mail: {} deferred (attempt {}), retrying in {} ms: {}", name, state.failures,
                     backoff(options_, state.failures).count(), outcome.reason);
        return;
      case Outcome::Kind::RetryServer: {
        const auto delay = backoff(options_, ++server_failures_);
        server_retry_at_ = SteadyClock::now() + delay;
        spdlog::warn("mail: cannot deliver through {} (attempt {}), retrying in {} ms: {}",
                     settings_.url, server_failures_, delay.count(), outcome.reason);
        return;
      }
      case Outcome::Kind::Abandoned:
        spdlog::debug("mail: {} abandoned by stop(), stays in the outbox", name);
        return;
    }
  }

  void to_sent(const fs::path& file, FileState& state) {
    auto st = move_durably(file, outbox_ / "sent" / file.filename());
    if (st) {
      files_.erase(file.filename().string());
      return;
    }
    // Not sent again: that would duplicate it. The move is retried after the backoff.
    state.retry_at = SteadyClock::now() + backoff(options_, ++state.failures);
    spdlog::error("mail: {} was delivered but stays in the outbox: {}", file.filename().string(),
                  st.error().message);
  }

  void to_failed(const fs::path& file, FileState& state, const std::string& reason) {
    const auto failed = outbox_ / "failed";
    auto st = write_file_durably(failed / (file.stem().string() + ".reason"), reason + "\n");
    if (st) st = move_durably(file, failed / file.filename());
    if (st) {
      files_.erase(file.filename().string());
      return;
    }
    state.retry_at = SteadyClock::now() + backoff(options_, ++state.failures);
    spdlog::error("mail: cannot move {} to failed/: {}", file.filename().string(),
                  st.error().message);
  }

  Outcome attempt(const fs::path& file) {
    auto content = read_file(file);
    if (!content) return {Outcome::Kind::RetryMail, "cannot read " + file.string()};
    auto to = header_address(*content, "To");
    if (!to) return {Outcome::Kind::Rejected, "cannot be sent: " + to.error().message};
    auto from = envelope_from_;
    if (from.empty()) {
      auto header_from = header_address(*content, "From");
      if (!header_from) {
        return {Outcome::Kind::Rejected, "cannot be sent: " + header_from.error().message};
      }
      from = *header_from;
    }
    return transfer(*content, from, *to);
  }

  Outcome transfer(std::string_view content, const std::string& from, const std::string& to) {
    if (multi_ == nullptr) return {Outcome::Kind::RetryServer, "libcurl: no multi handle"};
    EasyHandle easy(curl_easy_init(), &curl_easy_cleanup);
    Recipients recipients(curl_slist_append(nullptr, ("<" + to + ">").c_str()),
                          &curl_slist_free_all);
    if (!easy || !recipients) return {Outcome::Kind::RetryServer, "libcurl: out of memory"};
    Upload upload{content};
    Dialogue dialogue;
    std::array<char, CURL_ERROR_SIZE> error{};
    const auto mail_from = "<" + from + ">";
    configure(easy.get(), mail_from, recipients.get(), upload, dialogue, error.data());
    curl_easy_setopt(easy.get(), CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(content.size()));
    curl_easy_setopt(easy.get(), CURLOPT_OPENSOCKETFUNCTION, &on_open_socket);
    curl_easy_setopt(easy.get(), CURLOPT_OPENSOCKETDATA, &sockets_);
    curl_easy_setopt(easy.get(), CURLOPT_CLOSESOCKETFUNCTION, &on_close_socket);
    curl_easy_setopt(easy.get(), CURLOPT_CLOSESOCKETDATA, &sockets_);
    const auto result = perform(easy.get(), content.size());
    if (!result) return {Outcome::Kind::Abandoned, {}};
    return classify(*result, dialogue, error.data());
  }

  void configure(CURL* easy, const std::string& mail_from, curl_slist* recipients, Upload& upload,
                 Dialogue& dialogue, char* error) const {
    const long timeout = static_cast<long>(settings_.timeout.count());
    curl_easy_setopt(easy, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &on_read);
    curl_easy_setopt(easy, CURLOPT_READDATA, &upload);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout);
    // One connection per mail: nothing to go stale between mails that come minutes apart.
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy, CURLOPT_USE_SSL,
                     settings_.require_tls ? static_cast<long>(CURLUSESSL_ALL)
                                           : static_cast<long>(CURLUSESSL_NONE));
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, settings_.tls.verify_peer ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, settings_.tls.verify_peer ? 2L : 0L);
    if (!settings_.tls.ca_file.empty()) {
      curl_easy_setopt(easy, CURLOPT_CAINFO, settings_.tls.ca_file.c_str());
    }
    if (!settings_.username.empty()) {
      curl_easy_setopt(easy, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    // The dialogue goes to on_debug only (never to stderr): it says at which step a failure was.
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &on_debug);
    curl_easy_setopt(easy, CURLOPT_DEBUGDATA, &dialogue);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
  }

  // Runs the transfer; nullopt when stop() abandoned it before the whole message was uploaded.
  std::optional<CURLcode> perform(CURL* easy, std::size_t size) {
    curl_multi_add_handle(multi_, easy);
    std::optional<CURLcode> result;
    while (!result) {
      int running = 0;
      if (curl_multi_perform(multi_, &running) != CURLM_OK) result = CURLE_FAILED_INIT;
      for (int queued = 0; CURLMsg* message = curl_multi_info_read(multi_, &queued);) {
        if (message->msg == CURLMSG_DONE) result = message->data.result;
      }
      if (result) break;
      if (stopping_ && !uploaded(easy, size)) {
        sockets_.shut_down();
        break;
      }
      curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    }
    curl_multi_remove_handle(multi_, easy);
    return result;
  }

  // Whether every byte of the message has gone out, so that only the server's answer is missing:
  // abandoning then could have the mail delivered without our knowing, and sent again.
  static bool uploaded(CURL* easy, std::size_t size) {
    curl_off_t sent = 0;
    curl_easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &sent);
    return sent > 0 && static_cast<std::size_t>(sent) >= size;
  }

  Outcome classify(CURLcode result, const Dialogue& dialogue, const char* error) const {
    if (result == CURLE_OK) return {Outcome::Kind::Delivered, {}};
    const bool about_this_mail = dialogue.command == "RCPT" || dialogue.command == "DATA";
    if (about_this_mail && dialogue.code >= 500 && dialogue.code < 600) {
      return {Outcome::Kind::Rejected,
              fmt::format("{} refused by {}: {}", dialogue.command == "RCPT" ? "RCPT TO" : "DATA",
                          settings_.url, dialogue.reply)};
    }
    std::string reason = *error != '\0' ? error : curl_easy_strerror(result);
    if (dialogue.code != 0)
      reason += fmt::format(" (after {}: {})", dialogue.command, dialogue.reply);
    if (about_this_mail && dialogue.code >= 400 && dialogue.code < 500) {
      return {Outcome::Kind::RetryMail, std::move(reason)};
    }
    return {Outcome::Kind::RetryServer, std::move(reason)};
  }

  // Constant after construction.
  const fs::path& outbox_;
  const SmtpSettings& settings_;
  const SmtpRelayOptions& options_;
  const std::atomic<bool>& stopping_;
  CURLM* const multi_;
  const std::string envelope_from_;  // empty: each mail's From

  // libcurl may close a socket until curl_multi_cleanup(), which ~Worker() calls before members go.
  Sockets sockets_;

  std::map<std::string, FileState> files_;  // by file name; only files that failed or are due
  unsigned server_failures_ = 0;            // consecutive, reset by any answer about a mail
  SteadyClock::time_point server_retry_at_{};
};

Result<std::unique_ptr<SmtpRelay>> SmtpRelay::create(fs::path outbox, SmtpSettings settings,
                                                     SmtpRelayOptions options) {
  if (auto st = check_smtp_url(settings.url); !st) return std::unexpected(st.error());
  if (!settings.from.empty()) {
    if (auto mailbox = parse_mailbox(settings.from); !mailbox) {
      return bad_settings("the envelope sender '" + settings.from +
                          "' is not a mailbox: " + mailbox.error().message);
    }
  }
  if (settings.timeout.count() <= 0) return bad_settings("the timeout must be positive");
  if (settings.username.empty() && !settings.password.empty()) {
    return bad_settings("a password needs a username");
  }
  for (const auto* sub : {"sent", "failed"}) {
    if (auto st = make_private_directory(outbox / sub); !st) return std::unexpected(st.error());
  }
  init_curl_once();
  return std::unique_ptr<SmtpRelay>(
      new SmtpRelay(std::move(outbox), std::move(settings), std::move(options)));
}

SmtpRelay::SmtpRelay(fs::path outbox, SmtpSettings settings, SmtpRelayOptions options)
    : outbox_(std::move(outbox)),
      settings_(std::move(settings)),
      options_(options),
      worker_(
          std::make_unique<Worker>(outbox_, settings_, options_, stopping_, curl_multi_init())) {}

SmtpRelay::~SmtpRelay() {
  stop();
}

void SmtpRelay::start() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (started_ || stopping_) return;
    started_ = true;
  }
  thread_ = std::thread([this] { run(); });
}

void SmtpRelay::stop() {
  std::lock_guard lifecycle(lifecycle_mutex_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  worker_->interrupt();
  if (thread_.joinable()) thread_.join();
}

void SmtpRelay::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void SmtpRelay::run() {
  while (!stopping_) {
    const auto due = worker_->round();
    const auto scan = SteadyClock::now() + options_.scan_interval;
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, std::min(due, scan), [&] { return stopping_ || woken_; });
    woken_ = false;
  }
}

}  // namespace tsunagu::notify
