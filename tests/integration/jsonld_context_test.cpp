// JSON-LD @context handling (ETSI GS CIM 009 v1.8 clauses 5.5.7 and 6.3.5 (JSON-LD contexts in
// requests: Link header with application/json, "@context" member with application/ld+json),
// 6.3.6 (contexts in responses), 4.6 (expansion and compaction; core context always applies last,
// its @vocab https://uri.etsi.org/ngsi-ld/default-context/ catches undefined terms), error type
// LdContextNotAvailable (503) when a context cannot be retrieved).
//
// User contexts by URL are served by a ContextServer on the loopback interface.

#include <algorithm>
#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class JsonLdContext : public BrokerTest {
 protected:
  // IRIs made from the test name, so no other test (or cache entry) shares them.
  std::string iri(std::string_view term) {
    return "https://example.org/" + test_name() + "/" + std::string(term);
  }

  // A context document mapping Shelter and capacity to this test's IRIs.
  std::string context_document() {
    boost::json::object terms{{"Shelter", iri("Shelter")}, {"capacity", iri("capacity")}};
    return S(boost::json::object{{"@context", terms}});
  }

  // Serves the context at /shelter.jsonld and returns its URL.
  std::string serve_context() {
    contexts_.serve("/shelter.jsonld", context_document());
    return contexts_.url("/shelter.jsonld");
  }

  // The entity as written with the user context.
  boost::json::value short_form(const std::string& id) {
    return E(id, R"({"type": "Shelter",
                     "capacity": {"type": "Property", "value": 50},
                     "name": {"type": "Property", "value": "Hall"}})");
  }

  // The same entity read without the user context: its terms as full IRIs, except "name",
  // which the user context does not define.
  boost::json::value expanded_form(const std::string& id) {
    boost::json::object entity{{"id", id}, {"type", iri("Shelter")}};
    entity[iri("capacity")] = J(R"({"type": "Property", "value": 50})");
    entity["name"] = J(R"({"type": "Property", "value": "Hall"})");
    return entity;
  }

  ContextServer contexts_;
};

TEST_F(JsonLdContext, LinkHeaderContextExpandsTermsOnInput) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  EXPECT_EQ(read(id), expanded_form(id));
}

TEST_F(JsonLdContext, ReadingWithTheSameContextGivesShortTerms) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  EXPECT_EQ(read(id, "", with_link(url)), short_form(id));
}

TEST_F(JsonLdContext, WritingFullIrisEqualsWritingTermsWithTheContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(expanded_form(id)), 201);
  EXPECT_EQ(read(id, "", with_link(url)), short_form(id));
}

TEST_F(JsonLdContext, QueryTypeIsExpandedWithTheReadersContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);

  auto res = http().get(kEntities + "?type=Shelter", with_link(url));
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(ids_of(res.json()).contains(id)) << res.body;

  res = http().get(kEntities + "?type=" + url_encode(iri("Shelter")));
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), boost::json::value(boost::json::array{expanded_form(id)}));

  // Without the context, "Shelter" is default-context/Shelter: another type.
  res = http().get(kEntities + "?type=Shelter&id=" + id);
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), J("[]"));
}

TEST_F(JsonLdContext, AttrsParameterIsExpandedWithTheReadersContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  EXPECT_EQ(read(id, "?attrs=capacity", with_link(url)),
            E(id, R"({"type": "Shelter", "capacity": {"type": "Property", "value": 50}})"));
  // Without the context "capacity" names another attribute, which the entity does not have.
  const auto res = http().get(kEntities + "?id=" + id + "&attrs=capacity");
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), J("[]"));
}

TEST_F(JsonLdContext, UndefinedTermsUseTheCoreVocabAndReadBackShort) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter", "fooBar": {"type": "Property", "value": 1}})")),
                201);
  EXPECT_EQ(read(id), E(id, R"({"type": "Shelter", "fooBar": {"type": "Property", "value": 1}})"));
  // The full IRI of the term names the same attribute.
  const auto full = std::string(kDefaultVocab) + "fooBar";
  EXPECT_EQ(read(id, "?attrs=" + url_encode(full)),
            E(id, R"({"type": "Shelter", "fooBar": {"type": "Property", "value": 1}})"));
}

TEST_F(JsonLdContext, LdJsonBodyWithInlineContext) {
  const auto id = new_id();
  auto body = short_form(id);
  body.as_object()["@context"] = J(context_document()).at("@context");
  const auto res = http().post(kEntities, S(body), {{"Content-Type", "application/ld+json"}});
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(read(id), expanded_form(id));
}

