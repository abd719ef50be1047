#include "query/term_expr.hpp"

#include <algorithm>
#include <utility>

#include "query/q_lexical.hpp"

namespace tsunagu::query {
namespace {

using std::size_t;

// Bytes that end an atom. Whitespace and control characters are refused before parsing starts,
// so every other byte belongs to an atom.
constexpr std::string_view kOperators = ";|,()";

bool is_atom_byte(char c) {
  return kOperators.find(c) == std::string_view::npos;
}

bool is_space_or_control(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7F;
}

// Adds `e` to the children of a node of `kind`, splicing in the children of a nested node of the
// same kind, so that the invariants of TermExpr hold.
void append(std::vector<TermExpr>& children, TermExpr e, TermExpr::Kind kind) {
  if (e.kind != kind) {
    children.push_back(std::move(e));
    return;
  }
  for (auto& child : e.children) children.push_back(std::move(child));
}

TermExpr combine(TermExpr::Kind kind, std::vector<TermExpr> children) {
  if (children.size() == 1) return std::move(children.front());
  TermExpr e;
  e.kind = kind;
  e.children = std::move(children);
  return e;
}

// One parse of one expression. pos_ is a byte offset; messages convert it to a character
// position.
class Parser {
 public:
  Parser(std::string_view text, std::string_view what, const AtomCheck& check_atom)
      : s_(text), what_(what), check_atom_(check_atom) {}

  Result<TermExpr> parse() {
    if (s_.empty()) return error(what_ + ": the expression is empty");
    if (s_.size() > kMaxTermExprLength) {
      return error(what_ + ": the expression is longer than " + std::to_string(kMaxTermExprLength) +
                   " bytes");
    }
    if (auto bad = invalid_utf8_at(s_); bad != std::string_view::npos) {
      return error_at(bad, "invalid UTF-8");
    }
    if (auto st = refuse_spaces(); !st) return std::unexpected(st.error());
    auto e = parse_or(0);
    if (!e || at_end()) return e;
    // parse_or stops only at the end or at a ')' that closes nothing.
    return error_at(pos_, "unmatched ')'");
  }

 private:
  Status refuse_spaces() {
    const auto it = std::find_if(s_.begin(), s_.end(), is_space_or_control);
    if (it == s_.end()) return ok();
    const auto at = static_cast<size_t>(it - s_.begin());
    return error_at(at, "unexpected " + (*it == ' ' ? std::string("space") : describe_at(s_, at)));
  }

  Result<TermExpr> parse_or(size_t depth) {
    std::vector<TermExpr> children;
    do {
      auto e = parse_and(depth);
      if (!e) return e;
      append(children, std::move(*e), TermExpr::Kind::Or);
    } while (accept('|') || accept(','));
    return combine(TermExpr::Kind::Or, std::move(children));
  }

  Result<TermExpr> parse_and(size_t depth) {
    std::vector<TermExpr> children;
    do {
      auto e = parse_unit(depth);
      if (!e) return e;
      if (!at_end() && peek() == '(') return error_at(pos_, "missing operator before '('");
      // Atoms are maximal runs, so a following atom byte can only come after a ')'.
      if (!at_end() && is_atom_byte(peek()))
        return error_at(pos_ - 1, "missing operator after ')'");
      append(children, std::move(*e), TermExpr::Kind::And);
    } while (accept(';'));
    return combine(TermExpr::Kind::And, std::move(children));
  }

  // An atom or a parenthesised expression. The text is not empty, so when pos_ > 0 the byte
  // before it is an operator or '(' (atoms and ')' are never followed by a unit).
  Result<TermExpr> parse_unit(size_t depth) {
    if (at_end()) return error_at(pos_ - 1, "missing term after " + quoted(pos_ - 1));
    if (peek() == '(') return parse_group(depth);
    if (peek() == ')') return misplaced_close(depth);
    if (!is_atom_byte(peek())) return error_at(pos_, "missing term before " + quoted(pos_));
    return parse_atom();
  }

  std::unexpected<Error> misplaced_close(size_t depth) const {
    if (depth == 0) return error_at(pos_, "unmatched ')'");
    if (s_[pos_ - 1] == '(') return error_at(pos_ - 1, "empty parentheses");
    return error_at(pos_, "missing term before ')'");
  }

