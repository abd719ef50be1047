#include "store/postgres/connection.hpp"

#include <array>
#include <charconv>

namespace tsunagu::store::postgres {
namespace {

// The server's message without libpq's trailing newline.
std::string message_of(const char* text) {
  std::string out = text ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Lost connections and a server that refuses work are worth a retry; the rest is ours to fix.
ErrorKind kind_of(std::string_view state, bool broken) {
  if (broken) return ErrorKind::Busy;
  if (state.starts_with("08") || state.starts_with("53") || state.starts_with("57")) {
    return ErrorKind::Busy;  // connection exceptions, insufficient resources, operator action
  }
  if (state == kSerializationFailure || state == kDeadlockDetected) return ErrorKind::Busy;
  return ErrorKind::InternalError;
}

}  // namespace

Param param(std::string_view text) {
  return std::string(text);
}

Param param(std::int64_t value) {
  return std::to_string(value);
}

Param param(double value) {
  std::array<char, 32> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), end);
}

namespace {

void append_quoted(std::string& out, std::string_view v) {
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

// {e1,e2,...} with each element written by `write`.
template <typename T, typename Write>
std::string array_literal(std::span<const T> values, Write&& write) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    write(out, v);
  }
  return out + "}";
}

}  // namespace

Param text_array(std::span<const std::string> values) {
  return array_literal(values,
                       [](std::string& out, const std::string& v) { append_quoted(out, v); });
}

Param text_array(std::span<const std::optional<std::string>> values) {
  return array_literal(values, [](std::string& out, const std::optional<std::string>& v) {
    if (v)
      append_quoted(out, *v);
    else
      out += "NULL";
  });
}

Param number_array(std::span<const std::optional<double>> values) {
  return array_literal(values, [](std::string& out, const std::optional<double>& v) {
    out += v ? *param(*v) : "NULL";
  });
}

Param integer_array(std::span<const std::int64_t> values) {
  return array_literal(values, [](std::string& out, std::int64_t v) { out += std::to_string(v); });
}

std::int64_t Rows::integer(int row, int col) const {
  const auto t = text(row, col);
  std::int64_t v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

double Rows::real(int row, int col) const {
  const auto t = text(row, col);
  double v = 0;
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

std::int64_t Rows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return n && *n ? std::stoll(n) : 0;
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (!conn) return fail(ErrorKind::InternalError, "PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = message_of(PQerrorMessage(conn));
    PQfinish(conn);
    return fail(ErrorKind::Busy, "cannot connect to PostgreSQL at " + redacted(url) + ": " + why);
  }
  auto out = std::unique_ptr<Connection>(new Connection(conn));
  // Notices (e.g. "schema already exists, skipping") are not errors; keep them out of stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return out;
}

Connection::~Connection() {
  PQfinish(conn_);
}

Result<Rows> Connection::check(PGresult* result, std::string_view sql) {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    last_state_.clear();
    const std::string_view tag = PQcmdStatus(result);
    Rows rows(result);
    if (tag.starts_with("INSERT") || tag.starts_with("UPDATE") || tag.starts_with("DELETE")) {
      changes_ += rows.affected();
    } else if (tag.starts_with("CREATE") || tag.starts_with("DROP") || tag.starts_with("ALTER")) {
      ++changes_;
    }
    return rows;
  }
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_state_ = state ? state : "";
  std::string why = message_of(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (why.empty()) why = message_of(PQerrorMessage(conn_));
  if (result) PQclear(result);
  const auto first_line = sql.substr(0, std::min<std::size_t>(sql.find('\n'), 80));
  return fail(kind_of(last_state_, broken()),
              "PostgreSQL: " + why + " (in: " + std::string(first_line) + ")");
}

Status Connection::exec(std::string_view sql) {
  auto rows = exec_rows(sql);
  if (!rows) return std::unexpected(rows.error());
  return ok();
}

Result<Rows> Connection::exec_rows(std::string_view sql) {
  return check(PQexec(conn_, std::string(sql).c_str()), sql);
}

namespace {

struct ParamArrays {
  std::vector<const char*> values;
  explicit ParamArrays(std::span<const Param> params) {
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  }
};

}  // namespace

Result<Rows> Connection::run(std::string_view sql, std::span<const Param> params) {
  const std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    const std::string name = "t" + std::to_string(prepared_.size());
    auto prepared = check(
        PQprepare(conn_, name.c_str(), key.c_str(), static_cast<int>(params.size()), nullptr), sql);
    if (!prepared) return std::unexpected(prepared.error());
    it = prepared_.emplace(key, name).first;
  }
  ParamArrays p(params);
  return check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                              p.values.data(), nullptr, nullptr, 0),
               sql);
}

Result<Rows> Connection::run_once(std::string_view sql, std::span<const Param> params) {
  ParamArrays p(params);
  return check(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(params.size()),
                            nullptr, p.values.data(), nullptr, nullptr, 0),
               sql);
}

bool Connection::transaction_failed() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

bool Connection::in_transaction() const {
  const auto s = PQtransactionStatus(conn_);
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR;
}

std::string redacted(std::string_view url) {
  // postgresql://user:secret@host/db -> postgresql://user:***@host/db
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    const auto password = url.find("password=");
    if (password == std::string_view::npos) return std::string(url);
    const auto end = url.find(' ', password);
    return std::string(url.substr(0, password)) + "password=***" +
           (end == std::string_view::npos ? "" : std::string(url.substr(end)));
  }
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon)) + ":***" + std::string(url.substr(at));
}

}  // namespace tsunagu::store::postgres