TEST_F(JsonLdContext, LdJsonBodyWithContextUrlAndCoreContext) {
  const auto url = serve_context();
  const auto id = new_id();
  auto body = short_form(id);
  body.as_object()["@context"] = boost::json::array{url.c_str(), std::string(kCoreContext).c_str()};
  ASSERT_STATUS(http().post(kEntities, S(body), {{"Content-Type", "application/ld+json"}}), 201);
  EXPECT_EQ(read(id), expanded_form(id));
}

TEST_F(JsonLdContext, CoreContextUrlIsBuiltInAndNeverFetched) {
  // The machine has no route to uri.etsi.org: only the built-in copy can make this work.
  const auto id = new_id();
  auto body = E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "Hall"}})");
  body.as_object()["@context"] = std::string(kCoreContext);
  ASSERT_STATUS(http().post(kEntities, S(body), {{"Content-Type", "application/ld+json"}}), 201);
  ASSERT_STATUS(create(E(new_id(), R"({"type": "Shelter"})"), with_link(kCoreContext)), 201);
  EXPECT_EQ(read(id),
            E(id, R"({"type": "Shelter", "name": {"type": "Property", "value": "Hall"}})"));
}

TEST_F(JsonLdContext, LdJsonWithoutContextIs400) {
  const auto id = new_id();
  const auto res =
      http().post(kEntities, S(short_form(id)), {{"Content-Type", "application/ld+json"}});
  EXPECT_PROBLEM(res, 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(JsonLdContext, JsonBodyWithContextMemberIs400) {
  const auto id = new_id();
  auto body = short_form(id);
  body.as_object()["@context"] = std::string(kCoreContext);
  EXPECT_PROBLEM(http().post(kEntities, S(body)), 400, "BadRequestData");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(JsonLdContext, JsonResponseLinksTheCoreContextByDefault) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  const auto res = http().get(entity_path(id));
  ASSERT_STATUS(res, 200);
  const auto link = res.header("Link");
  EXPECT_NE(link.find("<" + std::string(kCoreContext) + ">"), std::string::npos) << link;
  EXPECT_NE(link.find("rel=\"" + std::string(kJsonLdContextRel) + "\""), std::string::npos) << link;
  EXPECT_FALSE(res.json().as_object().contains("@context"));
}

TEST_F(JsonLdContext, JsonResponseLinksTheReadersContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  const auto res = http().get(entity_path(id), with_link(url));
  ASSERT_STATUS(res, 200);
  const auto link = res.header("Link");
  EXPECT_NE(link.find("<" + url + ">"), std::string::npos) << link;
  EXPECT_NE(link.find("rel=\"" + std::string(kJsonLdContextRel) + "\""), std::string::npos) << link;
}

TEST_F(JsonLdContext, LdJsonResponseCarriesTheContextInTheBody) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  const auto res = http().get(entity_path(id), {{"Accept", "application/ld+json"}});
  ASSERT_STATUS(res, 200);
  EXPECT_TRUE(res.header("Content-Type").starts_with("application/ld+json"));
  auto body = res.json();
  const auto entries = context_entries(body);
  EXPECT_NE(
      std::find(entries.begin(), entries.end(), boost::json::value(std::string(kCoreContext))),
      entries.end())
      << body;
  body.as_object().erase("@context");
  EXPECT_EQ(body, E(id, R"({"type": "Shelter"})"));
}

TEST_F(JsonLdContext, LdJsonResponseNamesTheReadersContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  auto headers = with_link(url);
  headers.emplace_back("Accept", "application/ld+json");
  const auto res = http().get(entity_path(id), headers);
  ASSERT_STATUS(res, 200);
  auto body = res.json();
  const auto entries = context_entries(body);
  EXPECT_NE(std::find(entries.begin(), entries.end(), boost::json::value(url)), entries.end())
      << body;
  body.as_object().erase("@context");
  EXPECT_EQ(body, short_form(id));
}

TEST_F(JsonLdContext, LdJsonQueryResultsCarryTheContextInEachEntity) {
  // 6.3.6: with application/ld+json every entity of the array carries its @context.
  const auto type = unique("Shelter");
  const auto id = new_id();
  auto entity = E(id, "{}");
  entity.as_object()["type"] = type;
  ASSERT_STATUS(create(entity), 201);
  const auto res = http().get(kEntities + "?type=" + type, {{"Accept", "application/ld+json"}});
  ASSERT_STATUS(res, 200);
  const auto body = res.json();
  ASSERT_EQ(body.as_array().size(), 1U) << body;
  EXPECT_FALSE(context_entries(body.as_array()[0]).empty()) << body;
}

TEST_F(JsonLdContext, UnreachableContextIs503AndNothingIsWritten) {
  const auto url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/nowhere.jsonld";
  const auto id = new_id();
  EXPECT_PROBLEM(create(short_form(id), with_link(url)), 503, "LdContextNotAvailable");
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(JsonLdContext, ContextAnswering404Is503) {
  contexts_.serve("/gone.jsonld", context_document());
  contexts_.fail("/gone.jsonld", 404);
  const auto id = new_id();
  EXPECT_PROBLEM(create(short_form(id), with_link(contexts_.url("/gone.jsonld"))), 503,
                 "LdContextNotAvailable");
  EXPECT_GE(contexts_.hits("/gone.jsonld"), 1);
  EXPECT_PROBLEM(http().get(entity_path(id)), 404, "ResourceNotFound");
}

TEST_F(JsonLdContext, ReadWithUnavailableContextIs503) {
  const auto id = new_id();
  ASSERT_STATUS(create(E(id, R"({"type": "Shelter"})")), 201);
  const auto url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/nowhere.jsonld";
  EXPECT_PROBLEM(http().get(entity_path(id), with_link(url)), 503, "LdContextNotAvailable");
}

TEST_F(JsonLdContext, RemoteContextIsFetchedOnceThenCached) {
  // ARCHITECTURE.md: jsonld/ loads and caches contexts; the spec allows caching (clause 5.5.7).
  const auto url = serve_context();
  for (int i = 0; i < 3; ++i) {
    ASSERT_STATUS(create(short_form(new_id()), with_link(url)), 201);
  }
  EXPECT_STATUS(http().get(entity_path(new_id()), with_link(url)), 404);
  EXPECT_EQ(contexts_.hits("/shelter.jsonld"), 1);
}

TEST_F(JsonLdContext, SlowContextHostIsWaitedFor) {
  const auto url = serve_context();
  contexts_.delay("/shelter.jsonld", 700ms);
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  EXPECT_EQ(read(id), expanded_form(id));
}

TEST_F(JsonLdContext, SlowContextHostDelaysOnlyTheRequestsThatNameIt) {
  // More requests wait on a slow context host than the server has HTTP threads; a request that
  // names no remote context must still be answered while they wait.
  const auto url = serve_context();
  contexts_.delay("/shelter.jsonld", 3000ms);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(new_id());
  std::atomic<int> slow_answered{0};
  std::vector<std::future<int>> slow;
  for (const auto& id : ids) {
    slow.push_back(std::async(std::launch::async, [&, body = S(short_form(id))] {
      auto client = server().client();
      const int status = client.post(kEntities, body, with_link(url)).status;
      ++slow_answered;
      return status;
    }));
  }
  for (int i = 0; i < 200 && contexts_.hits("/shelter.jsonld") == 0; ++i) {
    std::this_thread::sleep_for(10ms);  // until a request has reached the context host
  }
  ASSERT_GT(contexts_.hits("/shelter.jsonld"), 0);
  EXPECT_STATUS(http().get("/health"), 200);
  EXPECT_STATUS(http().get(entity_path(new_id())), 404);
  EXPECT_EQ(slow_answered.load(), 0) << "the fast requests waited for the slow context host";
  for (auto& f : slow) EXPECT_EQ(f.get(), 201);
  for (const auto& id : ids) EXPECT_EQ(read(id), expanded_form(id));
}

TEST_F(JsonLdContext, BatchCreateUsesTheLinkContext) {
  const auto url = serve_context();
  const auto id = new_id();
  const auto res =
      http().post(kBatch + "/create", S(boost::json::array{short_form(id)}), with_link(url));
  ASSERT_STATUS(res, 201);
  EXPECT_EQ(read(id), expanded_form(id));
}

TEST_F(JsonLdContext, AttributeOperationsExpandNamesWithTheContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  // With the context, "capacity" is the user's attribute...
  ASSERT_STATUS(
      http().patch(entity_path(id) + "/attrs/capacity", R"({"value": 60})", with_link(url)), 204);
  EXPECT_EQ(read(id, "", with_link(url)).at("capacity"), J(R"({"type": "Property", "value": 60})"));
  // ...without it, "capacity" is default-context/capacity, which this entity does not have.
  EXPECT_PROBLEM(http().patch(entity_path(id) + "/attrs/capacity", R"({"value": 70})"), 404,
                 "ResourceNotFound");
  EXPECT_PROBLEM(http().del(entity_path(id) + "/attrs/capacity"), 404, "ResourceNotFound");
  // The full IRI in the path names it without any context.
  EXPECT_STATUS(http().del(entity_path(id) + "/attrs/" + url_encode(iri("capacity"))), 204);
  EXPECT_FALSE(read(id).as_object().contains(iri("capacity")));
}

TEST_F(JsonLdContext, UpdateResultNamesAttributesWithTheRequestContext) {
  const auto url = serve_context();
  const auto id = new_id();
  ASSERT_STATUS(create(short_form(id), with_link(url)), 201);
  const auto res = http().post(entity_path(id) + "/attrs?options=noOverwrite",
                               R"({"capacity": {"type": "Property", "value": 1}})", with_link(url));
  ASSERT_STATUS(res, 207);
  const auto body = res.json();
  ASSERT_EQ(body.at("notUpdated").as_array().size(), 1U) << body;
  EXPECT_EQ(body.at("notUpdated").as_array()[0].at("attributeName"), "capacity") << body;
}

TEST_F(JsonLdContext, UserContextCannotRedefineCoreTerms) {
  // 4.6 / 5.5.7: the core context is applied last and its terms cannot be overridden, so
  // "location" stays the core GeoProperty name whatever a user context says.
  const auto id = new_id();
  auto body = E(id, R"({"type": "Shelter", "location": {"type": "GeoProperty",
                        "value": {"type": "Point", "coordinates": [135.5, 34.7]}}})");
  body.as_object()["@context"] = J(R"({"location": "https://example.org/not-location"})");
  ASSERT_STATUS(http().post(kEntities, S(body), {{"Content-Type", "application/ld+json"}}), 201);
  body.as_object().erase("@context");
  EXPECT_EQ(read(id), body);
}

// --no-remote-contexts and --context-map need a server of their own.

TEST(JsonLdContextFlags, NoRemoteContextsRefusesUnmappedContextsWithoutFetching) {
  ContextServer contexts;
  contexts.serve("/ctx.jsonld",
                 R"({"@context": {"Shelter": "https://example.org/flags/Shelter"}})");
  ServerProcess server({"--no-remote-contexts"});
  ASSERT_NO_THROW(server.start());
  auto http = server.client();
  const auto res = http.post(kEntities, R"({"id": "urn:ngsi-ld:Shelter:nrc", "type": "Shelter"})",
                             with_link(contexts.url("/ctx.jsonld")));
  EXPECT_PROBLEM(res, 503, "LdContextNotAvailable");
  EXPECT_EQ(contexts.hits("/ctx.jsonld"), 0);
  // The built-in core context still works.
  EXPECT_STATUS(http.post(kEntities, R"({"id": "urn:ngsi-ld:Shelter:nrc", "type": "Shelter"})",
                          with_link(kCoreContext)),
                201);
  http.close();
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

TEST(JsonLdContextFlags, ContextMapServesAContextFromALocalFile) {
  // The mapped URL points at a closed loopback port: if the server fetched it, it would fail.
  const auto url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/mapped.jsonld";
  ServerProcess server;
  const auto file = server.work_dir() / "mapped.jsonld";
  std::ofstream(file) << R"({"@context": {"Shelter": "https://example.org/mapped/Shelter",
                                          "capacity": "https://example.org/mapped/capacity"}})";
  server.set_extra_args({"--no-remote-contexts", "--context-map", url + "=" + file.string()});
  ASSERT_NO_THROW(server.start());
  auto http = server.client();
  const std::string id = "urn:ngsi-ld:Shelter:mapped";
  ASSERT_STATUS(http.post(kEntities, S(E(id, R"({"type": "Shelter",
                                      "capacity": {"type": "Property", "value": 5}})")),
                          with_link(url)),
                201);
  const auto res = http.get(entity_path(id));
  ASSERT_STATUS(res, 200);
  EXPECT_EQ(res.json(), J(R"({"id": "urn:ngsi-ld:Shelter:mapped",
                              "type": "https://example.org/mapped/Shelter",
                              "https://example.org/mapped/capacity": {"type": "Property", "value": 5}})"));
  http.close();
  EXPECT_EQ(server.stop(), 0) << server.log_tail();
}

}  // namespace
}  // namespace tsunagu::it
