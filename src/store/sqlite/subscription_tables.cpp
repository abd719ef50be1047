#include "store/sqlite/subscription_tables.hpp"

#include "store/entity_codec.hpp"
#include "store/subscription_codec.hpp"

namespace tsunagu::store::sqlite {

namespace {

std::int64_t millis(model::Timestamp t) {
  return t.time_since_epoch().count();
}

Result<model::Subscription> decode_row(std::string_view id, std::string_view doc) {
  auto s = decode_subscription_text(doc);
  if (!s) {
    return fail(ErrorKind::InternalError,
                "stored subscription '" + std::string(id) + "' is corrupt: " + s.error().message);
  }
  return s;
}

}  // namespace

Result<std::optional<model::Subscription>> SqliteSubscriptionTxn::get(std::string_view id) {
  auto stmt = db_.cached("SELECT doc FROM subscriptions WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, id);
  const int rc = s->step();
  if (rc == SQLITE_DONE) return std::optional<model::Subscription>();
  if (rc != SQLITE_ROW) return db_.error("read subscription");
  auto sub = decode_row(id, s->column_text(0));
  if (!sub) return std::unexpected(sub.error());
  return std::optional<model::Subscription>(std::move(*sub));
}

Status SqliteSubscriptionTxn::put(const model::Subscription& subscription) {
  auto stmt = db_.cached("INSERT OR REPLACE INTO subscriptions(id, doc) VALUES(?1, ?2)");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, subscription.id);
  const std::string doc = encode_subscription_text(subscription);
  s->bind(2, doc);
  if (s->step() != SQLITE_DONE) return db_.error("write subscription");
  return ok();
}

Status SqliteSubscriptionTxn::put_counters(const model::Subscription& subscription) {
  auto stored = get(subscription.id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return ok();
  model::Subscription& s = **stored;
  model::copy_counters(subscription, s);
  return put(s);
}

Result<bool> SqliteSubscriptionTxn::remove(std::string_view id) {
  auto del = db_.cached("DELETE FROM subscriptions WHERE id = ?1");
  if (!del) return std::unexpected(del.error());
  {
    StatementUse s(**del);
    s->bind(1, id);
    if (s->step() != SQLITE_DONE) return db_.error("delete subscription");
  }
  const bool removed = sqlite3_changes(db_.handle()) > 0;
  auto owed = db_.cached("DELETE FROM owed_notifications WHERE subscription = ?1");
  if (!owed) return std::unexpected(owed.error());
  StatementUse s(**owed);
  s->bind(1, id);
  if (s->step() != SQLITE_DONE) return db_.error("delete owed notifications");
  return removed;
}

Result<std::int64_t> SqliteSubscriptionTxn::owe(const OwedNotification& n) {
  auto stmt = db_.cached(
      "INSERT INTO owed_notifications(subscription, trigger, at, entity, previous) "
      "VALUES(?1, ?2, ?3, ?4, ?5)");
  if (!stmt) return std::unexpected(stmt.error());
  StatementUse s(**stmt);
  s->bind(1, n.subscription_id);
  s->bind(2, model::trigger_name(n.trigger));
  s->bind(3, millis(n.at));
  const std::string entity = encode_entity_text(n.entity);
  s->bind(4, entity);
  std::string previous;
  if (n.previous) {
    previous = encode_entity_text(*n.previous);
    s->bind(5, previous);
  } else {
    s->bind_null(5);
  }
  if (s->step() != SQLITE_DONE) return db_.error("record owed notification");
  return sqlite3_last_insert_rowid(db_.handle());
}

Status SqliteSubscriptionTxn::settle(std::span<const std::int64_t> seqs) {
  auto stmt = db_.cached("DELETE FROM owed_notifications WHERE seq = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  for (auto seq : seqs) {
    StatementUse s(**stmt);
    s->bind(1, seq);
    if (s->step() != SQLITE_DONE) return db_.error("settle owed notification");
  }
  return ok();
}

Result<std::vector<model::Subscription>> load_subscriptions(Connection& db) {
  auto stmt = db.prepare("SELECT id, doc FROM subscriptions ORDER BY id");
  if (!stmt) return std::unexpected(stmt.error());
  std::vector<model::Subscription> out;
  int rc;
  while ((rc = (*stmt)->step()) == SQLITE_ROW) {
    auto sub = decode_row((*stmt)->column_text(0), (*stmt)->column_text(1));
    if (!sub) return std::unexpected(sub.error());
    out.push_back(std::move(*sub));
  }
  if (rc != SQLITE_DONE) return db.error("read subscriptions");
  return out;
}

namespace {

Result<std::vector<OwedNotification>> read_owed(Connection& db, Statement& stmt) {
  std::vector<OwedNotification> out;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) {
    OwedNotification n;
    n.seq = stmt.column_int(0);
    n.subscription_id = std::string(stmt.column_text(1));
    auto trigger = model::trigger_from_name(stmt.column_text(2));
    if (!trigger) return fail(ErrorKind::InternalError, "owed notification with unknown trigger");
    n.trigger = *trigger;
    n.at = model::Timestamp(std::chrono::milliseconds(stmt.column_int(3)));
    auto entity = decode_entity_text(stmt.column_text(4));
    if (!entity) return std::unexpected(entity.error());
    n.entity = std::move(*entity);
    if (auto prev = stmt.column_text(5); !prev.empty()) {
      auto previous = decode_entity_text(prev);
      if (!previous) return std::unexpected(previous.error());
      n.previous = std::move(*previous);
    }
    out.push_back(std::move(n));
  }
  if (rc != SQLITE_DONE) return db.error("read owed notifications");
  return out;
}

}  // namespace

Result<std::optional<model::Subscription>> load_subscription(Connection& db, std::string_view id) {
  auto stmt = db.prepare("SELECT doc FROM subscriptions WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  (*stmt)->bind(1, id);
  const int rc = (*stmt)->step();
  if (rc == SQLITE_DONE) return std::optional<model::Subscription>();
  if (rc != SQLITE_ROW) return db.error("read subscription");
  auto sub = decode_row(id, (*stmt)->column_text(0));
  if (!sub) return std::unexpected(sub.error());
  return std::optional<model::Subscription>(std::move(*sub));
}

Result<std::vector<OwedNotification>> load_owed_notifications(Connection& db, std::int64_t after,
                                                              std::size_t limit) {
  auto stmt = db.prepare(
      "SELECT seq, subscription, trigger, at, entity, previous FROM owed_notifications "
      "WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  if (!stmt) return std::unexpected(stmt.error());
  (*stmt)->bind(1, after);
  (*stmt)->bind(2, static_cast<std::int64_t>(limit));
  return read_owed(db, **stmt);
}

Result<std::vector<OwedNotification>> load_owed_notifications_of(Connection& db,
                                                                 std::string_view subscription,
                                                                 std::int64_t after,
                                                                 std::size_t limit) {
  auto stmt = db.prepare(
      "SELECT seq, subscription, trigger, at, entity, previous FROM owed_notifications "
      "WHERE subscription = ?3 AND seq > ?1 ORDER BY seq LIMIT ?2");
  if (!stmt) return std::unexpected(stmt.error());
  (*stmt)->bind(1, after);
  (*stmt)->bind(2, static_cast<std::int64_t>(limit));
  (*stmt)->bind(3, subscription);
  return read_owed(db, **stmt);
}

}  // namespace tsunagu::store::sqlite
