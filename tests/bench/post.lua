-- wrk script: POST the JSON body in the file named by $LW_BENCH_BODY on every request
-- (keep-alive), and count non-200 answers so a broken run is visible in the summary.
local path = os.getenv("LW_BENCH_BODY")
local f = assert(io.open(path, "rb"), "cannot open LW_BENCH_BODY=" .. tostring(path))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

non200 = 0  -- global: read per thread with thread:get in done()
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

-- wrk gives each thread its own Lua state; collect the counters at the end.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) end

done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (tonumber(t:get("non200")) or 0) end
  io.write(string.format("LWBENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d non200=%d sock_errors=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
