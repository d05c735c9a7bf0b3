-- wrk reporting script for bench/run.sh.
-- Prints one machine-readable line when the run ends; run.sh parses it.
-- Latencies are in microseconds, as wrk records them.

function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d rps=%.1f bytes=%d" ..
      " p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f" ..
      " err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d\n",
      summary.requests, summary.duration, summary.requests / seconds, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.timeout, e.status))
end
