-- POST /ngsi-ld/v1/entities: a new entity per request (201 only after the commit is durable).
-- Argument: RUN, a prefix that makes the ids of this run unique.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local prefix
local n = 0

setup = common.setup
done = common.done

function init(args)
  prefix = args[1] .. "-" .. tid .. "-"
end

function request()
  n = n + 1
  return wrk.format("POST", "/ngsi-ld/v1/entities", common.json_headers, common.entity(prefix, n))
end
