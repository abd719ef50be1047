-- GET of the queries in a file written by `query_scan_baseline queries` (one a line: the request
-- path, a tab, words for the baseline), taken in turn; thread number t starts at line
-- 1 + t * 7919 (mod the count), so every run asks the same questions in the same order.
-- Argument: FILE.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local paths = {}
local next_line

setup = common.setup
done = common.done

function init(args)
  for line in io.lines(args[1]) do
    local path = line:match("^([^\t]+)")
    if path then paths[#paths + 1] = path end
  end
  assert(#paths > 0, "no queries in " .. args[1])
  next_line = (tid * 7919) % #paths
end

function request()
  next_line = next_line % #paths + 1
  return wrk.format("GET", paths[next_line], common.json_headers)
end
