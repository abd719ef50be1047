// The full-scan baseline of the query scenarios: the same queries answered without any index, by
// reading the server's own SQLite database directly. For each query it reads every stored entity
// document in rid order (the order of Tsunagu's results), parses it with Boost.JSON, applies the
// query's predicate (type and the one condition; geometry with Boost.Geometry on WGS 84, as
// src/query/ does) and stops at the 20th match: what a broker without indexes would do for the
// same page. No HTTP, no rendering, one thread.
//
//   query_scan_baseline queries --kind eq|range|near|within|nested --count N [--seed S]
//   query_scan_baseline scan --db FILE --queries FILE [--max-queries 200] [--seconds 10]
//                            [--limit 20] [--check-port P] [--check-queries 10]
//
// queries: prints N queries of one kind, one a line: the request path (for wrk, bench/lua/
//   query_list.lua), a tab, and the predicate in tab-separated words for `scan`. Values are drawn
//   from a seeded generator over the data of city.hpp, so every run asks the same questions.
// scan: answers the file's queries from the first on, until --max-queries or --seconds (at least
//   three), and prints one line: queries=... p50_ms=... p99_ms=... mean_ms=... cpu_ms=...
//   docs_per_query=... With --check-port, the first --check-queries of the queries answered are
//   then sent to the server on 127.0.0.1:P, and the ids it returns are compared with the
//   baseline's pages: checked=... mismatches=... and check_gave_up=1 when the server did not
//   answer one of them within 30 s (the differences go to stderr).

#include <sqlite3.h>

#include <algorithm>
#include <boost/geometry/algorithms/distance.hpp>
#include <boost/geometry/algorithms/within.hpp>
#include <boost/geometry/geometries/point.hpp>
#include <boost/geometry/geometries/polygon.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <numbers>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.hpp"
#include "city.hpp"
#include "http_client.hpp"
#include "measure.hpp"

