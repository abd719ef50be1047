#pragma once
// A JSON answer of the platform's own APIs (admin, consent), never cached: these answers name
// clients, residents and grants.

#include <boost/json/value.hpp>

#include "http/message.hpp"
#include "model/json_text.hpp"

namespace tsunagu::api {

inline http::Response json_reply(int status, const boost::json::value& body) {
  http::Response res;
  res.status = status;
  res.header("Content-Type", "application/json");
  res.header("Cache-Control", "no-store");
  res.body = model::to_json_text(body);
  return res;
}

}  // namespace tsunagu::api
