#include "store/postgres/node_leases.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <vector>

#include "store/postgres/announcements.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

constexpr std::string_view kNodesChannel = "tsunagu_nodes";

// Every statement below runs after this, in the same transaction.
const std::string kBeginLocked =
    "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kLockSpace) + ", -1)";

constexpr std::string_view kRenew =
    "UPDATE tsunagu.nodes SET expires_at = clock_timestamp() + $2::float8 * interval '1 ms' "
    "WHERE name = $1 AND expires_at > clock_timestamp() RETURNING 1";
constexpr std::string_view kRegister =
    "INSERT INTO tsunagu.nodes(name, expires_at) "
    "VALUES($1, clock_timestamp() + $2::float8 * interval '1 ms') "
    "ON CONFLICT(name) DO UPDATE SET expires_at = excluded.expires_at";
constexpr std::string_view kOwn =
    "SELECT t.name, o.subscription FROM tsunagu.subscription_owners o "
    "JOIN tsunagu.tenants t ON t.key = o.tenant WHERE o.node = $1";
// Orphans, this node's subscriptions, all subscriptions, live nodes.
constexpr std::string_view kCount =
    "SELECT count(*) FILTER (WHERE n.expires_at IS NULL OR n.expires_at <= clock_timestamp()), "
    "count(*) FILTER (WHERE o.node = $1), count(*), "
    "(SELECT count(*) FROM tsunagu.nodes WHERE expires_at > clock_timestamp()) "
    "FROM tsunagu.subscription_owners o LEFT JOIN tsunagu.nodes n ON n.name = o.node";
// The first $2 orphans, and those orphaned for longer than $3 ms (or owned by no node).
constexpr std::string_view kClaim =
    "UPDATE tsunagu.subscription_owners o SET node = $1 FROM tsunagu.tenants t, "
    "(SELECT o2.tenant, o2.subscription, "
    "row_number() OVER (ORDER BY o2.tenant, o2.subscription) AS k, "
    "coalesce(n.expires_at, '-infinity') < clock_timestamp() - $3::float8 * interval '1 ms' "
    "AS stale FROM tsunagu.subscription_owners o2 "
    "LEFT JOIN tsunagu.nodes n ON n.name = o2.node "
    "WHERE n.expires_at IS NULL OR n.expires_at <= clock_timestamp()) c "
    "WHERE o.tenant = c.tenant AND o.subscription = c.subscription AND t.key = o.tenant "
    "AND (c.k <= $2 OR c.stale) RETURNING t.name, o.subscription";
// Leases of nodes gone for a day that own nothing.
constexpr std::string_view kForget =
    "DELETE FROM tsunagu.nodes n WHERE expires_at < clock_timestamp() - interval '1 day' "
    "AND NOT EXISTS (SELECT 1 FROM tsunagu.subscription_owners o WHERE o.node = n.name)";
constexpr std::string_view kEnd =
    "UPDATE tsunagu.nodes SET expires_at = clock_timestamp() WHERE name = $1";

using Claims = std::map<std::string, std::vector<std::string>>;  // by tenant

// Runs `body` in a transaction holding the lease lock; false (rolled back) when any step fails.
template <class Body>
bool in_lease_lock(Connection& db, Body&& body) {
  bool ok = static_cast<bool>(db.exec(kBeginLocked)) && body();
  if (ok) ok = static_cast<bool>(db.exec("COMMIT"));
  if (!ok && !db.broken() && db.in_transaction()) (void)db.exec("ROLLBACK");
  return ok;
}

void add_claims(const Rows& rows, Claims& out) {
  for (int i = 0; i < rows.size(); ++i) {
    out[std::string(rows.text(i, 0))].emplace_back(rows.text(i, 1));
  }
}

Result<std::unique_ptr<Connection>> connect_and_listen(const std::string& url) {
  auto db = Connection::open(url);
  if (!db) return db;
  if (auto st = (*db)->exec("LISTEN " + std::string(kAnnouncementChannel) + "; LISTEN " +
                            std::string(kNodesChannel));
      !st) {
    return std::unexpected(st.error());
  }
  return db;
}

}  // namespace

NodeLeases::NodeLeases(std::string url, std::string node, NodeLeaseOptions options)
    : url_(std::move(url)), node_(std::move(node)), options_(options) {}

NodeLeases::~NodeLeases() {
  stop();
}

Status NodeLeases::start(CoordinationListener& listener) {
  listener_ = &listener;
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) {
    return fail(ErrorKind::InternalError, "node coordination: cannot make a pipe");
  }
  auto db = connect_and_listen(url_);
  if (!db) return std::unexpected(db.error());
  db_ = std::move(*db);
  if (!tick(*db_)) {
    return fail(ErrorKind::InternalError, "node " + node_ + " could not register in the database");
  }
  started_ = true;
  thread_ = std::thread([this] { run(); });
  return ok();
}

void NodeLeases::stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    const char byte = 1;
    (void)!::write(wake_[1], &byte, 1);
    thread_.join();
  }
  for (int& fd : wake_) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  listener_ = nullptr;
}