  Result<TermExpr> parse_group(size_t depth) {
    const size_t open = pos_++;
    if (depth + 1 > kMaxTermExprDepth) {
      return error_at(
          open, "parentheses nested deeper than " + std::to_string(kMaxTermExprDepth) + " levels");
    }
    auto e = parse_or(depth + 1);
    if (!e || accept(')')) return e;
    return error_at(open, "unclosed '('");
  }

  Result<TermExpr> parse_atom() {
    const size_t start = pos_;
    while (!at_end() && is_atom_byte(peek())) ++pos_;
    TermExpr e;
    e.atom = std::string(s_.substr(start, pos_ - start));
    if (auto st = check_atom_(e.atom, position(start)); !st) return std::unexpected(st.error());
    return e;
  }

  // ---- scanning and messages ----

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  bool accept(char c) {
    if (at_end() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  std::string quoted(size_t at) const { return "'" + std::string(1, s_[at]) + "'"; }

  // The 1-based character position of byte `at`. Atoms are checked left to right, so counting on
  // from the previous answer keeps a long expression linear.
  size_t position(size_t at) const {
    if (at < counted_bytes_) counted_bytes_ = counted_chars_ = 0;
    counted_chars_ += character_count(s_.substr(counted_bytes_, at - counted_bytes_));
    counted_bytes_ = at;
    return counted_chars_ + 1;
  }

  static std::unexpected<Error> error(std::string message) {
    return fail(ErrorKind::BadRequestData, std::move(message));
  }

  std::unexpected<Error> error_at(size_t at, const std::string& problem) const {
    return error(what_ + ": " + problem + " at position " + std::to_string(position(at)));
  }

  std::string_view s_;
  std::string what_;
  const AtomCheck& check_atom_;
  size_t pos_ = 0;
  mutable size_t counted_bytes_ = 0;
  mutable size_t counted_chars_ = 0;
};

void print(const TermExpr& e, std::string& out) {
  if (e.kind == TermExpr::Kind::Atom) {
    out += e.atom;
    return;
  }
  const bool is_and = e.kind == TermExpr::Kind::And;
  for (size_t i = 0; i < e.children.size(); ++i) {
    if (i > 0) out += is_and ? ';' : '|';
    const bool wrap = is_and && e.children[i].kind == TermExpr::Kind::Or;
    if (wrap) out += '(';
    print(e.children[i], out);
    if (wrap) out += ')';
  }
}

}  // namespace

Result<TermExpr> parse_term_expr(std::string_view text, std::string_view what,
                                 const AtomCheck& check_atom) {
  return Parser(text, what, check_atom).parse();
}

bool evaluate(const TermExpr& expr, const std::function<bool(const std::string&)>& atom_holds) {
  const auto holds = [&atom_holds](const TermExpr& child) { return evaluate(child, atom_holds); };
  switch (expr.kind) {
    case TermExpr::Kind::Atom:
      return atom_holds(expr.atom);
    case TermExpr::Kind::And:
      return std::all_of(expr.children.begin(), expr.children.end(), holds);
    case TermExpr::Kind::Or:
      return std::any_of(expr.children.begin(), expr.children.end(), holds);
  }
  return false;
}

std::optional<std::vector<std::string>> as_any_of(const TermExpr& expr) {
  if (expr.kind == TermExpr::Kind::Atom) return std::vector<std::string>{expr.atom};
  if (expr.kind != TermExpr::Kind::Or) return std::nullopt;
  std::vector<std::string> atoms;
  for (const auto& child : expr.children) {
    if (child.kind != TermExpr::Kind::Atom) return std::nullopt;
    if (std::find(atoms.begin(), atoms.end(), child.atom) == atoms.end()) {
      atoms.push_back(child.atom);
    }
  }
  return atoms;
}

void for_each_atom(TermExpr& expr, const std::function<void(std::string& atom)>& fn) {
  if (expr.kind == TermExpr::Kind::Atom) {
    fn(expr.atom);
    return;
  }
  for (auto& child : expr.children) for_each_atom(child, fn);
}

std::string to_string(const TermExpr& expr) {
  std::string out;
  print(expr, out);
  return out;
}

std::size_t character_count(std::string_view utf8) {
  return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

}  // namespace tsunagu::query
