#include "query/scope_query.hpp"

#include <algorithm>
#include <vector>

#include "query/q_lexical.hpp"

namespace tsunagu::query {
namespace {

using std::size_t;

// Characters that a level of a scope may not contain, besides ASCII whitespace and controls:
// the separator, the operators of the scopeQ grammar and the wildcards.
constexpr std::string_view kNotInLevel = "/;|,()+#";

bool is_level_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7F && kNotInLevel.find(c) == std::string_view::npos;
}

// The levels of a scope or pattern that starts with '/': "/a//b" gives "a", "", "b" and "/"
// gives one empty level.
class Levels {
 public:
  explicit Levels(std::string_view text) : rest_(text.substr(1)) {}

  bool next(std::string_view& level) {
    if (done_) return false;
    const size_t slash = rest_.find('/');
    level = rest_.substr(0, slash);
    if (slash == std::string_view::npos) {
      done_ = true;
    } else {
      rest_.remove_prefix(slash + 1);
    }
    return true;
  }

  bool done() const { return done_; }

 private:
  std::string_view rest_;
  bool done_ = false;
};

Status bad_pattern(const std::string& problem, size_t position) {
  return fail(ErrorKind::BadRequestData,
              "scopeQ: " + problem + " at position " + std::to_string(position));
}

// One atom of a scopeQ. The grammar has already kept operators, whitespace and controls out of
// it, so only the structure of levels and the wildcards are left to check.
Status check_pattern(std::string_view atom, size_t position) {
  const auto at = [&](size_t byte) { return position + character_count(atom.substr(0, byte)); };
  if (atom.front() != '/') return bad_pattern("a scope must start with '/'", position);
  for (size_t start = 1;;) {
    const size_t end = std::min(atom.find('/', start), atom.size());
    const std::string_view level = atom.substr(start, end - start);
    const bool last = end == atom.size();
    if (level.empty()) return bad_pattern("empty level after the '/'", at(start - 1));
    if (level == "#" && !last) return bad_pattern("'#' must be the last level", at(start));
    if (level != "+" && level != "#") {
      if (const size_t w = level.find_first_of("+#"); w != std::string_view::npos) {
        return bad_pattern("'" + std::string(1, level[w]) + "' must be a whole level",
                           at(start + w));
      }
    }
    if (last) return ok();
    start = end + 1;
  }
}

// The entity's scopes: the string, or the strings of the array (the entity parser allows no
// other members; anything else is ignored).
std::vector<std::string_view> scopes_of(const model::Entity& entity) {
  std::vector<std::string_view> out;
  if (!entity.scope) return out;
  if (entity.scope->is_string()) {
    out.emplace_back(entity.scope->get_string());
  } else if (entity.scope->is_array()) {
    for (const auto& s : entity.scope->get_array()) {
      if (s.is_string()) out.emplace_back(s.get_string());
    }
  }
  return out;
}

}  // namespace

bool valid_scope(std::string_view scope) {
  if (scope.size() < 2 || scope.front() != '/' || scope.back() == '/') return false;
  if (scope.find("//") != std::string_view::npos) return false;
  const bool levels_ok =
      std::all_of(scope.begin(), scope.end(), [](char c) { return c == '/' || is_level_byte(c); });
  return levels_ok && invalid_utf8_at(scope) == std::string_view::npos;
}

Result<TermExpr> parse_scope_query(std::string_view text) {
  return parse_term_expr(text, "scopeQ", AtomCheck(check_pattern));
}

bool scope_matches(std::string_view pattern, std::string_view scope) {
  if (!pattern.starts_with('/') || !scope.starts_with('/')) return false;
  Levels want(pattern);
  Levels have(scope);
  std::string_view p;
  std::string_view s;
  while (want.next(p)) {
    if (p == "#") return true;  // this scope or any below it
    if (!have.next(s)) return false;
    if (p != "+" && p != s) return false;
  }
  return have.done();
}

bool matches_scope(const TermExpr& expr, const model::Entity& entity) {
  const std::vector<std::string_view> scopes = scopes_of(entity);
  if (scopes.empty()) return false;
  return evaluate(expr, [&scopes](const std::string& pattern) {
    return std::any_of(scopes.begin(), scopes.end(),
                       [&pattern](std::string_view s) { return scope_matches(pattern, s); });
  });
}

ScopeIndexKey scope_index_prefix(std::string_view pattern) {
  if (!pattern.starts_with('/')) return {std::string(pattern), true};
  size_t start = 1;
  Levels levels(pattern);
  std::string_view level;
  while (levels.next(level)) {
    if (level == "+" || level == "#") {
      // The literal text before the '/' that opens the first wildcard level.
      const std::string_view literal = pattern.substr(0, start - 1);
      return {literal.empty() ? std::string("/") : std::string(literal), false};
    }
    start += level.size() + 1;
  }
  return {std::string(pattern), true};
}

bool is_candidate(const ScopeIndexKey& key, std::string_view scope) {
  if (key.exact) return scope == key.prefix;
  if (key.prefix == "/") return scope.starts_with('/');
  return scope == key.prefix ||
         (scope.starts_with(key.prefix) && scope.size() > key.prefix.size() &&
          scope[key.prefix.size()] == '/');
}

}  // namespace tsunagu::query
