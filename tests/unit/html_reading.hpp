#pragma once
// Reading the HTML of oneID's pages in tests, by string scanning: every attribute value the
// pages write is quoted and escaped, so a scan finds exactly what a browser would.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace tsunagu::testing::html {

using Attributes = std::map<std::string, std::string>;

// The text with the character references the pages write (&lt; &gt; &quot; &#39; &amp;) undone.
std::string unescape(std::string text);
// The start tags <name ...> in `html`, with their attributes unescaped.
std::vector<Attributes> tags(std::string_view html, std::string_view name);
// The markup inside every <name ...>...</name> (not nested in itself), as written.
std::vector<std::string> inner(std::string_view html, std::string_view name);
// The same, unescaped (nested tags kept).
std::vector<std::string> contents(std::string_view html, std::string_view name);
// Each <form ...>...</form> with its markup.
std::vector<std::string> forms(std::string_view html);

}  // namespace tsunagu::testing::html
