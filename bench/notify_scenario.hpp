#pragma once
// The notify scenario (docs/performance.md, "Subscriptions"), run against a server that
// bench/run.sh started and loaded with the Shelters PREFIX0 .. PREFIX<entities - 1>
// (bench_client load):
//   1. start the receiver;
//   2. write load with no subscription                                        -> w0_*
//   3. create the non-matching subscriptions; the same write load              -> w1_*
//   4. create the matching ones, each to its own receiver port; the same load  -> w2_*, and the
//      notifications: received per second, commit-to-receipt latency, what never arrived.
//
//   notify_bench notify --port P --server-pid PID --prefix S --entities N
//                [--subscriptions 10000] [--matching 10] [--conns 8]
//                [--kinds types,attrs] [--shared-endpoint 0] [--warmup 2] [--seconds 10]
//                [--drain-seconds 15]
//
// Prints one line of key=value pairs for bench/run.sh.

#include "args.hpp"

namespace tsunagu::bench {

int run_notify(const Args& args);

}  // namespace tsunagu::bench
