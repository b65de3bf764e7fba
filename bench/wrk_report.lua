-- wrk script for bench/read_bench.py.
--
-- Given a file of paths (`wrk ... -s wrk_report.lua URL -- PATHS_FILE`), each request takes the next path of the
-- file (one a line; from the first again after the last), so that every request of a run is a different query;
-- without one, every request is the URL's. At the end of a run, it prints one JSON line with the request count,
-- the duration, latency percentiles (microseconds) and the number of errors (socket errors and non-2xx/3xx).
local paths, count, next_path = nil, 0, 0

init = function(args)
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do
      paths[#paths + 1] = line
    end
    count = #paths
  end
end

request = function()
  if paths == nil then
    return wrk.request()
  end
  next_path = next_path % count + 1
  return wrk.format(nil, paths[next_path])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
