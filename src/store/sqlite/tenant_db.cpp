#include "store/sqlite/tenant_db.hpp"

#include "query/geo_query.hpp"
#include "query/q_eval.hpp"
#include "query/scope_query.hpp"
#include "store/entity_codec.hpp"
#include "store/sqlite/discovery.hpp"
#include "store/sqlite/group_commit.hpp"
#include "store/sqlite/history_reader.hpp"
#include "store/sqlite/query_compiler.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/subscription_tables.hpp"

namespace tsunagu::store::sqlite {

Result<ReaderPool::Handle> ReaderPool::acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [&] { return !idle_.empty() || open_ < max_; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Handle(c.release(), [this](Connection* p) { release(p); });
  }
  ++open_;
  lock.unlock();
  auto conn = Connection::open(file_, Connection::Mode::ReadWrite);
  Status prepared = conn ? prepare_reader(**conn) : Status(std::unexpected(conn.error()));
  if (!prepared) {
    std::lock_guard relock(mu_);
    --open_;
    available_.notify_one();
    return std::unexpected(prepared.error());
  }
  return Handle(conn->release(), [this](Connection* p) { release(p); });
}

void ReaderPool::release(Connection* c) {
  std::lock_guard lock(mu_);
  idle_.emplace_back(c);
  available_.notify_one();
}

Result<std::shared_ptr<TenantDb>> TenantDb::open(const std::filesystem::path& file,
                                                 TenantDbOptions options) {
  auto writer = Connection::open(file, Connection::Mode::ReadWrite);
  if (!writer) return std::unexpected(writer.error());
  if (auto st = prepare_writer(**writer); !st) return std::unexpected(st.error());
  return std::shared_ptr<TenantDb>(new TenantDb(std::move(*writer), file, options));
}

TenantDb::TenantDb(std::unique_ptr<Connection> writer, std::filesystem::path file,
                   TenantDbOptions options)
    : options_(options),
      writer_db_(std::move(writer)),
      readers_(std::move(file), options.max_readers),
      writes_({options.max_group, options.max_queued},
              [this](std::vector<WriteJob>& jobs) { commit_group(jobs); }) {}

TenantDb::~TenantDb() {
  close();
}

void TenantDb::close() {
  writes_.close();
}

void TenantDb::submit(WriteJob job) {
  writes_.submit(std::move(job));
}

void TenantDb::commit_group(std::vector<WriteJob>& jobs) {
  auto results = apply_group(*writer_db_, terms_, jobs);
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].done(std::move(results[i]));
}

Result<std::vector<model::Subscription>> TenantDb::subscriptions() {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_subscriptions(**conn);
}

// One node writes the file: its subscriptions have no version to follow.
Result<SubscriptionSet> TenantDb::subscription_set() {
  auto subs = subscriptions();
  if (!subs) return std::unexpected(subs.error());
  return SubscriptionSet{0, std::move(*subs)};
}

Result<std::optional<model::Subscription>> TenantDb::subscription(std::string_view id) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_subscription(**conn, id);
}

Result<std::vector<OwedNotification>> TenantDb::owed_notifications(std::int64_t after,
                                                                   std::size_t limit) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_owed_notifications(**conn, after, limit);
}

Result<std::vector<OwedNotification>> TenantDb::owed_notifications_of(std::string_view subscription,
                                                                      std::int64_t after,
                                                                      std::size_t limit) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_owed_notifications_of(**conn, subscription, after, limit);
}

Result<HistoryPage> TenantDb::history(const HistoryQuery& query) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_history(**conn, query);
}

Result<AggregatedPage> TenantDb::aggregate(const HistoryQuery& query,
                                           const AggregationRequest& request) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return aggregate_history(**conn, query, request);
}

Result<std::optional<model::Entity>> TenantDb::get(std::string_view id) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_entity(**conn, id);
}

Result<bool> TenantDb::read_document(std::string_view id, std::string& doc) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_entity_document(**conn, id, doc);
}

Result<std::vector<TypeSummary>> TenantDb::type_summaries(std::optional<std::string_view> only) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_type_summaries(**conn, only);
}

Result<std::vector<AttributeSummary>> TenantDb::attribute_summaries(
    std::optional<std::string_view> only) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_attribute_summaries(**conn, only);
}

Result<QueryPage> TenantDb::query(const EntityQuery& q) {
  auto conn = readers_.acquire();
  if (!conn) return std::unexpected(conn.error());
  Connection& db = **conn;
  auto prepare = [&](const SqlFragment& f) -> Result<std::unique_ptr<Statement>> {
    auto stmt = db.prepare(f.sql);
    if (!stmt) return std::unexpected(stmt.error());
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      (*stmt)->bind(static_cast<int>(i + 1), f.params[i]);
    }
    return stmt;
  };
  // An estimate that fails counts as unselective: the plan is then a scan, never wrong.
  auto estimate = [&](const SqlFragment& rids, std::size_t bound) -> std::size_t {
    SqlFragment probe{"SELECT count(*) FROM (" + rids.sql + " LIMIT " + std::to_string(bound) + ")",
                      rids.params};
    auto stmt = prepare(probe);
    if (!stmt || (*stmt)->step() != SQLITE_ROW) return bound;
    return static_cast<std::size_t>((*stmt)->column_int(0));
  };
  const CompiledQuery compiled = compile(q, estimate, options_.selective_rows);
  // on_row returns false to stop early.
  auto run = [&](const SqlFragment& f, auto&& on_row) -> Status {
    auto stmt = prepare(f);
    if (!stmt) return std::unexpected(stmt.error());
    int rc;
    while ((rc = (*stmt)->step()) == SQLITE_ROW) {
      auto go_on = on_row(**stmt);
      if (!go_on) return std::unexpected(go_on.error());
      if (!*go_on) return ok();
    }
    return rc == SQLITE_DONE ? ok() : Status(db.error("query entities"));
  };
  QueryPage page;
  if (compiled.needs_evaluation) {
    // Candidates come from the indexes; the evaluators decide, and paging counts only matches.
    std::size_t matched = 0;
    auto st = run(compiled.page, [&](Statement& s) -> Result<bool> {
      auto e = decode_entity_text(s.column_text(0));
      if (!e) return std::unexpected(e.error());
      if ((q.q && !query::matches(*q.q, *e)) || (q.geo && !query::matches(*q.geo, *e)) ||
          (q.scope && !query::matches_scope(*q.scope, *e))) {
        return true;
      }
      if (++matched > q.offset && page.entities.size() < q.limit) {
        page.entities.push_back(std::move(*e));
      }
      return q.count || page.entities.size() < q.limit;
    });
    if (!st) return std::unexpected(st.error());
    if (q.count) page.total = matched;
    return page;
  }
  if (q.limit > 0) {
    auto st = run(compiled.page, [&](Statement& s) -> Result<bool> {
      auto e = decode_entity_text(s.column_text(0));
      if (!e) return std::unexpected(e.error());
      page.entities.push_back(std::move(*e));
      return true;
    });
    if (!st) return std::unexpected(st.error());
  }
  if (q.count) {
    auto st = run(compiled.count, [&](Statement& s) -> Result<bool> {
      page.total = static_cast<std::size_t>(s.column_int(0));
      return true;
    });
    if (!st) return std::unexpected(st.error());
  }
  return page;
}

}  // namespace tsunagu::store::sqlite
