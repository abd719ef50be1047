#pragma once
// Documents compiled into the binary (see cmake/embed.cmake): the NGSI-LD core context.

#include <string_view>
#include <utility>
#include <vector>

namespace tsunagu::embedded {

// (file name, content) of every file under data/contexts/.
const std::vector<std::pair<std::string_view, std::string_view>>& documents();

}  // namespace tsunagu::embedded
