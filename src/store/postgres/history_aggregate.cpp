// Aggregation of history in SQL (clause 4.5.19, docs/design/temporal.md), as on SQLite: per
// attribute of each selected entity, one GROUP BY over the range. Fixed-length periods are found
// by integer division of an instance's time minus the start; calendar periods (months, years)
// by width_bucket() over their bounds, computed here by calendar arithmetic and passed as one
// array, so that a year of months is one statement rather than two per month. Numeric methods
// read only columns of history_by_time.

#include <optional>
#include <utility>

#include "model/duration.hpp"
#include "store/history_aggregation.hpp"
#include "store/postgres/history_methods.hpp"
#include "store/postgres/history_reader.hpp"
#include "store/postgres/history_select.hpp"
#include "store/postgres/schema.hpp"

namespace tsunagu::store::postgres {
namespace {

using Extent = std::optional<std::pair<std::int64_t, std::int64_t>>;  // first and last value

// Where the periods start and where the whole range ends; see Aggregator::span_of().
struct Span {
  PeriodSpan bounds;
  Extent values;  // when span_of() read it
};

std::string select_list(const std::vector<Column>& columns) {
  std::string sql;
  for (const auto& c : columns) sql += ", " + c.sql;
  return sql;
}

// One row of values (after `skip` leading columns) as a period.
AggregatedPeriod period_of(const Rows& rows, int row, int skip, const std::vector<Column>& columns,
                           std::int64_t start, std::int64_t end) {
  AggregatedPeriod p{from_ms(start), from_ms(end), {}};
  for (std::size_t i = 0; i < columns.size(); ++i) {
    p.values.push_back(value_of(rows, row, skip + static_cast<int>(i), columns[i].as));
  }
  return p;
}

// The bounds of the calendar periods start + k × period that hold [first, last]: the lower bound
// of each, then the upper bound of the last. add_duration() saturates, so both loops end.
std::vector<std::int64_t> calendar_bounds(std::int64_t start, const model::Duration& period,
                                          std::int64_t first, std::int64_t last) {
  const auto origin = from_ms(start);
  std::int64_t k = 0;
  while (to_ms(model::add_duration(origin, period, k + 1)) <= first) ++k;
  std::vector<std::int64_t> bounds{to_ms(model::add_duration(origin, period, k))};
  while (bounds.back() <= last) bounds.push_back(to_ms(model::add_duration(origin, period, ++k)));
  return bounds;
}

class Aggregator {
 public:
  Aggregator(Connection& db, const std::string& schema, const HistoryQuery& query,
             const AggregationRequest& request, const InstanceFilter& filter)
      : db_(db), schema_(schema), query_(query), request_(request), filter_(filter) {}

  Result<std::optional<AggregatedAttribute>> run(const SelectedEntity& e,
                                                 const SelectedAttribute& a) {
    auto classes = applicable_classes(request_.methods, a, [&] { return classes_in_range(e, a); });
    if (!classes) return std::unexpected(classes.error());
    value_ = value_condition(*classes);
    columns_.clear();
    for (auto m : request_.methods) columns_.push_back(column_of(m, *classes));
    AggregatedAttribute out{a.name, a.kind, {}};
    Status st = request_.period.zero()    ? whole(e, a, out)
                : request_.period.fixed() ? fixed(e, a, out)
                                          : calendar(e, a, out);
    if (!st) return std::unexpected(st.error());
    if (out.periods.empty()) return std::optional<AggregatedAttribute>();
    return std::optional<AggregatedAttribute>(std::move(out));
  }

 private:
  // " FROM history h WHERE <the pair> <the query's filter>"
  void append_from(SqlText& sql, const SelectedEntity& e, const SelectedAttribute& a) const {
    sql += " FROM {s}.history h WHERE h.hid = " + sql.bind(param(e.hid)) +
           " AND h.attr = " + sql.bind(param(a.name));
    filter_.append_to(sql);
  }

  Result<Rows> run_sql(const SqlText& sql) {
    return db_.run(in_schema(sql.sql, schema_), sql.params);
  }

  std::string present() const { return "count(*) FILTER (WHERE " + value_ + ")"; }

  // The classes of the values in the range (applicable_classes()).
  Result<std::int64_t> classes_in_range(const SelectedEntity& e, const SelectedAttribute& a) {
    SqlText sql;
    sql += "SELECT coalesce(bit_or(1::bigint << h.class), 0)";
    append_from(sql, e, a);
    auto rows = run_sql(sql);
    if (!rows) return std::unexpected(rows.error());
    return rows->integer(0, 0);
  }

  // The times of the first and the last value in the range; none when it holds no value.
  Result<Extent> extent(const SelectedEntity& e, const SelectedAttribute& a) {
    SqlText sql;
    sql += "SELECT min(" + filter_.key + "), max(" + filter_.key + ")";
    append_from(sql, e, a);
    sql += " AND " + value_;
    auto rows = run_sql(sql);
    if (!rows) return std::unexpected(rows.error());
    if (rows->null(0, 0)) return Extent();
    return Extent(std::pair{rows->integer(0, 0), rows->integer(0, 1)});
  }

