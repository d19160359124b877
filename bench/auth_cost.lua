-- wrk script for bench/auth_cost.sh: POST /v1/match, cycling through the JSON bodies in the
-- file AUTH_COST_BODIES (one body per line). When AUTH_COST_KEY is set and not empty, every
-- request carries "Authorization: Bearer $AUTH_COST_KEY".
local requests = {}
local i = 0

function init(args)
   local headers = { ["Content-Type"] = "application/json" }
   local key = os.getenv("AUTH_COST_KEY")
   if key and key ~= "" then
      headers["Authorization"] = "Bearer " .. key
   end
   local f = assert(io.open(assert(os.getenv("AUTH_COST_BODIES"), "AUTH_COST_BODIES unset"), "r"))
   for line in f:lines() do
      if line ~= "" then
         table.insert(requests, wrk.format("POST", "/v1/match", headers, line))
      end
   end
   f:close()
   assert(#requests > 0, "no bodies")
   i = math.random(#requests) - 1
end

function request()
   i = i % #requests + 1
   return requests[i]
end
