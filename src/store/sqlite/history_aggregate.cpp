// Aggregation of history in SQL (clause 4.5.19, docs/design/temporal.md): per attribute of each
// selected entity, one GROUP BY over the range for periods of fixed length (the period of an
// instance is its time minus the start, divided by the length), or one aggregate per period that
// holds instances for calendar periods (months, years). Numeric methods read only the columns of
// history_by_time, so a month of one sensor's readings is aggregated from the index alone.

#include <sqlite3.h>

#include <cmath>
#include <map>

#include "model/duration.hpp"
#include "store/history_aggregation.hpp"
#include "store/sqlite/history_reader.hpp"
#include "store/sqlite/history_select.hpp"

namespace tsunagu::store::sqlite {
namespace json = boost::json;
using model::AggregationMethod;

namespace {

model::Timestamp at_ms(std::int64_t ms) {
  return model::Timestamp(std::chrono::milliseconds(ms));
}
std::int64_t ms(model::Timestamp t) {
  return t.time_since_epoch().count();
}

// One method as a column of the aggregate query, and the form of its result
// (store/history_aggregation.hpp).
struct Column {
  std::string sql;
  ResultForm as = ResultForm::Number;
};

std::string sql_of(AggregationMethod m, std::int64_t classes) {
  const std::string compared = scale_of(classes) == Scale::Strings ? "h.txt" : "h.num";
  switch (m) {
    case AggregationMethod::TotalCount:
      return numeric_only(classes)
                 ? "count(h.num)"
                 : "count(CASE WHEN h.deleted IS NULL THEN coalesce(h.num, h.txt, h.doc) END)";
    case AggregationMethod::DistinctCount:
      return numeric_only(classes) ? "count(DISTINCT h.num)"
                                   : "count(DISTINCT CASE WHEN h.deleted IS NULL THEN "
                                     "coalesce(h.txt, h.num, h.doc) END)";
    case AggregationMethod::Sum:
      return "sum(h.num)";
    case AggregationMethod::Avg:
      return "avg(h.num)";
    case AggregationMethod::Min:
      return "min(" + compared + ")";
    case AggregationMethod::Max:
      return "max(" + compared + ")";
    case AggregationMethod::StdDev:
      return "tsunagu_stddev(h.num)";
    case AggregationMethod::SumSq:
      return "sum(h.num * h.num)";
  }
  return "NULL";
}

Column column_of(AggregationMethod m, std::int64_t classes) {
  return {sql_of(m, classes), result_form(m, classes)};
}

json::value value_of(const Statement& row, int i, ResultForm as) {
  if (row.column_null(i)) return nullptr;
  switch (as) {
    case ResultForm::Integer:
      return json::value(row.column_int(i));
    case ResultForm::Number:
      return number_result(row.column_double(i));
    case ResultForm::Text:
      return json::value(row.column_text(i));
    case ResultForm::DateTime:
      return datetime_result(row.column_double(i));
  }
  return nullptr;
}

class Aggregator {
 public:
  Aggregator(Connection& db, const HistoryQuery& query, const AggregationRequest& request,
             const InstanceFilter& filter)
      : db_(db), query_(query), request_(request), filter_(filter) {}

  Result<std::optional<AggregatedAttribute>> run(const SelectedEntity& e,
                                                 const SelectedAttribute& a) {
    auto classes = applicable_classes(request_.methods, a, [&] { return classes_in_range(e, a); });
    if (!classes) return std::unexpected(classes.error());
    // Numbers alone are read from history_by_time without the table: count and look for
    // them by `num`, which a tombstone lacks.
    // Other values may lie in `doc`, which a tombstone of the scope has too.
    present_ = numeric_only(*classes)
                   ? "h.num"
                   : "CASE WHEN h.deleted IS NULL THEN coalesce(h.num, h.txt, h.doc) END";
    value_ = present_ + " IS NOT NULL";
    auto bounds = bounds_of(e, a);
    if (!bounds) return std::unexpected(bounds.error());
    if (!*bounds) return std::optional<AggregatedAttribute>();
    AggregatedAttribute out;
    out.name = a.name;
    out.kind = a.kind;
    std::vector<Column> columns;
    for (auto m : request_.methods) columns.push_back(column_of(m, *classes));
    const auto [start, end] = **bounds;
    Status st = request_.period.zero()    ? whole(e, a, columns, start, end, out)
                : request_.period.fixed() ? fixed(e, a, columns, start, out)
                                          : calendar(e, a, columns, start, out);
    if (!st) return std::unexpected(st.error());
    if (out.periods.empty()) return std::optional<AggregatedAttribute>();
    return std::optional<AggregatedAttribute>(std::move(out));
  }

