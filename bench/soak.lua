-- wrk script for bench/soak.sh: 80 % POST /v1/match, 15 % GET /tmserver/…, 5 % POST /v1/units.
--
-- Environment (set by soak.sh):
--   SOAK_REQUESTS  the file `soak.py requests` wrote: one request per line, "kind<TAB>a<TAB>b"
--   SOAK_OUT       prefix of the files done() writes: .acked and .pending (id<TAB>template
--                  of the writes answered 201 and of the others) and .stats
--   SOAK_TAG       makes the unit ids of this run unique across runs on one memory
--
-- A response does not say which request it answers (a thread multiplexes its connections),
-- so a write is counted as acknowledged only by the id in its own 201 body.

local matches, lookups, writes = {}, {}, {}
local json = { ["Content-Type"] = "application/json" }

-- Per-thread state; done() reads it back with thread:get.
tid, sent_writes, pending, acked, statuses, samples = 0, 0, {}, {}, {}, {}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   math.randomseed(os.time() * 100 + tid)
   local f = assert(io.open(os.getenv("SOAK_REQUESTS"), "r"))
   for line in f:lines() do
      local kind, a, b = line:match("^(%a)\t([^\t]*)\t?(.*)$")
      if kind == "M" then
         table.insert(matches, wrk.format("POST", "/v1/match", json, a))
      elseif kind == "T" then
         table.insert(lookups, wrk.format("GET", a, {}))
      elseif kind == "W" then
         table.insert(writes, { a, b })
      end
   end
   f:close()
   assert(#matches > 0 and #lookups > 0 and #writes > 0, "SOAK_REQUESTS lacks a kind")
end

function request()
   local r = math.random()
   if r < 0.80 then
      return matches[math.random(#matches)]
   elseif r < 0.95 then
      return lookups[math.random(#lookups)]
   end
   sent_writes = sent_writes + 1
   local k = math.random(#writes)
   local id = "soak-" .. os.getenv("SOAK_TAG") .. "-" .. tid .. "-" .. sent_writes
   pending[id] = k
   return wrk.format("POST", "/v1/units", json, writes[k][1] .. id .. writes[k][2])
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
   if status == 201 then
      local id = body:match('^{"ids":%["(soak%-[^"]+)"')
      if id and pending[id] then
         acked[id] = pending[id]
         pending[id] = nil
      end
   elseif (status < 200 or status > 299) and #samples < 5 then
      -- Kept verbatim: whether an error body is the documented JSON is part of the result.
      table.insert(samples, status .. " " .. body:sub(1, 300))
   end
end

function done(summary, latency, requests)
   local out = os.getenv("SOAK_OUT")
   local ids = assert(io.open(out .. ".acked", "w"))
   local unanswered = assert(io.open(out .. ".pending", "w"))
   local byStatus, sent, nacked, errs = {}, 0, 0, {}
   for _, t in ipairs(threads) do
      sent = sent + t:get("sent_writes")
      for id, k in pairs(t:get("acked")) do
         ids:write(id, "\t", k, "\n")
         nacked = nacked + 1
      end
      -- In flight when wrk stopped, or answered other than 201. wrk also calls request()
      -- once before the run without sending it, which can leave one write never sent.
      for id, k in pairs(t:get("pending")) do unanswered:write(id, "\t", k, "\n") end
      for s, n in pairs(t:get("statuses")) do byStatus[s] = (byStatus[s] or 0) + n end
      for _, s in ipairs(t:get("samples")) do table.insert(errs, s) end
   end
   ids:close()
   unanswered:close()
   local non2xx = 0
   local codes = {}
   for s, n in pairs(byStatus) do
      if s < 200 or s > 299 then non2xx = non2xx + n end
      table.insert(codes, s .. ":" .. n)
   end
   table.sort(codes)
   local e = summary.errors
   local st = assert(io.open(out .. ".stats", "w"))
   st:write(string.format("requests=%d\nseconds=%.1f\nrps=%.1f\np50_ms=%.1f\np90_ms=%.1f\np99_ms=%.1f\nmax_ms=%.1f\n",
      summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000))
   st:write(string.format("non2xx=%d\nconnect=%d\nread=%d\nwrite=%d\ntimeout=%d\n",
      non2xx, e.connect, e.read, e.write, e.timeout))
   st:write(string.format("writes_sent=%d\nwrites_acked=%d\nstatuses=%s\n", sent, nacked, table.concat(codes, " ")))
   for i, s in ipairs(errs) do st:write("sample", i, "=", (s:gsub("\n", " ")), "\n") end
   st:close()
end
