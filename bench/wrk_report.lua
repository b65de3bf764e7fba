-- wrk script for bench/read_bench.py: at the end of a run, print one JSON line with the request count,
-- the duration, latency percentiles (microseconds) and the number of errors (socket errors and non-2xx/3xx).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_us": %d, "p99_us": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
