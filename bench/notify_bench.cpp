// The subscription benchmark (`make bench BENCH=notify`): Tsunagu's notifications to a loopback
// receiver with 10,000 subscriptions present, and the same fan-out through mosquitto as the
// baseline. See notify_scenario.hpp and mqtt_baseline.hpp for what each subcommand measures.
//
//   notify_bench notify --port P --server-pid PID --prefix S --entities N [...]
//   notify_bench mqtt --port P --broker-pid PID --bytes N [...]
//
// Each prints one line of key=value pairs that bench/run.sh reads. Exit status 1 on any error.

#include <iostream>
#include <stdexcept>
#include <string>

#include "args.hpp"
#include "mqtt_baseline.hpp"
#include "notify_scenario.hpp"

int main(int argc, char** argv) {
  using namespace tsunagu::bench;
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    const Args args(argc, argv);
    if (command == "notify") return run_notify(args);
    if (command == "mqtt") return run_mqtt(args);
  } catch (const std::exception& ex) {
    std::cerr << "notify_bench " << command << ": " << ex.what() << "\n";
    return 1;
  }
  std::cerr << "usage: notify_bench notify|mqtt [--name value ...]\n";
  return 2;
}
