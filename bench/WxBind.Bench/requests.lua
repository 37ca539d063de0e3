-- wrk script: sends the pre-signed pushes of a file ("path<TAB>body" per line) in order, so every
-- request carries its own signed query and MsgId. Prints one WRKRESULT line for the bench.
local headers = { ["Content-Type"] = "text/xml" }
local paths, bodies, count, index = {}, {}, 0, 0
wraps = 0

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    count = count + 1
    paths[count] = line:sub(1, tab - 1)
    bodies[count] = line:sub(tab + 1)
  end
end

function request()
  index = index + 1
  if index > count then
    index = 1
    wraps = wraps + 1
  end
  return wrk.format("POST", paths[index], headers, bodies[index])
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local wrapped = 0
  for _, thread in ipairs(threads) do
    wrapped = wrapped + (thread:get("wraps") or 0)
  end
  local e = summary.errors
  io.write(string.format("WRKRESULT %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, wrapped))
end
