#include "store/postgres/subscription_tables.hpp"

#include <algorithm>

#include "store/entity_codec.hpp"
#include "store/postgres/schema.hpp"
#include "store/subscription_codec.hpp"

namespace tsunagu::store::postgres {
namespace {

Result<model::Subscription> decode_row(std::string_view id, std::string_view doc) {
  auto s = decode_subscription_text(doc);
  if (!s) {
    return fail(ErrorKind::InternalError,
                "stored subscription '" + std::string(id) + "' is corrupt: " + s.error().message);
  }
  return s;
}

Result<OwedNotification> owed_of(const Rows& rows, int i) {
  OwedNotification n;
  n.seq = rows.integer(i, 0);
  n.subscription_id = std::string(rows.text(i, 1));
  auto trigger = model::trigger_from_name(rows.text(i, 2));
  if (!trigger) return fail(ErrorKind::InternalError, "owed notification with unknown trigger");
  n.trigger = *trigger;
  n.at = from_ms(rows.integer(i, 3));
  auto entity = decode_entity_text(rows.text(i, 4));
  if (!entity) return std::unexpected(entity.error());
  n.entity = std::move(*entity);
  if (!rows.null(i, 5)) {
    auto previous = decode_entity_text(rows.text(i, 5));
    if (!previous) return std::unexpected(previous.error());
    n.previous = std::move(*previous);
  }
  return n;
}

}  // namespace

Result<std::optional<model::Subscription>> PgSubscriptionTxn::get(std::string_view id) {
  return load_subscription(db_, tenant_.schema, id);
}

// The subscription and, when new, its owner: this node. An empty node name (a store no node
// coordinates) leaves it to whichever node claims it first.
Status PgSubscriptionTxn::put(const model::Subscription& subscription) {
  const Param p[] = {param(subscription.id), param(encode_subscription_text(subscription)),
                     param(std::int64_t{tenant_.lock_key}), param(node_)};
  auto rows =
      db_.run(in_schema("WITH doc AS (INSERT INTO {s}.subscriptions(id, doc) VALUES($1, $2) "
                        "ON CONFLICT(id) DO UPDATE SET doc = excluded.doc), "
                        "version AS (UPDATE {s}.subscription_version SET v = v + 1) "
                        "INSERT INTO tsunagu.subscription_owners(tenant, subscription, node) "
                        "VALUES($3, $1, NULLIF($4, '')) ON CONFLICT DO NOTHING",
                        tenant_.schema),
              p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

Status PgSubscriptionTxn::put_counters(const model::Subscription& subscription) {
  auto stored = get(subscription.id);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return ok();
  model::Subscription& s = **stored;
  model::copy_counters(subscription, s);
  const Param p[] = {param(s.id), param(encode_subscription_text(s))};
  auto rows =
      db_.run(in_schema("UPDATE {s}.subscriptions SET doc = $2 WHERE id = $1", tenant_.schema), p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

// With what it owes and its owner row.
Result<bool> PgSubscriptionTxn::remove(std::string_view id) {
  const Param p[] = {param(id), param(std::int64_t{tenant_.lock_key})};
  auto removed =
      db_.run(in_schema("WITH owner AS (DELETE FROM tsunagu.subscription_owners "
                        "WHERE tenant = $2 AND subscription = $1), "
                        "owed AS (DELETE FROM {s}.owed_notifications WHERE subscription = $1), "
                        "version AS (UPDATE {s}.subscription_version SET v = v + 1) "
                        "DELETE FROM {s}.subscriptions WHERE id = $1",
                        tenant_.schema),
              p);
  if (!removed) return std::unexpected(removed.error());
  return removed->affected() > 0;
}

Result<std::int64_t> PgSubscriptionTxn::owe(const OwedNotification& n) {
  const Param p[] = {param(n.subscription_id), param(model::trigger_name(n.trigger)),
                     param(to_ms(n.at)), param(encode_entity_text(n.entity)),
                     n.previous ? param(encode_entity_text(*n.previous)) : Param()};
  auto rows = db_.run(in_schema("INSERT INTO {s}.owed_notifications(subscription, trigger, at, "
                                "entity, previous) VALUES($1, $2, $3, $4, $5) RETURNING seq",
                                tenant_.schema),
                      p);
  if (!rows) return std::unexpected(rows.error());
  return rows->integer(0, 0);
}

Status PgSubscriptionTxn::settle(std::span<const std::int64_t> seqs) {
  if (seqs.empty()) return ok();
  const Param p[] = {integer_array(seqs)};
  auto rows = db_.run(
      in_schema("DELETE FROM {s}.owed_notifications WHERE seq = ANY($1::bigint[])", tenant_.schema),
      p);
  return rows ? ok() : Status(std::unexpected(rows.error()));
}

void PgSubscriptionTxn::announce(std::string message) {
  if (std::find(announced_.begin(), announced_.end(), message) == announced_.end()) {
    announced_.push_back(std::move(message));
  }
}

Result<std::vector<model::Subscription>> load_subscriptions(Connection& db,
                                                            const std::string& schema) {
  auto rows =
      db.run(in_schema("SELECT id, doc FROM {s}.subscriptions ORDER BY id COLLATE \"C\"", schema));
  if (!rows) return std::unexpected(rows.error());
  std::vector<model::Subscription> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto sub = decode_row(rows->text(i, 0), rows->text(i, 1));
    if (!sub) return std::unexpected(sub.error());
    out.push_back(std::move(*sub));
  }
  return out;
}

// One statement, so one snapshot: the version is that of these subscriptions.
Result<SubscriptionSet> load_subscription_set(Connection& db, const std::string& schema) {
  auto rows =
      db.run(in_schema("SELECT v.v, s.id, s.doc FROM {s}.subscription_version v "
                       "LEFT JOIN {s}.subscriptions s ON true ORDER BY s.id COLLATE \"C\"",
                       schema));
  if (!rows) return std::unexpected(rows.error());
  SubscriptionSet out;
  for (int i = 0; i < rows->size(); ++i) {
    out.version = rows->integer(i, 0);
    if (rows->null(i, 1)) continue;  // no subscription: the version alone
    auto sub = decode_row(rows->text(i, 1), rows->text(i, 2));
    if (!sub) return std::unexpected(sub.error());
    out.subscriptions.push_back(std::move(*sub));
  }
  return out;
}

Result<std::optional<model::Subscription>> load_subscription(Connection& db,
                                                             const std::string& schema,
                                                             std::string_view id) {
  const Param p[] = {param(id)};
  auto rows = db.run(in_schema("SELECT doc FROM {s}.subscriptions WHERE id = $1", schema), p);
  if (!rows) return std::unexpected(rows.error());
  if (rows->size() == 0) return std::optional<model::Subscription>();
  auto sub = decode_row(id, rows->text(0, 0));
  if (!sub) return std::unexpected(sub.error());
  return std::optional<model::Subscription>(std::move(*sub));
}

Result<std::vector<OwedNotification>> load_owed_notifications(
    Connection& db, const std::string& schema, std::optional<std::string_view> subscription,
    std::int64_t after, std::size_t limit) {
  // Two statements rather than one with "$3 IS NULL OR": a prepared statement's generic plan
  // would then use no index.
  constexpr std::string_view kAll =
      "SELECT seq, subscription, trigger, at, entity, previous FROM {s}.owed_notifications "
      "WHERE seq > $1 ORDER BY seq LIMIT $2";
  constexpr std::string_view kOne =
      "SELECT seq, subscription, trigger, at, entity, previous FROM {s}.owed_notifications "
      "WHERE subscription = $3 AND seq > $1 ORDER BY seq LIMIT $2";
  const Param p[] = {param(after), param(static_cast<std::int64_t>(limit)),
                     param(subscription.value_or(""))};
  auto rows = subscription ? db.run(in_schema(kOne, schema), p)
                           : db.run(in_schema(kAll, schema), std::span(p, 2));
  if (!rows) return std::unexpected(rows.error());
  std::vector<OwedNotification> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto n = owed_of(*rows, i);
    if (!n) return std::unexpected(n.error());
    out.push_back(std::move(*n));
  }
  return out;
}

}  // namespace tsunagu::store::postgres
