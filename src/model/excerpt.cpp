#include "model/excerpt.hpp"

namespace tsunagu::model {

std::string excerpt(std::string_view text) {
  constexpr std::size_t kLimit = 64;
  if (text.size() <= kLimit) return std::string(text);
  std::size_t cut = kLimit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace tsunagu::model
