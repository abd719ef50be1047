-- POST /ngsi-ld/v1/entityOperations/upsert with BATCH new entities per request.
-- Arguments: RUN BATCH (RUN makes the ids of this run unique).
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local prefix, batch
local n = 0

setup = common.setup
done = common.done

function init(args)
  prefix = args[1] .. "-" .. tid .. "-"
  batch = tonumber(args[2])
end

function request()
  local entities = {}
  for i = 1, batch do
    n = n + 1
    entities[i] = common.entity(prefix, n)
  end
  local body = "[" .. table.concat(entities, ",") .. "]"
  return wrk.format("POST", "/ngsi-ld/v1/entityOperations/upsert", common.json_headers, body)
end
