-- PATCH /ngsi-ld/v1/entities/{id}/attrs/occupancy of a random entity of the loaded data set.
-- Arguments: COUNT PREFIX.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local count, prefix
local n = 0

setup = common.setup
done = common.done

function init(args)
  count = tonumber(args[1])
  prefix = args[2]
  math.randomseed(2000 + tid)
end

function request()
  n = n + 1
  local id = common.id(prefix, math.random(0, count - 1))
  local body = string.format('{"value": %d, "observedAt": "2026-11-25T10:%02d:%02dZ"}',
                             n % 500, math.floor(n / 60) % 60, n % 60)
  return wrk.format("PATCH", "/ngsi-ld/v1/entities/" .. id .. "/attrs/occupancy",
                    common.json_headers, body)
end
