#include "store/postgres/tenant_db.hpp"

#include <spdlog/spdlog.h>

#include "query/entity_selector.hpp"
#include "query/geo_query.hpp"
#include "query/q_eval.hpp"
#include "query/scope_query.hpp"
#include "store/entity_codec.hpp"
#include "store/postgres/entity_tables.hpp"
#include "store/postgres/history_reader.hpp"
#include "store/postgres/query_compiler.hpp"
#include "store/postgres/subscription_tables.hpp"
#include "store/postgres/summary_tables.hpp"
#include "store/postgres/write_group.hpp"

namespace tsunagu::store::postgres {
namespace {

// Candidates that the evaluators decide are read through a cursor, this many at a time: memory
// stays bounded however many there are, and the read stops once a page is full.
constexpr int kCursorBatch = 256;

bool passes(const EntityQuery& q, const model::Entity& e) {
  if (q.q && !query::matches(*q.q, e)) return false;
  if (q.geo && !query::matches(*q.geo, e)) return false;
  if (q.scope && !query::matches_scope(*q.scope, e)) return false;
  if (q.entities.empty()) return true;
  for (const auto& s : q.entities) {
    if (query::matches(s, e)) return true;
  }
  return false;
}

// Reads candidates in rid order through a cursor and keeps those that pass, paging and
// counting only them.
Result<QueryPage> evaluate(Connection& db, const EntityQuery& q, const CompiledQuery& compiled) {
  if (auto st = db.exec("BEGIN READ ONLY"); !st) return std::unexpected(st.error());
  QueryPage page;
  std::size_t matched = 0;
  Status st = [&]() -> Status {
    auto declared =
        db.run_once("DECLARE candidates NO SCROLL CURSOR FOR " + compiled.page, compiled.params);
    if (!declared) return std::unexpected(declared.error());
    for (;;) {
      auto rows = db.run_once("FETCH " + std::to_string(kCursorBatch) + " FROM candidates");
      if (!rows) return std::unexpected(rows.error());
      for (int i = 0; i < rows->size(); ++i) {
        auto e = decode_entity_text(rows->text(i, 0));
        if (!e) return std::unexpected(e.error());
        if (!passes(q, *e)) continue;
        if (++matched > q.offset && page.entities.size() < q.limit) {
          page.entities.push_back(std::move(*e));
        }
        if (!q.count && page.entities.size() >= q.limit) return ok();
      }
      if (rows->size() < kCursorBatch) return ok();
    }
  }();
  if (st) st = db.exec("COMMIT");
  if (!st) {
    (void)db.exec("ROLLBACK");
    return std::unexpected(st.error());
  }
  if (q.count) page.total = matched;
  return page;
}

}  // namespace

Result<std::shared_ptr<TenantDb>> TenantDb::open(const std::string& url, TenantSchema schema,
                                                 std::string node,
                                                 std::shared_ptr<ConnectionPool> readers,
                                                 TenantDbOptions options) {
  auto writer = Connection::open(url);
  if (!writer) return std::unexpected(writer.error());
  return std::shared_ptr<TenantDb>(new TenantDb(url, std::move(schema), std::move(node),
                                                std::move(*writer), std::move(readers), options));
}

TenantDb::TenantDb(std::string url, TenantSchema schema, std::string node,
                   std::unique_ptr<Connection> writer, std::shared_ptr<ConnectionPool> readers,
                   TenantDbOptions options)
    : url_(std::move(url)),
      schema_(std::move(schema)),
      node_(std::move(node)),
      options_(options),
      writer_db_(std::move(writer)),
      readers_(std::move(readers)),
      writes_(options, [this](std::vector<WriteJob>& jobs) { commit_group(jobs); }) {}

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
  // A database restart cut the writer's connection: the group gets a new one (or fails as Busy,
  // and the next group tries again).
  if (writer_db_->broken()) {
    auto fresh = Connection::open(url_);
    if (!fresh) {
      spdlog::error("tenant {}: {}", schema_.schema, fresh.error().message);
      for (auto& job : jobs) job.done(std::unexpected(fresh.error()));
      return;
    }
    writer_db_ = std::move(*fresh);
    partitions_.clear();
  }
  auto results = apply_group(*writer_db_, schema_, node_, partitions_, jobs);
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].done(std::move(results[i]));
}

Result<std::vector<model::Subscription>> TenantDb::subscriptions() {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_subscriptions(**conn, schema_.schema);
}

Result<SubscriptionSet> TenantDb::subscription_set() {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_subscription_set(**conn, schema_.schema);
}

Result<std::optional<model::Subscription>> TenantDb::subscription(std::string_view id) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_subscription(**conn, schema_.schema, id);
}

Result<std::vector<OwedNotification>> TenantDb::owed_notifications(std::int64_t after,
                                                                   std::size_t limit) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_owed_notifications(**conn, schema_.schema, std::nullopt, after, limit);
}

Result<std::vector<OwedNotification>> TenantDb::owed_notifications_of(std::string_view subscription,
                                                                      std::int64_t after,
                                                                      std::size_t limit) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_owed_notifications(**conn, schema_.schema, subscription, after, limit);
}

Result<HistoryPage> TenantDb::history(const HistoryQuery& query) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_history(**conn, schema_.schema, query);
}

Result<AggregatedPage> TenantDb::aggregate(const HistoryQuery& query,
                                           const AggregationRequest& request) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return aggregate_history(**conn, schema_.schema, query, request);
}

Result<std::optional<model::Entity>> TenantDb::get(std::string_view id) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return load_entity(**conn, schema_.schema, id);
}

Result<bool> TenantDb::read_document(std::string_view id, std::string& doc) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_entity_document(**conn, schema_.schema, id, doc);
}

Result<std::vector<TypeSummary>> TenantDb::type_summaries(std::optional<std::string_view> only) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_type_summaries(**conn, schema_.schema, only);
}

Result<std::vector<AttributeSummary>> TenantDb::attribute_summaries(
    std::optional<std::string_view> only) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  return read_attribute_summaries(**conn, schema_.schema, only);
}

Result<QueryPage> TenantDb::query(const EntityQuery& q) {
  auto conn = readers_->acquire();
  if (!conn) return std::unexpected(conn.error());
  Connection& db = **conn;
  const CompiledQuery compiled = compile(q, schema_.schema);
  if (compiled.needs_evaluation) return evaluate(db, q, compiled);
  QueryPage page;
  if (q.limit > 0) {
    auto rows = db.run_once(compiled.page, compiled.params);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
      auto e = decode_entity_text(rows->text(i, 0));
      if (!e) return std::unexpected(e.error());
      page.entities.push_back(std::move(*e));
    }
  }
  if (q.count) {
    auto rows = db.run_once(compiled.count, compiled.params);
    if (!rows) return std::unexpected(rows.error());
    page.total = static_cast<std::size_t>(rows->integer(0, 0));
  }
  return page;
}

}  // namespace tsunagu::store::postgres
