-- GET /ngsi-ld/v1/entities/{id} of a random entity of the loaded data set.
-- Arguments: COUNT PREFIX (entities PREFIX0 .. PREFIX(COUNT-1) exist).
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local count, prefix

setup = common.setup
done = common.done

function init(args)
  count = tonumber(args[1])
  prefix = args[2]
  math.randomseed(1000 + tid)
end

function request()
  local id = common.id(prefix, math.random(0, count - 1))
  return wrk.format("GET", "/ngsi-ld/v1/entities/" .. id, common.json_headers)
end
