-- POST /oauth2/token with the client_credentials grant (RFC 6749 4.4), HTTP Basic client
-- authentication. Arguments: CLIENT_ID CLIENT_SECRET.
local common = dofile((os.getenv("BENCH_DIR") or "bench") .. "/lua/common.lua")
local body = "grant_type=client_credentials"
local headers

setup = common.setup
done = common.done

-- Base64 (RFC 4648) of a short ASCII string: Lua has none built in.
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  return ((s:gsub(".", function(c)
    local bits, byte = "", c:byte()
    for i = 8, 1, -1 do bits = bits .. (byte % 2 ^ i - byte % 2 ^ (i - 1) > 0 and "1" or "0") end
    return bits
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local n = 0
    for i = 1, 6 do n = n + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(n + 1, n + 1)
  end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

function init(args)
  headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Authorization"] = "Basic " .. base64(args[1] .. ":" .. args[2]),
  }
end

function request()
  return wrk.format("POST", "/oauth2/token", headers, body)
end
