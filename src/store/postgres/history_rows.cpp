#include "store/postgres/history_rows.hpp"

namespace tsunagu::store::postgres {

namespace {

constexpr char kEscape = '\x01';

std::optional<std::int64_t> ms_of(const std::optional<model::Timestamp>& t) {
  return t ? std::optional<std::int64_t>(to_ms(*t)) : std::nullopt;
}

std::optional<std::int64_t> optional_integer(const Rows& rows, int row, int col) {
  return rows.null(row, col) ? std::nullopt : std::optional<std::int64_t>(rows.integer(row, col));
}

std::optional<std::string_view> optional_text(const Rows& rows, int row, int col) {
  return rows.null(row, col) ? std::nullopt : std::optional<std::string_view>(rows.text(row, col));
}

}  // namespace

std::string stored_text(std::string_view text) {
  if (text.find_first_of(std::string_view("\0\x01", 2)) == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '\0' || c == kEscape) {
      out += kEscape;
      out += static_cast<char>(c + 1);
    } else {
      out += c;
    }
  }
  return out;
}

std::string text_from_store(std::string_view stored) {
  if (stored.find(kEscape) == std::string_view::npos) return std::string(stored);
  std::string out;
  out.reserve(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    if (stored[i] == kEscape && i + 1 < stored.size()) {
      out += static_cast<char>(stored[++i] - 1);
    } else {
      out += stored[i];
    }
  }
  return out;
}

StoredInstance stored_instance(const model::Attribute& value,
                               std::optional<model::Timestamp> deleted_at) {
  const auto view = view_of(value, deleted_at.has_value());
  StoredInstance s;
  s.dataset = value.dataset_id;
  s.observed = ms_of(value.observed_at);
  s.created = to_ms(value.created_at);
  s.modified = to_ms(value.modified_at);
  s.deleted = ms_of(deleted_at);
  s.kind = static_cast<std::int64_t>(value.kind);
  s.value_class = view.value_class;
  s.num = view.number;
  if (view.text) s.txt = stored_text(*view.text);
  s.doc = history_doc(value, view);
  return s;
}

Result<DecodedInstance> decode_history_row(const Rows& rows, int row, int first,
                                           std::string_view entity_id) {
  // Only a plain string or relationship target is read from `txt`: its escape undone.
  const std::string txt = rows.null(row, first + 10) || !rows.null(row, first + 8)
                              ? std::string()
                              : text_from_store(rows.text(row, first + 10));
  HistoryRow r;
  r.iid = rows.integer(row, first);
  r.dataset = optional_text(rows, row, first + 1);
  r.observed = optional_integer(rows, row, first + 2);
  r.created = rows.integer(row, first + 3);
  r.modified = rows.integer(row, first + 4);
  r.deleted = optional_integer(rows, row, first + 5);
  r.kind = rows.integer(row, first + 6);
  r.num = rows.null(row, first + 7) ? 0 : rows.real(row, first + 7);
  r.doc = optional_text(rows, row, first + 8);
  r.value_class = rows.integer(row, first + 9);
  r.txt = txt;
  return store::decode_history_row(r, entity_id);
}

}  // namespace tsunagu::store::postgres
