#include "fixture.hpp"

#include <algorithm>
#include <iostream>
#include <regex>

namespace tsunagu::it {

boost::json::value J(std::string_view text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  if (ec) throw std::runtime_error("test JSON does not parse: " + std::string(text));
  canonical_numbers(value);
  return value;
}

std::string S(const boost::json::value& value) {
  return boost::json::serialize(value);
}

boost::json::value E(std::string_view id, std::string_view members) {
  boost::json::object entity;
  entity["id"] = id;
  const auto parsed = J(members);  // named: a range-for over J(...).as_object() would dangle
  for (const auto& [key, value] : parsed.as_object()) entity[key] = value;
  return entity;
}

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string entity_path(std::string_view id) {
  return kEntities + "/" + std::string(id);
}

std::string link_to(std::string_view context_url) {
  return "<" + std::string(context_url) + ">; rel=\"" + std::string(kJsonLdContextRel) +
         "\"; type=\"application/ld+json\"";
}

Headers with_link(std::string_view context_url) {
  return {{"Link", link_to(context_url)}};
}

Headers with_tenant(std::string_view tenant) {
  return {{"NGSILD-Tenant", std::string(tenant)}};
}

std::set<std::string> ids_of(const boost::json::value& array) {
  std::set<std::string> ids;
  if (!array.is_array()) return ids;
  for (const auto& item : array.as_array()) {
    if (item.is_string()) ids.emplace(item.as_string());
    if (item.is_object() && item.as_object().contains("id") && item.at("id").is_string()) {
      ids.emplace(item.at("id").as_string());
    }
  }
  return ids;
}

boost::json::value sorted_instances(const boost::json::value& attribute) {
  if (!attribute.is_array()) return attribute;
  auto instances = attribute.as_array();
  auto key = [](const boost::json::value& v) {
    const auto* ds = v.is_object() ? v.as_object().if_contains("datasetId") : nullptr;
    return ds != nullptr && ds->is_string() ? std::string(ds->as_string()) : std::string();
  };
  std::stable_sort(instances.begin(), instances.end(),
                   [&key](const auto& a, const auto& b) { return key(a) < key(b); });
  return instances;
}

bool is_utc_ms_timestamp(const boost::json::value& value) {
  static const std::regex kPattern(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  return value.is_string() && std::regex_match(std::string(value.as_string()), kPattern);
}

boost::json::array context_entries(const boost::json::value& document) {
  if (!document.is_object() || !document.as_object().contains("@context")) return {};
  const auto& context = document.at("@context");
  if (context.is_array()) return context.as_array();
  return boost::json::array{context};
}

::testing::AssertionResult HasStatus(const Response& res, int expected) {
  if (res.status == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "status " << res.status << ", expected " << expected
                                       << "; body: " << res.body.substr(0, 2000);
}

::testing::AssertionResult IsProblem(const Response& res, int status, std::string_view kind) {
  return IsProblemOfType(res, status, std::string(kErrorTypePrefix) + std::string(kind));
}

::testing::AssertionResult IsProblemOfType(const Response& res, int status, std::string_view type) {
  auto failure = [&res]() {
    return ::testing::AssertionFailure()
           << "(status " << res.status << ", Content-Type '" << res.header("Content-Type")
           << "', body " << res.body.substr(0, 2000) << ") ";
  };
  if (res.status != status) return failure() << "expected status " << status;
  if (!res.header("Content-Type").starts_with("application/json")) {
    return failure() << "a ProblemDetails is application/json";
  }
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object()) return failure() << "the body is not a JSON object";
  const auto& problem = body.as_object();
  if (!problem.contains("type") || problem.at("type") != boost::json::value(type)) {
    return failure() << "expected \"type\": \"" << type << "\"";
  }
  if (problem.contains("status") && problem.at("status") != boost::json::value(status)) {
    return failure() << "\"status\" differs from the HTTP status";
  }
  if (problem.contains("title") && !problem.at("title").is_string()) {
    return failure() << "\"title\" is not a string";
  }
  if (!problem.contains("detail") || !problem.at("detail").is_string() ||
      problem.at("detail").as_string().empty()) {
    return failure() << "expected a non-empty string \"detail\"";
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsHttpError(const Response& res, int status) {
  if (res.status != status) {
    return ::testing::AssertionFailure() << "status " << res.status << ", expected " << status
                                         << "; body: " << res.body.substr(0, 2000);
  }
  if (res.body.empty()) return ::testing::AssertionSuccess();
  boost::system::error_code ec;
  const auto body = boost::json::parse(res.body, ec);
  if (ec || !body.is_object()) {
    return ::testing::AssertionFailure() << "error body is not a JSON object: " << res.body;
  }
  if (body.as_object().contains("status") && body.at("status") != boost::json::value(status)) {
    return ::testing::AssertionFailure() << "\"status\" differs from the HTTP status: " << res.body;
  }
  return ::testing::AssertionSuccess();
}

void BrokerTest::SetUpTestSuite() {
  start_shared([](ServerProcess&) {});
}

void BrokerTest::start_shared(const std::function<void(ServerProcess&)>& prepare) {
  start_error_.clear();
  try {
    shared_ = std::make_unique<ServerProcess>();
    prepare(*shared_);
    shared_->start();
  } catch (const std::exception& e) {
    start_error_ = e.what();
    shared_.reset();
  }
}

void BrokerTest::TearDownTestSuite() {
  if (!shared_) return;
  if (shared_->alive()) {
    const int code = shared_->stop();
    EXPECT_EQ(code, 0) << "SIGTERM must stop tsunagu with exit code 0 (" << shared_->last_exit()
                       << "); its log:\n"
                       << shared_->log_tail();
  }
  shared_.reset();
}

void BrokerTest::SetUp() {
  ASSERT_TRUE(shared_ != nullptr) << "the server did not start: " << start_error_;
  if (!shared_->alive()) {
    // An earlier test crashed it (that test failed for it); go on with a fresh process.
    ASSERT_NO_THROW(shared_->start());
  }
  client_.emplace(shared_->client());
}

void BrokerTest::TearDown() {
  client_.reset();
  if (!shared_) return;
  if (!shared_->alive()) {
    ADD_FAILURE() << "tsunagu died during this test (" << shared_->last_exit() << "); its log:\n"
                  << shared_->log_tail();
    return;
  }
  if (HasFailure()) {
    std::cerr << "---- tsunagu log (tail) ----\n" << shared_->log_tail(3000) << "\n----\n";
  }
}

std::string BrokerTest::test_name() {
  return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

std::string BrokerTest::unique(std::string_view prefix) {
  return std::string(prefix) + test_name();
}

std::string BrokerTest::new_id(std::string_view type) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return "urn:ngsi-ld:" + std::string(type) + ":" + info->test_suite_name() + "-" + info->name() +
         "-" + std::to_string(++next_id_);
}

Response BrokerTest::create(const boost::json::value& entity, const Headers& headers) {
  return http().post(kEntities, S(entity), headers);
}

boost::json::value BrokerTest::read(std::string_view id, std::string_view query,
                                    const Headers& headers) {
  const auto res = http().get(entity_path(id) + std::string(query), headers);
  if (res.status != 200) {
    ADD_FAILURE() << "GET " << id << query << ": status " << res.status << ", body " << res.body;
    return nullptr;
  }
  return res.json();
}

void BrokerTest::expect_healthy() {
  HttpClient fresh = server().client();
  const auto res = fresh.get("/health");
  EXPECT_STATUS(res, 200);
}

}  // namespace tsunagu::it
