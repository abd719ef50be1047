#include "api/ngsild/reply.hpp"

#include <boost/json/serialize.hpp>

namespace tsunagu::api::ngsild {

http::Response update_result_response(const broker::UpdateOutcome& outcome,
                                      const jsonld::Context& context) {
  if (outcome.not_updated.empty()) return no_content();
  boost::json::array updated;
  for (const auto& name : outcome.updated) updated.emplace_back(context.compact(name));
  boost::json::array not_updated;
  for (const auto& n : outcome.not_updated) {
    boost::json::object o;
    o["attributeName"] = context.compact(n.attribute);
    o["reason"] = n.reason;
    not_updated.push_back(std::move(o));
  }
  boost::json::object body;
  body["updated"] = std::move(updated);
  body["notUpdated"] = std::move(not_updated);
  http::Response res;
  res.status = 207;
  res.header("Content-Type", "application/json");
  res.body = boost::json::serialize(body);
  return res;
}

}  // namespace tsunagu::api::ngsild
