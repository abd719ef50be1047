#include "query/q_parser.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "model/excerpt.hpp"
#include "query/q_lexical.hpp"

namespace tsunagu::query {
namespace {

using std::size_t;

constexpr std::string_view kDelimiters = ";|),";

// Bool and Uri have no order, so they cannot bound a range or follow '>'.
bool is_ordered(const Value& v) {
  return !std::holds_alternative<bool>(v) && !std::holds_alternative<Uri>(v);
}

Expr leaf(Comparison c) {
  Expr e;
  e.leaf = std::move(c);
  return e;
}

// Adds `e` to the children of a node of `kind`, splicing in the children of a nested node of the
// same kind: "a;(b;c)" becomes one And of three.
void append(std::vector<Expr>& children, Expr e, Expr::Kind kind) {
  if (e.kind != kind) {
    children.push_back(std::move(e));
    return;
  }
  for (auto& child : e.children) children.push_back(std::move(child));
}

Expr combine(Expr::Kind kind, std::vector<Expr> children) {
  if (children.size() == 1) return std::move(children.front());
  Expr e;
  e.kind = kind;
  e.children = std::move(children);
  return e;
}

// One parse of one expression. Positions in messages are byte offsets into the text.
class Parser {
 public:
  Parser(std::string_view text, const TermExpander& expand, const QLimits& limits)
      : s_(text), expand_(expand), limits_(limits) {}

  Result<Expr> parse() {
    if (s_.size() > limits_.max_length) {
      return error_at(limits_.max_length, "the expression is longer than " +
                                              std::to_string(limits_.max_length) + " bytes");
    }
    if (auto bad = invalid_utf8_at(s_); bad != std::string_view::npos) {
      return error_at(bad, "invalid UTF-8");
    }
    auto e = parse_or(0);
    if (!e || at_end()) return e;
    if (peek() == ')') return error_at(pos_, "')' without a matching '('");
    return unexpected("';', '|' or the end");
  }

 private:
  // ---- expressions ----

  Result<Expr> parse_or(size_t depth) {
    std::vector<Expr> children;
    do {
      auto e = parse_and(depth);
      if (!e) return e;
      append(children, std::move(*e), Expr::Kind::Or);
    } while (accept('|'));
    return combine(Expr::Kind::Or, std::move(children));
  }

  Result<Expr> parse_and(size_t depth) {
    std::vector<Expr> children;
    do {
      auto e = peek() == '(' ? parse_group(depth) : parse_term();
      if (!e) return e;
      append(children, std::move(*e), Expr::Kind::And);
    } while (accept(';'));
    return combine(Expr::Kind::And, std::move(children));
  }

