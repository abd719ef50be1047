#include "pg_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string_view>
#include <system_error>

extern char** environ;

namespace tsunagu::testing {
namespace {

using std::filesystem::path;

constexpr const char* kUser = "tsunagu";
constexpr const char* kRunuser = "/usr/sbin/runuser";
constexpr std::size_t kLogTail = 4000;
// The server refuses a Unix socket path longer than sun_path allows.
constexpr std::size_t kMaxSocketPath = 107;
constexpr std::string_view kDirTemplate = "/tsunagu-pg-XXXXXX";
constexpr std::string_view kLongestSocket = "/.s.PGSQL.65535";

// It outlives the test process: once that process is gone, by whatever death, its end of stdin
// closes and the watchdog stops the server (if one is left) and removes the directory.
constexpr const char* kWatchdog = R"(dir=$1; shift
read -r _
[ -f "$dir/data/postmaster.pid" ] && "$@" >/dev/null 2>&1
rm -rf -- "$dir"
)";

struct Outcome {
  int status = -1;     // exit status, 128 + signal if killed, -1 if it did not run
  std::string output;  // stdout and stderr together
  bool ok() const { return status == 0; }
};

std::unexpected<std::string> fail(std::string message) {
  return std::unexpected(std::move(message));
}

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// The caller's PG* variables (PGOPTIONS, PGSSLMODE, PGSERVICE...) would change our psql sessions
// or point them at another server.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!std::string_view(*entry).starts_with("PG")) env.emplace_back(*entry);
  }
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_all(int fd) {
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      out.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      return out;
    }
  }
}

// Starts argv[0], an absolute path, in `cwd` with `in` as stdin and `out` as stdout and stderr
// (-1: /dev/null). A process group of its own keeps it out of reach of a Ctrl-C meant for us.
std::expected<pid_t, std::string> spawn(std::vector<std::string> argv, const path& cwd, int in,
                                        int out, bool own_group) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (in < 0) {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, in, 0);
  }
  if (out < 0) {
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_adddup2(&actions, out, 1);
  }
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  if (own_group) {
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
  }
  auto env = child_environment();
  pid_t pid = -1;
  const int error = ::posix_spawn(&pid, argv[0].c_str(), &actions, &attributes,
                                  c_array(argv).data(), c_array(env).data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return fail("cannot run " + argv[0] + ": " + errno_text(error));
  return pid;
}

// Runs the command to its end. Our pipes are close-on-exec, so a child spawned meanwhile by
// another thread cannot hold this one open.
Outcome run(std::vector<std::string> argv, const path& cwd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return {-1, "pipe: " + errno_text(errno)};
  const auto pid = spawn(std::move(argv), cwd, -1, fds[1], false);
  ::close(fds[1]);
  if (!pid) {
    ::close(fds[0]);
    return {-1, pid.error()};
  }
  Outcome outcome;
  outcome.output = read_all(fds[0]);
  ::close(fds[0]);
  outcome.status = wait_for(*pid);
  return outcome;
}

// Debian keeps each major version's server programs off PATH, in /usr/lib/postgresql/<major>/bin.
path find_bin_dir() {
  path best;
  long best_major = -1;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const path bin = entry.path() / "bin";
    const long major = std::strtol(entry.path().filename().c_str(), nullptr, 10);
    if (major > best_major && ::access((bin / "initdb").c_str(), X_OK) == 0) {
      best = bin;
      best_major = major;
    }
  }
  return best;
}

std::expected<std::pair<uid_t, gid_t>, std::string> postgres_account() {
  passwd entry{};
  passwd* found = nullptr;
  char buffer[4096];
  if (::getpwnam_r("postgres", &entry, buffer, sizeof buffer, &found) != 0 || found == nullptr) {
    return fail(
        "initdb refuses to run as root, and the postgres user it would run as is missing "
        "(Debian's postgresql-common creates it)");
  }
  return std::pair(entry.pw_uid, entry.pw_gid);
}

