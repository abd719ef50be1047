#pragma once
// The baseline of the notify scenario: a pub/sub broker (mosquitto, which bench/run.sh starts on
// loopback) doing the same fan-out: one publication reaches `subscribers` clients, as one write
// reaches the matching subscriptions, while one more client holds the other subscriptions (on
// topics that are never published), as the server holds the non-matching ones. Messages have
// the size of the server's notification body.
//
// The publisher keeps at most `window` messages in flight (published, not yet received by every
// subscriber): at QoS 0 nothing else would stop it from queueing without bound inside its own
// client, and the figure would measure that queue. Latency is from just before the publish
// call to the subscriber's callback.
//
//   notify_bench mqtt --port P --broker-pid PID --bytes N [--qos 0] [--subscribers 10]
//                     [--idle-subscriptions 9990] [--window 100] [--warmup 2] [--seconds 10]
//
// Prints one line of key=value pairs for bench/run.sh.

#include "args.hpp"

namespace tsunagu::bench {

int run_mqtt(const Args& args);

}  // namespace tsunagu::bench