void NodeLeases::release() {
  if (!started_) return;
  started_ = false;
  holding_ = false;
  if (!db_ || db_->broken()) {
    auto fresh = Connection::open(url_);
    if (!fresh) {
      spdlog::warn("node {}: lease not ended ({}): its subscriptions move when it expires", node_,
                   fresh.error().message);
      return;
    }
    db_ = std::move(*fresh);
  }
  const Param p[] = {param(node_)};
  const Param notify[] = {param(kNodesChannel), param(node_)};
  const bool ended = in_lease_lock(
      *db_, [&] { return db_->run(kEnd, p) && db_->run("SELECT pg_notify($1, $2)", notify); });
  if (!ended)
    spdlog::warn("node {}: lease not ended: its subscriptions move when it expires", node_);
  db_.reset();
}

void NodeLeases::run() {
  auto next_renewal = Clock::now() + options_.lease / 3;
  while (!stopping_) {
    if (!db_ || db_->broken()) {
      db_.reset();
      auto fresh = connect_and_listen(url_);
      if (!fresh) {
        if (holding_ && Clock::now() >= valid_until_) lose_all();
        wait(nullptr,
             Clock::now() + std::min<Clock::duration>(std::chrono::seconds(1), options_.lease / 3));
        continue;
      }
      db_ = std::move(*fresh);
      listener_->on_missed();
      for (auto* w : watchers_) w->on_missed();
      next_renewal = Clock::now();
    }
    const bool released = drain(*db_);
    if (released || Clock::now() >= next_renewal) {
      tick(*db_);
      drain(*db_);
      next_renewal = Clock::now() + options_.lease / 3;
    }
    if (holding_ && Clock::now() >= valid_until_) lose_all();
    wait(db_.get(), holding_ ? std::min(next_renewal, valid_until_) : next_renewal);
  }
}

bool NodeLeases::tick(Connection& db) {
  const auto sent = Clock::now();
  if (holding_) {
    const Param p[] = {param(node_), param(static_cast<double>(options_.lease.count()))};
    bool renewed = false;
    const bool done = in_lease_lock(db, [&] {
      auto rows = db.run(kRenew, p);
      if (rows) renewed = rows->size() == 1;
      return static_cast<bool>(rows);
    });
    if (!done) return false;
    if (renewed) {
      valid_until_ = sent + options_.lease * 4 / 5;
      return claim_orphans(db);
    }
    spdlog::warn(
        "node {}: its lease expired before it was renewed; it delivers nothing until "
        "it has claimed subscriptions again",
        node_);
    lose_all();
  }
  return register_and_claim_own(db) && claim_orphans(db);
}

// Also after a restart or a lapse: what still names this node is its own again.
bool NodeLeases::register_and_claim_own(Connection& db) {
  const auto sent = Clock::now();
  const Param reg[] = {param(node_), param(static_cast<double>(options_.lease.count()))};
  const Param own[] = {param(node_)};
  Claims claims;
  const bool done = in_lease_lock(db, [&] {
    if (!db.run(kRegister, reg)) return false;
    auto rows = db.run(kOwn, own);
    if (rows) add_claims(*rows, claims);
    return static_cast<bool>(rows);
  });
  if (!done) return false;
  valid_until_ = sent + options_.lease * 4 / 5;
  holding_ = true;
  for (auto& [tenant, ids] : claims) listener_->on_claimed(tenant, std::move(ids));
  return true;
}

bool NodeLeases::claim_orphans(Connection& db) {
  const Param counted[] = {param(node_)};
  Claims claims;
  const bool done = in_lease_lock(db, [&] {
    auto counts = db.run(kCount, counted);
    if (!counts) return false;
    const std::int64_t orphans = counts->integer(0, 0);
    const std::int64_t mine = counts->integer(0, 1);
    const std::int64_t total = counts->integer(0, 2);
    const std::int64_t live = std::max<std::int64_t>(counts->integer(0, 3), 1);
    if (orphans > 0) {
      const std::int64_t share =
          std::max((orphans + live - 1) / live, (total + live - 1) / live - mine);
      const Param p[] = {param(node_), param(share),
                         param(static_cast<double>((options_.lease / 3).count()))};
      auto rows = db.run(kClaim, p);
      if (!rows) return false;
      add_claims(*rows, claims);
    }
    return static_cast<bool>(db.run(kForget));
  });
  if (!done) return false;
  for (auto& [tenant, ids] : claims) {
    spdlog::info("node {}: took over {} subscription(s) of tenant '{}'", node_, ids.size(), tenant);
    listener_->on_claimed(tenant, std::move(ids));
  }
  return true;
}

void NodeLeases::lose_all() {
  holding_ = false;
  listener_->on_lost_all();
}

bool NodeLeases::drain(Connection& db) {
  PGconn* conn = db.handle();
  if (PQconsumeInput(conn) == 0) return false;
  bool released = false;
  while (PGnotify* n = PQnotifies(conn)) {
    const std::string channel = n->relname;
    const std::string payload = n->extra;
    PQfreemem(n);
    if (channel == kNodesChannel) {
      released = released || payload != node_;
      continue;
    }
    if (auto a = parse_announcement(payload)) {
      const bool own = a->node == node_;
      listener_->on_announced(a->tenant, a->message, own);
      for (auto* w : watchers_) w->on_announced(a->tenant, a->message, own);
    }
  }
  return released;
}

void NodeLeases::wait(Connection* db, Clock::time_point until) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
  pollfd fds[2] = {{wake_[0], POLLIN, 0}, {db ? PQsocket(db->handle()) : -1, POLLIN, 0}};
  (void)::poll(fds, 2, static_cast<int>(std::max<std::int64_t>(left.count(), 0)));
}

}  // namespace tsunagu::store::postgres
