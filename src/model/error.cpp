#include "model/error.hpp"

namespace tsunagu {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidRequest:
      return "InvalidRequest";
    case ErrorKind::BadRequestData:
      return "BadRequestData";
    case ErrorKind::AlreadyExists:
      return "AlreadyExists";
    case ErrorKind::ResourceNotFound:
      return "ResourceNotFound";
    case ErrorKind::OperationNotSupported:
      return "OperationNotSupported";
    case ErrorKind::TooManyResults:
      return "TooManyResults";
    case ErrorKind::LdContextNotAvailable:
      return "LdContextNotAvailable";
    case ErrorKind::NonexistentTenant:
      return "NonexistentTenant";
    case ErrorKind::NotAcceptable:
      return "NotAcceptable";
    case ErrorKind::UnsupportedMediaType:
      return "UnsupportedMediaType";
    case ErrorKind::PayloadTooLarge:
      return "PayloadTooLarge";
    case ErrorKind::MethodNotAllowed:
      return "MethodNotAllowed";
    case ErrorKind::Unauthorized:
      return "Unauthorized";
    case ErrorKind::Forbidden:
      return "Forbidden";
    case ErrorKind::TooManyRequests:
      return "TooManyRequests";
    case ErrorKind::Busy:
      return "Busy";
    case ErrorKind::InternalError:
      return "InternalError";
  }
  return "InternalError";
}

}  // namespace tsunagu
