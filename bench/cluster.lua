-- wrk script for bench/cluster.sh: each request carries one of 10,000 client ids in X-Client, so the
-- rate-limit policy keyed by that header touches many buckets, as traffic from many clients does.
-- The result line is report.lua's.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local n = 0
function request()
   n = n + 1
   return wrk.format("GET", nil, { ["X-Client"] = "c" .. (n * 7919 % 10000) })
end
