#include <gtest/gtest.h>

#include <string>

#include "http/message.hpp"

namespace tsunagu::http {
namespace {

std::string line(std::string_view name, std::string_view value) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  append_header_line(head, name, value);
  return head.substr(17);
}

TEST(HeaderLine, IsNameColonValueCrLf) {
  EXPECT_EQ(line("Content-Type", "application/json"), "Content-Type: application/json\r\n");
  EXPECT_EQ(line("X-Empty", ""), "X-Empty: \r\n");
}

TEST(HeaderLine, LineBreaksInAValueBecomeSpacesSoNoHeaderCanBeInjected) {
  EXPECT_EQ(line("Location", "/a\r\nSet-Cookie: x=1"), "Location: /a  Set-Cookie: x=1\r\n");
  EXPECT_EQ(line("L", "\r"), "L:  \r\n");
  EXPECT_EQ(line("L", "\n\n"), "L:   \r\n");
  EXPECT_EQ(line("L", "a\nb\rc"), "L: a b c\r\n");
  EXPECT_EQ(line("L", "\r\nend"), "L:   end\r\n");
  const std::string long_value = std::string(5000, 'x') + "\n" + std::string(5000, 'y');
  EXPECT_EQ(line("L", long_value),
            "L: " + std::string(5000, 'x') + " " + std::string(5000, 'y') + "\r\n");
}

TEST(HeaderLine, OtherBytesPassUnchanged) {
  const std::string value = std::string("tab\there ") + "\x01\x7f\xc3\xa9;q=0.5, */*";
  EXPECT_EQ(line("Accept", value), "Accept: " + value + "\r\n");
}

}  // namespace
}  // namespace tsunagu::http
