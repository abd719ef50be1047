#include "api/ngsild/problem.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace tsunagu::api::ngsild {
namespace {

constexpr std::string_view kErrorTypeBase = "https://uri.etsi.org/ngsi-ld/errors/";

// Kinds that are not NGSI-LD error types are HTTP-level problems; they are reported with the
// NGSI-LD type that describes them best and a title that names the HTTP condition.
struct KindInfo {
  int status;
  std::string_view type;
  std::string_view title;
};

KindInfo info(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidRequest:
      return {400, "InvalidRequest", "Invalid request"};
    case ErrorKind::BadRequestData:
      return {400, "BadRequestData", "Bad request data"};
    case ErrorKind::AlreadyExists:
      return {409, "AlreadyExists", "Already exists"};
    case ErrorKind::ResourceNotFound:
      return {404, "ResourceNotFound", "Resource not found"};
    case ErrorKind::OperationNotSupported:
      return {422, "OperationNotSupported", "Operation not supported"};
    case ErrorKind::TooManyResults:
      return {403, "TooManyResults", "Too many results"};
    case ErrorKind::LdContextNotAvailable:
      return {503, "LdContextNotAvailable", "JSON-LD context not available"};
    case ErrorKind::NonexistentTenant:
      return {404, "NonexistentTenant", "Nonexistent tenant"};
    case ErrorKind::NotAcceptable:
      return {406, "InvalidRequest", "Not acceptable"};
    case ErrorKind::UnsupportedMediaType:
      return {415, "InvalidRequest", "Unsupported media type"};
    case ErrorKind::PayloadTooLarge:
      return {413, "BadRequestData", "Payload too large"};
    case ErrorKind::MethodNotAllowed:
      return {405, "InvalidRequest", "Method not allowed"};
    // NGSI-LD names no error type for these: "about:blank" (RFC 9457) says that the HTTP
    // status is all there is to know.
    case ErrorKind::Unauthorized:
      return {401, "", "Unauthorized"};
    case ErrorKind::Forbidden:
      return {403, "", "Forbidden"};
    case ErrorKind::TooManyRequests:
      return {429, "", "Too many requests"};
    case ErrorKind::Busy:
      return {503, "InternalError", "Service unavailable"};
    case ErrorKind::InternalError:
      return {500, "InternalError", "Internal error"};
  }
  return {500, "InternalError", "Internal error"};
}

boost::json::object problem_object(int status, std::string_view type, std::string_view title,
                                   std::string_view detail) {
  boost::json::object body;
  body["type"] =
      type.empty() ? std::string("about:blank") : std::string(kErrorTypeBase) + std::string(type);
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  return body;
}

http::Response render(int status, std::string_view type, std::string_view title,
                      std::string_view detail) {
  auto body = problem_object(status, type, title, detail);
  http::Response res;
  res.status = status;
  res.header("Content-Type", "application/json");
  res.body = boost::json::serialize(body);
  return res;
}

}  // namespace

int status_of(ErrorKind kind) {
  return info(kind).status;
}

boost::json::object problem_json(const Error& error) {
  const auto i = info(error.kind);
  return problem_object(i.status, i.type, error.title.empty() ? i.title : error.title,
                        error.message);
}

http::Response problem_response(const Error& error) {
  const auto i = info(error.kind);
  return render(i.status, i.type, error.title.empty() ? i.title : error.title, error.message);
}

http::Response transport_problem(int status, std::string_view message) {
  switch (status) {
    case 404:
      return problem_response({ErrorKind::ResourceNotFound, std::string(message), {}});
    case 405:
      return problem_response({ErrorKind::MethodNotAllowed, std::string(message), {}});
    case 413:
      return problem_response({ErrorKind::PayloadTooLarge, std::string(message), {}});
    case 431:
      return render(431, "InvalidRequest", "Request header fields too large", message);
    case 500:
      return problem_response({ErrorKind::InternalError, std::string(message), {}});
    default:
      return render(status, "InvalidRequest", "Invalid request", message);
  }
}

}  // namespace tsunagu::api::ngsild
