#include "query/type_query.hpp"

namespace tsunagu::query {

Result<TermExpr> parse_type_query(std::string_view text) {
  // Every atom the grammar lets through is a name that @context expansion accepts (an unknown
  // term is appended to @vocab), so there is nothing more to check here.
  const AtomCheck any_name = [](std::string_view, std::size_t) { return ok(); };
  return parse_term_expr(text, "type", any_name);
}

bool matches_types(const TermExpr& expr, const model::Entity& entity) {
  return evaluate(expr,
                  [&entity](const std::string& type) { return model::has_type(entity, type); });
}

}  // namespace tsunagu::query
