-- GET /ngsi-ld/v1/entities/{id} of a random entity of the loaded data set.
-- Arguments: COUNT PREFIX [TOKEN] (entities PREFIX0 .. PREFIX(COUNT-1) exist; with TOKEN, each
-- request carries it as a bearer token).
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local count, prefix
local headers = common.json_headers

setup = common.setup
done = common.done

function init(args)
  count = tonumber(args[1])
  prefix = args[2]
  if args[3] then
    headers = { ["Accept"] = "application/json", ["Authorization"] = "Bearer " .. args[3] }
  end
  math.randomseed(1000 + tid)
end

function request()
  local id = common.id(prefix, math.random(0, count - 1))
  return wrk.format("GET", "/ngsi-ld/v1/entities/" .. id, headers)
end
