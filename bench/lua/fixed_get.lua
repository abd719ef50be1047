-- GET of the URL given to wrk, always the same (the query scenario and the nginx baselines).
-- With BENCH_TOKEN in the environment, every request carries it as a bearer token.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")

setup = common.setup
done = common.done
wrk.headers["Accept"] = "application/json"
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
