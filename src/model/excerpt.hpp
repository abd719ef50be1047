#pragma once
// Client input echoed in error messages. A client may send megabytes where a name is expected;
// the message quotes at most the first 64 bytes, cut at a UTF-8 boundary so it stays valid text.

#include <string>
#include <string_view>

namespace tsunagu::model {

std::string excerpt(std::string_view text);

}  // namespace tsunagu::model
