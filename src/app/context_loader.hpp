#pragma once
// The DocumentLoader the server uses for user @contexts: configured URLs and URL prefixes are
// served from local files (air-gapped deployments, pinned copies of data-model contexts), and any
// other URL is fetched over HTTP(S) when the configuration allows it.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "http/fetch.hpp"
#include "jsonld/document_loader.hpp"

namespace tsunagu::app {

struct ContextLoaderOptions {
  // URL -> file. A key ending in "/" is a prefix mapped to a directory: the rest of the URL is
  // the path below it ("https://ex.org/ctx/" -> dir maps "https://ex.org/ctx/a/b.jsonld" to
  // dir/a/b.jsonld). The longest matching key wins.
  std::map<std::string, std::filesystem::path> local_files;
  bool allow_remote = true;
  http::FetchOptions fetch;  // its max_body_bytes also bounds local files
};

// Thread-safe: it keeps no mutable state.
class ContextLoader final : public jsonld::DocumentLoader {
 public:
  explicit ContextLoader(ContextLoaderOptions options);

  // Errors are LdContextNotAvailable, with a message naming the URL and why: no such file,
  // remote loading disabled, timeout, HTTP status, not JSON, no @context member.
  Result<boost::json::value> load(std::string_view url) override;

 private:
  Result<boost::json::value> load_file(std::string_view url, const std::filesystem::path& path);
  Result<boost::json::value> load_remote(std::string_view url);

  const ContextLoaderOptions options_;
};

}  // namespace tsunagu::app
