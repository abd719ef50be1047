#pragma once
// Where the entity renderer writes: JSON text, for an answer that goes out as it is written, or a
// JSON tree, for a caller that amends what was rendered (a notification adds previous values).
// Both take the same calls in document order: a key, then exactly one value or container.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/json_text.hpp"

namespace tsunagu::api::ngsild {

class TextSink {
 public:
  explicit TextSink(std::string& out) : out_(out) {}

  void begin_object(std::size_t /*members*/ = 0) { out_ += '{'; }
  void end_object() { close('}'); }
  void begin_array() { out_ += '['; }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    model::append_json_string(out_, k);
    out_ += ':';
  }
  void string(std::string_view s) {
    model::append_json_string(out_, s);
    out_ += ',';
  }
  void value(const boost::json::value& v) {
    model::append_json_text(out_, v);
    out_ += ',';
  }
  void null() { out_ += "null,"; }

  // Drops the separator after the last value: the text is then one JSON document.
  void finish() {
    if (!out_.empty() && out_.back() == ',') out_.pop_back();
  }

 private:
  // Every value is followed by a comma, so that no state is kept per level; a container's
  // closing bracket takes the place of the comma after its last member.
  void close(char bracket) {
    if (out_.back() == ',') {
      out_.back() = bracket;
    } else {
      out_ += bracket;
    }
    out_ += ',';
  }

  std::string& out_;
};

class TreeSink {
 public:
  explicit TreeSink(boost::json::storage_ptr sp) : sp_(std::move(sp)) {}

  // `members`: how many the object will have, when known (grown once, not step by step).
  void begin_object(std::size_t members = 0) {
    boost::json::object o(sp_);
    if (members > 0) o.reserve(members);
    stack_.push_back({std::move(o), nullptr});
  }
  void end_object() { close(); }
  void begin_array() { stack_.push_back({boost::json::array(sp_), nullptr}); }
  void end_array() { close(); }
  // The member is made at once, null, and filled by the next value: the key is copied into the
  // object only, however short-lived the text it came in.
  void key(std::string_view k) {
    auto& top = stack_.back();
    top.slot = &top.container.get_object().emplace(k, nullptr).first->value();
  }
  void string(std::string_view s) { put(boost::json::value(boost::json::string_view(s), sp_)); }
  void value(const boost::json::value& v) { put(boost::json::value(v, sp_)); }
  void null() { put(boost::json::value(nullptr, sp_)); }

  // What was written; a value of the sink's storage.
  boost::json::value take() { return std::move(*result_); }

 private:
  struct Level {
    boost::json::value container;
    // In an object, the member the next value fills. Valid until the object grows, which only
    // the next key() does: a nested container is built on a level of its own and moved in.
    boost::json::value* slot;
  };

  void close() {
    auto done = std::move(stack_.back().container);
    stack_.pop_back();
    put(std::move(done));
  }

  // Values are moved within one storage, so nothing is copied twice.
  void put(boost::json::value v) {
    if (stack_.empty()) {
      result_.emplace(std::move(v));
      return;
    }
    auto& top = stack_.back();
    if (top.slot != nullptr) {
      *top.slot = std::move(v);
      top.slot = nullptr;
    } else {
      top.container.get_array().push_back(std::move(v));
    }
  }

  boost::json::storage_ptr sp_;
  std::vector<Level> stack_;
  std::optional<boost::json::value> result_;
};

}  // namespace tsunagu::api::ngsild
