#pragma once
// The outbox of mail to residents: a spool directory (<data-dir>/outbox) of complete RFC 5322
// messages, one .eml file each, named "<UTC yyyymmddThhmmssZ>-<16 random hex digits>.eml".
//
// send() returns only once its message is durable: the file is written under a temporary name
// that pending() never lists (".<name>.tmp"), fsynced, renamed to its final name and the
// directory fsynced. So a crash leaves either no file or a complete one, and a mail that send()
// reported as sent survives a power cut. Files are created mode 0600 and the directory 0700:
// they hold password reset links.
//
// Who reads the outbox: with SMTP configured, the SmtpRelay (smtp_relay.hpp) delivers each file
// and moves it to sent/ (or failed/); without it the files stay where they are, for tests and for
// an operator to read.
//
// Thread-safety: send(), pending() and on_send() may be called from any thread.

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/error.hpp"
#include "model/time.hpp"
#include "notify/mail.hpp"

namespace tsunagu::notify {

class MailOutbox {
 public:
  // Creates `directory` (and its parents) when missing and removes temporary files that a crash
  // left behind. `from` is the From of every mail (parse_mailbox() must accept it: InvalidRequest
  // otherwise, a configuration error); `clock` names and dates the files and must outlive the
  // outbox. InternalError when the directory cannot be made or read.
  static Result<std::unique_ptr<MailOutbox>> open(std::filesystem::path directory, std::string from,
                                                  const model::Clock& clock);

  MailOutbox(const MailOutbox&) = delete;
  MailOutbox& operator=(const MailOutbox&) = delete;

  // Checks the mail (BadRequestData, see check_mail()), renders it and spools it durably;
  // InternalError when the file cannot be written. Then calls the on_send() callback.
  Status send(const Mail& mail);

  // The spooled files, oldest first (by the time in their names, then by modification time; mail
  // spooled within the same few milliseconds may be listed in either order). Only complete files:
  // never a temporary one, nothing in sent/ or failed/.
  std::vector<std::filesystem::path> pending() const;

  // Called after each successful send(), on the sending thread, outside any lock of the outbox
  // (the relay's wake()). Replaces an earlier callback; an empty one removes it.
  void on_send(std::function<void()> callback);

  const std::filesystem::path& directory() const { return directory_; }

 private:
  MailOutbox(std::filesystem::path directory, std::string from, const model::Clock& clock);

  // Constant after construction.
  const std::filesystem::path directory_;
  const std::string from_;
  const std::string domain_;  // of the From address: the right side of Message-IDs
  const model::Clock& clock_;

  mutable std::mutex mutex_;
  std::function<void()> on_send_;  // guarded by mutex_
};

// The complete .eml files directly in `directory`, oldest first as MailOutbox::pending() says;
// empty when the directory cannot be read. The relay lists the outbox with it too.
std::vector<std::filesystem::path> spooled_mail(const std::filesystem::path& directory);

// Durability helpers shared with the relay. Each returns InternalError naming the path.
// Writes `content` to `path` through a temporary file in the same directory (mode 0600), fsyncs
// it, renames it over `path` and fsyncs the directory.
Status write_file_durably(const std::filesystem::path& path, std::string_view content);
// Renames `from` to `to` (same file system) and fsyncs both directories.
Status move_durably(const std::filesystem::path& from, const std::filesystem::path& to);
// Creates `directory` with mode 0700 when missing (its parents too).
Status make_private_directory(const std::filesystem::path& directory);

}  // namespace tsunagu::notify