 private:
  std::string from() const {
    return " FROM history h WHERE h.hid = ?1 AND h.attr = ?2" + filter_.where;
  }

  // A statement of this query, prepared once for all its entities and attributes, reset and
  // bound to the entity and attribute (?1, ?2).
  Result<Statement*> prepared(const std::string& sql, const SelectedEntity& e,
                              const SelectedAttribute& a) {
    auto& slot = statements_[sql];
    if (!slot) {
      auto stmt = db_.prepare(sql);
      if (!stmt) return std::unexpected(stmt.error());
      slot = std::move(*stmt);
    }
    slot->reset();
    slot->bind(1, e.hid);
    slot->bind(2, a.key);
    return slot.get();
  }

  // The classes of the values in the range (applicable_classes()).
  Result<std::int64_t> classes_in_range(const SelectedEntity& e, const SelectedAttribute& a) {
    auto stmt = prepared("SELECT DISTINCT h.class" + from(), e, a);
    if (!stmt) return std::unexpected(stmt.error());
    std::int64_t classes = 0;
    int rc;
    while ((rc = (*stmt)->step()) == SQLITE_ROW) {
      classes |= std::int64_t{1} << (*stmt)->column_int(0);
    }
    if (rc != SQLITE_DONE) return db_.error("read history classes");
    return classes;
  }

  // Where the periods start, and where the whole range ends (store/history_aggregation.hpp).
  // None when the range holds no value.
  Result<std::optional<PeriodSpan>> bounds_of(const SelectedEntity& e, const SelectedAttribute& a) {
    // A between range gives both ends: the periods then need no query (those without values are
    // left out by the aggregation itself).
    if (auto span = span_of_range(query_.range)) return span;
    auto stmt = prepared(
        "SELECT min(" + filter_.key + "), max(" + filter_.key + ")" + from() + " AND " + value_, e,
        a);
    if (!stmt) return std::unexpected(stmt.error());
    if ((*stmt)->step() != SQLITE_ROW) return db_.error("read history bounds");
    if ((*stmt)->column_null(0)) return std::optional<PeriodSpan>();
    return span_of_values(query_.range, (*stmt)->column_int(0), (*stmt)->column_int(1));
  }

  static std::string select_list(const std::vector<Column>& columns) {
    std::string sql;
    for (const auto& c : columns) sql += ", " + c.sql;
    return sql;
  }

  // Reads one row of values (after `skip` leading columns) into a period.
  static AggregatedPeriod period_of(const Statement& row, int skip,
                                    const std::vector<Column>& columns, std::int64_t start,
                                    std::int64_t end) {
    AggregatedPeriod p{at_ms(start), at_ms(end), {}};
    for (std::size_t i = 0; i < columns.size(); ++i) {
      p.values.push_back(value_of(row, skip + static_cast<int>(i), columns[i].as));
    }
    return p;
  }

  Status whole(const SelectedEntity& e, const SelectedAttribute& a,
               const std::vector<Column>& columns, std::int64_t start, std::int64_t end,
               AggregatedAttribute& out) {
    auto stmt = prepared("SELECT count(" + present_ + ")" + select_list(columns) + from(), e, a);
    if (!stmt) return std::unexpected(stmt.error());
    if ((*stmt)->step() != SQLITE_ROW) return db_.error("aggregate history");
    if ((*stmt)->column_int(0) > 0)
      out.periods.push_back(period_of(**stmt, 1, columns, start, end));
    return ok();
  }

  Status fixed(const SelectedEntity& e, const SelectedAttribute& a,
               const std::vector<Column>& columns, std::int64_t start, AggregatedAttribute& out) {
    const std::int64_t length = request_.period.length().count();
    const std::string period =
        "((" + filter_.key + " - " + std::to_string(start) + ") / " + std::to_string(length) + ")";
    auto stmt = prepared("SELECT " + period + " AS p, count(" + present_ + ")" +
                             select_list(columns) + from() + " GROUP BY p ORDER BY p",
                         e, a);
    if (!stmt) return std::unexpected(stmt.error());
    int rc;
    while ((rc = (*stmt)->step()) == SQLITE_ROW) {
      if ((*stmt)->column_int(1) == 0) continue;  // tombstones only
      const std::int64_t p = (*stmt)->column_int(0);
      out.periods.push_back(
          period_of(**stmt, 2, columns, start + p * length, start + (p + 1) * length));
    }
    return rc == SQLITE_DONE ? ok() : Status(db_.error("aggregate history"));
  }

