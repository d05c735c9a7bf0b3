-- wrk script for bench/cluster.sh: each request carries one of N client ids in X-Client (N is the script's
-- argument, default 100), so the rate-limit policy keyed by that header touches N buckets, as traffic
-- from N busy clients does. The result line is report.lua's.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local keys = 100
local n = 0

function init(args)
   keys = tonumber(args[1]) or keys
end

function request()
   n = n + 1
   return wrk.format("GET", nil, { ["X-Client"] = "c" .. (n * 7919 % keys) })
end
