// Every store's discovery summaries (summary_tables.hpp of each backend): after any sequence of
// writes they must equal what a brute-force count over the stored entities gives, including
// after writes that fail and are rolled back, and (SQLite) after migration 3 counted the entities
// of an older database.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <future>
#include <map>
#include <random>
#include <set>

#include "broker/entity_service.hpp"
#include "query/q_parser.hpp"
#include "sqlite_downgrade.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store_backends.hpp"

namespace tsunagu::store {
namespace {

namespace json = boost::json;
using model::AttributeKind;

const std::string kEx = "https://example.org/";

std::string iri(std::string_view term) {
  return kEx + std::string(term);
}

model::Attribute attr(AttributeKind kind, json::value value,
                      std::optional<std::string> dataset = std::nullopt) {
  model::Attribute a;
  a.kind = kind;
  a.value = std::move(value);
  a.dataset_id = std::move(dataset);
  return a;
}

// A value the kind can carry, so that the codec and the value index take it as a client's.
json::value value_for(AttributeKind kind, int n) {
  switch (kind) {
    case AttributeKind::Property:
      return n;
    case AttributeKind::Relationship:
      return json::string("urn:ngsi-ld:Thing:" + std::to_string(n));
    case AttributeKind::GeoProperty:
      return json::parse(R"({"type": "Point", "coordinates": [135.5, 34.7]})");
    case AttributeKind::LanguageProperty:
      return json::object{{"en", "hall"}, {"ja", "会館"}};
    case AttributeKind::VocabProperty:
      return json::string(iri("open"));
    case AttributeKind::JsonProperty:
      return json::object{{"n", n}};
    case AttributeKind::ListProperty:
      return json::array{n, n + 1};
    case AttributeKind::ListRelationship:
      return json::array{json::object{{"object", "urn:ngsi-ld:Thing:1"}}};
  }
  return nullptr;
}

model::Entity entity(std::string id, std::vector<std::string> types) {
  model::Entity e;
  e.id = std::move(id);
  for (auto& t : types) e.types.push_back(iri(t));
  return e;
}

void put(model::Entity& e, std::string_view name, model::Attribute a) {
  model::put_instance(e.attributes, iri(name), std::move(a));
}

// What the summaries must say, counted from entities. Kinds as a set, types sorted.
struct Counts {
  struct Attr {
    std::size_t entities = 0, instances = 0;
    std::set<AttributeKind> kinds;
    std::set<std::string> types;
    bool operator==(const Attr&) const = default;
  };
  std::map<std::string, std::size_t> type_entities;
  std::map<std::string, std::map<std::string, std::set<AttributeKind>>> type_attrs;
  std::map<std::string, Attr> attrs;
  bool operator==(const Counts&) const = default;
};

Counts brute_force(const std::vector<model::Entity>& entities) {
  Counts c;
  for (const auto& e : entities) {
    std::set<std::string> types(e.types.begin(), e.types.end());
    for (const auto& t : types) {
      ++c.type_entities[t];
      c.type_attrs[t];  // a type without attributes still has its entry
    }
    for (const auto& entry : e.attributes) {
      auto& a = c.attrs[entry.name];
      ++a.entities;
      a.instances += entry.instances.size();
      a.types.insert(types.begin(), types.end());
      for (const auto& instance : entry.instances) {
        a.kinds.insert(instance.kind);
        for (const auto& t : types) c.type_attrs[t][entry.name].insert(instance.kind);
      }
    }
  }
  return c;
}

::testing::AssertionResult sorted_distinct_kinds(const std::vector<AttributeKind>& kinds) {
  for (std::size_t i = 1; i < kinds.size(); ++i) {
    if (kinds[i - 1] >= kinds[i]) return ::testing::AssertionFailure() << "kinds out of order";
  }
  return ::testing::AssertionSuccess();
}

Counts from_store(TenantStore& db) {
  Counts c;
  auto types = db.type_summaries(std::nullopt);
  EXPECT_TRUE(types) << types.error().message;
  if (!types) return c;
  for (const auto& t : *types) {
    c.type_entities[t.type] = t.entities;
    auto& attrs = c.type_attrs[t.type];
    for (const auto& a : t.attributes) {
      EXPECT_TRUE(sorted_distinct_kinds(a.kinds));
      attrs[a.name] = {a.kinds.begin(), a.kinds.end()};
    }
  }
  auto attrs = db.attribute_summaries(std::nullopt);
  EXPECT_TRUE(attrs) << attrs.error().message;
  if (!attrs) return c;
  for (const auto& a : *attrs) {
    EXPECT_TRUE(sorted_distinct_kinds(a.kinds));
    EXPECT_TRUE(std::is_sorted(a.types.begin(), a.types.end()));
    c.attrs[a.name] = {a.entities,
                       a.instances,
                       {a.kinds.begin(), a.kinds.end()},
                       {a.types.begin(), a.types.end()}};
  }
  return c;
}

// Waits for a write's durable completion.
template <typename T>
Result<T> wait(const std::function<void(broker::Callback<T>)>& start) {
  std::promise<Result<T>> done;
  auto f = done.get_future();
  start([&done](Result<T> r) { done.set_value(std::move(r)); });
  return f.get();
}

// Every backend through DiscoveryTest; SqliteDiscoveryTest for what only SQLite has (migrations
// of older files).
class DiscoveryTestBase : public ::testing::Test {
 protected:
  virtual testing::Backend backend() const = 0;
  void SetUp() override {
    location_ = testing::fresh_location(backend());
    open();
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    store_.reset();
    testing::remove_location(location_);
  }
  void open() {
    auto s = testing::open_store(location_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
    auto t = store_->tenant("", true);
    ASSERT_TRUE(t) << t.error().message;
    db_ = *t;
    service_ = std::make_unique<broker::EntityService>(*store_, clock_);
  }
  void close() {
    service_.reset();
    db_.reset();
    store_.reset();
  }

  Status create(model::Entity e) {
    return wait<void>([&](auto done) { service_->create("", std::move(e), done); });
  }
  Status run(std::function<Status(WriteTxn&)> apply) {
    return testing::run_job(*db_, std::move(apply));
  }
  std::vector<model::Entity> stored(const std::set<std::string>& ids) {
    std::vector<model::Entity> out;
    for (const auto& id : ids) {
      auto got = db_->get(id);
      EXPECT_TRUE(got) << got.error().message;
      if (got && *got) out.push_back(std::move(**got));
    }
    return out;
  }

  testing::StoreLocation location_;
  model::ManualClock clock_{model::Timestamp(std::chrono::milliseconds(1'700'000'000'000))};
  std::unique_ptr<Store> store_;
  std::shared_ptr<TenantStore> db_;
  std::unique_ptr<broker::EntityService> service_;
};

class DiscoveryTest : public DiscoveryTestBase,
                      public ::testing::WithParamInterface<testing::Backend> {
 protected:
  testing::Backend backend() const override { return GetParam(); }
};

class SqliteDiscoveryTest : public DiscoveryTestBase {
 protected:
  testing::Backend backend() const override { return testing::Backend::Sqlite; }
  std::filesystem::path file() { return static_cast<sqlite::SqliteStore&>(*store_).file_of(""); }
};

TEST_P(DiscoveryTest, AnEmptyTenantHasNoTypesAndNoAttributes) {
  auto types = db_->type_summaries(std::nullopt);
  ASSERT_TRUE(types);
  EXPECT_TRUE(types->empty());
  auto attrs = db_->attribute_summaries(std::nullopt);
  ASSERT_TRUE(attrs);
  EXPECT_TRUE(attrs->empty());
}

TEST_P(DiscoveryTest, CountsTypesAttributesKindsAndInstances) {
  auto a = entity("urn:a:1", {"Shelter", "Building"});
  put(a, "capacity", attr(AttributeKind::Property, 10));
  put(a, "owner", attr(AttributeKind::Relationship, "urn:ngsi-ld:Person:1"));
  put(a, "speed", attr(AttributeKind::Property, 1));
  put(a, "speed", attr(AttributeKind::Relationship, "urn:x:1", "urn:ngsi-ld:Dataset:b"));
  auto b = entity("urn:a:2", {"Shelter"});
  put(b, "capacity", attr(AttributeKind::Property, 20));
  auto c = entity("urn:a:3", {"Park"});
  ASSERT_TRUE(create(a));
  ASSERT_TRUE(create(b));
  ASSERT_TRUE(create(c));

  auto types = db_->type_summaries(std::nullopt);
  ASSERT_TRUE(types) << types.error().message;
  ASSERT_EQ(types->size(), 3u);
  const auto& building = (*types)[0];
  EXPECT_EQ(building.type, iri("Building"));
  EXPECT_EQ(building.entities, 1u);
  ASSERT_EQ(building.attributes.size(), 3u);
  EXPECT_EQ(building.attributes[0].name, iri("capacity"));
  EXPECT_EQ(building.attributes[2].name, iri("speed"));
  EXPECT_EQ(building.attributes[2].kinds,
            (std::vector{AttributeKind::Property, AttributeKind::Relationship}));
  EXPECT_EQ((*types)[1].type, iri("Park"));
  EXPECT_EQ((*types)[1].entities, 1u);
  EXPECT_TRUE((*types)[1].attributes.empty());
  EXPECT_EQ((*types)[2].type, iri("Shelter"));
  EXPECT_EQ((*types)[2].entities, 2u);

  auto attrs = db_->attribute_summaries(std::nullopt);
  ASSERT_TRUE(attrs) << attrs.error().message;
  ASSERT_EQ(attrs->size(), 3u);
  const auto& capacity = (*attrs)[0];
  EXPECT_EQ(capacity.name, iri("capacity"));
  EXPECT_EQ(capacity.entities, 2u);
  EXPECT_EQ(capacity.instances, 2u);
  EXPECT_EQ(capacity.kinds, std::vector{AttributeKind::Property});
  EXPECT_EQ(capacity.types, (std::vector{iri("Building"), iri("Shelter")}));
  const auto& speed = (*attrs)[2];
  EXPECT_EQ(speed.entities, 1u);
  EXPECT_EQ(speed.instances, 2u);
}

TEST_P(DiscoveryTest, OnlyGivesThatTypeOrAttributeOrNothing) {
  auto a = entity("urn:a:1", {"Shelter"});
  put(a, "capacity", attr(AttributeKind::Property, 10));
  ASSERT_TRUE(create(a));
  ASSERT_TRUE(create(entity("urn:a:2", {"Park"})));

  auto shelter = db_->type_summaries(iri("Shelter"));
  ASSERT_TRUE(shelter);
  ASSERT_EQ(shelter->size(), 1u);
  EXPECT_EQ(shelter->front().type, iri("Shelter"));
  EXPECT_EQ(shelter->front().attributes.size(), 1u);
  auto none = db_->type_summaries(iri("Nothing"));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());