// TMPDIR when the server's socket path fits under it, /tmp otherwise.
path temp_base() {
  const char* tmpdir = std::getenv("TMPDIR");
  if (tmpdir == nullptr || *tmpdir == '\0') return "/tmp";
  const std::size_t length = std::strlen(tmpdir) + kDirTemplate.size() + kLongestSocket.size();
  return length <= kMaxSocketPath ? path(tmpdir) : path("/tmp");
}

std::expected<path, std::string> make_temp_dir() {
  std::string name = temp_base().string() + std::string(kDirTemplate);
  if (::mkdtemp(name.data()) == nullptr) return fail("mkdtemp " + name + ": " + errno_text(errno));
  return path(name);
}

std::expected<int, std::string> free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("socket: " + errno_text(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 &&
                     ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  const int error = errno;
  ::close(fd);
  if (!bound) return fail("cannot find a free port on 127.0.0.1: " + errno_text(error));
  return ntohs(address.sin_port);
}

std::string conf_string(const std::string& value) {
  std::string quoted = "'";
  for (const char c : value) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

bool valid_database_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (const char c : name) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '_') return false;
  }
  return true;
}

}  // namespace

std::expected<std::unique_ptr<PgCluster>, std::string> PgCluster::start() {
  const path bin = find_bin_dir();
  if (bin.empty()) {
    return fail(
        "PostgreSQL is not installed: no /usr/lib/postgresql/<version>/bin/initdb (Debian: "
        "postgresql-15; run scripts/install-deps.sh)");
  }
  for (const char* program : {"pg_ctl", "psql"}) {
    if (::access((bin / program).c_str(), X_OK) != 0) {
      return fail((bin / program).string() + " is missing: run scripts/install-deps.sh");
    }
  }
  const bool as_postgres = ::geteuid() == 0;
  auto postgres = as_postgres ? postgres_account() : std::pair<uid_t, gid_t>(0, 0);
  if (!postgres) return fail(postgres.error());
  auto dir = make_temp_dir();
  if (!dir) return fail(dir.error());
  // From here on the destructor removes the directory, whatever fails.
  std::unique_ptr<PgCluster> cluster(new PgCluster(*dir, bin, as_postgres));
  if (as_postgres && ::chown(dir->c_str(), postgres->first, postgres->second) != 0) {
    return fail("chown " + dir->string() + ": " + errno_text(errno));
  }
  if (auto up = cluster->bring_up(); !up) return fail(up.error());
  return cluster;
}

PgCluster* PgCluster::shared() {
  // A function-local static: started once however many threads ask, stopped by exit().
  static const std::unique_ptr<PgCluster> cluster = [] {
    auto started = start();
    if (started) return std::move(*started);
    std::cerr << "cannot start a PostgreSQL cluster for the tests: " << started.error() << "\n";
    return std::unique_ptr<PgCluster>();
  }();
  return cluster.get();
}

PgCluster::PgCluster(path dir, path bin, bool as_postgres)
    : dir_(std::move(dir)), bin_(std::move(bin)), as_postgres_(as_postgres), owner_(::getpid()) {}

PgCluster::~PgCluster() {
  if (::getpid() != owner_) return;
  stop_server();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  if (watchdog_fd_ >= 0) ::close(watchdog_fd_);
  if (watchdog_pid_ > 0) wait_for(watchdog_pid_);
}

std::string PgCluster::url() const {
  return "postgresql://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + kUser;
}

std::string PgCluster::create_database(std::string name) {
  if (!valid_database_name(name)) {
    throw std::invalid_argument("not a test database name (1 to 63 of [A-Za-z0-9_]): " + name);
  }
  if (auto created = psql("postgres", "CREATE DATABASE \"" + name + "\""); !created) {
    throw std::runtime_error("CREATE DATABASE " + name + " failed:\n" + created.error());
  }
  return "postgresql://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

PgCluster::Status PgCluster::bring_up() {
  if (auto s = start_watchdog(); !s) return s;
  if (auto s = init_data(); !s) return s;
  if (auto s = start_server(); !s) return s;
  if (auto s = install_postgis(); !s) return s;
  if (auto s = psql("postgres", "CREATE DATABASE tsunagu"); !s) {
    return fail("CREATE DATABASE tsunagu failed:\n" + s.error());
  }
  return {};
}

PgCluster::Status PgCluster::start_watchdog() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return fail("pipe: " + errno_text(errno));
  std::vector<std::string> argv = {"/bin/sh", "-c", kWatchdog, "pg-cluster-watchdog",
                                   dir_.string()};
  for (auto& arg : server_command({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m",
                                   "immediate", "-w", "stop"})) {
    argv.push_back(std::move(arg));
  }
  const auto pid = spawn(std::move(argv), "/", fds[0], -1, true);
  ::close(fds[0]);
  if (!pid) {
    ::close(fds[1]);
    return fail(pid.error());
  }
  watchdog_pid_ = *pid;
  watchdog_fd_ = fds[1];
  return {};
}

