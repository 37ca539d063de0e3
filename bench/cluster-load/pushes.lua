-- wrk script: POSTs the pre-signed pushes in $WXBIND_LOAD_FILE ("path<TAB>body" per line), each
-- once; thread k of n takes lines k, k+n, k+2n, ... and stops sending new ones when they run out.
local next_id = 0
local all_threads = {}
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(all_threads, thread)
end

function init(args)
  threads = tonumber(os.getenv("WXBIND_LOAD_THREADS"))
  requests = {}
  local n = 0
  for line in io.lines(os.getenv("WXBIND_LOAD_FILE")) do
    if n % threads == id then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] = wrk.format("POST", line:sub(1, tab - 1), { ["Content-Type"] = "text/xml" }, line:sub(tab + 1))
    end
    n = n + 1
  end
  index = 0
  prepared = #requests
end

function request()
  index = index + 1
  if index > #requests then
    -- Out of fresh pushes: a repeat would be a replay (refused by design), so ask for the health check instead.
    return wrk.format("GET", "/healthz")
  end
  return requests[index]
end

function done(summary, latency, requests)
  for _, thread in ipairs(all_threads) do
    if thread:get("index") > thread:get("prepared") then
      print("ran out of prepared pushes")
      return
    end
  end
end
