-- wrk's script for bench/support/wrk.py: POSTs the registrations that file lists (one
-- "Idempotency-Key<TAB>JSON body" a line), each once, then stops.
--
-- wrk's thread i (of THREADS, the second argument; the file is the first) sends lines i,
-- i + THREADS, i + 2 THREADS… to port i of BENCH_PORTS (comma-separated, one a thread),
-- and writes a line to stdout per 201 ("created ID T", T its CLOCK_MONOTONIC seconds: Python's
-- time.perf_counter on Linux) and one when its last answer came ("finished"). done() writes
-- the outcomes ("outcome STATUS CODE COUNT", CODE a refusal's "code" or "-"), the socket
-- errors ("errors N"), latency ("latency P50 P99", microseconds) and "elapsed SECONDS", from
-- the first request to the last answer.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local threads = {} -- in the setup and done environment only

function setup(thread)
  local ports = {}
  for port in os.getenv("BENCH_PORTS"):gmatch("%d+") do
    ports[#ports + 1] = port
  end
  thread:set("index", #threads)
  thread.addr = wrk.lookup("127.0.0.1", ports[#threads + 1])[1]
  threads[#threads + 1] = thread
end

function init(args)
  local path, step = args[1], tonumber(args[2])
  requests, answered, outcomes = {}, 0, {}
  local line_number = 0
  for line in io.lines(path) do
    if line_number % step == index then
      local key, body = line:match("^([^\t]+)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
    end
    line_number = line_number + 1
  end
  -- wrk asks thread 0 for one request before the run, to check it, and does not send it
  promised, sent = 0, index == 0 and -1 or 0
  requests[0] = requests[1]
  io.stdout:setvbuf("line") -- each "created" line reaches the lag watcher as it happens
end

-- wrk asks delay() when a connection is ready, then request() when the delay is over: other
-- connections may ask in between, so delay() promises a request and request() takes the next.
function delay()
  if promised == #requests then
    return 3600000 -- a connection with nothing left to send waits for the others' answers
  end
  promised = promised + 1
  return 0
end

function request()
  sent = sent + 1
  if sent == 1 then
    first = now()
  end
  return requests[sent]
end

function response(status, headers, body)
  answered = answered + 1
  last = now()
  if status == 201 then
    -- one write a line: stdio keeps each call whole between threads, not a call's arguments
    io.write(string.format("created %s %.6f\n", headers["Location"]:match("[^/]+$"), last))
  end
  local code = status ~= 201 and body:match('"code"%s*:%s*"([^"]+)"')
  local outcome = status .. " " .. (code or "-")
  outcomes[outcome] = (outcomes[outcome] or 0) + 1
  if answered == #requests then
    io.write("finished\n")
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local outcomes, first, last = {}, math.huge, 0
  for _, thread in ipairs(threads) do
    for outcome, count in pairs(thread:get("outcomes")) do
      outcomes[outcome] = (outcomes[outcome] or 0) + count
    end
    first = math.min(first, thread:get("first") or math.huge)
    last = math.max(last, thread:get("last") or 0)
  end
  for outcome, count in pairs(outcomes) do
    io.write("outcome ", outcome, " ", count, "\n")
  end
  local errors = summary.errors
  io.write("errors ", errors.connect + errors.read + errors.write, "\n")
  io.write("latency ", latency:percentile(50), " ", latency:percentile(99), "\n")
  io.write("elapsed ", string.format("%.6f", last - first), "\n")
end