  Result<Expr> parse_group(size_t depth) {
    const size_t open = pos_++;
    if (depth + 1 > limits_.max_depth) {
      return error_at(
          open, "parentheses nest deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    auto e = parse_or(depth + 1);
    if (!e) return e;
    if (accept(')')) return e;
    if (at_end()) {
      return error_at(pos_, "missing ')' for the '(' at position " + std::to_string(open));
    }
    return unexpected("';', '|' or ')'");
  }

  // ---- query terms ----

  Result<Expr> parse_term() {
    if (++terms_ > limits_.max_terms) {
      return error_at(pos_, "more than " + std::to_string(limits_.max_terms) + " query terms");
    }
    if (accept('!')) return parse_not_exists();
    auto path = parse_path();
    if (!path) return std::unexpected(path.error());
    const size_t op_pos = pos_;
    auto op = parse_op();
    if (!op) return std::unexpected(op.error());
    Comparison c;
    c.path = std::move(*path);
    c.op = op->value_or(Op::Exists);
    if (auto st = parse_operand(c, op_pos); !st) return std::unexpected(st.error());
    return leaf(std::move(c));
  }

  Result<Expr> parse_not_exists() {
    auto path = parse_path();
    if (!path) return std::unexpected(path.error());
    if (!at_end() && std::string_view("=!<>~").find(peek()) != std::string_view::npos) {
      return error_at(pos_, "'!' tests that an attribute does not exist and takes no operator");
    }
    Comparison c;
    c.path = std::move(*path);
    c.op = Op::NotExists;
    return leaf(std::move(c));
  }

  // The operator at pos_, or nullopt when none follows (an existence test).
  Result<std::optional<Op>> parse_op() {
    static constexpr std::pair<std::string_view, Op> kOps[] = {
        {"==", Op::Eq}, {"!~=", Op::NotMatch}, {"!=", Op::Ne}, {">=", Op::Ge},
        {">", Op::Gt},  {"<=", Op::Le},        {"<", Op::Lt},  {"~=", Op::Match},
    };
    for (const auto& [text, op] : kOps) {
      if (s_.substr(pos_).starts_with(text)) {
        pos_ += text.size();
        return op;
      }
    }
    if (s_.substr(pos_).starts_with("=~")) {
      return error_at(pos_, "'=~' is not an operator; the pattern operator is '~='");
    }
    if (!at_end() && std::string_view("=!~").find(peek()) != std::string_view::npos) {
      return error_at(pos_, what_at(pos_) +
                                " is not an operator; the operators are ==, !=, >, "
                                ">=, <, <=, ~= and !~=");
    }
    return std::nullopt;
  }

  Status parse_operand(Comparison& c, size_t op_pos) {
    const std::string after = "'" + std::string(s_.substr(op_pos, pos_ - op_pos)) + "'";
    switch (c.op) {
      case Op::Exists:
        return ok();
      case Op::Eq:
      case Op::Ne:
        return parse_equality_operand(c, after);
      case Op::Match:
      case Op::NotMatch:
        return parse_pattern(c, after);
      default:
        return parse_ordering_operand(c, after);
    }
  }

  Status parse_equality_operand(Comparison& c, const std::string& after) {
    const size_t first_pos = pos_;
    auto first = parse_value(after);
    if (!first) return std::unexpected(first.error());
    if (accept("..")) return parse_range_end(c, std::move(*first), first_pos);
    c.values.push_back(std::move(*first));
    while (accept(',')) {
      auto next = parse_value("','");
      if (!next) return std::unexpected(next.error());
      c.values.push_back(std::move(*next));
    }
    return ok();
  }

  Status parse_range_end(Comparison& c, Value min, size_t min_pos) {
    if (!is_ordered(min)) {
      return error_at(min_pos, "a range needs numbers, strings, dates or times");
    }
    const size_t max_pos = pos_;
    auto max = parse_value("'..'");
    if (!max) return std::unexpected(max.error());
    if (max->index() != min.index()) {
      return error_at(max_pos, "both ends of a range must have the same type");
    }
    c.range = Range{std::move(min), std::move(*max)};
    return ok();
  }

  Status parse_ordering_operand(Comparison& c, const std::string& after) {
    const size_t value_pos = pos_;
    auto v = parse_value(after);
    if (!v) return std::unexpected(v.error());
    if (!is_ordered(*v)) {
      return error_at(value_pos, after + " compares numbers, strings, dates and times only");
    }
    if (s_.substr(pos_).starts_with("..") || peek() == ',') {
      return error_at(pos_, "ranges and lists are allowed only after '==' and '!='");
    }
    c.values.push_back(std::move(*v));
    return ok();
  }

  // ---- values ----

  Result<Value> parse_value(const std::string& after) {
    const size_t start = pos_;
    if (at_end() || kDelimiters.find(peek()) != std::string_view::npos ||
        static_cast<unsigned char>(peek()) <= 0x20) {
      return error_at(start, "expected a value after " + after + ", found " + what_at(start));
    }
    if (peek() == '"') {
      auto text = parse_string();
      if (!text) return std::unexpected(text.error());
      std::string iri = expand_(*text);
      return Text{std::move(*text), std::move(iri)};
    }
    const std::string_view token = scan_bare_value();
    auto v = classify_value(token);
    if (!v) return error_at(start, v.error());
    return std::move(*v);
  }

  // An unquoted value runs to a delimiter or to "..": "10..20" is a range, "1.5" a number.
  // Whitespace ends it too, so that the message names the space rather than a strange value.
  std::string_view scan_bare_value() {
    const size_t start = pos_;
    while (!at_end() && kDelimiters.find(peek()) == std::string_view::npos &&
           static_cast<unsigned char>(peek()) > 0x20 && !s_.substr(pos_).starts_with("..")) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }

  // A JSON string (RFC 8259, section 7) starting at the '"' at pos_.
  Result<std::string> parse_string() {
    const size_t start = pos_++;
    std::string out;
    while (!at_end()) {
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) {
        return error_at(pos_, "a control character in a string must be escaped");
      }
      if (c != '\\') {
        out += c;
        ++pos_;
        continue;
      }
      auto escaped = decode_escape(s_, pos_);
      if (!escaped) return error_at(pos_, escaped.error());
      out += escaped->text;
      pos_ += escaped->length;
    }
    return error_at(start, "unterminated string");
  }

  // ---- patterns ----

  Status parse_pattern(Comparison& c, const std::string& after) {
    const size_t start = pos_;
    std::string source;
    if (peek() == '"') {
      auto text = parse_string();
      if (!text) return std::unexpected(text.error());
      source = std::move(*text);
    } else {
      pos_ = pattern_end(s_, pos_);
      source = std::string(s_.substr(start, pos_ - start));
    }
    if (source.empty()) return error_at(start, "expected a pattern after " + after);
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(static_cast<int64_t>(limits_.max_pattern_memory));
    auto re = std::make_shared<const RE2>(source, options);
    if (!re->ok()) {
      return error_at(start, "invalid pattern '" + model::excerpt(source) + "': " + re->error());
    }
    c.pattern = std::move(re);
    return ok();
  }

  // ---- attribute paths ----

  struct Name {
    std::string text;
    size_t pos;
  };

  Result<AttrPath> parse_path() {
    std::vector<Name> names;
    do {
      auto name = parse_name(names.empty() ? "an attribute name" : "a name after '.'");
      if (!name) return std::unexpected(name.error());
      names.push_back(std::move(*name));
    } while (accept('.'));
    const size_t keys_pos = pos_;
    auto keys = parse_keys();
    if (!keys) return std::unexpected(keys.error());
    return bind_path(names, std::move(*keys), keys_pos);
  }

  Result<Name> parse_name(std::string_view expected) {
    const size_t start = pos_;
    std::string_view word = scan_word(s_, pos_, false);
    // A compact IRI, "prefix:name": nothing else may follow a name with ':'.
    if (!word.empty() && peek() == ':' && pos_ + 1 < s_.size() &&
        is_word_byte(s_[pos_ + 1], false)) {
      const size_t colon = pos_++;
      std::string_view suffix = scan_word(s_, pos_, false);
      if (!is_attr_name(word) || !is_attr_name(suffix)) return bad_name(start, expected);
      word = s_.substr(start, colon - start + 1 + suffix.size());
    } else if (!is_attr_name(word)) {
      return bad_name(start, expected);
    }
    return Name{std::string(word), start};
  }

  std::unexpected<Error> bad_name(size_t start, std::string_view expected) {
    return error_at(start, "expected " + std::string(expected) +
                               " (a letter, then letters, digits or '_'), found " + what_at(start));
  }

  // The trailing path: "[a.b]" or "[a][b]", or "[*]" (any language of a LanguageProperty).
  Result<std::vector<std::string>> parse_keys() {
    std::vector<std::string> keys;
    while (!at_end() && peek() == '[') {
      const size_t open = pos_++;
      if (accept('*')) {
        keys.emplace_back("*");
      } else if (auto st = parse_key_list(keys); !st) {
        return std::unexpected(st.error());
      }
      if (!accept(']')) {
        return error_at(pos_, "expected ']' to close the '[' at position " + std::to_string(open) +
                                  ", found " + what_at(pos_));
      }
    }
    if (keys.size() > 1 && std::find(keys.begin(), keys.end(), "*") != keys.end()) {
      return error_at(pos_ - 1, "'[*]' stands alone: it selects any language");
    }
    return keys;
  }

  Status parse_key_list(std::vector<std::string>& keys) {
    do {
      const size_t start = pos_;
      std::string_view key = scan_word(s_, pos_, true);
      if (!is_key_name(key)) {
        return error_at(start,
                        "expected a key (a letter, then letters, digits, '_' or '-'), "
                        "found " +
                            what_at(start));
      }
      keys.emplace_back(key);
    } while (accept('.'));
    return ok();
  }

  Result<AttrPath> bind_path(const std::vector<Name>& names, std::vector<std::string> keys,
                             size_t keys_pos) {
    AttrPath path;
    std::optional<Metadata> meta = metadata_from_name(names.back().text);
    if (names.size() == 1 && meta) return bind_entity_metadata(names.front(), *meta, keys);
    for (size_t i = 0; i < names.size(); ++i) {
      const bool last = i + 1 == names.size();
      if (last && meta) break;
      if (metadata_from_name(names[i].text)) {
        return error_at(names[i].pos, "'" + names[i].text + "' must end the path");
      }
      auto iri = expand_name(names[i]);
      if (!iri) return std::unexpected(iri.error());
      (i == 0 ? path.attr : path.sub_attrs.emplace_back()) = std::move(*iri);
    }
    if (meta && !keys.empty()) {
      return error_at(keys_pos, "'" + names.back().text + "' has no members to select with '['");
    }
    path.metadata = meta;
    path.json_keys = std::move(keys);
    return path;
  }

  // "createdAt" or "modifiedAt" alone: the entity's own timestamps.
  Result<AttrPath> bind_entity_metadata(const Name& name, Metadata meta,
                                        const std::vector<std::string>& keys) {
    if (meta != Metadata::CreatedAt && meta != Metadata::ModifiedAt) {
      return error_at(name.pos, "'" + name.text +
                                    "' is a member of an attribute: write "
                                    "attribute." +
                                    name.text);
    }
    if (!keys.empty()) {
      return error_at(name.pos + name.text.size(), "'" + name.text + "' has no members");
    }
    AttrPath path;
    path.metadata = meta;
    return path;
  }

  Result<std::string> expand_name(const Name& name) {
    std::string iri = expand_(name.text);
    if (iri.empty()) {
      return error_at(name.pos, "'" + name.text + "' is undefined: the @context maps it to null");
    }
    if (iri.front() == '@') {
      return error_at(name.pos,
                      "'" + name.text + "' is not an attribute name (it means " + iri + ")");
    }
    return iri;
  }

  // ---- scanning helpers ----

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  bool accept(char c) {
    if (at_end() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  bool accept(std::string_view text) {
    if (!s_.substr(pos_).starts_with(text)) return false;
    pos_ += text.size();
    return true;
  }

  std::string what_at(size_t pos) const { return describe_at(s_, pos); }

  std::unexpected<Error> unexpected(std::string_view expected) const {
    return error_at(pos_, "unexpected " + what_at(pos_) + "; expected " + std::string(expected));
  }

  static std::unexpected<Error> error_at(size_t pos, const std::string& message) {
    return fail(ErrorKind::BadRequestData, "q: position " + std::to_string(pos) + ": " + message);
  }

  std::string_view s_;
  size_t pos_ = 0;
  const TermExpander& expand_;
  QLimits limits_;
  size_t terms_ = 0;
};

}  // namespace

Result<Expr> parse_q(std::string_view text, const TermExpander& expand, const QLimits& limits) {
  return Parser(text, expand, limits).parse();
}

Result<Expr> parse_q(std::string_view text, const jsonld::Context& context, const QLimits& limits) {
  const TermExpander expand = [&context](std::string_view term) { return context.expand(term); };
  return parse_q(text, expand, limits);
}

}  // namespace tsunagu::query
