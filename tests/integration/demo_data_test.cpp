// The demo data set that `make run` loads (data/demo): on first start into the default tenant,
// never again once loaded (an operator's deletions stay deleted), and queryable the way the
// README's examples query it.

#include <fstream>

#include "fixture.hpp"

namespace tsunagu::it {
namespace {

class DemoData : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto config = server_.work_dir() / "demo.toml";
    std::ofstream(config) << "[demo]\nload = true\ndir = \""
                          << (std::filesystem::path(TSUNAGU_SOURCE_DIR) / "data" / "demo").string()
                          << "\"\n";
    server_.set_extra_args({"--config", config.string()});
    server_.start();
  }

  std::string count(const std::string& query) {
    auto res = server_.client().get(kEntities + query + "&limit=0&count=true");
    EXPECT_STATUS(res, 200);
    return std::string(res.header("NGSILD-Results-Count"));
  }

  ServerProcess server_;
};

TEST_F(DemoData, LoadsEveryEntityOnFirstStart) {
  EXPECT_EQ(count("?type=Shelter"), "806");
  EXPECT_EQ(count("?type=Shelter|ChildcareFacility|BabyCareStation|WasteCollectionPoint"), "3008");
  // Every synthetic entity says what it is.
  EXPECT_EQ(count("?idPattern=synthetic&q=description==%22Synthetic%20demo%20data%20generated%20"
                  "for%20Tsunagu;%20not%20a%20real%20place.%22"),
            "3000");
}

TEST_F(DemoData, TheReadmeQueriesFindSomething) {
  EXPECT_NE(count("?type=Shelter&q=occupancy>200"), "0");
  EXPECT_NE(count("?type=Shelter&georel=near;maxDistance==3000&geometry=Point&coordinates=%5B135."
                  "4959,34.7024%5D"),
            "0");
  EXPECT_NE(count("?type=ChildcareFacility&q=vacancies%5Bage1%5D%3E0"), "0");
  EXPECT_NE(count("?type=Shelter&scopeQ=/Osaka/Kita"), "0");
  EXPECT_NE(count("?scopeQ=" + url_encode("/Sakai/#")), "0");
}

TEST_F(DemoData, IsNotLoadedAgainAfterARestart) {
  auto http = server_.client();
  ASSERT_STATUS(http.del(entity_path("urn:ngsi-ld:Shelter:synthetic-0001")), 204);
  server_.restart();
  EXPECT_EQ(count("?type=Shelter"), "805");
  EXPECT_STATUS(server_.client().get(entity_path("urn:ngsi-ld:Shelter:synthetic-0001")), 404);
}

}  // namespace
}  // namespace tsunagu::it
