#pragma once
// Errors as values. Every module boundary returns Result<T>; only the API layer turns an
// ErrorKind into an HTTP status and a ProblemDetails body (api/ngsild/problem.cpp).

#include <expected>
#include <string>
#include <string_view>

namespace tsunagu {

// The NGSI-LD error types (ETSI GS CIM 009, clause 5.5.2). The kind says what the caller should
// do: fix the request (InvalidRequest, BadRequestData), pick another id (AlreadyExists), look
// elsewhere (ResourceNotFound, NonexistentTenant), retry later (LdContextNotAvailable, Busy).
enum class ErrorKind {
  InvalidRequest,         // the request is not well formed (broken JSON, bad header)
  BadRequestData,         // well formed, but its content is wrong (bad id, bad GeoJSON)
  AlreadyExists,          // the entity or attribute exists already
  ResourceNotFound,       // no such entity, attribute or instance
  OperationNotSupported,  // valid NGSI-LD this broker does not offer
  TooManyResults,         // the answer would exceed a limit
  LdContextNotAvailable,  // a user @context could not be loaded
  NonexistentTenant,      // the tenant named by NGSILD-Tenant does not exist
  NotAcceptable,          // no acceptable representation (Accept header)
  UnsupportedMediaType,   // the body's Content-Type is not one we read
  PayloadTooLarge,        // the body or a batch exceeds its limit
  MethodNotAllowed,       // the path exists, the method does not
  Unauthorized,           // no valid credentials came with the request (401)
  Forbidden,              // the credentials do not allow this request (403)
  TooManyRequests,        // this caller asked too often: wait before asking again (429)
  Busy,                   // overloaded: retry later (503)
  InternalError,          // a defect or an I/O failure on our side
};

struct Error {
  ErrorKind kind;
  std::string message;
  std::string title;  // optional short title; the kind's name is used when empty
};

template <typename T>
using Result = std::expected<T, Error>;

using Status = Result<void>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string message) {
  return std::unexpected<Error>(Error{kind, std::move(message), {}});
}

inline Status ok() {
  return {};
}

// The NGSI-LD name of an error kind, e.g. "BadRequestData".
std::string_view error_kind_name(ErrorKind kind);

}  // namespace tsunagu
