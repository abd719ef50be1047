#include "app/context_loader.hpp"

#include <boost/json/parse.hpp>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

namespace tsunagu::app {
namespace {

namespace fs = std::filesystem;

std::unexpected<Error> unavailable(std::string_view url, std::string_view why) {
  return fail(ErrorKind::LdContextNotAvailable,
              "@context " + std::string(url) + " is not available: " + std::string(why));
}

const std::pair<const std::string, fs::path>* longest_match(
    const std::map<std::string, fs::path>& files, std::string_view url) {
  const std::pair<const std::string, fs::path>* best = nullptr;
  for (const auto& entry : files) {
    const std::string& key = entry.first;
    bool match = key == url || (key.ends_with('/') && url.starts_with(key));
    if (match && (best == nullptr || key.size() > best->first.size())) best = &entry;
  }
  return best;
}

// The file mapped to `url`, nullopt when none is. A prefix mapping never reaches outside its
// directory.
Result<std::optional<fs::path>> local_path(const std::map<std::string, fs::path>& files,
                                           std::string_view url) {
  const auto* mapping = longest_match(files, url);
  if (mapping == nullptr) return std::nullopt;
  if (mapping->first == url) return mapping->second;
  auto rest = url.substr(mapping->first.size());
  rest = rest.substr(0, rest.find_first_of("?#"));
  fs::path relative(rest);
  bool escapes = relative.empty() || relative.is_absolute() ||
                 std::any_of(relative.begin(), relative.end(),
                             [](const fs::path& part) { return part == ".."; });
  if (escapes) return unavailable(url, "the URL does not name a file below its mapped directory");
  return mapping->second / relative;
}

Result<boost::json::value> parse_context_document(std::string_view url, std::string_view text) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec);
  if (ec) return unavailable(url, "the document is not JSON (" + ec.message() + ")");
  if (!doc.is_object() || !doc.get_object().contains("@context")) {
    return unavailable(url, "the document has no @context member");
  }
  return doc;
}

}  // namespace

ContextLoader::ContextLoader(ContextLoaderOptions options) : options_(std::move(options)) {}

Result<boost::json::value> ContextLoader::load(std::string_view url) {
  auto path = local_path(options_.local_files, url);
  if (!path) return std::unexpected(path.error());
  if (*path) return load_file(url, **path);
  return load_remote(url);
}

// Messages name the URL, not the local path: they reach the client in the error response.
Result<boost::json::value> ContextLoader::load_file(std::string_view url, const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return unavailable(url, "its mapped local file cannot be read (" + ec.message() + ")");
  if (size > options_.fetch.max_body_bytes) {
    return unavailable(url, "its mapped local file exceeds " +
                                std::to_string(options_.fetch.max_body_bytes) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return unavailable(url, "its mapped local file cannot be read");
  return parse_context_document(url, text);
}

Result<boost::json::value> ContextLoader::load_remote(std::string_view url) {
  if (!options_.allow_remote) {
    return unavailable(url, "remote @context loading is disabled and no local file is mapped");
  }
  auto response = http::fetch(url, options_.fetch);
  if (!response) return unavailable(url, response.error().message);
  if (response->status != 200) {
    return unavailable(url, "HTTP status " + std::to_string(response->status));
  }
  return parse_context_document(url, response->body);
}

}  // namespace tsunagu::app
