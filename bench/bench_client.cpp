// The benchmark's own small HTTP client, for what wrk cannot express: loading an exact number
// of entities (wrk runs for a duration, not a count) and timing a start-up from exec to the first
// successful read. Plain blocking sockets, HTTP/1.1 keep-alive, loopback only.
//
//   bench_client load --port P --template F --count N [--start I] [--prefix S] [--batch 100]
//                     [--conns 4]
//   bench_client load --port P --dataset city --count N [...]   (the query data set, city.hpp)
//   bench_client wait-ready --ready-file F --t0-ns NS --path /ngsi-ld/v1/entities/ID
//   bench_client free-port
//
// Each prints one line of key=value pairs that bench/run.sh reads. Exit status 1 on any error,
// including an unexpected HTTP status.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "args.hpp"
#include "city.hpp"
#include "http_client.hpp"
#include "parallel_requests.hpp"
#include "shelter.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tsunagu::bench::Args;
using tsunagu::bench::Connection;
using tsunagu::bench::for_each_on_connections;
using tsunagu::bench::ShelterTemplate;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Batch-upserts entities start .. start+count-1 over `conns` connections, `batch` per request:
// the bench/shelter.json template filled in, or with --dataset city the entities of city.hpp.
int load(const Args& args) {
  const auto port = static_cast<unsigned short>(args.num("port"));
  const auto dataset = args.str("dataset", "shelter");
  if (dataset != "shelter" && dataset != "city") {
    throw std::runtime_error("--dataset is shelter or city, not '" + dataset + "'");
  }
  const bool city = dataset == "city";
  const auto tpl =
      city ? std::optional<ShelterTemplate>()
           : std::optional<ShelterTemplate>(ShelterTemplate::load(args.str("template")));
  const auto count = args.num("count");
  const auto start = args.num("start", 0);
  const auto batch = args.num("batch", 100);
  const auto conns = args.num("conns", 4);
  const auto prefix = args.str("prefix", "b");
  const std::uint64_t batches = (count + batch - 1) / batch;

  const auto t0 = Clock::now();
  for_each_on_connections(port, conns, batches, [&](Connection& c, std::uint64_t b) {
    const auto first = start + b * batch;
    const auto last = std::min(start + count, first + batch);
    std::string body = "[";
    for (auto i = first; i < last; ++i) {
      if (i != first) body += ',';
      if (city) {
        tsunagu::bench::city::Shelter::make(prefix, i).append_json(body, i);
      } else {
        tpl->append(body, prefix, i);
      }
    }
    body += ']';
    auto reply = c.request("POST", "/ngsi-ld/v1/entityOperations/upsert", body);
    if (reply.status != 201 && reply.status != 204) {
      throw std::runtime_error("upsert answered " + std::to_string(reply.status) + ": " +
                               reply.body.substr(0, 300));
    }
  });
  const double secs = seconds_since(t0);
  std::cout << "entities=" << count << " seconds=" << secs
            << " entities_per_s=" << static_cast<double>(count) / secs << "\n";
  return 0;
}

std::int64_t realtime_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::optional<unsigned short> port_of_ready_file(const std::string& file) {
  std::ifstream in(file);
  std::string address;
  if (!(in >> address)) return std::nullopt;
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  return static_cast<unsigned short>(std::stoul(address.substr(colon + 1)));
}

// Polls every millisecond: for the ready file, then for a 200 answer to a GET of `path`.
// Times are measured from --t0-ns, the wall clock (ns) that the script read just before exec.
int wait_ready(const Args& args) {
  const auto t0 = static_cast<std::int64_t>(args.num("t0-ns"));
  const auto ready_file = args.str("ready-file");
  const auto path = args.str("path");
  const auto limit = Clock::now() + std::chrono::seconds(args.num("timeout-s", 120));
  const auto ms_since_t0 = [&] { return static_cast<double>(realtime_ns() - t0) / 1e6; };
  std::optional<unsigned short> port;
  while (!(port = port_of_ready_file(ready_file))) {
    if (Clock::now() > limit) throw std::runtime_error("no ready file in time");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const double ready_ms = ms_since_t0();
  for (;;) {
    try {
      Connection c(*port);
      if (c.request("GET", path).status == 200) break;
    } catch (const std::exception&) {
      // not accepting yet
    }
    if (Clock::now() > limit) throw std::runtime_error("no successful GET in time");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::cout << "ready_ms=" << ready_ms << " first_get_ms=" << ms_since_t0() << "\n";
  return 0;
}

// A loopback port that was free a moment ago (for nginx, which cannot report a port 0 choice).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  std::cout << ntohs(addr.sin_port) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    const Args args(argc, argv);
    if (command == "load") return load(args);
    if (command == "wait-ready") return wait_ready(args);
    if (command == "free-port") return free_port();
  } catch (const std::exception& ex) {
    std::cerr << "bench_client " << command << ": " << ex.what() << "\n";
    return 1;
  }
  std::cerr << "usage: bench_client load|wait-ready|free-port [--name value ...]\n";
  return 2;
}
