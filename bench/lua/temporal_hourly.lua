-- The hourly average of one random sensor's level over a month: 720 periods.
-- Arguments: SENSORS.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local temporal = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/temporal_common.lua")
local sensors

setup = common.setup
done = common.done

function init(args)
  sensors = tonumber(args[1])
  math.randomseed(3000 + tid)
end

function request()
  local id = temporal.id(math.random(0, sensors - 1))
  return wrk.format("GET", temporal.base .. "/" .. id .. "?attrs=level&" .. temporal.month ..
                    "&aggrMethods=avg&aggrPeriodDuration=PT1H", common.json_headers)
end
