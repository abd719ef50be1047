-- GET of the URL given to wrk, always the same (the query scenario and the nginx baselines).
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")

setup = common.setup
done = common.done
wrk.headers["Accept"] = "application/json"