namespace {

namespace bg = boost::geometry;
namespace json = boost::json;
namespace city = tsunagu::bench::city;
using Clock = std::chrono::steady_clock;
using tsunagu::bench::Args;
using tsunagu::bench::cpu_seconds;
using tsunagu::bench::percentile;
using GeoPoint = bg::model::point<double, 2, bg::cs::geographic<bg::degree>>;
using GeoPolygon = bg::model::polygon<GeoPoint, /*ClockWise=*/false, /*Closed=*/true>;

constexpr std::string_view kEntities = "/ngsi-ld/v1/entities?type=Shelter";
constexpr std::string_view kDefault = "https://uri.etsi.org/ngsi-ld/default-context/";
constexpr std::string_view kLocation = "https://uri.etsi.org/ngsi-ld/location";
constexpr double kNearMetres = 500;
constexpr double kPolygonRadiusMetres = 1000;  // a hexagon about 2 km across
constexpr unsigned kRangeWidth = 20;           // capacity values in a range query: about 1 %

// ---------------------------------------------------------------- generating queries

std::string q_string(std::string_view text) {
  return "%22" + std::string(text) + "%22";
}

// One line of the query file: path, tab, predicate words.
std::string query_line(const std::string& kind, city::Draws& d) {
  const std::string page = "&limit=20";
  if (kind == "eq") {
    const auto& c = city::kCategories[d.below(city::kCategories.size())];
    return std::string(kEntities) + "&q=category==" + q_string(c.name) + page + "\teq\t" +
           std::string(c.name);
  }
  if (kind == "range") {
    const auto low = city::kMinCapacity + d.below(city::kCapacityValues - kRangeWidth + 1);
    const auto high = low + kRangeWidth - 1;
    return std::string(kEntities) + "&q=capacity==" + std::to_string(low) + ".." +
           std::to_string(high) + page + "\trange\t" + std::to_string(low) + "\t" +
           std::to_string(high);
  }
  if (kind == "near") {
    const auto lon = city::fixed(city::kMinLon + d.unit() * (city::kMaxLon - city::kMinLon), 5);
    const auto lat = city::fixed(city::kMinLat + d.unit() * (city::kMaxLat - city::kMinLat), 5);
    return std::string(kEntities) + "&georel=near;maxDistance==500&geometry=Point&coordinates=%5B" +
           lon + "," + lat + "%5D" + page + "\tnear\t" + lon + "\t" + lat;
  }
  if (kind == "within") {
    // A hexagon of radius 1 km at a random place and angle, vertices counter-clockwise.
    constexpr double kMargin = 0.02;
    const double clon =
        city::kMinLon + kMargin + d.unit() * (city::kMaxLon - city::kMinLon - 2 * kMargin);
    const double clat =
        city::kMinLat + kMargin + d.unit() * (city::kMaxLat - city::kMinLat - 2 * kMargin);
    const double turn = d.unit() * std::numbers::pi / 3;
    const double per_lat = kPolygonRadiusMetres / 110574.0;
    const double per_lon =
        kPolygonRadiusMetres / (111320.0 * std::cos(clat * std::numbers::pi / 180));
    std::vector<std::string> lons, lats;
    for (int k = 0; k < 6; ++k) {
      const double a = turn + k * std::numbers::pi / 3;
      lons.push_back(city::fixed(clon + per_lon * std::cos(a), 5));
      lats.push_back(city::fixed(clat + per_lat * std::sin(a), 5));
    }
    lons.push_back(lons.front());
    lats.push_back(lats.front());
    std::string coords = "%5B%5B", words;
    for (std::size_t k = 0; k < lons.size(); ++k) {
      coords += (k ? ",%5B" : "%5B") + lons[k] + "," + lats[k] + "%5D";
      words += "\t" + lons[k] + "\t" + lats[k];
    }
    return std::string(kEntities) + "&georel=within&geometry=Polygon&coordinates=" + coords +
           "%5D%5D" + page + "\twithin" + words;
  }
  if (kind == "nested") {
    const auto ward = city::kWards[d.below(city::kWards.size())];
    return std::string(kEntities) + "&q=address%5BaddressLocality%5D==" + q_string(ward) + page +
           "\tnested\t" + std::string(ward);
  }
  throw std::runtime_error("--kind is eq, range, near, within or nested");
}

int print_queries(const Args& args) {
  const auto kind = args.str("kind");
  city::Draws d(0x51eed0000 + args.num("seed", 1));
  for (std::uint64_t i = 0, n = args.num("count", 1000); i < n; ++i) {
    std::cout << query_line(kind, d) << "\n";
  }
  return 0;
}

// ---------------------------------------------------------------- predicates on stored documents

double number_of(const std::string& word) {
  double v = 0;
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || end != word.data() + word.size()) {
    throw std::runtime_error("not a number in the query file: " + word);
  }
  return v;
}

struct Query {
  std::string path, kind, text;
  double low = 0, high = 0;
  GeoPoint point;
  GeoPolygon polygon;

  static Query parse(const std::string& line) {
    std::vector<std::string> words;
    std::stringstream in(line);
    for (std::string w; std::getline(in, w, '\t');) words.push_back(w);
    if (words.size() < 3) throw std::runtime_error("malformed query line: " + line);
    Query q;
    q.path = words[0];
    q.kind = words[1];
    if (q.kind == "eq" || q.kind == "nested") {
      q.text = words[2];
    } else if (q.kind == "range") {
      q.low = number_of(words.at(2));
      q.high = number_of(words.at(3));
    } else if (q.kind == "near") {
      q.point = GeoPoint(number_of(words.at(2)), number_of(words.at(3)));
    } else if (q.kind == "within") {
      for (std::size_t k = 2; k + 1 < words.size(); k += 2) {
        q.polygon.outer().emplace_back(number_of(words[k]), number_of(words[k + 1]));
      }
    } else {
      throw std::runtime_error("unknown query kind " + q.kind);
    }
    return q;
  }
};

// The instances of one attribute of a stored (expanded) document, or null.
const json::array* instances(const json::object& doc, std::string_view iri) {
  const auto* attrs = doc.if_contains("attrs");
  if (attrs == nullptr || !attrs->is_object()) return nullptr;
  const auto* list = attrs->get_object().if_contains(iri);
  return list != nullptr && list->is_array() ? &list->get_array() : nullptr;
}

bool is_shelter(const json::object& doc) {
  static const std::string kShelter = std::string(kDefault) + "Shelter";
  const auto* types = doc.if_contains("type");
  if (types == nullptr || !types->is_array()) return false;
  for (const auto& t : types->get_array()) {
    if (t.is_string() && t.get_string() == kShelter) return true;
  }
  return false;
}