  // Where the periods start, and where the whole range ends (store/history_aggregation.hpp).
  // None when the range holds no value.
  Result<std::optional<Span>> span_of(const SelectedEntity& e, const SelectedAttribute& a) {
    // A between range gives both ends: the periods then need no query (those without values are
    // left out by the aggregation itself).
    if (auto span = span_of_range(query_.range)) return std::optional<Span>(Span{*span, {}});
    auto found = extent(e, a);
    if (!found) return std::unexpected(found.error());
    if (!*found) return std::optional<Span>();
    return std::optional<Span>(
        Span{span_of_values(query_.range, (*found)->first, (*found)->second), *found});
  }

  Status whole(const SelectedEntity& e, const SelectedAttribute& a, AggregatedAttribute& out) {
    auto span = span_of(e, a);
    if (!span) return std::unexpected(span.error());
    if (!*span) return ok();
    SqlText sql;
    sql += "SELECT " + present() + select_list(columns_);
    append_from(sql, e, a);
    auto rows = run_sql(sql);
    if (!rows) return std::unexpected(rows.error());
    if (rows->integer(0, 0) > 0) {
      out.periods.push_back(
          period_of(*rows, 0, 1, columns_, (*span)->bounds.start, (*span)->bounds.end));
    }
    return ok();
  }

  Status fixed(const SelectedEntity& e, const SelectedAttribute& a, AggregatedAttribute& out) {
    auto span = span_of(e, a);
    if (!span) return std::unexpected(span.error());
    if (!*span) return ok();
    const std::int64_t start = (*span)->bounds.start;
    const std::int64_t length = request_.period.length().count();
    SqlText sql;
    sql += "SELECT (" + filter_.key + " - " + sql.bind(param(start)) + ") / " +
           sql.bind(param(length)) + " AS p, " + present() + select_list(columns_);
    append_from(sql, e, a);
    sql += " GROUP BY p ORDER BY p";
    auto rows = run_sql(sql);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
      if (rows->integer(i, 1) == 0) continue;  // tombstones only
      const std::int64_t p = rows->integer(i, 0);
      out.periods.push_back(
          period_of(*rows, i, 2, columns_, start + p * length, start + (p + 1) * length));
    }
    return ok();
  }

  // Calendar periods differ in length: the bounds of those between the first and the last value
  // go to the server as one array, and width_bucket() finds each instance's period.
  Status calendar(const SelectedEntity& e, const SelectedAttribute& a, AggregatedAttribute& out) {
    auto span = span_of(e, a);
    if (!span) return std::unexpected(span.error());
    if (!*span) return ok();
    if (!(*span)->values) {
      auto found = extent(e, a);
      if (!found) return std::unexpected(found.error());
      if (!*found) return ok();
      (*span)->values = *found;
    }
    const auto [first, last] = *(*span)->values;
    const auto bounds = calendar_bounds((*span)->bounds.start, request_.period, first, last);
    SqlText sql;
    sql += "SELECT width_bucket(" + filter_.key + ", " + sql.bind(integer_array(bounds)) +
           "::bigint[]) AS p, " + present() + select_list(columns_);
    append_from(sql, e, a);
    sql += " AND " + filter_.key + " >= " + sql.bind(param(bounds.front())) + " AND " +
           filter_.key + " < " + sql.bind(param(bounds.back())) + " GROUP BY p HAVING " +
           present() + " > 0 ORDER BY p LIMIT " + std::to_string(kMaxAggregatedPeriods);
    auto rows = run_sql(sql);
    if (!rows) return std::unexpected(rows.error());
    for (int i = 0; i < rows->size(); ++i) {
      const auto p = static_cast<std::size_t>(rows->integer(i, 0));
      if (p == 0 || p >= bounds.size()) continue;
      out.periods.push_back(period_of(*rows, i, 2, columns_, bounds[p - 1], bounds[p]));
    }
    return ok();
  }

  Connection& db_;
  const std::string& schema_;
  const HistoryQuery& query_;
  const AggregationRequest& request_;
  const InstanceFilter& filter_;
  std::string value_;            // the condition that a row holds a value
  std::vector<Column> columns_;  // the requested methods, in order
};

}  // namespace

Result<AggregatedPage> aggregate_history(Connection& db, const std::string& schema,
                                         const HistoryQuery& query,
                                         const AggregationRequest& request) {
  const auto filter = instance_filter(query);
  auto selection = select_entities(db, schema, query, filter);
  if (!selection) return std::unexpected(selection.error());
  Aggregator aggregator(db, schema, query, request, filter);
  return aggregate_page(*selection, [&](const SelectedEntity& e, const SelectedAttribute& a) {
    return aggregator.run(e, a);
  });
}

}  // namespace tsunagu::store::postgres
