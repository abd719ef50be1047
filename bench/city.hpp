#pragma once
// The data set of the query scenarios: Shelters spread over the Osaka area in the shape of the
// demo data (data/demo/), with what the five kinds of query filter on: a `category` from a small
// set of unequal frequencies, a `capacity`, an `occupancy` with `observedAt` and a sub-property
// `reliability`, an `address` whose JSON value holds the ward (`addressLocality`) and a
// GeoProperty `location`, uniform over the bounding box below.
//
// Entity number i is a pure function of i (a counter-based generator, no state), so loaders on
// several connections, the query generator and the full-scan baseline agree without sharing
// anything, and every run loads the very same data.

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace tsunagu::bench::city {

// About the extent of Osaka Prefecture's urban area, in degrees (WGS 84).
inline constexpr double kMinLon = 135.09, kMaxLon = 135.75;
inline constexpr double kMinLat = 34.27, kMaxLat = 34.95;

// The 24 wards of Osaka City; each entity's address names one (uniformly, whatever its place).
inline constexpr std::array<std::string_view, 24> kWards = {"Kita-ku",
                                                            "Miyakojima-ku",
                                                            "Fukushima-ku",
                                                            "Konohana-ku",
                                                            "Chuo-ku",
                                                            "Nishi-ku",
                                                            "Minato-ku",
                                                            "Taisho-ku",
                                                            "Tennoji-ku",
                                                            "Naniwa-ku",
                                                            "Nishiyodogawa-ku",
                                                            "Yodogawa-ku",
                                                            "Higashiyodogawa-ku",
                                                            "Higashinari-ku",
                                                            "Ikuno-ku",
                                                            "Asahi-ku",
                                                            "Joto-ku",
                                                            "Tsurumi-ku",
                                                            "Abeno-ku",
                                                            "Suminoe-ku",
                                                            "Sumiyoshi-ku",
                                                            "Higashisumiyoshi-ku",
                                                            "Nishinari-ku",
                                                            "Hirano-ku"};

struct Category {
  std::string_view name;
  unsigned percent;  // share of the entities
};

// Frequent kinds of site first; the shares add up to 100.
inline constexpr std::array<Category, 8> kCategories = {{{"school", 35},
                                                         {"park", 20},
                                                         {"community-centre", 15},
                                                         {"temple-shrine", 10},
                                                         {"gymnasium", 8},
                                                         {"public-hall", 6},
                                                         {"hospital", 4},
                                                         {"tsunami-tower", 2}}};

inline constexpr unsigned kMinCapacity = 50, kCapacityValues = 2000;  // 50 .. 2049

// splitmix64: a counter-based generator, the n-th draw of stream `seed` without any state.
inline std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Successive draws of one stream.
class Draws {
 public:
  explicit Draws(std::uint64_t stream) : state_(mix(stream)) {}
  std::uint64_t next() { return mix(state_ += 0x632be59bd9b4e019ULL); }
  // In [0, 1), 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  std::uint64_t below(std::uint64_t n) { return next() % n; }

 private:
  std::uint64_t state_;
};

inline std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

inline std::string_view category_of(unsigned percentile) {
  for (const auto& c : kCategories) {
    if (percentile < c.percent) return c.name;
    percentile -= c.percent;
  }
  return kCategories.back().name;
}

struct Shelter {
  std::string id, lon, lat;  // coordinates as written: 5 decimals, about 1 m
  std::string_view category, ward, status;
  unsigned capacity, occupancy;
  double reliability;

  static std::string id_of(std::string_view prefix, std::uint64_t i) {
    return "urn:ngsi-ld:Shelter:" + std::string(prefix) + std::to_string(i);
  }

  static Shelter make(std::string_view prefix, std::uint64_t i) {
    Draws d(i);
    Shelter s;
    s.id = id_of(prefix, i);
    s.lon = fixed(kMinLon + d.unit() * (kMaxLon - kMinLon), 5);
    s.lat = fixed(kMinLat + d.unit() * (kMaxLat - kMinLat), 5);
    s.category = category_of(static_cast<unsigned>(d.below(100)));
    s.ward = kWards[d.below(kWards.size())];
    s.capacity = kMinCapacity + static_cast<unsigned>(d.below(kCapacityValues));
    s.occupancy = static_cast<unsigned>(d.below(s.capacity + 1));
    s.reliability = 0.5 + static_cast<double>(d.below(51)) / 100;
    s.status = s.occupancy == s.capacity ? "full" : "open";
    return s;
  }

  // The entity as NGSI-LD normalized JSON (core context, no @context member).
  void append_json(std::string& out, std::uint64_t i) const {
    const std::string n = std::to_string(i);
    out += R"({"id":")" + id + R"(","type":"Shelter","name":{"type":"LanguageProperty",)";
    out += R"("languageMap":{"en":"Shelter )" + n + R"(","ja":"避難所)" + n + R"("}},)";
    out += R"("category":{"type":"Property","value":")" + std::string(category) + R"("},)";
    out += R"("capacity":{"type":"Property","value":)" + std::to_string(capacity) +
           R"(,"unitCode":"C62"},)";
    out += R"("occupancy":{"type":"Property","value":)" + std::to_string(occupancy) +
           R"(,"unitCode":"C62","observedAt":"2026-11-01T09:00:00Z",)";
    out += R"("reliability":{"type":"Property","value":)" + fixed(reliability, 2) + "}},";
    out += R"("status":{"type":"VocabProperty","vocab":")" + std::string(status) + R"("},)";
    out += R"("address":{"type":"Property","value":{"addressLocality":")" + std::string(ward) +
           R"(","addressRegion":"Osaka"}},)";
    out += R"("location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[)" + lon +
           "," + lat + "]}}}";
  }
};

}  // namespace tsunagu::bench::city
