#pragma once
// How the resolver gets a remote @context document. This module does no I/O: the application
// injects an implementation (app/context_loader: local files and HTTP), tests inject fakes.

#include <boost/json/value.hpp>
#include <string_view>

#include "model/error.hpp"

namespace tsunagu::jsonld {

class DocumentLoader {
 public:
  virtual ~DocumentLoader() = default;

  // Returns the parsed JSON document found at `url` (an absolute URL, never one of the core
  // context's: those are built in). The resolver uses its "@context" member. On failure, returns
  // an error whose message names `url` and the reason (timeout, HTTP status, not JSON, ...);
  // the resolver reports it as LdContextNotAvailable.
  //
  // Called without any resolver lock held and possibly from several threads at once, so an
  // implementation must be thread-safe; it may block for as long as its own timeout.
  virtual Result<boost::json::value> load(std::string_view url) = 0;
};

}  // namespace tsunagu::jsonld