  // Calendar periods differ in length: each period that holds a value is found from the next
  // instance's time, then aggregated by its bounds. Two index seeks per period with values.
  Status calendar(const SelectedEntity& e, const SelectedAttribute& a,
                  const std::vector<Column>& columns, std::int64_t start,
                  AggregatedAttribute& out) {
    const std::string next_sql =
        "SELECT min(" + filter_.key + ")" + from() + " AND " + filter_.key + " >= ?3 AND " + value_;
    const std::string within_sql = "SELECT count(" + present_ + ")" + select_list(columns) +
                                   from() + " AND " + filter_.key + " >= ?3 AND " + filter_.key +
                                   " < ?4";
    const model::Timestamp origin = at_ms(start);
    std::int64_t cursor = start;
    std::int64_t k = 0;
    for (std::size_t periods = 0; periods < kMaxAggregatedPeriods; ++periods) {
      auto next = prepared(next_sql, e, a);
      if (!next) return std::unexpected(next.error());
      (*next)->bind(3, cursor);
      if ((*next)->step() != SQLITE_ROW) return db_.error("aggregate history");
      if ((*next)->column_null(0)) return ok();
      const std::int64_t t = (*next)->column_int(0);
      while (ms(model::add_duration(origin, request_.period, k + 1)) <= t) ++k;
      const std::int64_t from_ms = ms(model::add_duration(origin, request_.period, k));
      const std::int64_t to_ms = ms(model::add_duration(origin, request_.period, k + 1));
      auto within = prepared(within_sql, e, a);
      if (!within) return std::unexpected(within.error());
      (*within)->bind(3, from_ms);
      (*within)->bind(4, to_ms);
      if ((*within)->step() != SQLITE_ROW) return db_.error("aggregate history");
      if ((*within)->column_int(0) > 0) {
        out.periods.push_back(period_of(**within, 1, columns, from_ms, to_ms));
      }
      cursor = to_ms;
      ++k;
    }
    return ok();
  }

  Connection& db_;
  std::map<std::string, std::unique_ptr<Statement>> statements_;
  std::string present_;  // the column whose count is the number of values
  std::string value_;    // the condition that a row holds a value
  const HistoryQuery& query_;
  const AggregationRequest& request_;
  const InstanceFilter& filter_;
};

// Welford's running mean and squared deviation: stable where sum-of-squares formulas cancel.
struct Running {
  std::int64_t n = 0;
  double mean = 0;
  double m2 = 0;
};

void stddev_step(sqlite3_context* ctx, int, sqlite3_value** args) {
  if (sqlite3_value_type(args[0]) == SQLITE_NULL) return;
  auto* r = static_cast<Running*>(sqlite3_aggregate_context(ctx, sizeof(Running)));
  if (!r) return sqlite3_result_error_nomem(ctx);
  const double x = sqlite3_value_double(args[0]);
  ++r->n;
  const double delta = x - r->mean;
  r->mean += delta / static_cast<double>(r->n);
  r->m2 += delta * (x - r->mean);
}

// The sample standard deviation (n - 1); 0 for a single value, NULL for none.
void stddev_final(sqlite3_context* ctx) {
  auto* r = static_cast<Running*>(sqlite3_aggregate_context(ctx, 0));
  if (!r || r->n == 0) return sqlite3_result_null(ctx);
  if (r->n == 1) return sqlite3_result_double(ctx, 0.0);
  sqlite3_result_double(ctx, std::sqrt(r->m2 / static_cast<double>(r->n - 1)));
}

}  // namespace

Status register_history_functions(Connection& db) {
  const int rc = sqlite3_create_function_v2(db.handle(), "tsunagu_stddev", 1,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, nullptr,
                                            &stddev_step, &stddev_final, nullptr);
  if (rc != SQLITE_OK) return db.error("register tsunagu_stddev");
  return ok();
}

Result<AggregatedPage> aggregate_history(Connection& db, const HistoryQuery& query,
                                         const AggregationRequest& request) {
  auto filter = instance_filter(db, query);
  if (!filter) return std::unexpected(filter.error());
  auto selection = select_entities(db, query, *filter);
  if (!selection) return std::unexpected(selection.error());
  Aggregator aggregator(db, query, request, *filter);
  return aggregate_page(*selection, [&](const SelectedEntity& e, const SelectedAttribute& a) {
    return aggregator.run(e, a);
  });
}

}  // namespace tsunagu::store::sqlite