// Whether any instance of the attribute `iri` has a value that satisfies `test`.
template <typename Test>
bool any_value(const json::object& doc, std::string_view iri, Test test) {
  const auto* list = instances(doc, iri);
  if (list == nullptr) return false;
  for (const auto& instance : *list) {
    const auto* v = instance.is_object() ? instance.get_object().if_contains("value") : nullptr;
    if (v != nullptr && test(*v)) return true;
  }
  return false;
}

std::string attr_iri(std::string_view name) {
  return std::string(kDefault) + std::string(name);
}

// The entity's location as a point, if it is one.
std::optional<GeoPoint> location(const json::object& doc) {
  std::optional<GeoPoint> found;
  any_value(doc, kLocation, [&](const json::value& v) {
    const auto* geo = v.is_object() ? &v.get_object() : nullptr;
    const auto* coords = geo ? geo->if_contains("coordinates") : nullptr;
    if (coords == nullptr || !coords->is_array() || coords->get_array().size() < 2) return false;
    const auto& c = coords->get_array();
    found = GeoPoint(c[0].to_number<double>(), c[1].to_number<double>());
    return true;
  });
  return found;
}

bool matches(const Query& q, const json::object& doc) {
  static const std::string kCategory = attr_iri("category"), kCapacity = attr_iri("capacity"),
                           kAddress = attr_iri("address");
  if (!is_shelter(doc)) return false;
  if (q.kind == "eq") {
    return any_value(doc, kCategory, [&](const json::value& v) {
      return v.is_string() && v.get_string() == q.text;
    });
  }
  if (q.kind == "range") {
    return any_value(doc, kCapacity, [&](const json::value& v) {
      return v.is_number() && v.to_number<double>() >= q.low && v.to_number<double>() <= q.high;
    });
  }
  if (q.kind == "nested") {
    return any_value(doc, kAddress, [&](const json::value& v) {
      const auto* ward = v.is_object() ? v.get_object().if_contains("addressLocality") : nullptr;
      return ward != nullptr && ward->is_string() && ward->get_string() == q.text;
    });
  }
  const auto point = location(doc);
  if (!point) return false;
  if (q.kind == "near") return bg::distance(*point, q.point) <= kNearMetres;
  return bg::within(*point, q.polygon);
}

// ---------------------------------------------------------------- scanning

class Db {
 public:
  explicit Db(const std::string& file) {
    // Read-only, with the pragmas of the server's reader connections (schema.cpp).
    const std::string uri = "file:" + file + "?mode=ro";
    if (sqlite3_open_v2(uri.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) !=
        SQLITE_OK) {
      fail("open");
    }
    exec("PRAGMA query_only=1; PRAGMA cache_size=-16000; PRAGMA mmap_size=268435456;");
    if (sqlite3_prepare_v2(db_, "SELECT doc FROM entities ORDER BY rid", -1, &scan_, nullptr) !=
        SQLITE_OK) {
      fail("prepare");
    }
  }
  ~Db() {
    sqlite3_finalize(scan_);
    sqlite3_close(db_);
  }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Calls on_doc(text) for each document in rid order until it returns false.
  template <typename OnDoc>
  void scan(OnDoc on_doc) {
    sqlite3_reset(scan_);
    int rc;
    while ((rc = sqlite3_step(scan_)) == SQLITE_ROW) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(scan_, 0));
      const auto size = static_cast<std::size_t>(sqlite3_column_bytes(scan_, 0));
      if (!on_doc(std::string_view(text, size))) break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail("scan");
    sqlite3_reset(scan_);
  }

 private:
  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail("pragma");
  }
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* scan_ = nullptr;
};

struct Page {
  std::vector<std::string> ids;
  std::uint64_t docs = 0;  // documents read and parsed
};

// The first `limit` matches of q in rid order. Each document is parsed into an arena that is
// released before the next, as the server parses stored documents.
Page answer(Db& db, const Query& q, std::size_t limit) {
  Page page;
  alignas(16) static unsigned char buffer[64 * 1024];
  json::monotonic_resource arena(buffer, sizeof buffer);
  db.scan([&](std::string_view text) {
    ++page.docs;
    {
      const auto doc = json::parse(text, &arena);
      if (doc.is_object() && matches(q, doc.get_object())) {
        page.ids.emplace_back(doc.get_object().at("id").get_string());
      }
    }
    arena.release();
    return page.ids.size() < limit;
  });
  return page;
}

