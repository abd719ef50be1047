-- Shared by the wrk scripts of bench/: the synthetic Shelter (bench/shelter.json, values computed
-- exactly as in bench/shelter.hpp) and the one result line that bench/run.sh reads.
local common = {}

local dir = os.getenv("BENCH_DIR") or "bench"

local function read(path)
  local f = assert(io.open(path, "r"))
  local text = f:read("*a")
  f:close()
  return (text:gsub("%s+$", ""))
end

common.template = read(dir .. "/shelter.json")
common.json_headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }

function common.id(prefix, i)
  return "urn:ngsi-ld:Shelter:" .. prefix .. string.format("%d", i)
end

-- The JSON of entity number i of the data set `prefix`.
function common.entity(prefix, i)
  local values = {
    ID = common.id(prefix, i),
    NUM = string.format("%d", i),
    CAP = string.format("%d", 100 + i % 900),
    OCC = string.format("%d", i % 97),
    LON = string.format("%.4f", 135.4 + (i % 1000) * 0.0002),
    LAT = string.format("%.4f", 34.6 + (math.floor(i / 1000) % 1000) * 0.0002),
  }
  return (common.template:gsub("{{(%u+)}}", values))
end

-- Gives each wrk thread a number (global `tid` in its Lua state), for unique ids and seeds.
local next_tid = 0
function common.setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

function common.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end

return common
