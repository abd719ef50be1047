#include "query/q_ast.hpp"

#include <re2/re2.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <utility>

namespace tsunagu::query {
namespace {

constexpr std::array<std::pair<Metadata, std::string_view>, 5> kMetadata{{
    {Metadata::ObservedAt, "observedAt"},
    {Metadata::UnitCode, "unitCode"},
    {Metadata::DatasetId, "datasetId"},
    {Metadata::CreatedAt, "createdAt"},
    {Metadata::ModifiedAt, "modifiedAt"},
}};

// JSON string syntax (RFC 8259), so that a printed string reads back as the same value.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + '"';
}

std::string number_text(double d) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc{} ? std::string(buf, end) : std::string("NaN");
}

std::string date_text(Date d) {
  const std::chrono::year_month_day ymd{d.day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::string time_text(TimeOfDay t) {
  // Unsigned and bounded so the compiler can see the text fits.
  const auto ms = static_cast<unsigned long>(t.since_midnight.count()) % 86'400'000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lu:%02lu:%02lu.%03luZ", ms / 3'600'000, ms / 60'000 % 60,
                ms / 1000 % 60, ms % 1000);
  return buf;
}

struct ValuePrinter {
  std::string operator()(double d) const { return number_text(d); }
  std::string operator()(bool b) const { return b ? "true" : "false"; }
  std::string operator()(const Text& t) const { return quote(t.value); }
  std::string operator()(const Uri& u) const { return u.value; }
  std::string operator()(model::Timestamp t) const { return model::format_datetime(t); }
  std::string operator()(Date d) const { return date_text(d); }
  std::string operator()(TimeOfDay t) const { return time_text(t); }
};

std::string operand_text(const Comparison& c) {
  if (c.pattern) return quote(c.pattern->pattern());
  if (c.range) return to_string(c.range->min) + ".." + to_string(c.range->max);
  std::string out;
  for (const auto& v : c.values) {
    if (!out.empty()) out += ',';
    out += to_string(v);
  }
  return out;
}

std::string leaf_text(const Comparison& c) {
  if (c.op == Op::NotExists) return "!" + to_string(c.path);
  return to_string(c.path) + std::string(op_text(c.op)) + operand_text(c);
}

}  // namespace

std::string_view metadata_name(Metadata metadata) {
  return kMetadata[static_cast<std::size_t>(metadata)].second;
}

std::optional<Metadata> metadata_from_name(std::string_view name) {
  for (const auto& [m, n] : kMetadata) {
    if (n == name) return m;
  }
  return std::nullopt;
}

std::string_view op_text(Op op) {
  switch (op) {
    case Op::Exists:
      return "";
    case Op::NotExists:
      return "!";
    case Op::Eq:
      return "==";
    case Op::Ne:
      return "!=";
    case Op::Gt:
      return ">";
    case Op::Ge:
      return ">=";
    case Op::Lt:
      return "<";
    case Op::Le:
      return "<=";
    case Op::Match:
      return "~=";
    case Op::NotMatch:
      return "!~=";
  }
  return "?";
}

std::string to_string(const Value& value) {
  return std::visit(ValuePrinter{}, value);
}

std::string to_string(const AttrPath& path) {
  if (path.attr.empty() && path.metadata) return std::string(metadata_name(*path.metadata));
  std::string out = "<" + path.attr + ">";
  for (const auto& sub : path.sub_attrs) out += ".<" + sub + ">";
  if (path.metadata) out += "." + std::string(metadata_name(*path.metadata));
  if (path.json_keys.empty()) return out;
  out += '[';
  for (std::size_t i = 0; i < path.json_keys.size(); ++i) {
    if (i > 0) out += '.';
    out += path.json_keys[i];
  }
  return out + ']';
}

std::string to_string(const Expr& expr) {
  if (expr.kind == Expr::Kind::Leaf) return leaf_text(expr.leaf);
  const bool is_and = expr.kind == Expr::Kind::And;
  std::string out;
  for (const auto& child : expr.children) {
    if (!out.empty()) out += is_and ? ';' : '|';
    // AND binds tighter than OR, so only an Or inside an And needs parentheses.
    const bool parens = is_and && child.kind == Expr::Kind::Or;
    out += parens ? "(" + to_string(child) + ")" : to_string(child);
  }
  return out;
}

}  // namespace tsunagu::query
