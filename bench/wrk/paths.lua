-- Closed-loop GET load for wrk: each request takes the next line of the file named by
-- BENCH_PATHS (each thread starts at a different line), with the bearer token in
-- BENCH_TOKEN if set, and "Accept-Encoding: gzip" as every browser and HTTP library sends it
-- (wrk alone sends none). done() prints one JSON line that bench/run.py reads.
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  paths[#paths + 1] = line
end
local token = os.getenv("BENCH_TOKEN")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
end

function init(args)
  index = offset or 0
  wrk.headers["Accept-Encoding"] = "gzip"
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
end

function request()
  index = index + 1
  return wrk.format("GET", paths[(index % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