  auto capacity = db_->attribute_summaries(iri("capacity"));
  ASSERT_TRUE(capacity);
  ASSERT_EQ(capacity->size(), 1u);
  EXPECT_EQ(capacity->front().types, std::vector{iri("Shelter")});
  auto missing = db_->attribute_summaries(iri("Shelter"));  // a type, not an attribute
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->empty());
}

TEST_P(DiscoveryTest, ReplacingAndDeletingMovesTheCountsAndDropsEmptyRows) {
  auto a = entity("urn:a:1", {"Shelter"});
  put(a, "capacity", attr(AttributeKind::Property, 10));
  ASSERT_TRUE(create(a));
  auto replacement = entity("urn:a:1", {"School"});
  put(replacement, "pupils", attr(AttributeKind::Property, 300));
  ASSERT_TRUE(wait<void>([&](auto done) { service_->replace("", replacement, done); }));
  EXPECT_EQ(from_store(*db_), brute_force(stored({"urn:a:1"})));
  EXPECT_EQ(db_->type_summaries(iri("Shelter"))->size(), 0u);
  EXPECT_EQ(db_->attribute_summaries(iri("capacity"))->size(), 0u);

  ASSERT_TRUE(wait<void>([&](auto done) { service_->remove("", "urn:a:1", done); }));
  EXPECT_TRUE(db_->type_summaries(std::nullopt)->empty());
  EXPECT_TRUE(db_->attribute_summaries(std::nullopt)->empty());
}

TEST_P(DiscoveryTest, AValueChangeLeavesTheCountsAsTheyWere) {
  auto a = entity("urn:a:1", {"Shelter"});
  put(a, "capacity", attr(AttributeKind::Property, 10));
  ASSERT_TRUE(create(a));
  const auto before = from_store(*db_);
  auto patch = entity("urn:a:1", {});
  put(patch, "capacity", attr(AttributeKind::Property, 11));
  ASSERT_TRUE(wait<void>([&](auto done) { service_->merge("", patch, done); }));
  EXPECT_EQ(db_->get("urn:a:1")->value().attributes[0].instances[0].value, json::value(11));
  EXPECT_EQ(from_store(*db_), before);
}

// An update that keeps the shape rewrites only the value rows; queries must see the new value.
TEST_P(DiscoveryTest, AValueChangeStillReindexesTheValue) {
  auto a = entity("urn:a:1", {"Shelter"});
  put(a, "capacity", attr(AttributeKind::Property, 10));
  ASSERT_TRUE(create(a));
  auto patch = entity("urn:a:1", {});
  put(patch, "capacity", attr(AttributeKind::Property, 11));
  ASSERT_TRUE(wait<void>([&](auto done) { service_->merge("", patch, done); }));
  auto matches = [&](std::string_view text) {
    auto parsed = query::parse_q(text, [](std::string_view term) { return iri(term); });
    EXPECT_TRUE(parsed) << text;
    EntityQuery q;
    q.q = std::make_shared<const query::Expr>(std::move(*parsed));
    auto page = db_->query(q);
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->entities.size() : 0u;
  };
  EXPECT_EQ(matches("capacity==11"), 1u);
  EXPECT_EQ(matches("capacity==10"), 0u);
}

TEST_P(DiscoveryTest, AFailedWriteLeavesNoTraceInTheSummaries) {
  auto a = entity("urn:a:1", {"Shelter"});
  put(a, "capacity", attr(AttributeKind::Property, 10));
  ASSERT_TRUE(create(a));
  const auto before = from_store(*db_);
  auto st = run([](WriteTxn& txn) -> Status {
    auto b = entity("urn:a:2", {"School"});
    put(b, "pupils", attr(AttributeKind::Property, 1));
    if (auto inserted = txn.insert(b); !inserted) return inserted;
    if (auto removed = txn.remove("urn:a:1"); !removed) return std::unexpected(removed.error());
    return fail(ErrorKind::BadRequestData, "given up");
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(from_store(*db_), before);
}

TEST_P(DiscoveryTest, ABatchCountsTheEntitiesThatSucceededOnly) {
  auto dup = entity("urn:a:1", {"Shelter"});
  ASSERT_TRUE(create(dup));
  std::vector<model::Entity> batch{entity("urn:a:1", {"Shelter"}), entity("urn:a:2", {"School"})};
  put(batch[0], "capacity", attr(AttributeKind::Property, 1));
  put(batch[1], "pupils", attr(AttributeKind::Property, 2));
  auto out =
      wait<broker::BatchOutcome>([&](auto done) { service_->batch_create("", batch, done); });
  ASSERT_TRUE(out);
  ASSERT_EQ(out->errors.size(), 1u);
  EXPECT_EQ(from_store(*db_), brute_force(stored({"urn:a:1", "urn:a:2"})));
}

// A few hundred random creates, replaces, merges, appends, attribute deletes, entity deletes,
// batch upserts and failing jobs; after each stretch the summaries must equal a recount.
class RandomWrites {
 public:
  RandomWrites(broker::EntityService& service, std::uint64_t seed)
      : service_(service), rng_(seed) {}

  void step(const std::function<Status(std::function<Status(WriteTxn&)>)>& run_job) {
    switch (pick(9)) {
      case 0:
      case 1:
        return ignore(wait<void>([&](auto d) { service_.create("", random_entity(), d); }));
      case 2:
        return ignore(wait<void>([&](auto d) { service_.replace("", random_entity(), d); }));
      case 3:
        return ignore(wait<void>([&](auto d) { service_.merge("", random_patch(), d); }));
      case 4:
        return append();
      case 5:
        return delete_attribute();
      case 6:
        return ignore(wait<void>([&](auto d) { service_.remove("", random_id(), d); }));
      case 7:
        return batch_upsert();
      default:
        return ignore(run_job(failing_job()));
    }
  }

  std::set<std::string> ids() const {
    std::set<std::string> out;
    for (int i = 0; i < kIds; ++i) out.insert(id(i));
    return out;
  }

 private:
  static constexpr int kIds = 24;
  static std::string id(int i) { return "urn:ngsi-ld:Thing:" + std::to_string(i); }

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::string random_id() { return id(pick(kIds)); }
  AttributeKind random_kind() { return static_cast<AttributeKind>(pick(8)); }
  std::string random_name() { return "a" + std::to_string(pick(6)); }

  std::vector<std::string> random_types() {
    std::vector<std::string> types{"T" + std::to_string(pick(4))};
    if (pick(3) == 0) {
      auto second = "T" + std::to_string(pick(4));
      if (second != types[0]) types.push_back(second);
    }
    return types;
  }

  // 0 to 4 attributes; some multi-attributes with datasetIds, whose instances may differ in kind.
  void add_attributes(model::Entity& e, int max) {
    for (int n = pick(max + 1); n > 0; --n) {
      const auto name = random_name();
      std::optional<std::string> dataset;
      if (pick(3) == 0) dataset = "urn:ngsi-ld:Dataset:" + std::to_string(pick(3));
      const auto kind = random_kind();
      put(e, name, attr(kind, value_for(kind, pick(100)), dataset));
    }
  }

  model::Entity random_entity() {
    auto e = entity(random_id(), random_types());
    add_attributes(e, 4);
    return e;
  }

  model::Entity random_patch() {
    auto e = entity(random_id(), pick(4) == 0 ? random_types() : std::vector<std::string>{});
    add_attributes(e, 2);
    return e;
  }

  void append() {
    auto e = random_patch();
    ignore(wait<broker::UpdateOutcome>(
        [&](auto d) { service_.append_attributes("", e.id, e.attributes, pick(2) == 0, d); }));
  }

  void delete_attribute() {
    std::optional<std::string> dataset;
    if (pick(3) == 0) dataset = "urn:ngsi-ld:Dataset:" + std::to_string(pick(3));
    const bool all = pick(4) == 0;
    ignore(wait<void>([&](auto d) {
      service_.delete_attribute("", random_id(), iri(random_name()), dataset, all, d);
    }));
  }

  void batch_upsert() {
    std::vector<model::Entity> batch;
    for (int n = 1 + pick(3); n > 0; --n) batch.push_back(random_entity());
    const auto mode = pick(2) ? broker::UpsertMode::Replace : broker::UpsertMode::Update;
    ignore(wait<broker::BatchOutcome>([&](auto d) { service_.batch_upsert("", batch, mode, d); }));
  }

  // Changes entities, then fails: the job's savepoint takes every change back.
  std::function<Status(WriteTxn&)> failing_job() {
    auto e = random_entity();
    auto victim = random_id();
    return [e, victim](WriteTxn& txn) -> Status {
      (void)txn.remove(victim);
      (void)txn.insert(e);
      return fail(ErrorKind::BadRequestData, "given up on purpose");
    };
  }

  template <typename R>
  static void ignore(const R&) {}  // errors (no such entity, already exists) are part of the mix

  broker::EntityService& service_;
  std::mt19937 rng_;
};

TEST_P(DiscoveryTest, RandomWritesKeepTheSummariesEqualToARecount) {
  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  RandomWrites writes(*service_, seed);
  auto run_job = [this](std::function<Status(WriteTxn&)> job) { return run(std::move(job)); };
  for (int i = 1; i <= 400; ++i) {
    writes.step(run_job);
    if (i % 50 != 0) continue;
    const auto entities = stored(writes.ids());
    ASSERT_EQ(from_store(*db_), brute_force(entities)) << "after " << i << " writes";
  }
}

// Migration 3 on a database written before it: the summary tables and the new entity_attrs
// columns are taken away (user_version 2, the schema of that release), then the store reopens.
TEST_F(SqliteDiscoveryTest, MigrationThreeCountsTheEntitiesOfAnOlderDatabase) {
  const auto seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  RandomWrites writes(*service_, seed);
  auto run_job = [this](std::function<Status(WriteTxn&)> job) { return run(std::move(job)); };
  for (int i = 0; i < 150; ++i) writes.step(run_job);
  const auto expected = brute_force(stored(writes.ids()));
  ASSERT_FALSE(expected.type_entities.empty());
  const auto file = this->file();
  close();

  ASSERT_TRUE(downgrade(file, 2,
                        "DROP TABLE type_summary; DROP TABLE attr_summary;"
                        "DROP TABLE type_attr_summary;"
                        "ALTER TABLE entity_attrs DROP COLUMN kinds;"
                        "ALTER TABLE entity_attrs DROP COLUMN instances;"));

  open();
  EXPECT_EQ(from_store(*db_), expected);
  // The counts go on from there: every later write keeps them right.
  RandomWrites more(*service_, seed + 1);
  for (int i = 0; i < 100; ++i) more.step(run_job);
  EXPECT_EQ(from_store(*db_), brute_force(stored(more.ids())));
}

INSTANTIATE_TEST_SUITE_P(Backends, DiscoveryTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace tsunagu::store
