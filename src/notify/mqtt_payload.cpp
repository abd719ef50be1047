#include "notify/mqtt_payload.hpp"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>

namespace tsunagu::notify {
namespace {

void append_member(std::string& out, std::string_view name, std::string_view value) {
  if (out.back() != '{') out += ',';
  out += boost::json::serialize(boost::json::string_view(name.data(), name.size()));
  out += ':';
  out += boost::json::serialize(boost::json::string_view(value.data(), value.size()));
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

}  // namespace

std::string mqtt_payload(const Notification& notification) {
  std::string out;
  out.reserve(notification.body.size() + 256);
  out += "{\"metadata\":{";
  if (!notification.content_type.empty()) {
    append_member(out, "Content-Type", notification.content_type);
  }
  for (const auto& [name, value] : notification.headers) append_member(out, name, value);
  out += "},\"body\":";
  // The body is not parsed again: it is the JSON the caller rendered, and may be large.
  out += blank(notification.body) ? std::string_view("null") : std::string_view(notification.body);
  out += '}';
  return out;
}

}  // namespace tsunagu::notify