std::vector<Query> read_queries(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::vector<Query> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(Query::parse(line));
  }
  if (out.empty()) throw std::runtime_error("no queries in " + file);
  return out;
}

// The ids of the server's answer, in order.
std::vector<std::string> server_ids(tsunagu::bench::Connection& c, const std::string& path) {
  const auto reply = c.request("GET", path);
  if (reply.status != 200) {
    throw std::runtime_error("the server answered " + std::to_string(reply.status) + " to " + path +
                             ": " + reply.body.substr(0, 300));
  }
  std::vector<std::string> ids;
  const auto body = json::parse(reply.body);
  for (const auto& e : body.as_array()) {
    ids.emplace_back(e.as_object().at("id").as_string());
  }
  return ids;
}

struct CheckResult {
  std::size_t checked = 0, mismatches = 0;
  bool gave_up = false;  // the server did not answer a query within the client's timeout
};

// Compares the server's pages for the first queries with the baseline's; prints the differences
// to stderr. Stops at the first query the server does not answer in time: it is then too slow
// for a check to finish.
CheckResult check(const std::vector<Query>& queries,
                  const std::vector<std::vector<std::string>>& pages, unsigned short port) {
  tsunagu::bench::Connection c(port);
  CheckResult out;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    std::vector<std::string> got;
    try {
      got = server_ids(c, queries[i].path);
    } catch (const std::exception& ex) {
      std::cerr << "query_scan_baseline: no page from the server for " << queries[i].path << ": "
                << ex.what() << "\n";
      out.gave_up = true;
      return out;
    }
    ++out.checked;
    if (got == pages[i]) continue;
    ++out.mismatches;
    std::cerr << "query_scan_baseline: the server's page differs for " << queries[i].path << ": "
              << got.size() << " entities, the scan found " << pages[i].size() << "\n";
  }
  return out;
}

int scan(const Args& args) {
  Db db(args.str("db"));
  const auto queries = read_queries(args.str("queries"));
  const auto max_queries = std::min<std::size_t>(args.num("max-queries", 200), queries.size());
  const auto limit = args.num("limit", 20);
  const auto budget = std::chrono::seconds(args.num("seconds", 10));
  const auto port = static_cast<unsigned short>(args.num("check-port", 0));
  const std::size_t check_count = port ? args.num("check-queries", 10) : 0;
  std::vector<std::vector<std::string>> pages;  // of the first check_count queries
  std::vector<double> ms;
  std::uint64_t docs = 0, found = 0;
  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  for (std::size_t i = 0; i < max_queries && (i < 3 || Clock::now() - t0 < budget); ++i) {
    const auto t = Clock::now();
    const auto page = answer(db, queries[i], limit);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    docs += page.docs;
    found += page.ids.size();
    if (pages.size() < check_count) pages.push_back(page.ids);
  }
  const double n = static_cast<double>(ms.size());
  const double cpu_ms = (cpu_seconds() - cpu0) * 1e3 / n;
  double total = 0;
  for (double m : ms) total += m;
  std::cout << "queries=" << ms.size() << " p50_ms=" << percentile(ms, 50)
            << " p99_ms=" << percentile(ms, 99) << " mean_ms=" << total / n << " cpu_ms=" << cpu_ms
            << " docs_per_query=" << static_cast<double>(docs) / n
            << " matches_per_query=" << static_cast<double>(found) / n;
  if (port) {
    const auto checked = check(queries, pages, port);
    std::cout << " checked=" << checked.checked << " mismatches=" << checked.mismatches
              << " check_gave_up=" << (checked.gave_up ? 1 : 0);
  }
  std::cout << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    const Args args(argc, argv);
    if (command == "queries") return print_queries(args);
    if (command == "scan") return scan(args);
  } catch (const std::exception& ex) {
    std::cerr << "query_scan_baseline " << command << ": " << ex.what() << "\n";
    return 1;
  }
  std::cerr << "usage: query_scan_baseline queries|scan [--name value ...]\n";
  return 2;
}
