#include "notify/mail_outbox.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <random>
#include <system_error>
#include <tuple>

namespace tsunagu::notify {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> io_error(std::string_view what, const fs::path& path, int error) {
  return fail(ErrorKind::InternalError, fmt::format("mail outbox: cannot {} {}: {}", what,
                                                    path.string(), std::strerror(error)));
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error that close() may be the first to see (NFS, full disks).
  int close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

Status fsync_directory(const fs::path& directory) {
  Fd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error("open the directory", directory, errno);
  if (::fsync(fd.get()) != 0) return io_error("fsync the directory", directory, errno);
  return ok();
}

Status write_all(int fd, std::string_view content, const fs::path& path) {
  while (!content.empty()) {
    const auto n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("write", path, errno);
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return ok();
}

std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (out.size() < digits) out += fmt::format("{:016x}", rng());
  return out.substr(0, digits);
}

std::string utc_stamp(model::Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{floor<seconds>(t - day)};
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

bool is_temporary(const fs::path& file) {
  const auto name = file.filename().string();
  return name.starts_with('.') && name.ends_with(".tmp");
}

bool is_spooled(const fs::directory_entry& entry) {
  std::error_code ec;
  const auto name = entry.path().filename().string();
  return entry.is_regular_file(ec) && !name.starts_with('.') && name.ends_with(".eml");
}

std::string domain_of(std::string_view from) {
  auto mailbox = parse_mailbox(from);
  if (!mailbox) return "localhost";
  return mailbox->address.substr(mailbox->address.find('@') + 1);
}

}  // namespace

Status make_private_directory(const fs::path& directory) {
  std::error_code ec;
  if (fs::is_directory(directory, ec)) return ok();
  if (directory.has_parent_path() && !directory.parent_path().empty()) {
    fs::create_directories(directory.parent_path(), ec);
    if (ec) return io_error("create", directory.parent_path(), ec.value());
  }
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return io_error("create", directory, errno);
  }
  return ok();
}

Status write_file_durably(const fs::path& path, std::string_view content) {
  const auto temporary =
      path.parent_path() / ("." + path.filename().string() + "." + random_hex(8) + ".tmp");
  Fd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return io_error("create", temporary, errno);
  // The umask may only take permissions away; this makes the mode exactly 0600 whatever it is.
  auto st = ::fchmod(fd.get(), 0600) == 0 ? write_all(fd.get(), content, temporary)
                                          : io_error("chmod", temporary, errno);
  if (st && ::fsync(fd.get()) != 0) st = io_error("fsync", temporary, errno);
  if (st && fd.close() != 0) st = io_error("close", temporary, errno);
  if (st && ::rename(temporary.c_str(), path.c_str()) != 0)
    st = io_error("rename", temporary, errno);
  if (!st) {
    ::unlink(temporary.c_str());
    return st;
  }
  return fsync_directory(path.parent_path());
}

Status move_durably(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return io_error("move", from, errno);
  if (auto st = fsync_directory(to.parent_path()); !st) return st;
  if (from.parent_path() == to.parent_path()) return ok();
  return fsync_directory(from.parent_path());
}

std::vector<fs::path> spooled_mail(const fs::path& directory) {
  struct Entry {
    std::string stamp;  // the UTC time at the start of the name: it sorts as text
    fs::file_time_type modified;
    fs::path path;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (!is_spooled(*it)) continue;
    const auto name = it->path().filename().string();
    std::error_code time_ec;
    const auto modified = it->last_write_time(time_ec);
    entries.push_back({name.substr(0, name.find('-')), modified, it->path()});
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.stamp, a.modified, a.path) < std::tie(b.stamp, b.modified, b.path);
  });
  std::vector<fs::path> paths;
  paths.reserve(entries.size());
  for (auto& e : entries) paths.push_back(std::move(e.path));
  return paths;
}

MailOutbox::MailOutbox(fs::path directory, std::string from, const model::Clock& clock)
    : directory_(std::move(directory)),
      from_(std::move(from)),
      domain_(domain_of(from_)),
      clock_(clock) {}

Result<std::unique_ptr<MailOutbox>> MailOutbox::open(fs::path directory, std::string from,
                                                     const model::Clock& clock) {
  if (auto mailbox = parse_mailbox(from); !mailbox) {
    return fail(ErrorKind::InvalidRequest, "mail outbox: the From '" + from +
                                               "' is not a mailbox: " + mailbox.error().message);
  }
  if (auto st = make_private_directory(directory); !st) return std::unexpected(st.error());
  // A temporary file is what a crash during send() left: its send() never returned, so nobody
  // was told that this mail went out.
  std::error_code ec;
  for (fs::directory_iterator it(directory, ec), end; !ec && it != end; it.increment(ec)) {
    if (is_temporary(it->path())) fs::remove(it->path(), ec);
  }
  if (ec) return io_error("read", directory, ec.value());
  return std::unique_ptr<MailOutbox>(new MailOutbox(std::move(directory), std::move(from), clock));
}

Status MailOutbox::send(const Mail& mail) {
  if (auto st = check_mail(mail); !st) return st;
  const auto now = clock_.now();
  const auto stem = utc_stamp(now) + "-" + random_hex(16);
  const auto message = render_eml(mail, from_, now, stem + "@" + domain_);
  if (auto st = write_file_durably(directory_ / (stem + ".eml"), message); !st) return st;
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    callback = on_send_;
  }
  if (callback) callback();
  return ok();
}

std::vector<fs::path> MailOutbox::pending() const {
  return spooled_mail(directory_);
}

void MailOutbox::on_send(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_send_ = std::move(callback);
}

}  // namespace tsunagu::notify
