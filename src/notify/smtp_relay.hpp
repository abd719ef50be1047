#pragma once
// Delivers the mail that the MailOutbox spooled (mail_outbox.hpp) to an SMTP server, with
// libcurl, on one background thread: one mail at a time, oldest first.
//
// Each file is sent as it is (it is in wire form already). The envelope recipient is the address
// in the file's To header; the envelope sender is the address of SmtpSettings::from, or of the
// file's From header when that is empty. So the relay needs nothing but the files.
//
// After the server accepted a mail, its file moves to <outbox>/sent/ (kept for audit; a later
// retention may prune it), durably, before the next mail is attempted: a crash or restart
// duplicates at most the one mail in flight (sent, not yet moved) and loses none.
//
// Failures, and what is retried:
//   - the server refused this mail for good (a 5xx answer to RCPT TO or to the message: no such
//     recipient, content refused), or the file cannot be sent at all (no readable To): the file
//     moves to <outbox>/failed/ with "<name>.reason" beside it, and a warning is logged;
//   - the server deferred this mail (a 4xx answer to RCPT TO or to the message): the file waits
//     for its own backoff, which starts at initial_backoff and doubles up to max_backoff; the
//     other files go on meanwhile, so one bad recipient holds up nobody else;
//   - anything else concerns every mail alike: the server cannot be reached, times out, refuses
//     the sender, the credentials or TLS. Then the whole relay waits for a backoff of its own (the
//     same schedule), since trying the other files would fail the same way; it is reset by the
//     next answer from the server.
// The relay scans the outbox every scan_interval for files that a crash or another process left,
// and at once when woken (MailOutbox::on_send -> wake()).
//
// TLS: smtps:// is TLS from the start. smtp:// with require_tls insists on STARTTLS (a server
// that does not offer it fails like an unreachable one, and the mail waits); without require_tls
// it speaks plain SMTP, for a relay on the same machine. Certificates are verified against the
// system trust store, plus tls.ca_file.
//
// Thread-safety: start(), stop() and wake() may be called from any thread; the relay's own state
// lives on its thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "model/error.hpp"
#include "notify/sender.hpp"

namespace tsunagu::notify {

struct SmtpSettings {
  std::string url;  // smtp://host:port or smtps://host:port; empty: no SMTP, mail stays spooled
  std::string username;  // AUTH when not empty
  std::string password;
  bool require_tls = false;                  // STARTTLS required for smtp://
  std::chrono::milliseconds timeout{10000};  // one whole attempt, connecting included
  std::string from;  // the envelope sender, a mailbox; empty: the From of each mail
  // tls.ca_file is trusted besides the system's certificates (/etc/ssl/certs); verify_peer off
  // is for tests only.
  TlsOptions tls;
};

struct SmtpRelayOptions {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
  std::chrono::milliseconds scan_interval{5000};
};

// InvalidRequest unless `url` is smtp:// or smtps:// with a host, an optional port and nothing
// else (credentials go in SmtpSettings, not in the URL, so that the URL can be logged).
Status check_smtp_url(std::string_view url);

class SmtpRelay {
 public:
  // Creates <outbox>/sent and <outbox>/failed. InvalidRequest for settings that cannot work (the
  // URL, a `from` that is not a mailbox, a timeout that is not positive, a password without a
  // username); InternalError when the directories cannot be made.
  static Result<std::unique_ptr<SmtpRelay>> create(std::filesystem::path outbox,
                                                   SmtpSettings settings,
                                                   SmtpRelayOptions options = {});
  ~SmtpRelay();  // stop()

  SmtpRelay(const SmtpRelay&) = delete;
  SmtpRelay& operator=(const SmtpRelay&) = delete;

  // Starts the thread, which begins with a scan. Once only; a stopped relay is not restarted.
  void start();

  // Ends the thread and returns once it has. A mail whose upload has not finished is abandoned at
  // once (it stays spooled and is sent again later: the server never saw its end); one whose
  // upload is complete waits for the server's answer, at most for the timeout, so that it is not
  // sent twice. Idempotent.
  void stop();

  // Look at the outbox now rather than at the next scan.
  void wake();

  const std::filesystem::path& outbox() const { return outbox_; }

 private:
  class Worker;  // the relay thread's state: schedules and the libcurl handles (smtp_relay.cpp)

  SmtpRelay(std::filesystem::path outbox, SmtpSettings settings, SmtpRelayOptions options);
  void run();

  // Constant after construction.
  const std::filesystem::path outbox_;
  const SmtpSettings settings_;
  const SmtpRelayOptions options_;
  const std::unique_ptr<Worker> worker_;  // used by the relay thread only, but stop() may wake
                                          // its libcurl poll (curl_multi_wakeup is thread-safe)

  std::mutex mutex_;
  std::condition_variable changed_;
  bool woken_ = false;                  // guarded by mutex_
  bool started_ = false;                // guarded by mutex_
  std::atomic<bool> stopping_ = false;  // written under mutex_ (for changed_); read anywhere

  std::mutex lifecycle_mutex_;  // serialises start() and stop(), which join thread_
  std::thread thread_;          // guarded by lifecycle_mutex_
};

}  // namespace tsunagu::notify