PgCluster::Status PgCluster::init_data() {
  const Outcome out =
      run(server_command({(bin_ / "initdb").string(), "-D", (dir_ / "data").string(), "-A", "trust",
                          "-U", kUser, "--encoding=UTF8", "--no-locale"}),
          dir_);
  if (!out.ok()) return fail("initdb failed:\n" + out.output);
  // In the configuration file rather than in pg_ctl's -o, which goes through a shell unquoted.
  std::ofstream conf(dir_ / "data" / "postgresql.conf", std::ios::app);
  conf << "\n# A throwaway cluster for the tests: loopback only, its socket beside its data, and\n"
       << "# commits as durable as in production, which the benchmarks measure.\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "unix_socket_directories = " << conf_string(dir_.string()) << "\n"
       << "fsync = on\nmax_connections = 200\nshared_buffers = 128MB\n";
  conf.close();
  if (!conf) return fail("cannot append to " + (dir_ / "data" / "postgresql.conf").string());
  return {};
}

PgCluster::Status PgCluster::start_server() {
  std::string failure;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto port = free_port();
    if (!port) return fail(port.error());
    port_ = *port;
    const Outcome out = run(server_command({(bin_ / "pg_ctl").string(), "-D",
                                            (dir_ / "data").string(), "-l", (dir_ / "log").string(),
                                            "-w", "-o", "-p " + std::to_string(port_), "start"}),
                            dir_);
    if (out.ok()) return {};
    failure =
        "pg_ctl start failed:\n" + out.output + "\nthe server log ends with:\n" + server_log_tail();
    // Another process may have taken the port between our probe and the server's bind.
    if (failure.find("Address already in use") == std::string::npos) break;
  }
  return fail(failure);
}

// In template1, so that every database created afterwards has PostGIS by copying, in a fraction
// of the time CREATE EXTENSION takes.
PgCluster::Status PgCluster::install_postgis() {
  if (auto s = psql("template1", "CREATE EXTENSION postgis"); !s) {
    const std::string major = bin_.parent_path().filename().string();
    return fail("cannot create the PostGIS extension: is PostGIS installed for PostgreSQL " +
                major + " (Debian: postgresql-" + major +
                "-postgis-3; run scripts/install-deps.sh)?\n" + s.error());
  }
  return {};
}

void PgCluster::stop_server() {
  if (!std::filesystem::exists(dir_ / "data" / "postmaster.pid")) return;
  run(server_command({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-m", "immediate",
                      "-w", "stop"}),
      dir_);
}

PgCluster::Status PgCluster::psql(const std::string& database, const std::string& sql) const {
  const Outcome out =
      run({(bin_ / "psql").string(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
           std::to_string(port_), "-U", kUser, "-d", database, "-c", sql},
          dir_);
  if (!out.ok()) return fail(out.output);
  return {};
}

std::vector<std::string> PgCluster::server_command(std::vector<std::string> argv) const {
  if (!as_postgres_) return argv;
  std::vector<std::string> command = {kRunuser, "-u", "postgres", "--"};
  command.insert(command.end(), std::make_move_iterator(argv.begin()),
                 std::make_move_iterator(argv.end()));
  return command;
}

std::string PgCluster::server_log_tail() const {
  std::ifstream in(dir_ / "log", std::ios::binary);
  std::string log((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return log.size() > kLogTail ? log.substr(log.size() - kLogTail) : log;
}

}  // namespace tsunagu::testing
