-- The daily maximum of every sensor's level over a month, one page of up to 1,000 sensors.
-- Arguments: none.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local temporal = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/temporal_common.lua")

setup = common.setup
done = common.done

function request()
  return wrk.format("GET", temporal.base .. "?type=Sensor&attrs=level&" .. temporal.month ..
                    "&aggrMethods=max&aggrPeriodDuration=P1D&limit=1000", common.json_headers)
end
