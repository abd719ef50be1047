-- The last 100 readings of one random sensor.
-- Arguments: SENSORS.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local temporal = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/temporal_common.lua")
local sensors

setup = common.setup
done = common.done

function init(args)
  sensors = tonumber(args[1])
  math.randomseed(4000 + tid)
end

function request()
  local id = temporal.id(math.random(0, sensors - 1))
  return wrk.format("GET", temporal.base .. "/" .. id .. "?attrs=level&lastN=100",
                    common.json_headers)
end
