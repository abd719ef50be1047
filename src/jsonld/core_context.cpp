#include "jsonld/core_context.hpp"

#include <boost/json/parse.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "jsonld/embedded.hpp"

namespace tsunagu::jsonld {
namespace {

constexpr std::string_view kCoreFile = "ngsi-ld-core-context-v1.8.jsonld";
constexpr std::string_view kUrlStem = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context";

[[noreturn]] void defect(const std::string& what) {
  std::fprintf(stderr, "tsunagu: embedded %s: %s\n", std::string(kCoreFile).c_str(), what.c_str());
  std::abort();
}

boost::json::value parse_core_document() {
  for (const auto& [name, content] : embedded::documents()) {
    if (name != kCoreFile) continue;
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(content, ec);
    if (ec) defect("not JSON: " + ec.message());
    const auto* context = doc.is_object() ? doc.get_object().if_contains("@context") : nullptr;
    if (context == nullptr) defect("no @context member");
    return *context;
  }
  defect("missing from the binary");
}

std::shared_ptr<const Context> build_core() {
  ContextBuilder builder;
  if (auto s = builder.apply(core_context_document(), Origin::Core); !s) defect(s.error().message);
  return std::move(builder).build();
}

}  // namespace

bool is_core_context_url(std::string_view url) {
  if (!url.starts_with(kUrlStem)) return false;
  auto rest = url.substr(kUrlStem.size());
  if (rest == ".jsonld") return true;
  return rest.size() == 12 && rest.starts_with("-v1.") && rest[4] >= '3' && rest[4] <= '8' &&
         rest.ends_with(".jsonld");
}

const boost::json::value& core_context_document() {
  static const boost::json::value document = parse_core_document();
  return document;
}

std::shared_ptr<const Context> core_context() {
  static const std::shared_ptr<const Context> core = build_core();
  return core;
}

}  // namespace tsunagu::jsonld
