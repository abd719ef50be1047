#pragma once
// JSON text as people expect to read it. Boost.JSON 1.81 writes doubles in scientific notation
// ("2.15E1" for 21.5, "1.355023E2" for a longitude), which is valid JSON but surprises every
// reader of a response and every diff of a stored document. This writer gives the shortest
// text that reads back to the same double ("21.5", "135.5023"), and is otherwise plain JSON.

#include <boost/json/value.hpp>
#include <string>

namespace tsunagu::model {

std::string to_json_text(const boost::json::value& value);
void append_json_text(std::string& out, const boost::json::value& value);
// A JSON string literal: quoted, with what JSON requires escaped.
void append_json_string(std::string& out, std::string_view s);

}  // namespace tsunagu::model
